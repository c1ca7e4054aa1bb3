// otp-service through real gRPC on 127.0.0.1:0, built in-process so that a FakeClock drives time:
// rich error details on the wire, the plaintext health-only port, reflection, metrics, request
// ids, graceful drain, and mTLS with a caller allow-list.
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/log/log.h"
#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "lindungi/status/status.h"
#include "nlohmann/json.hpp"
#include "otp_server.h"
#include "support/child_process.h"
#include "support/grpc_probe.h"
#include "support/otp_fixture.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = lindungi::otp::v1;

class OtpGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/registered.txt", "# demo\n0812-3456-7890\n");
    config_.pepper = kPepper;
    config_.registered_phones_file = dir_ + "/registered.txt";
    config_.delivery.outbox_file = dir_ + "/outbox.jsonl";
    options_.bind_host = "127.0.0.1";
    options_.drain_timeout = absl::Seconds(5);
  }

  void StartServer() {
    auto server = otp::OtpServer::Start(config_, options_, redis_->options(), clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = PlaintextChannel(server_->host().grpc_port());
    stub_ = v1::OtpService::NewStub(channel_);
  }

  grpc::Status RequestOtp(const std::string& phone, v1::RequestOtpResponse* resp,
                          grpc::ClientContext* ctx = nullptr) {
    grpc::ClientContext local;
    if (ctx == nullptr) ctx = &local;
    v1::RequestOtpRequest req;
    req.set_phone(phone);
    req.set_requester("wa:grpc-test");
    req.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
    return stub_->RequestOtp(ctx, req, resp);
  }

  grpc::Status VerifyOtp(const std::string& phone, const std::string& code,
                         v1::VerifyOtpResponse* resp) {
    grpc::ClientContext ctx;
    v1::VerifyOtpRequest req;
    req.set_phone(phone);
    req.set_code(code);
    return stub_->VerifyOtp(&ctx, req, resp);
  }

  // The last code the outbox provider wrote for `e164` (deliveries are asynchronous).
  std::string OutboxCode(const std::string& e164, size_t nth = 1) {
    std::string code;
    Eventually([&] {
      size_t seen = 0;
      std::istringstream lines(ReadFileOrDie(config_.delivery.outbox_file));
      for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        if (j["to"] != e164) continue;
        if (++seen == nth) {
          code = j["message"].get<std::string>().substr(31, 6);
          return true;
        }
      }
      return false;
    });
    return code;
  }

  std::unique_ptr<RedisServer> redis_;
  std::string dir_;
  otp::OtpConfig config_;
  server::ServerOptions options_;
  clock::FakeClock clock_;
  std::unique_ptr<otp::OtpServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::OtpService::Stub> stub_;
};

TEST_F(OtpGrpcTest, RequestAndVerifyOverGrpc) {
  StartServer();
  v1::RequestOtpResponse issued;
  ASSERT_TRUE(RequestOtp("081234567890", &issued).ok());
  EXPECT_EQ(issued.masked_phone(), "0812****7890");
  EXPECT_EQ(issued.expires_in_seconds(), 300);
  EXPECT_EQ(issued.resend_after_seconds(), 60);
  const std::string code = OutboxCode(kRegistered);
  ASSERT_EQ(code.size(), 6u);

  v1::VerifyOtpResponse wrong;
  ASSERT_TRUE(VerifyOtp(kRegistered, OtherCode(code), &wrong).ok());
  EXPECT_EQ(wrong.outcome(), v1::VERIFY_OUTCOME_WRONG_CODE);
  EXPECT_EQ(wrong.attempts_left(), 4);
  EXPECT_TRUE(wrong.phone_e164().empty());

  v1::VerifyOtpResponse right;
  ASSERT_TRUE(VerifyOtp("+62 812-3456-7890", code, &right).ok());
  EXPECT_EQ(right.outcome(), v1::VERIFY_OUTCOME_VERIFIED);
  EXPECT_EQ(right.phone_e164(), kRegistered);
}

TEST_F(OtpGrpcTest, ErrorsCarryStandardDetails) {
  StartServer();
  v1::RequestOtpResponse resp;
  grpc::Status bad = RequestOtp("+1 415 555 0100", &resp);
  ASSERT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violation = status::FieldViolationOf(status::FromGrpc(bad));
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->first, "phone");
  EXPECT_THAT(bad.error_message(), Not(HasSubstr("415")));  // the input is never echoed

  ASSERT_TRUE(RequestOtp(kRegistered, &resp).ok());
  grpc::Status limited = RequestOtp(kRegistered, &resp);
  ASSERT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const absl::Status rich = status::FromGrpc(limited);
  EXPECT_EQ(status::RetryAfterOf(rich), absl::Seconds(60));
  EXPECT_EQ(status::ReasonOf(rich), "PHONE_COOLDOWN");
  EXPECT_THAT(limited.error_message(), HasSubstr("60 s"));
}

TEST_F(OtpGrpcTest, RedisOutageIsUnavailableThenRecovers) {
  StartServer();
  redis_->Stop();
  v1::RequestOtpResponse resp;
  EXPECT_EQ(RequestOtp(kRegistered, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::VerifyOtpResponse vresp;
  EXPECT_EQ(VerifyOtp(kRegistered, "123456", &vresp).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(RequestOtp(kRegistered, &resp).ok());
}

TEST_F(OtpGrpcTest, HealthPortServesHealthAndNothingElse) {
  StartServer();
  const int health = server_->host().health_port();
  EXPECT_EQ(HealthCheck(health).value_or("error"), "SERVING");
  EXPECT_EQ(HealthCheck(health, "lindungi.otp.v1.OtpService").value_or("error"), "SERVING");
  EXPECT_EQ(HealthCheck(health, "liveness").value_or("error"), "SERVING");
  EXPECT_EQ(HealthCheck(server_->host().grpc_port()).value_or("error"), "SERVING");

  auto otp_on_health = v1::OtpService::NewStub(PlaintextChannel(health));
  grpc::ClientContext ctx;
  v1::RequestOtpRequest req;
  v1::RequestOtpResponse resp;
  EXPECT_EQ(otp_on_health->RequestOtp(&ctx, req, &resp).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(ReflectionServices(health).status().code(), absl::StatusCode::kUnimplemented);
}

TEST_F(OtpGrpcTest, ReflectionListsTheServiceOnTheMainPort) {
  StartServer();
  auto services = ReflectionServices(server_->host().grpc_port());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("lindungi.otp.v1.OtpService"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));
}

constexpr char kRequestOtpOk[] =
    "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"RequestOtp\","
    "grpc_service=\"lindungi.otp.v1.OtpService\",grpc_type=\"unary\"}";
constexpr char kRequestOtpStarted[] =
    "grpc_server_started_total{grpc_method=\"RequestOtp\","
    "grpc_service=\"lindungi.otp.v1.OtpService\",grpc_type=\"unary\"}";

TEST_F(OtpGrpcTest, RequestIdIsEchoedAndMetricsUseGoGrpcPrometheusNames) {
  StartServer();
  const int metrics_port = server_->host().metrics_port();
  const double ok_before = MetricValue(Scrape(metrics_port), kRequestOtpOk);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-request-id", "req-abc-123");
  v1::RequestOtpResponse resp;
  ASSERT_TRUE(RequestOtp(kRegistered, &resp, &ctx).ok());
  auto echoed = ctx.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ctx.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-abc-123");
  (void)RequestOtp(kRegistered, &resp);  // refused by the cooldown

  const std::string body = Scrape(metrics_port);
  EXPECT_EQ(MetricValue(body, kRequestOtpOk), ok_before + 1);
  EXPECT_THAT(body, HasSubstr("grpc_server_handled_total{grpc_code=\"ResourceExhausted\""));
  EXPECT_THAT(body, HasSubstr("grpc_server_handling_seconds_bucket{grpc_method=\"RequestOtp\""));
  EXPECT_THAT(body, HasSubstr("grpc_server_msg_received_total{"));
  EXPECT_THAT(body, HasSubstr("lindungi_otp_issued_total{channel=\"whatsapp\"}"));
  EXPECT_THAT(body, HasSubstr("lindungi_otp_rate_limited_total{limit=\"phone_cooldown\"}"));
  EXPECT_THAT(body, Not(HasSubstr("81234567890")));
}

TEST_F(OtpGrpcTest, ShutdownDrainsCallsInFlightAndRefusesNewOnes) {
  StartServer();
  const int grpc_port = server_->host().grpc_port();
  const int metrics_port = server_->host().metrics_port();
  const double started_before = MetricValue(Scrape(metrics_port), kRequestOtpStarted);
  // Redis paused keeps the call provably in flight when shutdown begins.
  redis::RedisPool admin(redis_->options());
  ASSERT_TRUE(admin.Command({"CLIENT", "PAUSE", "1500", "ALL"}).ok());
  grpc::Status in_flight;
  absl::Time call_done;
  std::thread caller([&] {
    v1::RequestOtpResponse resp;
    in_flight = RequestOtp(kRegistered, &resp);
    call_done = absl::Now();
  });
  const bool started = Eventually(
      [&] { return MetricValue(Scrape(metrics_port), kRequestOtpStarted) > started_before; });
  const absl::Time shutdown_began = absl::Now();
  server_->Shutdown();
  caller.join();
  ASSERT_TRUE(started);
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  EXPECT_GT(call_done, shutdown_began) << "the call finished before shutdown: nothing was drained";
  auto after = v1::OtpService::NewStub(PlaintextChannel(grpc_port));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  v1::RequestOtpRequest req;
  v1::RequestOtpResponse resp;
  EXPECT_EQ(after->RequestOtp(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(OtpGrpcTest, ClientChannelsCarryTheCurrentRequestIdAndCountCalls) {
  StartServer();
  auto channel = grpcclient::MakeChannel(absl::StrCat("127.0.0.1:", server_->host().grpc_port()),
                                         grpcclient::ChannelOptions{});
  ASSERT_TRUE(channel.ok()) << channel.status();
  auto stub = v1::OtpService::NewStub(*channel);
  const std::string series =
      "grpc_client_handled_total{grpc_code=\"OK\",grpc_method=\"VerifyOtp\","
      "grpc_service=\"lindungi.otp.v1.OtpService\",grpc_type=\"unary\"}";
  const double before = MetricValue(Scrape(server_->host().metrics_port()), series);

  log::RequestIdScope scope("from-the-gateway-42");  // as a worker handling a message would
  auto ctx = grpcclient::NewCallContext(absl::Seconds(5));
  v1::VerifyOtpRequest req;
  req.set_phone(kRegistered);
  req.set_code("123456");
  v1::VerifyOtpResponse resp;
  ASSERT_TRUE(stub->VerifyOtp(ctx.get(), req, &resp).ok());
  auto echoed = ctx->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ctx->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "from-the-gateway-42");
  EXPECT_EQ(MetricValue(Scrape(server_->host().metrics_port()), series), before + 1);
}

TEST_F(OtpGrpcTest, ACallWhoseDeadlinePassesWhileQueuedIsNeverStarted) {
  options_.worker_threads = 1;
  StartServer();
  redis::RedisPool admin(redis_->options());
  ASSERT_TRUE(admin.Command({"CLIENT", "PAUSE", "700", "WRITE"}).ok());
  const std::string issued = "lindungi_otp_issued_total{channel=\"whatsapp\"}";
  const double issued_before = MetricValue(Scrape(server_->host().metrics_port()), issued);
  const double started_before =
      MetricValue(Scrape(server_->host().metrics_port()), kRequestOtpStarted);

  // A holds the only worker while Redis is paused; B waits behind it and gives up.
  grpc::Status a_status;
  std::thread a([&] {
    v1::RequestOtpResponse resp;
    a_status = RequestOtp(kRegistered, &resp);
  });
  ASSERT_TRUE(Eventually([&] {
    return MetricValue(Scrape(server_->host().metrics_port()), kRequestOtpStarted) > started_before;
  }));
  auto ctx = grpcclient::NewCallContext(absl::Milliseconds(100));
  v1::RequestOtpRequest req;
  req.set_phone("+6281298765432");
  req.set_requester("wa:impatient");
  req.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
  v1::RequestOtpResponse resp;
  EXPECT_EQ(stub_->RequestOtp(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  a.join();
  ASSERT_TRUE(a_status.ok()) << a_status.error_message();
  // Only A issued a code: B was dropped from the queue, not run after its caller left.
  ASSERT_TRUE(Eventually([&] { return server_->host().workers().queued() == 0; }));
  EXPECT_EQ(MetricValue(Scrape(server_->host().metrics_port()), issued), issued_before + 1);
}

class OtpMtlsTest : public OtpGrpcTest {
 protected:
  void SetUp() override {
    OtpGrpcTest::SetUp();
    certs_ = dir_ + "/certs";
    auto gen = ChildProcess::Spawn(
        {SourceDir() + "/tools/gen-certs", "--out", certs_, "otp", "gateway", "identity"});
    ASSERT_TRUE(gen.ok());
    ASSERT_EQ((*gen)->Wait(), 0) << (*gen)->Output();
    options_.tls = {certs_ + "/otp.crt", certs_ + "/otp.key", certs_ + "/ca.crt"};
    options_.allowed_peers = {"gateway"};
  }

  grpc::StatusCode CallAs(const std::string& who) {
    grpcclient::ChannelOptions o;
    if (!who.empty())
      o.tls = {certs_ + "/" + who + ".crt", certs_ + "/" + who + ".key", certs_ + "/ca.crt"};
    auto channel =
        grpcclient::MakeChannel(absl::StrCat("127.0.0.1:", server_->host().grpc_port()), o);
    EXPECT_TRUE(channel.ok());
    auto stub = v1::OtpService::NewStub(*channel);
    auto ctx = grpcclient::NewCallContext(absl::Seconds(5));
    v1::RequestOtpRequest req;
    req.set_phone(kRegistered);
    req.set_requester("wa:" + who);
    v1::RequestOtpResponse resp;
    return stub->RequestOtp(ctx.get(), req, &resp).error_code();
  }

  std::string certs_;
};

TEST_F(OtpMtlsTest, OnlyAllowedPeersWithCertificatesMayCall) {
  StartServer();
  EXPECT_EQ(CallAs("gateway"), grpc::StatusCode::OK);
  EXPECT_EQ(CallAs("identity"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs(""), grpc::StatusCode::UNAVAILABLE);  // plaintext cannot even connect
  // Kubernetes probes stay plaintext on the health port.
  EXPECT_EQ(HealthCheck(server_->host().health_port()).value_or("error"), "SERVING");
}

}  // namespace
}  // namespace lindungi::testing

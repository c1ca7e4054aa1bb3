// The lindungi-otp binary as operators run it: flags, bad configuration, delivery providers,
// logs, readiness and SIGTERM.
#include <signal.h>

#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "support/child_process.h"
#include "support/fake_graph.h"
#include "support/fake_sms.h"
#include "support/grpc_probe.h"
#include "support/redis_server.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = lindungi::otp::v1;

constexpr char kPhone[] = "+6281234567890";

class OtpProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/pepper", "process-test-pepper-0123456789abcdef0123456789\n");
    WriteFile(dir_ + "/phones.txt", "081234567890\n");
  }

  std::vector<std::string> BaseFlags() {
    return {"--otp_pepper_file=" + dir_ + "/pepper",
            "--registered_phones_file=" + dir_ + "/phones.txt",
            "--outbox_file=" + dir_ + "/outbox.jsonl"};
  }

  // Base flags plus Redis and the http provider pointed at `url` with the key in sms.key.
  std::vector<std::string> HttpProviderFlags(const std::string& url) {
    std::vector<std::string> flags = BaseFlags();
    flags.insert(flags.end(),
                 {"--redis=" + redis_->url(), "--sms_provider=http", "--sms_url=" + url,
                  "--sms_api_key_file=" + dir_ + "/sms.key", "--sms_retry_backoff=10ms"});
    return flags;
  }

  void StartRedis() {
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  // Runs the binary to completion and returns {exit code, output}.
  std::pair<int, std::string> Run(const std::vector<std::string>& flags) {
    std::vector<std::string> argv = {BinDir() + "/lindungi-otp"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto child = ChildProcess::Spawn(argv);
    EXPECT_TRUE(child.ok());
    const int code = (*child)->Wait().value_or(-1);
    return {code, (*child)->Output()};
  }

  std::unique_ptr<v1::OtpService::Stub> Stub(const ServiceProcess& svc) {
    return v1::OtpService::NewStub(PlaintextChannel(svc.grpc_port));
  }

  grpc::Status Request(v1::OtpService::Stub& stub, const std::string& phone) {
    grpc::ClientContext ctx;
    v1::RequestOtpRequest req;
    req.set_phone(phone);
    req.set_requester("wa:process-test");
    v1::RequestOtpResponse resp;
    return stub.RequestOtp(&ctx, req, &resp);
  }

  v1::VerifyOutcome Verify(v1::OtpService::Stub& stub, const std::string& code) {
    grpc::ClientContext ctx;
    v1::VerifyOtpRequest req;
    req.set_phone(kPhone);
    req.set_code(code);
    v1::VerifyOtpResponse resp;
    EXPECT_TRUE(stub.VerifyOtp(&ctx, req, &resp).ok());
    return resp.outcome();
  }

  std::string dir_;
  std::unique_ptr<RedisServer> redis_;
};

TEST_F(OtpProcessTest, HelpDocumentsEveryFlag) {
  auto [code, out] = Run({"--help"});
  EXPECT_EQ(code, 0);
  for (const char* flag : {"grpc_port",
                           "health_port",
                           "metrics_port",
                           "bind_host",
                           "redis",
                           "redis_password_file",
                           "redis_connections",
                           "redis_connect_timeout",
                           "redis_command_timeout",
                           "tls_cert_file",
                           "tls_key_file",
                           "tls_ca_file",
                           "tls_allowed_peers",
                           "log_level",
                           "env",
                           "worker_threads",
                           "worker_queue",
                           "drain_timeout",
                           "max_connection_age",
                           "otp_pepper_file",
                           "registered_phones_file",
                           "otp_ttl",
                           "otp_max_attempts",
                           "otp_resend_cooldown",
                           "otp_resend_cooldown_max",
                           "otp_phone_limit",
                           "otp_phone_window",
                           "otp_requester_limit",
                           "otp_requester_window",
                           "otp_global_limit",
                           "otp_global_window",
                           "sms_provider",
                           "sms_url",
                           "sms_api_key_file",
                           "sms_timeout",
                           "sms_max_attempts",
                           "sms_retry_backoff",
                           "outbox_file",
                           "delivery_threads",
                           "delivery_queue",
                           "flagfile"}) {
    // Each flag is listed with a description and its default.
    EXPECT_TRUE(std::regex_search(out, std::regex(std::string("--") + flag + " \\([^)]")))
        << "--" << flag << " is not documented in --help";
  }
  // Every flag in the output has a description (no empty "()").
  EXPECT_THAT(out, Not(HasSubstr("()")));
}

TEST_F(OtpProcessTest, BadConfigurationExitsWithOneLineThatSaysWhy) {
  struct Case {
    std::vector<std::string> flags;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {{}, "--otp_pepper_file"},
      {{"--otp_pepper_file=/nonexistent/pepper"}, "cannot read"},
      {{"--env=production"}, "refused with --env=production"},
      {{"--env=staging"}, "--env must be"},
      {{"--sms_provider=carrier-pigeon"}, "--sms_provider must be"},
      {{"--sms_provider=http"}, "--sms_api_key_file"},
      {{"--redis=localhost:6379"}, "redis://"},
      {{"--otp_max_attempts=0"}, "--otp_max_attempts"},
      {{"--grpc_port=70000"}, "ports must be"},
      {{"--log_level=loud"}, "--log_level"},
      {{"extra-argument"}, "unexpected argument"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> flags = BaseFlags();
    if (c.reason == std::string("--otp_pepper_file")) flags.erase(flags.begin());
    flags.insert(flags.end(), c.flags.begin(), c.flags.end());
    auto [code, out] = Run(flags);
    EXPECT_NE(code, 0) << absl::StrJoin(c.flags, " ");
    EXPECT_THAT(out, HasSubstr(c.reason)) << absl::StrJoin(c.flags, " ");
    const std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), 1u) << out;
    EXPECT_THAT(out, HasSubstr("lindungi-otp: ")) << out;
  }
}

TEST_F(OtpProcessTest, ServesCodesKeepsThemOutOfLogsAndStopsCleanlyOnSigterm) {
  StartRedis();
  std::vector<std::string> flags = BaseFlags();
  flags.push_back("--redis=" + redis_->url());
  flags.push_back("--log_level=debug");
  auto svc = StartService("lindungi-otp", flags, dir_ + "/otp.log");
  ASSERT_TRUE(svc.ok()) << svc.status();
  auto stub = Stub(*svc);
  ASSERT_TRUE(Request(*stub, "0812 3456 7890").ok());

  std::string code;
  ASSERT_TRUE(Eventually([&] {
    std::smatch m;
    const std::string outbox = ReadFileOrDie(dir_ + "/outbox.jsonl");
    if (!std::regex_search(outbox, m, std::regex("Anda: (\\d{6})"))) return false;
    code = m[1];
    return true;
  }));
  EXPECT_EQ(Verify(*stub, code), v1::VERIFY_OUTCOME_VERIFIED);

  // An idle channel in a process with no other gRPC activity reads the server's GOAWAY only when
  // its 5 s backup poller runs; close it so the drain is not waiting on this test client.
  stub.reset();
  svc->process->Signal(SIGTERM);
  EXPECT_EQ(svc->process->Wait(), 0);
  const std::string logs = svc->process->Output();
  EXPECT_THAT(logs, HasSubstr("\"msg\":\"code issued\""));
  EXPECT_THAT(logs, HasSubstr("\"msg\":\"stopped\""));
  EXPECT_THAT(logs, Not(HasSubstr(code)));
  EXPECT_THAT(logs, Not(HasSubstr("81234567890")));
  EXPECT_THAT(logs, Not(HasSubstr("process-test-pepper")));
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(nlohmann::json::accept(std::string(line))) << "not a JSON line: " << line;
  }
}

TEST_F(OtpProcessTest, ReadinessFollowsRedisWhileLivenessStays) {
  StartRedis();
  std::vector<std::string> flags = BaseFlags();
  flags.push_back("--redis=" + redis_->url());
  auto svc = StartService("lindungi-otp", flags);
  ASSERT_TRUE(svc.ok()) << svc.status();
  EXPECT_TRUE(Eventually([&] { return HealthCheck(svc->health_port).value_or("") == "SERVING"; }));
  redis_->Stop();
  EXPECT_TRUE(
      Eventually([&] { return HealthCheck(svc->health_port).value_or("") == "NOT_SERVING"; }));
  EXPECT_EQ(HealthCheck(svc->health_port, "liveness").value_or(""), "SERVING");
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(Eventually([&] { return HealthCheck(svc->health_port).value_or("") == "SERVING"; }));
}

TEST_F(OtpProcessTest, HttpProviderRetriesServerErrorsAndDeliversOnce) {
  StartRedis();
  auto sms = FakeSms::Start(dir_, "sms-key-123");
  ASSERT_TRUE(sms.ok()) << sms.status();
  WriteFile(dir_ + "/sms.key", "sms-key-123\n");
  auto svc = StartService("lindungi-otp", HttpProviderFlags((*sms)->url()));
  ASSERT_TRUE(svc.ok()) << svc.status();
  (*sms)->Fail(503, 2);
  auto stub = Stub(*svc);
  ASSERT_TRUE(Request(*stub, kPhone).ok());
  ASSERT_TRUE(Eventually([&] { return (*sms)->Messages().size() == 1; }));
  const auto msg = (*sms)->Messages()[0];
  EXPECT_EQ(msg["to"], kPhone);
  const std::string text = msg["message"];
  EXPECT_THAT(text, HasSubstr("Berlaku 5 menit"));
  EXPECT_EQ((*sms)->Stats()["injected_failures"], 2);
  std::smatch m;
  const std::string text_copy = text;
  ASSERT_TRUE(std::regex_search(text_copy, m, std::regex("(\\d{6})")));
  EXPECT_EQ(Verify(*stub, m[1]), v1::VERIFY_OUTCOME_VERIFIED);
  EXPECT_TRUE(Eventually([&] {
    return MetricValue(Scrape(svc->metrics_port),
                       "lindungi_otp_delivered_total{provider=\"http\"}") == 1;
  }));
}

TEST_F(OtpProcessTest, HttpProviderDoesNotRetryPermanentRefusals) {
  StartRedis();
  auto sms = FakeSms::Start(dir_, "right-key");
  ASSERT_TRUE(sms.ok()) << sms.status();
  WriteFile(dir_ + "/sms.key", "wrong-key\n");  // the provider answers 401
  auto svc = StartService("lindungi-otp", HttpProviderFlags((*sms)->url()));
  ASSERT_TRUE(svc.ok()) << svc.status();
  auto stub = Stub(*svc);
  ASSERT_TRUE(Request(*stub, kPhone).ok());  // the citizen's answer does not depend on delivery
  ASSERT_TRUE(Eventually([&] {
    return MetricValue(
               Scrape(svc->metrics_port),
               "lindungi_otp_delivery_failures_total{provider=\"http\",reason=\"http_4xx\"}") == 1;
  }));
  EXPECT_EQ((*sms)->Stats()["rejected"], 1) << "a 4xx must not be retried";
  EXPECT_TRUE((*sms)->Messages().empty());
  EXPECT_THAT(svc->process->Output(), Not(HasSubstr("wrong-key")));
}

TEST_F(OtpProcessTest, WhatsAppProviderSendsTheAuthenticationTemplateAndCountsRefusals) {
  StartRedis();
  auto graph = FakeGraph::Start(dir_, "graph-token");
  ASSERT_TRUE(graph.ok()) << graph.status();
  WriteFile(dir_ + "/graph.token", "graph-token\n");
  WriteFile(dir_ + "/phones.txt", "081234567890\n081298765432\n");
  std::vector<std::string> flags = BaseFlags();
  flags.insert(flags.end(), {"--redis=" + redis_->url(), "--sms_provider=whatsapp",
                             "--graph_api_base_url=" + (*graph)->base_url(),
                             "--whatsapp_phone_number_id=106540352242922",
                             "--whatsapp_access_token_file=" + dir_ + "/graph.token",
                             "--whatsapp_otp_template=lindungi_kode"});
  auto svc = StartService("lindungi-otp", flags);
  ASSERT_TRUE(svc.ok()) << svc.status();
  auto stub = Stub(*svc);
  ASSERT_TRUE(Request(*stub, kPhone).ok());
  ASSERT_TRUE(Eventually([&] { return (*graph)->Requests().size() == 1; }));
  const nlohmann::json sent = (*graph)->Requests()[0]["json"];
  EXPECT_EQ(sent["to"], "6281234567890");
  EXPECT_EQ(sent["template"]["name"], "lindungi_kode");
  EXPECT_EQ(sent["template"]["language"]["code"], "id");
  const std::string code = sent["template"]["components"][0]["parameters"][0]["text"];
  EXPECT_EQ(sent["template"]["components"][1]["parameters"][0]["text"], code);
  EXPECT_EQ(Verify(*stub, code), v1::VERIFY_OUTCOME_VERIFIED);
  EXPECT_TRUE(Eventually([&] {
    return MetricValue(Scrape(svc->metrics_port),
                       "lindungi_otp_delivered_total{provider=\"whatsapp\"}") == 1;
  }));

  // A number that is not on WhatsApp: refused once (131026 is never retried), and counted.
  (*graph)->Inject({{"status", 400}, {"code", 131026}});
  ASSERT_TRUE(Request(*stub, "+6281298765432").ok());
  EXPECT_TRUE(Eventually([&] {
    return MetricValue(Scrape(svc->metrics_port),
                       "lindungi_otp_delivery_failures_total{provider=\"whatsapp\",reason="
                       "\"graph_131026\"}") == 1;
  }));
  EXPECT_EQ((*graph)->Requests().size(), 2u);
  EXPECT_THAT(svc->process->Output(), Not(HasSubstr(code)));
}

}  // namespace
}  // namespace lindungi::testing

// lindungi-gateway as a process with a real redis-server: the webhook's verification handshake,
// signed deliveries made durable (and deduplicated) before 200, and every refusal (401, 400,
// 413, 503) enqueuing nothing. Fixtures: ../shared/fixtures/whatsapp (skipped when absent).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/http/client.h"
#include "lindungi/redis/redis.h"
#include "lindungi/whatsapp/webhook.h"
#include "support/child_process.h"
#include "support/gateway_fixture.h"
#include "support/redis_server.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;

// The fixtures are signed with this secret (../shared/fixtures/whatsapp/README.md).
constexpr const char* kSecret = kGatewayAppSecret;
constexpr const char* kVerifyToken = kGatewayVerifyToken;

class GatewayWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    dir_ = MakeTempDir();
    // The webhook alone (these tests read what it queued), cutting slow clients off after 1 s.
    auto gateway =
        GatewayProcess::Start(dir_, redis_->url(), {"--workers=0", "--http_read_timeout=1s"});
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    http_port_ = gateway_->http_port();
    pool_ = std::make_unique<redis::RedisPool>(redis_->options());
  }

  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(http_port_) + path;
  }

  http::Response Post(const std::string& body, std::optional<std::string> signature) {
    http::Request r;
    r.method = "POST";
    r.url = Url("/webhooks/whatsapp");
    r.headers = {{"Content-Type", "application/json"}};
    if (signature) r.headers.emplace_back("X-Hub-Signature-256", *signature);
    r.body = body;
    auto resp = client_.Send(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? *resp : http::Response{};
  }

  http::Response PostSigned(const std::string& body) {
    return Post(body, whatsapp::Sign(kSecret, body));
  }

  http::Response Get(const std::string& path) {
    http::Request r;
    r.url = Url(path);
    auto resp = client_.Send(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? *resp : http::Response{};
  }

  int64_t Queued() {
    auto n = pool_->Command({"XLEN", "wa:inbound"});
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? n->integer : -1;
  }

  std::string Fixture(const std::string& name) {
    const std::string shared = SharedDir();
    return shared.empty() ? "" : ReadFileOrDie(shared + "/fixtures/whatsapp/inbound/" + name);
  }

  std::unique_ptr<RedisServer> redis_;
  std::string dir_;
  std::unique_ptr<GatewayProcess> gateway_;
  int http_port_ = 0;
  std::unique_ptr<redis::RedisPool> pool_;
  http::HttpClient client_;
};

TEST_F(GatewayWebhookTest, TheVerificationHandshakeEchoesTheChallengeOnlyForOurToken) {
  http::Response ok = Get(std::string("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=") +
                          "1158201444&hub.verify_token=" + kVerifyToken);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  EXPECT_THAT(ok.headers["content-type"], HasSubstr("text/plain"));
  EXPECT_EQ(
      Get("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess").status,
      403);
  EXPECT_EQ(Get("/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=" +
                std::string(kVerifyToken))
                .status,
            403);
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_EQ(Get("/nothing-here").status, 404);
}

TEST_F(GatewayWebhookTest, ASignedDeliveryIsDurableBeforeTheOkAndARedeliveryIsNotQueuedAgain) {
  const std::string body = Fixture("text_hai.json");
  if (body.empty()) GTEST_SKIP() << "../shared/fixtures is not here";
  // The fixture's own signature vector, as Meta would send it.
  http::Response first =
      Post(body, "sha256=6beb34e470d4a9c64941d07d69ec9159428b436fe33b4fd7cf319ab2ab21728c");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(Queued(), 1) << "in Redis by the time Meta has its 200";
  EXPECT_EQ(PostSigned(body).status, 200);
  EXPECT_EQ(Queued(), 1) << "Meta delivers at least once; we handle once";

  const std::string two = Fixture("two_messages_one_request.json");
  EXPECT_EQ(PostSigned(two).status, 200);
  EXPECT_EQ(Queued(), 3) << "every message of a body";
  const std::string statuses = Fixture("statuses_sent_delivered_read.json");
  EXPECT_EQ(PostSigned(statuses).status, 200);
  EXPECT_EQ(Queued(), 3) << "statuses are not messages";
  const std::string metrics = Scrape(gateway_->metrics_port());
  EXPECT_EQ(MetricValue(metrics, "lindungi_webhook_requests_total{code=\"200\"}"), 4);
  EXPECT_EQ(MetricValue(metrics, "lindungi_whatsapp_messages_total{result=\"queued\"}"), 3);
  EXPECT_EQ(MetricValue(metrics, "lindungi_whatsapp_messages_total{result=\"duplicate\"}"), 1);
  EXPECT_EQ(MetricValue(metrics, "lindungi_whatsapp_statuses_total{status=\"read\"}"), 1);
}

TEST_F(GatewayWebhookTest, RefusedDeliveriesEnqueueNothing) {
  const std::string body =
      R"({"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"wamid.X",)"
      R"("from":"6281234567890","timestamp":"1700000000","type":"text","text":{"body":"hai"}}]}}]}]})";
  EXPECT_EQ(Post(body, std::nullopt).status, 401) << "no signature";
  EXPECT_EQ(Post(body, whatsapp::Sign("not-our-secret", body)).status, 401);
  EXPECT_EQ(Post(body + " ", whatsapp::Sign(kSecret, body)).status, 401) << "signed other bytes";
  http::Response malformed = PostSigned("{\"entry\": [");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body, ::testing::Not(HasSubstr("entry")));
  EXPECT_EQ(PostSigned(std::string(5 * 1024 * 1024, ' ')).status, 413) << "5 MiB body";
  EXPECT_EQ(Queued(), 0);
  EXPECT_EQ(PostSigned(body).status, 200) << "the same body, properly signed";
  EXPECT_EQ(Queued(), 1);
  const std::string metrics = Scrape(gateway_->metrics_port());
  EXPECT_EQ(MetricValue(metrics, "lindungi_webhook_requests_total{code=\"401\"}"), 3);
  EXPECT_EQ(MetricValue(metrics, "lindungi_webhook_requests_total{code=\"400\"}"), 1);
}

TEST_F(GatewayWebhookTest, WithRedisDownMetaIsToldToRetryAndTheRetryIsNotLost) {
  const std::string body =
      R"({"entry":[{"changes":[{"value":{"messages":[{"id":"wamid.Y","from":"6281234567890",)"
      R"("timestamp":"1700000000","type":"text","text":{"body":"menu"}}]}}]}]})";
  redis_->Stop();
  http::Response down = PostSigned(body);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.headers["retry-after"], "1");
  EXPECT_EQ(Get("/readyz").status, 503);
  EXPECT_EQ(Get("/healthz").status, 200) << "alive, only not ready";
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_EQ(PostSigned(body).status, 200);
  EXPECT_EQ(Queued(), 1);
}

// Everything a connection receives until the server closes it (or `limit` passes).
std::string ReadUntilClosed(int fd, absl::Duration limit) {
  std::string got;
  const absl::Time deadline = absl::Now() + limit;
  char buf[4096];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()))) <= 0) {
      break;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

TEST_F(GatewayWebhookTest, ASlowLorisIsCutOffWhileOthersAreServed) {
  // A client that sends half a request and stalls: it is answered 408 and cut off after
  // --http_read_timeout (1 s here), and meanwhile a real delivery is served at once.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(http_port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string half = "POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n";
  ASSERT_EQ(send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
  EXPECT_EQ(PostSigned(WebhookBody({{"wamid.loris", "6281100000077"}})).status, 200);
  const absl::Time start = absl::Now();
  const std::string answer = ReadUntilClosed(fd, absl::Seconds(10));
  close(fd);
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 408")) << "the stalled request was not cut off";
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(Queued(), 1);  // only the real delivery
}

TEST_F(GatewayWebhookTest, TheLoadGeneratorsWebhooksAreAllAcceptedAndQueued) {
  auto load = ChildProcess::Spawn({BinDir() + "/loadgen", "--mode=ingest",
                                   "--target=" + Url("/webhooks/whatsapp"),
                                   "--app_secret_file=" + dir_ + "/app-secret", "--connections=4",
                                   "--duration=1s", "--warmup=0s"});
  ASSERT_TRUE(load.ok());
  EXPECT_EQ((*load)->Wait(absl::Seconds(30)), 0) << (*load)->Output();
  const std::string out = (*load)->Output();
  EXPECT_THAT(out, HasSubstr("HTTP 200: "));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("HTTP 401")));
  // Every answered webhook carried a new message id, so each one is in the stream.
  int64_t answered = 0;
  const size_t at = out.find("HTTP 200: ");
  ASSERT_TRUE(absl::SimpleAtoi(out.substr(at + 10, out.find('\n', at) - at - 10), &answered));
  EXPECT_GT(answered, 0);
  EXPECT_GE(Queued(), answered);
}

}  // namespace
}  // namespace lindungi::testing

// The webhook's durable half against a real redis-server: one atomic script per webhook (or per
// turn of the event loop's webhooks), deduplication of message ids, forward-only statuses, and
// 503-worthy errors when Redis is gone.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <optional>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/redis/asio_redis.h"
#include "lindungi/redis/pipeline.h"
#include "support/redis_server.h"
#include "webhook_ingest.h"

namespace lindungi::gateway {
namespace {

using whatsapp::InboundMessage;
using whatsapp::StatusUpdate;
using whatsapp::Webhook;

InboundMessage Message(const std::string& id, const std::string& text) {
  InboundMessage m;
  m.id = id;
  m.from = "6281234567890";
  m.phone_number_id = "106540352242922";
  m.timestamp = 1700000000;
  m.type = "text";
  m.text = text;
  // As ParseWebhook keeps it: the message object, which names its id, sender and timestamp.
  m.json = R"({"from":"6281234567890","id":")" + id +
           R"(","timestamp":"1700000000","type":"text","text":{"body":")" + text + R"("}})";
  return m;
}

StatusUpdate Status(const std::string& id, const std::string& status) {
  StatusUpdate s;
  s.id = id;
  s.status = status;
  return s;
}

class GatewayIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(*redis);
    redis::RedisOptions options = redis_server_->options();
    options.pool_size = 2;
    pipeline_ = std::make_unique<redis::RedisPipeline>(options);
    ingest_ = std::make_unique<WebhookIngest>(*pipeline_, IngestOptions{});
  }

  absl::StatusOr<WebhookIngest::Result> Accept(const Webhook& w) {
    std::promise<absl::StatusOr<WebhookIngest::Result>> done;
    ingest_->Accept(w, absl::FromUnixMillis(1700000000123),
                    [&](absl::StatusOr<WebhookIngest::Result> r) { done.set_value(r); });
    return done.get_future().get();
  }

  int64_t StreamLength() {
    auto r = pipeline_->CommandSync({"XLEN", "wa:inbound"});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->integer : -1;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::RedisPipeline> pipeline_;
  std::unique_ptr<WebhookIngest> ingest_;
};

TEST_F(GatewayIngestTest, NewMessagesGoToTheStreamWithWhatTheWorkersNeed) {
  Webhook w;
  w.messages = {Message("wamid.A", "menu"), Message("wamid.B", "2")};
  absl::StatusOr<WebhookIngest::Result> r = Accept(w);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->messages_new, 2);
  EXPECT_EQ(r->messages_duplicate, 0);
  auto range = pipeline_->CommandSync({"XRANGE", "wa:inbound", "-", "+"});
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->elements.size(), 2u);
  // Each entry: [id, [field, value, ...]], in the body's order.
  const auto& fields = range->elements[0].elements[1].elements;
  std::map<std::string, std::string> entry;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) entry[fields[i].str] = fields[i + 1].str;
  // Three fields: the message's JSON carries its id, sender and timestamp (the workers read them
  // there), so they are not repeated.
  EXPECT_EQ(entry.size(), 3u);
  EXPECT_EQ(entry["phone_number_id"], "106540352242922");
  EXPECT_EQ(entry["received_ms"], "1700000000123");
  for (const char* held : {"\"id\":\"wamid.A\"", "\"from\":\"6281234567890\"",
                           "\"timestamp\":\"1700000000\"", "\"body\":\"menu\""}) {
    EXPECT_THAT(entry["message"], ::testing::HasSubstr(held));
  }
  EXPECT_THAT(range->elements[1].elements[1].elements[3].str, ::testing::HasSubstr("wamid.B"));
}

TEST_F(GatewayIngestTest, ARedeliveredMessageIsNotQueuedAgainEvenInTheSameBody) {
  Webhook w;
  w.messages = {Message("wamid.A", "hai"), Message("wamid.A", "hai")};
  ASSERT_EQ(Accept(w)->messages_new, 1);
  Webhook later;
  later.messages = {Message("wamid.A", "hai"), Message("wamid.C", "1")};
  absl::StatusOr<WebhookIngest::Result> r = Accept(later);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->messages_new, 1);
  EXPECT_EQ(r->messages_duplicate, 1);
  EXPECT_EQ(StreamLength(), 2);
  auto ttl = pipeline_->CommandSync({"TTL", "wa:seen:wamid.A"});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 7 * 24 * 3600 - 60) << "remembered for 7 days";
}

TEST_F(GatewayIngestTest, ConcurrentDeliveriesOfOneMessageQueueItOnce) {
  constexpr int kDeliveries = 32;
  std::atomic<int> fresh{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kDeliveries; ++i) {
    threads.emplace_back([&] {
      Webhook w;
      w.messages = {Message("wamid.storm", "hai")};
      absl::StatusOr<WebhookIngest::Result> r = Accept(w);
      if (r.ok()) fresh += r->messages_new;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(StreamLength(), 1);
}

TEST_F(GatewayIngestTest, StatusesOnlyMoveForward) {
  Webhook read;
  read.statuses = {Status("wamid.out", "read")};
  EXPECT_EQ(Accept(read)->statuses_forward, 1);
  Webhook late;  // "delivered" and "sent" arrive after "read"
  late.statuses = {Status("wamid.out", "delivered"), Status("wamid.out", "sent"),
                   Status("wamid.out", "deleted")};
  absl::StatusOr<WebhookIngest::Result> r = Accept(late);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statuses_forward, 0);
  EXPECT_EQ(r->statuses_stale, 3) << "two stale, one unknown kind";
  Webhook failed;
  failed.statuses = {Status("wamid.out", "failed")};
  EXPECT_EQ(Accept(failed)->statuses_forward, 1);
  EXPECT_EQ(StreamLength(), 0) << "statuses are not messages";
}

TEST_F(GatewayIngestTest, WithRedisGoneNothingIsAcceptedAndAfterItComesBackNothingIsLost) {
  redis_server_->Stop();
  Webhook w;
  w.messages = {Message("wamid.during-outage", "hai")};
  absl::StatusOr<WebhookIngest::Result> down = Accept(w);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  ASSERT_TRUE(redis_server_->Restart().ok());
  // Meta retries the same body after the 503: it is new to the restarted Redis.
  absl::StatusOr<WebhookIngest::Result> retried = Accept(w);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->messages_new, 1);
  EXPECT_EQ(StreamLength(), 1);
}

// On the HTTP server's event loop (redis::AsioRedis), the bodies of one turn share one call.
class GatewayIngestBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_server_ = std::move(*redis);
    loop_ = std::thread([this] { io_.run(); });
    client_ = std::make_unique<redis::AsioRedis>(io_, redis_server_->options());
    ingest_ = std::make_unique<WebhookIngest>(*client_, IngestOptions{});
  }

  void TearDown() override {
    client_.reset();
    work_.reset();
    loop_.join();
  }

  // Accepts every body in one turn of the loop, as the HTTP server does for the requests that
  // arrived together.
  std::vector<absl::StatusOr<WebhookIngest::Result>> AcceptTogether(
      const std::vector<Webhook>& bodies) {
    std::vector<std::promise<absl::StatusOr<WebhookIngest::Result>>> done(bodies.size());
    boost::asio::post(io_, [&] {
      for (size_t i = 0; i < bodies.size(); ++i) {
        ingest_->Accept(bodies[i], absl::FromUnixMillis(1700000000123),
                        [&, i](absl::StatusOr<WebhookIngest::Result> r) { done[i].set_value(r); });
      }
    });
    std::vector<absl::StatusOr<WebhookIngest::Result>> results;
    for (auto& d : done) results.push_back(d.get_future().get());
    return results;
  }

  absl::StatusOr<redis::Reply> Admin(std::vector<std::string> args) {
    redis::RedisPool admin(redis_server_->options());
    return admin.Command(args);
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::thread loop_;
  std::unique_ptr<redis::AsioRedis> client_;
  std::unique_ptr<WebhookIngest> ingest_;
};

TEST_F(GatewayIngestBatchTest, BodiesOfOneTurnShareOneScriptCallAndEachGetsItsOwnCounts) {
  ASSERT_TRUE(Admin({"SCRIPT", "FLUSH"}).ok());
  ASSERT_TRUE(Admin({"CONFIG", "RESETSTAT"}).ok());
  std::vector<Webhook> bodies(3);
  bodies[0].messages = {Message("wamid.A", "hai"), Message("wamid.B", "1")};
  bodies[1].messages = {Message("wamid.A", "hai")};  // a redelivery, concurrent with the first
  bodies[2].statuses = {Status("wamid.out", "read"), Status("wamid.out", "sent"),
                        Status("wamid.out", "deleted")};
  std::vector<absl::StatusOr<WebhookIngest::Result>> r = AcceptTogether(bodies);
  ASSERT_TRUE(r[0].ok() && r[1].ok() && r[2].ok()) << r[0].status() << r[1].status();
  EXPECT_EQ(r[0]->messages_new, 2);
  EXPECT_EQ(r[0]->messages_duplicate, 0);
  EXPECT_EQ(r[1]->messages_new, 0);
  EXPECT_EQ(r[1]->messages_duplicate, 1);
  EXPECT_EQ(r[2]->statuses_forward, 1);
  EXPECT_EQ(r[2]->statuses_stale, 2) << "one stale, one unknown kind";
  EXPECT_EQ(Admin({"XLEN", "wa:inbound"})->integer, 2);
  // One EVALSHA (NOSCRIPT: the cache was flushed) and one EVAL for all three bodies.
  absl::StatusOr<redis::Reply> stats = Admin({"INFO", "commandstats"});
  ASSERT_TRUE(stats.ok());
  EXPECT_THAT(stats->str, ::testing::HasSubstr("cmdstat_evalsha:calls=1,"));
  EXPECT_THAT(stats->str, ::testing::HasSubstr("cmdstat_eval:calls=1,"));
}

TEST_F(GatewayIngestBatchTest, BodiesThatArriveWhileCallsAreInFlightGoOutTogetherAfterwards) {
  std::vector<Webhook> warm(1);
  warm[0].messages = {Message("wamid.warm", "hai")};
  ASSERT_TRUE(AcceptTogether(warm)[0].ok());  // the script is cached: one EVALSHA per call
  ASSERT_TRUE(Admin({"CONFIG", "RESETSTAT"}).ok());
  // Redis holds every script call for a while (injected slowness): the first two calls stay in
  // flight, so the three bodies of the third turn wait and then share one call.
  ASSERT_TRUE(Admin({"CLIENT", "PAUSE", "500", "WRITE"}).ok());
  std::vector<std::promise<absl::StatusOr<WebhookIngest::Result>>> done(5);
  static_assert(WebhookIngest::kMaxCallsInFlight == 2);
  // One body a turn, each turn after the previous turn's flush: body 0 is call 1, body 1 call 2;
  // bodies 2, 3 and 4 wait for call 1 to come back and then go together as call 3 (without the
  // limit they would be calls 3, 4 and 5).
  const std::vector<std::pair<int, int>> turns = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}};
  std::function<void(size_t)> turn = [&](size_t t) {
    for (int i = turns[t].first; i < turns[t].second; ++i) {
      Webhook body;
      body.messages = {Message(absl::StrCat("wamid.F", i), "hai")};
      ingest_->Accept(body, absl::FromUnixMillis(1700000000123),
                      [&, i](absl::StatusOr<WebhookIngest::Result> r) { done[i].set_value(r); });
    }
    if (t + 1 == turns.size()) return;
    boost::asio::post(io_, [&, t] { boost::asio::post(io_, [&, t] { turn(t + 1); }); });
  };
  boost::asio::post(io_, [&] { turn(0); });
  for (auto& d : done) {
    absl::StatusOr<WebhookIngest::Result> r = d.get_future().get();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->messages_new, 1);
  }
  absl::StatusOr<redis::Reply> stats = Admin({"INFO", "commandstats"});
  ASSERT_TRUE(stats.ok());
  EXPECT_THAT(stats->str, ::testing::HasSubstr("cmdstat_evalsha:calls=3,"));
  EXPECT_EQ(Admin({"XLEN", "wa:inbound"})->integer, 6);
}

TEST_F(GatewayIngestBatchTest, WithRedisGoneEveryBodyOfTheCallFailsAndNoneIsWritten) {
  std::vector<Webhook> bodies(2);
  bodies[0].messages = {Message("wamid.A", "hai")};
  bodies[1].messages = {Message("wamid.B", "hai")};
  redis_server_->Stop();
  for (const absl::StatusOr<WebhookIngest::Result>& r : AcceptTogether(bodies)) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  }
  ASSERT_TRUE(redis_server_->Restart().ok());
  EXPECT_EQ(Admin({"XLEN", "wa:inbound"})->integer, 0);
  for (const absl::StatusOr<WebhookIngest::Result>& r : AcceptTogether(bodies)) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->messages_new, 1) << "Meta's retry is new to the restarted Redis";
  }
  EXPECT_EQ(Admin({"XLEN", "wa:inbound"})->integer, 2);
}

}  // namespace
}  // namespace lindungi::gateway

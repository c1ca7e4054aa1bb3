// The hiredis pool against a real redis-server: scripts, NOSCRIPT, restarts, outages, timeouts.
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "lindungi/redis/redis.h"
#include "support/redis_server.h"

namespace lindungi::testing {
namespace {

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    pool_ = std::make_unique<redis::RedisPool>(server_->options());
  }
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
};

TEST_F(RedisPoolTest, CommandsAndPipelinesReturnTypedReplies) {
  ASSERT_TRUE(pool_->Command({"SET", "k", std::string("a\0b", 3)}).ok());
  auto got = pool_->Command({"GET", "k"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->str, std::string("a\0b", 3));  // binary-safe
  auto replies = pool_->Pipeline({{"INCR", "n"}, {"INCR", "n"}, {"GET", "missing"}});
  ASSERT_TRUE(replies.ok());
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_TRUE((*replies)[2].is_nil());
}

TEST_F(RedisPoolTest, ErrorRepliesAreInternalAndKeepTheConnectionUsable) {
  auto bad = pool_->Pipeline({{"SET", "s", "x"}, {"INCR", "s"}, {"GET", "s"}});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  auto after = pool_->Command({"GET", "s"});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->str, "x");
}

TEST_F(RedisPoolTest, ScriptsRunByShaAndReloadAfterTheCacheIsFlushed) {
  redis::Script script("echo", "return ARGV[1] .. KEYS[1]");
  ASSERT_TRUE(pool_->Load(script).ok());
  EXPECT_EQ(pool_->Eval(script, {"k"}, {"v"})->str, "vk");
  ASSERT_TRUE(pool_->Command({"SCRIPT", "FLUSH"}).ok());
  auto again = pool_->Eval(script, {"k"}, {"w"});  // NOSCRIPT, loaded, retried
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->str, "wk");
}

TEST_F(RedisPoolTest, ScriptErrorsAreReported) {
  redis::Script broken("broken", "return redis.call('NOPE')");
  auto r = pool_->Eval(broken, {}, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
}

TEST_F(RedisPoolTest, DeadRedisIsUnavailableAndARestartIsSurvived) {
  ASSERT_TRUE(pool_->Command({"SET", "a", "1"}).ok());
  server_->Stop();
  const absl::Time start = absl::Now();
  auto down = pool_->Command({"GET", "a"});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "must fail fast, not hang";
  ASSERT_TRUE(server_->Restart().ok());
  // Every pooled connection is stale now; the first command on each reconnects transparently.
  for (int i = 0; i < 5; ++i) {
    auto up = pool_->Command({"PING"});
    EXPECT_TRUE(up.ok()) << up.status();
  }
}

TEST_F(RedisPoolTest, SlowRedisTimesOutAsUnavailable) {
  redis::RedisOptions o = server_->options();
  o.command_timeout = absl::Milliseconds(200);
  redis::RedisPool impatient(o);
  ASSERT_TRUE(pool_->Command({"CLIENT", "PAUSE", "1000", "ALL"}).ok());
  auto r = impatient.Command({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), absl::string_view::npos) << r.status();
}

TEST_F(RedisPoolTest, ManyThreadsShareABoundedPool) {
  redis::RedisOptions o = server_->options();
  o.pool_size = 4;
  redis::RedisPool small(o);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) ok += small.Command({"INCR", "shared"}).ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3200);
  EXPECT_EQ(small.Command({"GET", "shared"})->str, "3200");
  auto clients = pool_->Command({"CLIENT", "LIST"});
  ASSERT_TRUE(clients.ok());
}

TEST(RedisUrlTest, ParsesTheForms) {
  auto a = redis::ParseRedisUrl("redis://cache.lindungi:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "cache.lindungi");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  auto b = redis::ParseRedisUrl("redis://:s3cret@10.0.0.1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->password, "s3cret");
  EXPECT_EQ(b->port, 6379);
  for (const char* bad : {"http://x:1", "redis://", "redis://h:99999", "redis://h:1/x"}) {
    EXPECT_EQ(redis::ParseRedisUrl(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace lindungi::testing

// The multiplexed, pipelined Redis client against a real redis-server.
#include <atomic>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "lindungi/redis/pipeline.h"
#include "support/redis_server.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

class RedisPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis::RedisOptions o = server_->options();
    o.pool_size = 2;
    pipeline_ = std::make_unique<redis::RedisPipeline>(o);
  }
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPipeline> pipeline_;
};

TEST_F(RedisPipelineTest, SyncCommandsWork) {
  ASSERT_TRUE(pipeline_->CommandSync({"SET", "k", "v"}).ok());
  EXPECT_EQ(pipeline_->CommandSync({"GET", "k"})->str, "v");
  EXPECT_TRUE(pipeline_->CommandSync({"GET", "nothing"})->is_nil());
  EXPECT_TRUE(pipeline_->Ping().ok());
}

TEST_F(RedisPipelineTest, ConcurrentCallsAreBatchedOverFewConnectionsAndAllAnswered) {
  constexpr int kThreads = 16, kPerThread = 2000;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<bool>> answers;
      for (int i = 0; i < kPerThread; ++i) {
        auto p = std::make_shared<std::promise<bool>>();
        answers.push_back(p->get_future());
        const std::string value = absl::StrCat(t, ":", i);
        pipeline_->Command({"ECHO", value}, [p, value](absl::StatusOr<redis::Reply> r) {
          p->set_value(r.ok() && r->str == value);  // each caller gets its own reply
        });
      }
      for (auto& a : answers) ok += a.get();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  // Two lanes: the client never opened more than two connections for all those calls.
  redis::RedisPool admin(server_->options());
  auto info = admin.Command({"INFO", "clients"});
  ASSERT_TRUE(info.ok());
  const size_t at = info->str.find("connected_clients:");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(std::stoi(info->str.substr(at + 18)), 3);  // 2 lanes + this admin connection
}

TEST_F(RedisPipelineTest, ErrorRepliesFailOnlyTheirOwnCall) {
  ASSERT_TRUE(pipeline_->CommandSync({"SET", "s", "text"}).ok());
  std::promise<absl::Status> bad;
  std::promise<std::string> good;
  pipeline_->Command({"INCR", "s"},
                     [&](absl::StatusOr<redis::Reply> r) { bad.set_value(r.status()); });
  pipeline_->Command({"GET", "s"}, [&](absl::StatusOr<redis::Reply> r) {
    good.set_value(r.ok() ? r->str : "error");
  });
  EXPECT_EQ(bad.get_future().get().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(good.get_future().get(), "text");
}

TEST_F(RedisPipelineTest, ScriptsFallBackToEvalAfterNoscript) {
  static const redis::Script script("concat", "return KEYS[1] .. ARGV[1]");
  auto first = pipeline_->EvalSync(script, {"a"}, {"b"});  // never loaded: NOSCRIPT, then EVAL
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->str, "ab");
  ASSERT_TRUE(pipeline_->CommandSync({"SCRIPT", "FLUSH"}).ok());
  EXPECT_EQ(pipeline_->EvalSync(script, {"c"}, {"d"})->str, "cd");
  ASSERT_TRUE(pipeline_->Load(script).ok());
  EXPECT_EQ(pipeline_->EvalSync(script, {"e"}, {"f"})->str, "ef");
}

TEST_F(RedisPipelineTest, OutageFailsFastAndRestartIsSurvived) {
  ASSERT_TRUE(pipeline_->Ping().ok());
  ASSERT_TRUE(pipeline_->CommandSync({"PING"}).ok());  // both lanes connected
  server_->Stop();
  const absl::Time start = absl::Now();
  EXPECT_EQ(pipeline_->Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(server_->Restart().ok());
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(pipeline_->Ping().ok());  // every lane reconnects
}

TEST_F(RedisPipelineTest, StaleConnectionsAfterARestartAreReplacedTransparently) {
  ASSERT_TRUE(pipeline_->Ping().ok());
  ASSERT_TRUE(pipeline_->Ping().ok());
  ASSERT_TRUE(server_->Restart().ok());  // the lanes' sockets are now closed by the server
  for (int i = 0; i < 4; ++i) {
    auto r = pipeline_->CommandSync({"PING"});
    EXPECT_TRUE(r.ok()) << r.status();
  }
}

TEST_F(RedisPipelineTest, SlowRedisTimesOutEveryQueuedCall) {
  redis::RedisOptions o = server_->options();
  o.pool_size = 1;
  o.command_timeout = absl::Milliseconds(200);
  redis::RedisPipeline impatient(o);
  ASSERT_TRUE(impatient.Ping().ok());
  redis::RedisPool admin(server_->options());
  ASSERT_TRUE(admin.Command({"CLIENT", "PAUSE", "1000", "ALL"}).ok());
  std::vector<std::future<absl::Status>> results;
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<std::promise<absl::Status>>();
    results.push_back(p->get_future());
    impatient.Command({"PING"}, [p](absl::StatusOr<redis::Reply> r) { p->set_value(r.status()); });
  }
  for (auto& r : results) EXPECT_EQ(r.get().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisPipelineTest, DestructionAnswersWhatIsQueued) {
  std::atomic<int> answered{0};
  {
    redis::RedisPipeline local(server_->options());
    for (int i = 0; i < 1000; ++i) {
      local.Command({"INCR", "n"}, [&](absl::StatusOr<redis::Reply>) { ++answered; });
    }
  }
  EXPECT_EQ(answered.load(), 1000);
}

}  // namespace
}  // namespace lindungi::testing

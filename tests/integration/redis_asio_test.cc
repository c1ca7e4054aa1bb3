// The Redis client on the caller's asio event loop, against a real redis-server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "lindungi/redis/asio_redis.h"
#include "support/redis_server.h"

namespace lindungi::testing {
namespace {

namespace asio = boost::asio;

int ConnectedClients(const RedisServer& server) {
  redis::RedisPool admin(server.options());
  absl::StatusOr<redis::Reply> info = admin.Command({"INFO", "clients"});
  if (!info.ok()) return -1;
  const size_t at = info->str.find("connected_clients:");
  return at == std::string::npos ? -1 : std::stoi(info->str.substr(at + 18)) - 1;  // not admin
}

// One io_context run by one thread, as the HTTP server runs it.
class RedisAsioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    loop_ = std::thread([this] { io_.run(); });
    client_ = std::make_unique<redis::AsioRedis>(io_, server_->options());
  }

  void TearDown() override {
    client_.reset();
    work_.reset();
    loop_.join();
  }

  // Runs one command from the test thread and waits for its reply.
  absl::StatusOr<redis::Reply> Call(redis::AsyncRedis& client, std::vector<std::string> args) {
    std::promise<absl::StatusOr<redis::Reply>> reply;
    client.Command(std::move(args), [&](absl::StatusOr<redis::Reply> r) { reply.set_value(r); });
    return reply.get_future().get();
  }
  absl::StatusOr<redis::Reply> Call(std::vector<std::string> args) {
    return Call(*client_, std::move(args));
  }

  std::unique_ptr<RedisServer> server_;
  asio::io_context io_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::thread loop_;
  std::unique_ptr<redis::AsioRedis> client_;
};

TEST_F(RedisAsioTest, RepliesComeInOrderOnTheLoopsThreadOverOneConnection) {
  constexpr int kCalls = 5000;
  std::promise<int> in_order;
  // Queued from the loop itself, as an HTTP handler does: all in one turn of the loop.
  asio::post(io_, [&] {
    auto next = std::make_shared<int>(0);
    auto right = std::make_shared<int>(0);
    for (int i = 0; i < kCalls; ++i) {
      client_->Command({"ECHO", absl::StrCat(i)},
                       [&, i, next, right](absl::StatusOr<redis::Reply> r) {
                         const bool on_loop = std::this_thread::get_id() == loop_.get_id();
                         if (r.ok() && r->str == absl::StrCat(i) && *next == i && on_loop) {
                           ++*right;
                         }
                         if (++*next == kCalls) in_order.set_value(*right);
                       });
    }
  });
  EXPECT_EQ(in_order.get_future().get(), kCalls);
  EXPECT_EQ(ConnectedClients(*server_), 1);
}

TEST_F(RedisAsioTest, ErrorRepliesFailOnlyTheirOwnCall) {
  ASSERT_TRUE(Call({"SET", "s", "text"}).ok());
  std::promise<absl::Status> bad;
  std::promise<std::string> good;
  client_->Command({"INCR", "s"},
                   [&](absl::StatusOr<redis::Reply> r) { bad.set_value(r.status()); });
  client_->Command({"GET", "s"}, [&](absl::StatusOr<redis::Reply> r) {
    good.set_value(r.ok() ? r->str : "error");
  });
  EXPECT_EQ(bad.get_future().get().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(good.get_future().get(), "text");
  EXPECT_TRUE(Call({"GET", "nothing"})->is_nil());
}

TEST_F(RedisAsioTest, ScriptsFallBackToEvalAfterNoscript) {
  static const redis::Script script("concat", "return KEYS[1] .. ARGV[1]");
  const auto eval = [&](std::string key, std::string arg) {
    std::promise<absl::StatusOr<redis::Reply>> reply;
    client_->Eval(script, {std::move(key)}, {std::move(arg)},
                  [&](absl::StatusOr<redis::Reply> r) { reply.set_value(r); });
    return reply.get_future().get();
  };
  absl::StatusOr<redis::Reply> first = eval("a", "b");  // never loaded: NOSCRIPT, then EVAL
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->str, "ab");
  EXPECT_EQ(eval("c", "d")->str, "cd");  // now cached by the EVAL
  ASSERT_TRUE(Call({"SCRIPT", "FLUSH"}).ok());
  EXPECT_EQ(eval("e", "f")->str, "ef");
}

TEST_F(RedisAsioTest, TheDatabaseAndPasswordOfTheOptionsAreUsed) {
  redis::RedisOptions o = server_->options();
  o.db = 3;
  redis::AsioRedis db3(io_, o);
  ASSERT_TRUE(Call(db3, {"SET", "where", "db3"}).ok());
  EXPECT_TRUE(Call({"GET", "where"})->is_nil());  // db 0
  EXPECT_EQ(Call(db3, {"GET", "where"})->str, "db3");
  o.password = "wrong";  // the test server has no password: AUTH is refused
  redis::AsioRedis refused(io_, o);
  EXPECT_EQ(Call(refused, {"PING"}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisAsioTest, OutageFailsFastAndARestartIsSurvived) {
  ASSERT_TRUE(Call({"PING"}).ok());
  server_->Stop();
  const absl::Time start = absl::Now();
  EXPECT_EQ(Call({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Call({"PING"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(server_->Restart().ok());
  absl::StatusOr<redis::Reply> back = Call({"PING"});
  EXPECT_TRUE(back.ok()) << back.status();
}

TEST_F(RedisAsioTest, SlowRedisTimesOutEveryCallInFlight) {
  redis::RedisOptions o = server_->options();
  o.command_timeout = absl::Milliseconds(200);
  redis::AsioRedis impatient(io_, o);
  ASSERT_TRUE(Call(impatient, {"PING"}).ok());
  ASSERT_TRUE(Call({"CLIENT", "PAUSE", "1000", "ALL"}).ok());
  std::vector<std::future<absl::Status>> results;
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<std::promise<absl::Status>>();
    results.push_back(p->get_future());
    impatient.Command({"PING"}, [p](absl::StatusOr<redis::Reply> r) { p->set_value(r.status()); });
  }
  const absl::Time start = absl::Now();
  for (auto& r : results) EXPECT_EQ(r.get().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(900));  // before the pause ends
}

TEST_F(RedisAsioTest, AServerThatAcceptsButNeverAnswersTheHandshakeTimesOut) {
  // A listening socket nobody reads: the kernel completes the TCP handshake, AUTH goes unanswered.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  redis::RedisOptions o = server_->options();
  o.port = ntohs(addr.sin_port);
  o.password = "secret";
  o.connect_timeout = absl::Milliseconds(200);
  o.command_timeout = absl::Milliseconds(200);
  redis::AsioRedis stuck(io_, o);
  auto p = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> result = p->get_future();
  stuck.Command({"PING"}, [p](absl::StatusOr<redis::Reply> r) { p->set_value(r.status()); });
  ASSERT_EQ(result.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "a call waited on an unanswered AUTH without a deadline";
  EXPECT_EQ(result.get().code(), absl::StatusCode::kUnavailable);
  close(fd);
}

TEST_F(RedisAsioTest, DestructionAnswersWhatIsInFlight) {
  std::vector<std::future<bool>> answers;
  {
    redis::AsioRedis local(io_, server_->options());
    for (int i = 0; i < 1000; ++i) {
      auto p = std::make_shared<std::promise<bool>>();
      answers.push_back(p->get_future());
      local.Command({"INCR", "n"}, [p](absl::StatusOr<redis::Reply> r) {
        p->set_value(r.ok() || r.status().code() == absl::StatusCode::kUnavailable);
      });
    }
  }
  for (auto& a : answers) EXPECT_TRUE(a.get());
}

TEST(RedisAsioLoopTest, TheClientMayOutliveItsEventLoop) {
  auto server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  auto io = std::make_unique<asio::io_context>(1);
  redis::AsioRedis client(*io, (*server)->options());
  client.Command({"PING"}, [](absl::StatusOr<redis::Reply>) {});  // queued, never run
  io.reset();
  std::optional<absl::Status> later;
  client.Command({"PING"}, [&](absl::StatusOr<redis::Reply> r) { later = r.status(); });
  ASSERT_TRUE(later.has_value());  // answered at once: there is no loop to run it
  EXPECT_EQ(later->code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace lindungi::testing

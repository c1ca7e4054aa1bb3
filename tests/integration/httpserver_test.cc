// libs/httpserver over real sockets on 127.0.0.1: keep-alive, ordering, asynchronous answers,
// limits, timeouts and Stop(). The client is raw POSIX sockets so that a test sees exactly what
// the server sends and when it closes; every read is bounded by a poll() timeout so that a broken
// server fails a test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "lindungi/http/client.h"
#include "lindungi/httpserver/server.h"

namespace lindungi::httpserver {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

enum class Closed { kEof, kReset, kTimeout };

class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }

  bool Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // One response (the server always sends Content-Length); nullopt when the connection closed
  // or nothing came within `timeout`.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(timeout)) return std::nullopt;
    }
    RawResponse response;
    std::vector<std::string> lines = absl::StrSplit(pending_.substr(0, end), "\r\n");
    std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
    if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &response.status)) {
      return std::nullopt;
    }
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      response.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    }
    size_t length = 0;
    if (response.status >= 200 && !absl::SimpleAtoi(response.headers["content-length"], &length)) {
      return std::nullopt;
    }
    pending_.erase(0, end + 4);
    while (pending_.size() < length) {
      if (!Fill(timeout)) return std::nullopt;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  // Blocks until the server closes the connection (or `timeout`); unread bytes are discarded.
  Closed WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return Closed::kTimeout;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return Closed::kEof;
      if (n < 0) return Closed::kReset;
    }
  }

 private:
  bool Fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: test\r\n", extra_headers, "\r\n");
}

std::string Post(const std::string& target, const std::string& body) {
  return absl::StrCat("POST ", target, " HTTP/1.1\r\nHost: test\r\nContent-Length: ", body.size(),
                      "\r\n\r\n", body);
}

// Answers at once with what it saw: "<method> <path> q=<q> h=<X-Test> c=<connection id> <body>".
void Echo(Request&& request, Respond respond) {
  Response response;
  response.body =
      absl::StrCat(request.method, " ", request.path, " q=", QueryParam(request, "q").value_or("-"),
                   " h=", request.Header("x-test").value_or("-"), " c=", request.connection_id, " ",
                   request.body);
  response.headers.emplace_back("X-Echo", "yes");
  respond(std::move(response));
}

Options LoopbackOptions(int threads) {
  Options options;
  options.bind = "127.0.0.1";
  options.threads = threads;
  return options;
}

std::unique_ptr<Server> StartOrDie(Options options, Handler handler) {
  auto server = Server::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

// What a held `respond` is waiting for: handed from the server's thread to the test's.
class HeldAnswers {
 public:
  void Push(Request request, Respond respond) {
    std::lock_guard<std::mutex> lock(mu_);
    held_.push_back({std::move(request), std::move(respond)});
    changed_.notify_all();
  }
  std::pair<Request, Respond> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(5), [this] { return !held_.empty(); });
    if (held_.empty()) return {};
    auto front = std::move(held_.front());
    held_.pop_front();
    return front;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::pair<Request, Respond>> held_;
};

// Every server test runs with one thread (the loop serialises a connection's handlers) and with
// two (each connection on its own strand): the two ways Server runs a connection.
class HttpServerTest : public ::testing::TestWithParam<int> {
 protected:
  Options Loopback() const { return LoopbackOptions(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Threads, HttpServerTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return absl::StrCat(info.param, "Thread", info.param == 1 ? "" : "s");
                         });

TEST_P(HttpServerTest, QueryParamsAreDecodedAndHeadersCaseInsensitive) {
  Request request;
  request.query = "a=1&to=+62%2081&empty&x%41=y";
  request.headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(QueryParam(request, "a"), "1");
  EXPECT_EQ(QueryParam(request, "to"), "+62 81");
  EXPECT_EQ(QueryParam(request, "empty"), "");
  EXPECT_EQ(QueryParam(request, "xA"), "y");
  EXPECT_EQ(QueryParam(request, "missing"), std::nullopt);
  EXPECT_EQ(request.Header("CONTENT-type"), "text/plain");
  EXPECT_EQ(request.Header("accept"), std::nullopt);
}

TEST_P(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnectionInOrder) {
  auto server = StartOrDie(Loopback(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.connected());
  std::string first_connection;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(Get(absl::StrCat("/one?q=", i), "X-TEST: v\r\n")));
    auto response = client.Read();
    ASSERT_TRUE(response) << "request " << i << " got no answer on the kept-alive connection";
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->headers["x-echo"], "yes");
    EXPECT_EQ(response->headers["content-type"], "text/plain");
    EXPECT_THAT(response->body, HasSubstr(absl::StrCat("GET /one q=", i, " h=v")));
    const std::string connection = response->body.substr(response->body.find(" c="));
    if (i == 0) first_connection = connection;
    EXPECT_EQ(connection, first_connection);
  }
  // Pipelined in one write: answered in order.
  ASSERT_TRUE(client.Send(Post("/a", "1") + Post("/b", "22") + Get("/c")));
  for (const char* expected : {"POST /a q=- h=- c=", "POST /b q=- h=- c=", "GET /c q=- h=- c="}) {
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_THAT(response->body, HasSubstr(expected));
  }
  // Connection: close is honoured.
  ASSERT_TRUE(client.Send(Get("/last", "Connection: close\r\n")));
  auto last = client.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->headers["connection"], "close");
  EXPECT_EQ(client.WaitClosed(), Closed::kEof);
}

TEST_P(HttpServerTest, Http10ClosesAfterTheAnswer) {
  auto server = StartOrDie(Loopback(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(client.WaitClosed(), Closed::kEof);
}

TEST_P(HttpServerTest, AnswersFromAnotherThreadLaterAndInOrder) {
  HeldAnswers held;
  auto server = StartOrDie(Loopback(), [&held](Request&& request, Respond respond) {
    held.Push(std::move(request), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/first", "a") + Post("/second", "b")));
  for (const char* path : {"/first", "/second"}) {
    auto [request, respond] = held.Pop();
    ASSERT_TRUE(respond) << "the handler was not called for " << path;
    EXPECT_EQ(request.path, path);
    std::thread answerer([respond = respond, body = request.body] {
      Response response;
      response.status = 202;
      response.content_type = "application/json";
      response.body = absl::StrCat("{\"got\":\"", body, "\"}");
      respond(response);
      respond(Response{});  // a second call is ignored
    });
    answerer.join();
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 202);
    EXPECT_EQ(response->headers["content-type"], "application/json");
    EXPECT_EQ(response->body, std::string("{\"got\":\"") + (path[1] == 'f' ? "a" : "b") + "\"}");
  }
}

TEST_P(HttpServerTest, ABodyOverTheLimitGets413WithoutBeingRead) {
  std::atomic<int> handled{0};
  auto server = StartOrDie(Loopback(), [&handled](Request&& request, Respond respond) {
    ++handled;
    Echo(std::move(request), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  const size_t five_mib = 5 * 1024 * 1024;
  {
    // Declared, never sent: the answer comes from Content-Length alone.
    Client client(server->port());
    ASSERT_TRUE(client.Send(
        absl::StrCat("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: ", five_mib, "\r\n\r\n")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(response->headers["connection"], "close");
    EXPECT_EQ(client.WaitClosed(), Closed::kEof);
  }
  {
    // Chunked, really sent: refused once past the limit, by a server that did not buffer it all.
    Client client(server->port());
    ASSERT_TRUE(client.Send("POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
    std::thread sender([&client, five_mib] {
      const std::string chunk = absl::StrCat("10000\r\n", std::string(0x10000, 'x'), "\r\n");
      for (size_t sent = 0; sent < five_mib; sent += 0x10000) {
        if (!client.Send(chunk)) return;  // the server closed
      }
      client.Send("0\r\n\r\n");
    });
    auto response = client.Read(std::chrono::seconds(10));
    sender.join();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  }
  EXPECT_EQ(handled, 0);
}

TEST_P(HttpServerTest, HeadersOverTheLimitGet431) {
  auto server = StartOrDie(Loopback(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/", absl::StrCat("X-Big: ", std::string(20 * 1024, 'h'), "\r\n"))));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(client.WaitClosed(), Closed::kEof);
}

TEST_P(HttpServerTest, GarbageGets400AndTheErrorHookShapesIt) {
  Options options = Loopback();
  options.error_hook = [](const Request&, Response& response) {
    response.content_type = "application/json";
    response.body = absl::StrCat("{\"status\":", response.status, "}");
    response.status = 200;  // ignored: the status stays the server's
  };
  auto server = StartOrDie(options, Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("\x01\x02 not http at all\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "{\"status\":400}");
  EXPECT_EQ(client.WaitClosed(), Closed::kEof);
}

TEST_P(HttpServerTest, ASlowLorisIsCutOffAfterReadTimeoutWith408) {
  Options options = Loopback();
  options.read_timeout = absl::Milliseconds(300);
  auto server = StartOrDie(options, Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  // One byte every 20 ms: each read finishes quickly, the request as a whole never does (it
  // would take 5 s). The pause paces the attacker; it synchronises nothing.
  const std::string request = Get("/", absl::StrCat("X-Pad: ", std::string(220, 'p'), "\r\n"));
  std::atomic<bool> stop{false};
  const auto start = Clock::now();
  std::thread sender([&] {
    for (char c : request) {
      if (stop || !client.Send(std::string(1, c))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto response = client.Read();
  const auto cut_after = Clock::now() - start;
  stop = true;
  sender.join();
  ASSERT_TRUE(response) << "no answer: the connection was not cut with 408";
  EXPECT_EQ(response->status, 408);
  EXPECT_GE(cut_after, std::chrono::milliseconds(250));
  EXPECT_LT(cut_after, std::chrono::seconds(3)) << "the whole request was waited for";
  EXPECT_NE(client.WaitClosed(), Closed::kTimeout);
}

TEST_P(HttpServerTest, AnIdleConnectionIsClosedSilently) {
  Options options = Loopback();
  options.idle_timeout = absl::Milliseconds(300);
  options.read_timeout = absl::Seconds(30);
  auto server = StartOrDie(options, Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/")));
  ASSERT_TRUE(client.Read());
  const auto start = Clock::now();
  // Nothing may arrive before the close: Read() fails on EOF, not on a 408.
  EXPECT_FALSE(client.Read(std::chrono::seconds(5)));
  const auto closed_after = Clock::now() - start;
  EXPECT_GE(closed_after, std::chrono::milliseconds(250));
  EXPECT_LT(closed_after, std::chrono::seconds(3));
  // A connection that never sends anything is closed the same way.
  Client silent(server->port());
  EXPECT_EQ(silent.WaitClosed(), Closed::kEof);
}

TEST_P(HttpServerTest, AHandlerThatNeverAnswersGets503AndOneThatDropsRespondGets500) {
  Options options = Loopback();
  options.handler_timeout = absl::Milliseconds(300);
  HeldAnswers held;
  auto server = StartOrDie(options, [&held](Request&& request, Respond respond) {
    if (request.path == "/drop") return;  // `respond` destroyed unanswered
    held.Push(std::move(request), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  {
    Client client(server->port());
    ASSERT_TRUE(client.Send(Get("/drop")));
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
  }
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/hold")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(client.WaitClosed(), Closed::kEof);
  auto [request, respond] = held.Pop();
  ASSERT_TRUE(respond);
  respond(Response{});  // too late: ignored, no crash
}

TEST_P(HttpServerTest, InfiniteTimeoutsNeverFire) {
  Options options = Loopback();
  options.read_timeout = options.idle_timeout = options.write_timeout = options.handler_timeout =
      absl::InfiniteDuration();
  HeldAnswers held;
  auto server = StartOrDie(options, [&held](Request&& request, Respond respond) {
    held.Push(std::move(request), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  for (int i = 0; i < 2; ++i) {  // the second on the same connection: it was not closed as idle
    ASSERT_TRUE(client.Send(Get("/slow")));
    // A deadline that overflowed into the past would have answered 503 at once.
    EXPECT_FALSE(client.Read(std::chrono::milliseconds(200))) << "answered before the handler";
    auto [request, respond] = held.Pop();
    ASSERT_TRUE(respond);
    respond(Response{});
    auto response = client.Read();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
  }
}

TEST_P(HttpServerTest, ExpectContinueIsHonoured) {
  auto server = StartOrDie(Loopback(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim) << "no 100 Continue";
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("hello"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_THAT(response->body, HasSubstr("POST /up q=- h=- c=1 hello"));
}

TEST_P(HttpServerTest, StopClosesOpenConnectionsAndLateAnswersAreIgnored) {
  HeldAnswers held;
  auto server = StartOrDie(Loopback(), [&held](Request&& request, Respond respond) {
    if (request.path == "/hold") return held.Push(std::move(request), std::move(respond));
    Echo(std::move(request), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  Client idle(port);
  ASSERT_TRUE(idle.Send(Get("/")));
  ASSERT_TRUE(idle.Read());
  Client waiting(port);
  ASSERT_TRUE(waiting.Send(Get("/hold")));
  auto [request, respond] = held.Pop();
  ASSERT_TRUE(respond);
  Client fresh(port);  // accepted, nothing sent
  ASSERT_TRUE(fresh.connected());

  server->Stop();
  EXPECT_NE(idle.WaitClosed(), Closed::kTimeout);
  EXPECT_NE(waiting.WaitClosed(), Closed::kTimeout);
  EXPECT_NE(fresh.WaitClosed(), Closed::kTimeout);
  respond(Response{});  // after Stop(): nothing happens
  server->Stop();       // idempotent
  Client refused(port);
  EXPECT_FALSE(refused.connected()) << "the listener is still open";
  server.reset();
}

TEST_P(HttpServerTest, BadOptionsAreRefused) {
  Options options = Loopback();
  options.bind = "not-an-ip";
  EXPECT_EQ(Server::Start(options, Echo).status().code(), absl::StatusCode::kInvalidArgument);
  auto taken = StartOrDie(Loopback(), Echo);
  ASSERT_NE(taken, nullptr);
  options = Loopback();
  options.port = taken->port();
  EXPECT_EQ(Server::Start(options, Echo).status().code(), absl::StatusCode::kUnavailable);
}

// The HTTP client (libs/http) tells a request that never left from one whose answer was lost:
// callers may retry the first, not the second (it may have been acted on).
TEST(HttpClientOutcomeTest, AConnectionLostAfterTheRequestIsUnknownARefusedOneUnavailable) {
  auto server = StartOrDie(LoopbackOptions(2), [](Request&&, Respond respond) {
    Response drop;
    drop.hang_up = true;  // read the request, then close without an answer
    respond(std::move(drop));
  });
  ASSERT_NE(server, nullptr);
  http::HttpClient client;
  http::Request request;
  request.method = "POST";
  request.url = absl::StrCat("http://127.0.0.1:", server->port(), "/messages");
  request.body = "{}";
  EXPECT_EQ(client.Send(request).status().code(), absl::StatusCode::kUnknown);
  const int port = server->port();
  server->Stop();
  request.url = absl::StrCat("http://127.0.0.1:", port, "/messages");
  EXPECT_EQ(client.Send(request).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace lindungi::httpserver

#include "lindungi/httpserver/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"

namespace lindungi::httpserver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// What a late `respond` needs to know: whether the server is gone.
struct Liveness {
  std::mutex mu;
  bool stopped = false;
};

// A connection as a handler's answer reaches it, whatever executor runs it.
class Connection {
 public:
  virtual ~Connection() = default;
  // From any thread: hands the answer to request `sequence` to the connection's executor.
  virtual void PostAnswer(uint64_t sequence, std::optional<Response> response) = 0;
};

// The one answer a handler owes: delivered once, by `respond` or by dropping it (then 500).
class PendingAnswer {
 public:
  PendingAnswer(std::weak_ptr<Connection> connection, uint64_t sequence,
                std::shared_ptr<Liveness> liveness)
      : connection_(std::move(connection)), sequence_(sequence), liveness_(std::move(liveness)) {}
  ~PendingAnswer() {
    if (!answered_.exchange(true)) Post(std::nullopt);
  }
  void Deliver(Response response) {
    if (!answered_.exchange(true)) Post(std::move(response));
  }

 private:
  void Post(std::optional<Response> response);

  const std::weak_ptr<Connection> connection_;
  const uint64_t sequence_;
  const std::shared_ptr<Liveness> liveness_;
  std::atomic<bool> answered_{false};
};

std::chrono::nanoseconds ToChrono(absl::Duration d) { return absl::ToChronoNanoseconds(d); }

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// `from` + `d`, saturating: an infinite (or huge) timeout is a deadline that never comes.
Clock::time_point After(Clock::time_point from, absl::Duration d) {
  const Clock::duration left = Clock::time_point::max() - from;
  if (d >= absl::FromChrono(left)) return Clock::time_point::max();
  return from + ToChrono(d);
}

}  // namespace

struct Server::Impl {
  Options options;
  Handler handler;
  std::unique_ptr<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::shared_ptr<Liveness> liveness = std::make_shared<Liveness>();
  std::atomic<uint64_t> next_connection_id{1};
  int port = 0;
  absl::Duration shortest_timeout;  // of the options' timeouts

  void Accept();
};

namespace {

// One connection. Its handlers never run concurrently (`Executor` is the io_context's when one
// thread runs it, a strand of it otherwise), so members need no lock. The socket and timer hold
// the concrete executor: no type-erased executor to copy on every operation. One timer serves
// every phase: what its expiry means depends on `phase_`.
template <class Executor>
class Session : public Connection, public std::enable_shared_from_this<Session<Executor>> {
 public:
  using Socket = asio::basic_stream_socket<tcp, Executor>;

  Session(Socket socket, Server::Impl& server)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        server_(server),
        options_(server.options),
        connection_id_(server.next_connection_id++) {
    beast::error_code ec;
    const tcp::endpoint remote = socket_.remote_endpoint(ec);
    if (!ec) remote_ = absl::StrCat(remote.address().to_string(), ":", remote.port());
  }

  void PostAnswer(uint64_t sequence, std::optional<Response> response) override {
    asio::post(socket_.get_executor(), [self = this->shared_from_this(), sequence,
                                        response = std::move(response)]() mutable {
      self->OnAnswer(sequence, std::move(response));
    });
  }

  void Start() {
    asio::post(socket_.get_executor(),
               [self = this->shared_from_this()] { self->WaitForRequest(); });
  }

  // On the connection's executor: the handler's answer to request `sequence`, or nullopt when
  // it dropped `respond` unanswered.
  void OnAnswer(uint64_t sequence, std::optional<Response> response) {
    if (phase_ != Phase::kHandling || sequence != sequence_) return;  // too late: already answered
    if (!response) return SendError(500, "the handler dropped the request unanswered");
    Send(std::move(*response));
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kDelaying, kWriting, kLingering, kClosed };

  // The connection's one deadline, for the phase it is in. Setting it is usually only a store:
  // the timer never waits longer than the shortest timeout, and every phase's deadline lies at
  // least that far ahead, so the timer fires first and then waits again for what is left. A
  // request therefore costs no timer operation; the timer wakes once per shortest timeout per
  // connection. (Only a sooner deadline, e.g. a short response delay, restarts the timer.)
  // Until Close(), a wait is always pending: while a handler works, nothing else holds the
  // session (its answer holds only a weak pointer), so the wait keeps it alive even when every
  // timeout is infinite.
  void Arm(absl::Duration timeout) {
    const Clock::time_point now = Clock::now();
    deadline_ = After(now, timeout);
    if (deadline_ < timer_at_ || timer_at_ == Clock::time_point::max()) WaitForDeadline(now);
  }

  void Disarm() { deadline_ = Clock::time_point::max(); }

  void WaitForDeadline(Clock::time_point now) {
    timer_at_ = std::min(deadline_, After(now, server_.shortest_timeout));
    timer_.expires_at(timer_at_);
    timer_.async_wait(
        [self = this->shared_from_this()](beast::error_code ec) { self->OnTimer(ec); });
  }

  void OnTimer(beast::error_code ec) {
    if (ec) return;  // cancelled: replaced by a sooner wait, or the connection closed
    timer_at_ = Clock::time_point::max();
    if (phase_ == Phase::kClosed) return;
    const Clock::time_point now = Clock::now();
    if (now < deadline_) return WaitForDeadline(now);
    Disarm();
    OnDeadline();
  }

  void OnDeadline() {
    switch (phase_) {
      case Phase::kHandling:
        return SendError(503, "the handler did not answer in time");
      case Phase::kDelaying:
        return Write();
      case Phase::kIdle:
      case Phase::kReading:
      case Phase::kWriting:
      case Phase::kLingering: {
        // The pending socket operation fails with operation_aborted; its handler sees this.
        timed_out_ = true;
        beast::error_code ignored;
        socket_.cancel(ignored);
        return;
      }
      case Phase::kClosed:
        return;
    }
  }

  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: already here
    phase_ = Phase::kIdle;
    timed_out_ = false;
    Arm(options_.idle_timeout);
    socket_.async_read_some(
        buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          if (ec) return self->Close();  // idle timeout, the client closed, or an error: silently
          self->buffer_.commit(n);
          self->ReadRequest();
        });
  }

  // From the first byte of a request, `read_timeout` covers the rest of it.
  void ReadRequest() {
    phase_ = Phase::kReading;
    timed_out_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(options_.max_header_bytes, std::numeric_limits<uint32_t>::max())));
    parser_->body_limit(options_.max_body_bytes);
    Arm(options_.read_timeout);
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // Clients that send "Expect: 100-continue" wait for this before sending the body.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = {http::status::continue_, parser_->get().version()};
      return http::async_write(socket_, continue_,
                               [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return self->OnReadError(ec);
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        socket_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRequest(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (timed_out_) return SendError(408, "request not received in time");
    if (ec == http::error::body_limit) return SendError(413, "payload too large");
    if (ec == http::error::header_limit) return SendError(431, "request header fields too large");
    // Anything else from the HTTP parser is a malformed request; a client that hangs up
    // mid-request, or a socket error, ends the connection silently.
    const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_errors && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return SendError(400, "malformed HTTP request");
    }
    Close();
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    Disarm();
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    Request request = ToRequest(message);
    request.body = std::move(message.body());
    request.received_at = absl::Now();

    phase_ = Phase::kHandling;
    const uint64_t sequence = ++sequence_;
    auto pending =
        std::make_shared<PendingAnswer>(this->weak_from_this(), sequence, server_.liveness);
    Arm(options_.handler_timeout);
    try {
      server_.handler(std::move(request),
                      [pending](Response response) { pending->Deliver(std::move(response)); });
    } catch (const std::exception& e) {  // a bug in a handler must not take the server down
      Response response;
      response.status = 500;
      response.body = absl::StrCat("internal error: ", e.what(), "\n");
      response.close = true;
      pending->Deliver(std::move(response));
    }
  }

  Request ToRequest(const http::request<http::string_body>& message) const {
    Request request;
    request.method = std::string(View(message.method_string()));
    request.target = std::string(View(message.target()));
    const size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.version = static_cast<int>(message.version());
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(View(field.name_string())),
                                   std::string(View(field.value())));
    }
    request.remote = remote_;
    request.connection_id = connection_id_;
    return request;
  }

  // An answer of the server's own; the connection closes after it.
  void SendError(int status, absl::string_view reason) {
    Response response;
    response.status = status;
    response.body = absl::StrCat(reason, "\n");
    response.close = true;
    if (options_.error_hook) {
      const Request partial = parser_ ? ToRequest(parser_->get()) : Request{};
      try {
        options_.error_hook(partial, response);
      } catch (const std::exception&) {  // keep the default answer
      }
      response.status = status;
      response.close = true;
    }
    ++sequence_;  // a late handler answer is ignored
    Send(std::move(response));
  }

  void Send(Response response) {
    Disarm();
    response_ = std::move(response);
    if (response_.delay > absl::ZeroDuration()) {
      phase_ = Phase::kDelaying;
      return Arm(response_.delay);
    }
    Write();
  }

  void Write() {
    if (response_.hang_up) return Close();
    const int status = response_.status >= 100 && response_.status <= 999 ? response_.status : 500;
    message_ = {};
    message_.result(static_cast<unsigned>(status));
    message_.version(version_ == 10 ? 10 : 11);
    if (!response_.content_type.empty()) {
      message_.set(http::field::content_type, response_.content_type);
    }
    for (const auto& [name, value] : response_.headers) message_.insert(name, value);
    message_.body() = std::move(response_.body);
    message_.keep_alive(keep_alive_ && !response_.close);
    message_.prepare_payload();
    phase_ = Phase::kWriting;
    timed_out_ = false;
    Arm(options_.write_timeout);
    http::async_write(socket_, message_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        if (self->message_.keep_alive()) return self->WaitForRequest();
                        self->LingeringClose();
                      });
  }

  // Closing a socket with unread input makes the kernel send RST, which can destroy our answer
  // (e.g. a 413 sent before the oversized body was read) before the client reads it. So: send
  // FIN, then read and discard until the client closes too, or read_timeout passes.
  void LingeringClose() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    phase_ = Phase::kLingering;
    Arm(options_.read_timeout);
    Drain();
  }

  void Drain() {
    socket_.async_read_some(asio::buffer(drain_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    phase_ = Phase::kClosed;
    Disarm();
    timer_.cancel();  // its wait holds this session alive
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Socket socket_;
  asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor> timer_;
  Server::Impl& server_;
  const Options& options_;
  const uint64_t connection_id_;
  std::string remote_;

  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_ = Clock::time_point::max();  // max: none
  Clock::time_point timer_at_ = Clock::time_point::max();  // max: the timer is not waiting
  uint64_t sequence_ = 0;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  Response response_;
  http::response<http::string_body> message_;
  std::array<char, 4096> drain_;
};

void PendingAnswer::Post(std::optional<Response> response) {
  // Under the lock, so that Stop() cannot tear the io_context down in between.
  std::lock_guard<std::mutex> lock(liveness_->mu);
  if (liveness_->stopped) return;
  const std::shared_ptr<Connection> connection = connection_.lock();
  if (!connection) return;  // the connection is gone
  connection->PostAnswer(sequence_, std::move(response));
}

}  // namespace

void Server::Impl::Accept() {
  // A connection's handlers must never run concurrently: with several threads each connection
  // gets its own strand; with one thread the loop itself serialises them, and a strand would only
  // cost a lock and a queue per handler.
  auto on_accept = [this](beast::error_code ec, auto socket) {
    if (ec == asio::error::operation_aborted) return;  // stopping
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      using Executor = typename decltype(socket)::executor_type;
      std::make_shared<Session<Executor>>(std::move(socket), *this)->Start();
    }
    Accept();
  };
  if (options.threads == 1) return acceptor->async_accept(io->get_executor(), on_accept);
  acceptor->async_accept(asio::make_strand(io->get_executor()), on_accept);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(Options options, Handler handler) {
  if (!handler) return absl::InvalidArgumentError("httpserver: no handler");
  absl::StatusOr<std::unique_ptr<Server>> server = Listen(std::move(options));
  if (server.ok()) (*server)->Serve(std::move(handler));
  return server;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Listen(Options options) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError("httpserver: port must be from 0 to 65535");
  }
  if (options.threads < 1) return absl::InvalidArgumentError("httpserver: threads must be >= 1");
  for (absl::Duration d : {options.read_timeout, options.idle_timeout, options.write_timeout,
                           options.handler_timeout}) {
    if (d <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("httpserver: timeouts must be positive");
    }
  }
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.bind, ec);
  if (ec) return absl::InvalidArgumentError("httpserver: bind " + options.bind + " is not an IP");

  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->shortest_timeout = std::min({impl->options.read_timeout, impl->options.idle_timeout,
                                     impl->options.write_timeout, impl->options.handler_timeout});
  impl->io = std::make_unique<asio::io_context>(impl->options.threads);
  impl->acceptor.emplace(*impl->io);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(impl->options.port));
  tcp::acceptor& acceptor = *impl->acceptor;
  if (!acceptor.open(endpoint.protocol(), ec) &&
      !acceptor.set_option(asio::socket_base::reuse_address(true), ec) &&
      !acceptor.bind(endpoint, ec) &&
      !acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    impl->port = acceptor.local_endpoint(ec).port();
  }
  if (ec) {
    return absl::UnavailableError(absl::StrCat("httpserver: cannot listen on ", impl->options.bind,
                                               ":", impl->options.port, ": ", ec.message()));
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

boost::asio::io_context& Server::io_context() { return *impl_->io; }

void Server::Serve(Handler handler) {
  impl_->handler = std::move(handler);
  impl_->work.emplace(impl_->io->get_executor());
  impl_->Accept();
  for (int i = 0; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([io = impl_->io.get()] {
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception&) {  // keep serving; the connection concerned is lost
        }
      }
    });
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

void Server::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->liveness->mu);
    if (impl_->liveness->stopped) return;
    impl_->liveness->stopped = true;
  }
  impl_->work.reset();
  impl_->io->stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->acceptor.reset();
  // Destroying the io_context destroys every pending operation, and with them the sessions and
  // their sockets: every connection is closed here.
  impl_->io.reset();
}

}  // namespace lindungi::httpserver

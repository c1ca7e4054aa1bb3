#include "http_server.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace lindungi::fake_sms {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Reading a request (or idling between keep-alive requests) and writing an answer.
constexpr std::chrono::seconds kIoTimeout(30);
// How long a closing connection keeps reading what the client still sends (see LingeringClose).
constexpr std::chrono::seconds kLingerTimeout(5);

// One connection. Every handler runs on the connection's strand, so members need no lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeSmsProvider& provider)
      : stream_(std::move(socket)), delay_timer_(stream_.get_executor()), provider_(provider) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->body_limit(FakeSmsProvider::kMaxBodyBytes);
    stream_.expires_after(kIoTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // Clients that send "Expect: 100-continue" wait for this before sending the body; a body
    // that is too large never gets here (body_limit fails on Content-Length above).
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = {http::status::continue_, parser_->get().version()};
      return http::async_write(stream_, continue_,
                               [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (!ec) self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRequest(ec); });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Respond(provider_.PayloadTooLarge(parser_->get()), /*keep_alive=*/false);
    }
    // Anything else from the HTTP parser is a malformed request; EOF, timeouts and resets end
    // the connection silently (the stream already closed the socket on timeout).
    const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
    if (ec != http::error::end_of_stream && ec.category() == http_errors) {
      return Respond(ErrorReply(400, "malformed HTTP request"), /*keep_alive=*/false);
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const Request request = parser_->release();
    Reply reply;
    try {
      reply = provider_.Handle(request);
    } catch (const std::exception& e) {  // a bug of ours must not take the fake down
      reply = ErrorReply(500, e.what());
    }
    Respond(std::move(reply), request.keep_alive());
  }

  void Respond(Reply reply, bool keep_alive) {
    response_ = std::move(reply.response);
    response_.version(11);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    close_without_answer_ = reply.close_without_answer;
    if (reply.delay.count() == 0) return Write();
    // Nothing is read meanwhile; a client that gives up just makes Write fail.
    delay_timer_.expires_after(reply.delay);
    delay_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Write();
    });
  }

  void Write() {
    if (close_without_answer_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
      return;
    }
    stream_.expires_after(kIoTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (self->response_.keep_alive()) return self->ReadHeader();
                        self->LingeringClose();
                      });
  }

  // Closing a socket with unread input makes the kernel send RST, which can destroy our answer
  // (e.g. a 413 sent before the oversized body was read) before the client reads it. So: send
  // FIN, then read and discard until the client closes too, or kLingerTimeout passes.
  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  asio::steady_timer delay_timer_;
  FakeSmsProvider& provider_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  Response response_;
  bool close_without_answer_ = false;
  std::array<char, 4096> drain_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, const tcp::endpoint& endpoint, FakeSmsProvider& provider)
      : io_(io), acceptor_(io), provider_(provider) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    // Each connection gets its own strand, so its handlers never run concurrently.
    acceptor_.async_accept(asio::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                               tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), self->provider_)->Start();
      if (ec != asio::error::operation_aborted) self->Accept();
    });
  }

 private:
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  FakeSmsProvider& provider_;
};

}  // namespace

unsigned short Serve(asio::io_context& io, const tcp::endpoint& endpoint,
                     FakeSmsProvider& provider) {
  auto listener = std::make_shared<Listener>(io, endpoint, provider);
  listener->Accept();
  return listener->port();
}

}  // namespace lindungi::fake_sms

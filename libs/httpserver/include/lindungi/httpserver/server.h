#pragma once

// A small HTTP/1.1 server (Boost.Beast/Asio) for Lindungi's HTTP edges and the fakes in tools/.
//
// - Keep-alive: HTTP/1.1 connections stay open unless the request says `Connection: close`;
//   HTTP/1.0 ones close after the answer unless they ask for keep-alive. Requests on one
//   connection are answered in order: the next request is read only after the previous answer
//   is written, so pipelined requests wait in the socket.
// - Limits, answered by the server itself (then the connection is closed):
//   headers over `max_header_bytes` → 431; a body over `max_body_bytes` → 413 (from
//   Content-Length at once, or while reading a chunked body; never buffered whole); a request
//   that is not HTTP → 400; a request not received whole within `read_timeout` from its first
//   byte → 408 (slow-loris). An idle keep-alive connection is closed silently after
//   `idle_timeout`. `Expect: 100-continue` is honoured.
// - The handler runs on one of the server's threads and may answer at once or later, from any
//   thread, by calling `respond` exactly once. Later calls are ignored. A handler that drops
//   `respond` without calling it gets 500 sent on its behalf; one that holds it past
//   `handler_timeout` gets 503 sent on its behalf (and the connection closed): a connection
//   never waits forever. A `respond` called after that, or after Stop(), does nothing.
// - Stop() closes the listener and every connection (in-flight answers are dropped) and joins
//   the threads; the destructor calls it.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace lindungi::httpserver {

struct Request {
  std::string method;  // as sent: "GET", "POST", ...
  std::string target;  // "/v1/x?a=b", as sent
  std::string path;    // the target up to '?', not decoded
  std::string query;   // after '?', not decoded ("" when absent)
  int version = 11;    // 10 or 11
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;
  absl::Time received_at;      // when the whole request had been read
  std::string remote;          // "ip:port" of the client
  uint64_t connection_id = 0;  // unique per connection for the server's life

  // The first header with this name, compared case-insensitively.
  std::optional<std::string> Header(absl::string_view name) const;
};

// The first `name=value` pair of the query, %-decoded ('+' is kept as '+', not a space, so that
// `?to=+62…` works as typed); "" for a bare `name`; nullopt when absent.
std::optional<std::string> QueryParam(const Request& request, absl::string_view name);
std::optional<std::string> QueryParam(absl::string_view query, absl::string_view name);
std::string PercentDecode(absl::string_view s);

struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, sent as given
  bool close = false;  // close the connection after this answer
  // For fakes that simulate a slow or vanishing peer: answer (or hang up) this much later; the
  // connection reads nothing meanwhile.
  absl::Duration delay = absl::ZeroDuration();
  // For fakes that simulate a dropped connection: close the connection without any answer.
  bool hang_up = false;
};

using Respond = std::function<void(Response)>;  // call exactly once, from any thread
using Handler = std::function<void(Request&& request, Respond respond)>;

// Shapes the answers the server makes itself (400, 408, 413, 431, 500, 503): it receives the
// default text/plain answer, may rewrite its body, content type and headers (not its status),
// and sees as much of the request as was parsed (method, target, path, headers; no body).
using ErrorHook = std::function<void(const Request& partial_request, Response& response)>;

struct Options {
  std::string bind = "0.0.0.0";  // IPv4 or IPv6 address
  int port = 0;                  // 0: a free port, see Server::port()
  int threads = 2;
  size_t max_header_bytes = 16 * 1024;  // request line and headers
  size_t max_body_bytes = 4 * 1024 * 1024;
  absl::Duration read_timeout = absl::Seconds(10);     // to receive one whole request (slow-loris)
  absl::Duration idle_timeout = absl::Seconds(60);     // keep-alive wait between requests
  absl::Duration write_timeout = absl::Seconds(10);    // to send one answer to a slow reader
  absl::Duration handler_timeout = absl::Seconds(30);  // then 503 on the handler's behalf
  ErrorHook error_hook;                                // optional
};

class Server {
 public:
  // Binds, listens and starts `options.threads` threads. InvalidArgument for bad options,
  // Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(Options options, Handler handler);
  // Start in two steps, for handlers that drive other I/O on the server's own event loop (e.g.
  // redis::AsioRedis, so a request needs no hand-off between threads): Listen binds and listens
  // (connections wait in the backlog), io_context() is then the loop to build them on, Serve
  // starts the threads. Call Serve once; Stop() without Serve just closes the listener.
  static absl::StatusOr<std::unique_ptr<Server>> Listen(Options options);
  boost::asio::io_context& io_context();
  void Serve(Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  // Idempotent; must not be called from the handler (it joins the server's threads).
  void Stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// For the small HTTP tools (the fakes in tools/): starts the server, prints
// {"listening":"<bind>","port":N} on stdout (the line test harnesses wait for), serves until
// SIGINT or SIGTERM, then stops. Returns the process exit code: 0, or 1 with "<program>: <reason>"
// on stderr when the server cannot start. Call before starting any other thread (it blocks the
// two signals for the whole process).
int ServeUntilSignalled(absl::string_view program, Options options, Handler handler);

}  // namespace lindungi::httpserver

#pragma once

// Redis driven by the caller's asio event loop (e.g. the HTTP server's): no thread of its own, so
// a request handler that queues a command gets its reply on the same threads, with no hand-off to
// an I/O thread and back. Each connection lives on its own strand of the io_context; every
// command queued while the loop is busy goes out in one write as soon as the loop turns, and
// replies are read as they come (commands are pipelined, never one round trip each).
//
// - Connections open on first use (AUTH and SELECT as in RedisOptions) and reopen on the next
//   command after any failure (Redis restarted, a reset, a timeout).
// - UNAVAILABLE for every command in flight when the connection fails or its oldest command waits
//   longer than `command_timeout` (connecting: `connect_timeout`); INTERNAL for an error reply.
// - Callbacks run on the connection's strand, i.e. on one of the io_context's threads: keep them
//   short and never block in them.
// - Call Command/Eval from the io_context's threads, or from any thread while the io_context is
//   neither being destroyed nor gone. The client may outlive its io_context: commands in flight
//   are then dropped unanswered with the io_context's other pending work, later ones fail with
//   UNAVAILABLE at once.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "lindungi/redis/async_redis.h"
#include "lindungi/redis/redis.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace lindungi::redis {

class AsioRedis : public AsyncRedis {
 public:
  // `connections` sockets (at least one), e.g. one per thread running `io`.
  AsioRedis(boost::asio::io_context& io, RedisOptions options, int connections = 1);
  // Closes the connections (on their strands); commands in flight get UNAVAILABLE.
  ~AsioRedis() override;
  AsioRedis(const AsioRedis&) = delete;
  AsioRedis& operator=(const AsioRedis&) = delete;

  void Command(std::vector<std::string> args, Callback done) override;
  void Eval(const Script& script, std::vector<std::string> keys, std::vector<std::string> args,
            Callback done) override;
  // Posts `fn` to the io_context (dropped if it is gone).
  void Later(std::function<void()> fn) override;

  class Connection;
  struct Shared;

 private:
  std::shared_ptr<Connection> Pick();  // null once the io_context is gone
  static void Dispatch(std::shared_ptr<Connection> c, std::string encoded, Callback done);

  std::shared_ptr<Shared> shared_;
  std::atomic<uint64_t> next_{0};
};

// Appends `args` to `out` as one RESP command (an array of bulk strings).
void AppendCommand(const std::vector<std::string>& args, std::string* out);

}  // namespace lindungi::redis

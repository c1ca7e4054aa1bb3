#pragma once

// What callers of an asynchronous Redis client need, whichever drives it: RedisPipeline (its own
// I/O threads) or AsioRedis (the caller's asio event loop). Code that only queues commands and
// takes callbacks (the gateway's webhook ingest) depends on this, not on either client.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/redis/redis.h"

namespace lindungi::redis {

class AsyncRedis {
 public:
  using Callback = std::function<void(absl::StatusOr<Reply>)>;

  virtual ~AsyncRedis() = default;

  // Queues one command; `done` gets its reply, an INTERNAL error for an error reply, or
  // UNAVAILABLE when Redis cannot be reached or times out. Where `done` runs is the client's.
  virtual void Command(std::vector<std::string> args, Callback done) = 0;
  // EVALSHA; on NOSCRIPT falls back to EVAL once (which also caches the script). `script` must
  // outlive the call (scripts are static).
  virtual void Eval(const Script& script, std::vector<std::string> keys,
                    std::vector<std::string> args, Callback done) = 0;
  // Runs `fn` once what the caller's event loop has ready now has run, so that a caller can
  // gather the requests of one turn into one command. Without an event loop: at once.
  virtual void Later(std::function<void()> fn) { fn(); }
};

}  // namespace lindungi::redis

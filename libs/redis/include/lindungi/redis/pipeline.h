#pragma once

// Redis multiplexed and pipelined: a few connections, each driven by one I/O thread that writes
// every command queued since its last round trip as one batch and then reads the replies in
// order. Callers never hold a connection, so many concurrent requests share a handful of
// sockets and one write/read per batch - far fewer syscalls and thread switches than a pool of
// blocking connections. Use RedisPool instead for blocking commands (BLPOP, XREADGROUP BLOCK).
//
// Callbacks run on an I/O thread: keep them short and never call a *Sync method from one.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/redis/async_redis.h"
#include "lindungi/redis/redis.h"

namespace lindungi::redis {

class RedisPipeline : public AsyncRedis {
 public:
  // `options.pool_size` connections (and I/O threads); connections open on first use.
  explicit RedisPipeline(RedisOptions options);
  // Stops the I/O threads after finishing what is queued.
  ~RedisPipeline() override;
  RedisPipeline(const RedisPipeline&) = delete;
  RedisPipeline& operator=(const RedisPipeline&) = delete;

  // Queues one command; `done` gets its reply, an INTERNAL error for an error reply, or
  // UNAVAILABLE when Redis cannot be reached or times out.
  void Command(std::vector<std::string> args, Callback done) override;
  // EVALSHA; on NOSCRIPT falls back to EVAL once (which also caches the script). `script` must
  // outlive the call (scripts are static).
  void Eval(const Script& script, std::vector<std::string> keys, std::vector<std::string> args,
            Callback done) override;

  absl::StatusOr<Reply> CommandSync(std::vector<std::string> args);
  absl::StatusOr<Reply> EvalSync(const Script& script, std::vector<std::string> keys,
                                 std::vector<std::string> args);
  absl::Status Load(const Script& script);
  absl::Status Ping();

 private:
  struct Pending {
    std::vector<std::string> args;
    Callback done;
  };
  class Lane;

  const RedisOptions options_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<uint64_t> next_lane_{0};
};

}  // namespace lindungi::redis

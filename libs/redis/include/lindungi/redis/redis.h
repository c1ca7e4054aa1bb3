#pragma once

// Redis on hiredis 0.14 (blocking API): a bounded connection pool with connect and command
// timeouts, reconnection after failures, and Lua scripts run with EVALSHA (reloaded on NOSCRIPT).
// Every failure is an absl::Status: UNAVAILABLE when Redis cannot be reached or times out,
// INTERNAL for an error reply. Call from worker threads, never from a gRPC reactor.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct redisContext;

namespace lindungi::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";                            // Redis host name or address
  int port = 6379;                                           // TCP port
  int db = 0;                                                // database index selected on connect
  std::string password;                                      // AUTH password, empty for none
  absl::Duration connect_timeout = absl::Milliseconds(500);  // per connection attempt
  absl::Duration command_timeout = absl::Seconds(1);         // per command round trip
  int pool_size = 16;  // RedisPool: most connections open at once; RedisPipeline: connections
  absl::Duration acquire_timeout = absl::Seconds(1);  // wait for a free connection at most this
};

// Parses redis://[:password@]host[:port][/db] into `base` (timeouts and pool size are kept).
absl::StatusOr<RedisOptions> ParseRedisUrl(absl::string_view url, RedisOptions base = {});

// A reply, copied out of hiredis.
struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // kString and kStatus
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

// A Lua script identified by the SHA-1 of its source, as Redis identifies it.
class Script {
 public:
  Script(std::string name, std::string source);
  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string name_;
  std::string source_;
  std::string sha1_;
};

class RedisPool {
 public:
  explicit RedisPool(RedisOptions options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs one command, e.g. Command({"SET", key, value}).
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);
  // Runs several commands in one round trip; one reply per command, in order. An error reply
  // of one command fails the whole call.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& cmds);
  // SCRIPT LOAD, so that later EVALSHA calls find the script.
  absl::Status Load(const Script& script);
  // EVALSHA; on NOSCRIPT (Redis restarted or flushed its cache) loads the script and retries once.
  absl::StatusOr<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);
  absl::Status Ping();

  const RedisOptions& options() const { return options_; }

 private:
  struct Connection;
  absl::StatusOr<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn, bool healthy);
  absl::StatusOr<std::unique_ptr<Connection>> Connect();
  // Sends the commands on one connection and reads every reply. A connection that was idle in
  // the pool and turns out to be closed by the server is replaced once (Redis restarted).
  absl::StatusOr<std::vector<Reply>> RoundTrip(const std::vector<std::vector<std::string>>& cmds);

  const RedisOptions options_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

}  // namespace lindungi::redis

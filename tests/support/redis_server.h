#pragma once

// A private redis-server for one test process: loopback, a free port, no persistence, its own
// directory. Start() returns once the server answers PING. Stop()/Restart() keep the port, so
// clients that knew the old server find the new one (the "Redis restarted" case).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lindungi/redis/redis.h"
#include "support/child_process.h"

namespace lindungi::testing {

class RedisServer {
 public:
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();
  ~RedisServer();

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
  redis::RedisOptions options() const;
  // Kills the server (SIGKILL, like a crash) and waits until it is gone.
  void Stop();
  // Starts it again on the same port and waits for PING.
  absl::Status Restart();

 private:
  RedisServer() = default;
  absl::Status Launch();

  int port_ = 0;
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace lindungi::testing

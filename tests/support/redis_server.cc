#include "support/redis_server.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "support/test_env.h"

namespace lindungi::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  auto server = std::unique_ptr<RedisServer>(new RedisServer());
  server->dir_ = MakeTempDir();
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    server->port_ = FreePort();
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

RedisServer::~RedisServer() { Stop(); }

redis::RedisOptions RedisServer::options() const {
  redis::RedisOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.connect_timeout = absl::Milliseconds(500);
  o.command_timeout = absl::Seconds(5);
  o.pool_size = 64;
  return o;
}

absl::Status RedisServer::Launch() {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn({"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                           "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_,
                           "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"},
                          dir_ + "/redis.log");
  if (!child.ok()) return child.status();
  process_ = std::move(*child);
  // redis-server is ready when it answers PING (STYLE.md trap 9), not when it was started.
  redis::RedisOptions o = options();
  o.pool_size = 1;
  redis::RedisPool probe(o);
  const bool up =
      Eventually([&] { return !process_->Running() || probe.Ping().ok(); }, absl::Seconds(15));
  if (up && process_->Running()) return absl::OkStatus();
  const std::string output = process_->Output();
  process_.reset();
  return absl::UnavailableError(
      absl::StrCat("redis-server did not start on port ", port_, ": ", output));
}

void RedisServer::Stop() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(absl::Seconds(10));
  process_.reset();
}

absl::Status RedisServer::Restart() {
  Stop();
  return Launch();
}

}  // namespace lindungi::testing

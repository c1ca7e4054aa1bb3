#include "lindungi/redis/redis_flags.h"

#include "absl/flags/flag.h"
#include "lindungi/config/config.h"

ABSL_FLAG(
    std::string, redis, "redis://127.0.0.1:6379/0",
    "Redis address, redis://host:port/db (a password, if any, goes in --redis_password_file)");
ABSL_FLAG(std::string, redis_password_file, "", "File holding the Redis AUTH password, if any");
ABSL_FLAG(int, redis_connections, 2,
          "Redis connections this process keeps; calls are multiplexed and pipelined over them, "
          "so a few suffice");
ABSL_FLAG(absl::Duration, redis_connect_timeout, absl::Milliseconds(500),
          "Timeout for opening one Redis connection");
ABSL_FLAG(absl::Duration, redis_command_timeout, absl::Seconds(1),
          "Timeout for one Redis round trip; a slower Redis counts as unavailable");

namespace lindungi::redis {

absl::StatusOr<RedisOptions> RedisOptionsFromFlags() {
  RedisOptions base;
  base.pool_size = absl::GetFlag(FLAGS_redis_connections);
  base.connect_timeout = absl::GetFlag(FLAGS_redis_connect_timeout);
  base.command_timeout = absl::GetFlag(FLAGS_redis_command_timeout);
  if (base.pool_size < 1)
    return absl::InvalidArgumentError("--redis_connections must be at least 1");
  if (base.connect_timeout <= absl::ZeroDuration() ||
      base.command_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--redis_*_timeout must be positive");
  }
  absl::StatusOr<RedisOptions> options = ParseRedisUrl(absl::GetFlag(FLAGS_redis), base);
  if (!options.ok()) return options.status();
  if (!options->password.empty()) {
    return absl::InvalidArgumentError(
        "--redis must not contain a password; put it in --redis_password_file");
  }
  if (const std::string file = absl::GetFlag(FLAGS_redis_password_file); !file.empty()) {
    absl::StatusOr<std::string> password = config::ReadSecretFile(file, "--redis_password_file");
    if (!password.ok()) return password.status();
    options->password = *password;
  }
  return options;
}

}  // namespace lindungi::redis

#pragma once

#include "absl/status/statusor.h"
#include "lindungi/redis/redis.h"

namespace lindungi::redis {

// Options from --redis, --redis_connections (as pool_size), --redis_connect_timeout,
// --redis_command_timeout and
// --redis_password_file. Only binaries that call this have those flags.
absl::StatusOr<RedisOptions> RedisOptionsFromFlags();

}  // namespace lindungi::redis

#pragma once

// A business number's send rate shared by every gateway replica (the Cloud API limits the
// number, not a process): the same GCRA as whatsapp::RateLimiter, its one timestamp kept in Redis
// (`gw:rate:<phone_number_id>`, microseconds of Redis's own clock) and advanced by one Lua script
// per send. GraphConfig::shared_rate calls Reserve(); when Redis fails the client paces alone.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/redis/redis.h"

namespace lindungi::gateway {

class SharedSendRate {
 public:
  // `per_second` > 0 sends a second, up to `burst` ≥ 1 of them back to back.
  SharedSendRate(redis::RedisPool& redis, const std::string& phone_number_id, double per_second,
                 int burst);

  // Takes the next slot: how long the caller must wait before sending (zero: now).
  absl::StatusOr<absl::Duration> Reserve();

 private:
  redis::RedisPool& redis_;
  const std::string key_;
  const int64_t interval_us_;
  const int64_t tolerance_us_;
};

}  // namespace lindungi::gateway

#include "shared_send_rate.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace lindungi::gateway {
namespace {

// KEYS: the rate key. ARGV: interval µs, tolerance µs. Answers the wait in µs.
const redis::Script& ReserveScript() {
  static const auto* s = new redis::Script("gw_send_rate", R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, tat - tolerance)
local next_tat = math.max(tat, now) + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX',
           math.floor((next_tat - now) / 1000) + 1000)
return start - now
)lua");
  return *s;
}

}  // namespace

SharedSendRate::SharedSendRate(redis::RedisPool& redis, const std::string& phone_number_id,
                               double per_second, int burst)
    : redis_(redis),
      key_(absl::StrCat("gw:rate:", phone_number_id)),
      interval_us_(std::max<int64_t>(1, std::llround(1e6 / per_second))),
      tolerance_us_(interval_us_ * (std::max(burst, 1) - 1)) {}

absl::StatusOr<absl::Duration> SharedSendRate::Reserve() {
  absl::StatusOr<redis::Reply> wait = redis_.Eval(
      ReserveScript(), {key_}, {absl::StrCat(interval_us_), absl::StrCat(tolerance_us_)});
  if (!wait.ok()) return wait.status();
  return absl::Microseconds(std::max<int64_t>(0, wait->integer));
}

}  // namespace lindungi::gateway

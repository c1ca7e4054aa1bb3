#include "lindungi/whatsapp/rate_limiter.h"

#include <algorithm>

namespace lindungi::whatsapp {

RateLimiter::RateLimiter(double per_second, int burst, const clock::Clock& clock)
    : interval_(absl::Seconds(1) / per_second),
      tolerance_(interval_ * (std::max(burst, 1) - 1)),
      clock_(clock) {}

absl::Duration RateLimiter::Reserve() {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  // GCRA, the token bucket kept as one timestamp: the slot starts when the bucket would hold a
  // token again, and each slot pushes the theoretical arrival time one interval further.
  const absl::Time start = std::max(now, next_ - tolerance_);
  next_ = std::max(next_, now) + interval_;
  return start - now;
}

}  // namespace lindungi::whatsapp

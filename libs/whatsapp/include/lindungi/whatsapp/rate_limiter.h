#pragma once

// A token bucket for one business number's throughput (the Cloud API allows 80 messages/s per
// number by default). It never blocks: Reserve() takes a slot and answers how long the caller
// must wait before using it, so the waiting happens where the caller decides (GraphClient sleeps
// through its injectable sleeper) and tests move a FakeClock instead of sleeping.

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lindungi/clock/clock.h"

namespace lindungi::whatsapp {

class RateLimiter {
 public:
  // `per_second` > 0 slots per second; up to `burst` ≥ 1 of them may be used back to back after a
  // quiet spell. Any window of one second sees at most per_second + burst - 1 sends.
  RateLimiter(double per_second, int burst, const clock::Clock& clock);

  // Takes the next slot: zero when it is free now, else the wait until it is. Slots are handed
  // out in call order, so concurrent callers queue fairly instead of bursting together.
  absl::Duration Reserve();

 private:
  const absl::Duration interval_;
  const absl::Duration tolerance_;  // (burst - 1) intervals
  const clock::Clock& clock_;
  absl::Mutex mu_;
  absl::Time next_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();  // GCRA's theoretical arrival
};

}  // namespace lindungi::whatsapp

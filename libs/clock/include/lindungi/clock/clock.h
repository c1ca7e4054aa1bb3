#pragma once

// Time as a dependency: domain classes take a Clock so tests move time instead of sleeping.

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lindungi::clock {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Returns a process-wide SystemClock.
Clock& RealClock();

// Western Indonesia Time (WIB, UTC+7, no daylight saving): the calendar of the registry's dates
// ("today", ages, eligibility) and of the dates printed on certificates.
const absl::TimeZone& Jakarta();

// A clock that only moves when told to; thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1764000000))
      : ns_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(ns_.load()); }
  void Advance(absl::Duration d) { ns_.fetch_add(absl::ToInt64Nanoseconds(d)); }
  void Set(absl::Time t) { ns_.store(absl::ToUnixNanos(t)); }

 private:
  std::atomic<int64_t> ns_;
};

}  // namespace lindungi::clock

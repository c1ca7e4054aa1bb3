#include "lindungi/clock/clock.h"

namespace lindungi::clock {

Clock& RealClock() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

const absl::TimeZone& Jakarta() {
  static const auto* tz = new absl::TimeZone(absl::FixedTimeZone(7 * 3600));
  return *tz;
}

}  // namespace lindungi::clock

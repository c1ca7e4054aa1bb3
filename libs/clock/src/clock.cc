#include "lindungi/clock/clock.h"

namespace lindungi::clock {

Clock& RealClock() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

}  // namespace lindungi::clock

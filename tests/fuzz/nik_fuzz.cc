// Whatever arrives as a NIK: never crash; anything accepted is 16 digits with a sane date.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lindungi/nik/nik.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto info = lindungi::nik::ParseNik(input);
  (void)lindungi::nik::MaskNik(input);
  if (!info.ok()) return 0;
  if (input.size() != 16 || info->birth_month < 1 || info->birth_month > 12 ||
      info->birth_day < 1 || info->birth_day > 31 || info->serial < 1) {
    std::abort();
  }
  return 0;
}

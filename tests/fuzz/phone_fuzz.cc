// Whatever a citizen types as a phone number: never crash, and anything accepted is canonical.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lindungi/phone/phone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto e164 = lindungi::phone::NormalizeMobile(input);
  if (!e164.ok()) return 0;
  // Normalizing a normalized number is the identity; masking keeps the last four digits.
  auto again = lindungi::phone::NormalizeMobile(*e164);
  if (!again.ok() || *again != *e164 || e164->rfind("+628", 0) != 0) std::abort();
  const std::string masked = lindungi::phone::MaskPhone(*e164);
  if (masked.substr(masked.size() - 4) != e164->substr(e164->size() - 4)) std::abort();
  return 0;
}

// The log redactor sees attacker text: it must never crash, and no run of 10 or more digits that
// stands on its own (a phone number or NIK) may come out whole.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lindungi/log/log.h"

namespace {
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string out = lindungi::log::Redact(input);
  (void)lindungi::log::FormatLine(lindungi::log::Level::kInfo, input, {{"v", input}});
  for (size_t i = 0; i < out.size();) {
    if (!IsDigit(out[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && IsDigit(out[j])) ++j;
    const bool alone =
        (i == 0 || !IsWordChar(out[i - 1])) && (j == out.size() || !IsWordChar(out[j]));
    if (alone && j - i >= 10) std::abort();
    i = j;
  }
  return 0;
}

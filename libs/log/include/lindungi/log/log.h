#pragma once

// One JSON object per line on stderr, with the request id of the current thread on every line.
// The logger redacts personal data itself (DESIGN.md "Data"): values under sensitive keys are
// dropped, and free text is scanned for phone numbers, NIKs, one-time codes and tokens.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"

namespace lindungi::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// A structured field. Strings are redacted; numbers and booleans are written as they are unless
// the key itself is sensitive (see IsSensitiveKey).
struct Field {
  Field(absl::string_view k, absl::string_view v) : key(k), value(std::string(v)) {}
  Field(absl::string_view k, const std::string& v) : key(k), value(v) {}
  Field(absl::string_view k, const char* v) : key(k), value(std::string(v)) {}
  Field(absl::string_view k, bool v) : key(k), value(v) {}
  Field(absl::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, long v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, long long v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, unsigned v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, unsigned long v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(absl::string_view k, double v) : key(k), value(v) {}

  std::string key;
  std::variant<std::string, int64_t, double, bool> value;
};

// Sets the service name written on every line and the minimum level. Safe to call again.
void Configure(absl::string_view service, Level min_level);
// Parses "debug", "info", "warn" or "error".
bool ParseLevel(absl::string_view text, Level* level);
// Sends lines to `fd` instead of stderr (tests).
void SetOutputFd(int fd);

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});
inline void Debug(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, msg, f);
}
inline void Info(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(absl::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

// Formats one line without writing it (tests, and the single place the format is defined).
std::string FormatLine(Level level, absl::string_view msg, std::initializer_list<Field> fields);

// Masks personal data in free text: digit runs of 10 or more (phones, NIKs) keep their first and
// last 4 digits; runs of 6 to 9 digits (codes) are masked entirely; bearer tokens and long
// token-like strings become [REDACTED].
std::string Redact(absl::string_view text);
// True for keys whose values are personal data or secrets whatever they look like.
bool IsSensitiveKey(absl::string_view key);

// The request id carried by the current thread; empty when none.
const std::string& CurrentRequestId();
// A new random request id (16 hex characters).
std::string NewRequestId();

// Sets the current thread's request id for its lifetime, restoring the previous one after.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace lindungi::log

#include "lindungi/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lindungi::log {
namespace {

struct Settings {
  std::mutex mu;
  std::string service = "lindungi";
  int fd = STDERR_FILENO;
};

Settings& settings() {
  static Settings* s = new Settings();
  return *s;
}

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
thread_local std::string t_request_id;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' ||
         c == '/' || c == '=' || c == '.';
}

bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A digit run may be interrupted by single separators a person types in a number.
bool IsDigitSeparator(char c) { return c == ' ' || c == '-' || c == '.'; }

// Scans a number-like run starting at text[i] (optionally with '+'). Returns its end and the
// positions of its digits.
size_t ScanDigitRun(absl::string_view text, size_t i, std::vector<size_t>* digits) {
  size_t j = i;
  if (text[j] == '+') ++j;
  size_t end = j;
  while (j < text.size()) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) {
      digits->push_back(j);
      ++j;
      end = j;
    } else if (IsDigitSeparator(text[j]) && j + 1 < text.size() &&
               absl::ascii_isdigit(static_cast<unsigned char>(text[j + 1])) && !digits->empty()) {
      ++j;
    } else {
      break;
    }
  }
  return end;
}

// The length of an IPv4 address (four dot-separated octets 0-255 without leading zeros) at
// text[i], or 0. No phone number or NIK has that form, and addresses in logs must stay readable.
size_t Ipv4Length(absl::string_view text, size_t i) {
  size_t j = i;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (j >= text.size() || text[j] != '.') return 0;
      ++j;
    }
    const size_t start = j;
    int value = 0;
    while (j < text.size() && j - start < 4 &&
           absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) {
      value = value * 10 + (text[j++] - '0');
    }
    const size_t len = j - start;
    if (len == 0 || len > 3 || value > 255 || (len > 1 && text[start] == '0')) return 0;
  }
  const bool continues =
      j < text.size() &&
      (IsWordChar(text[j]) || (text[j] == '.' && j + 1 < text.size() &&
                               absl::ascii_isdigit(static_cast<unsigned char>(text[j + 1]))));
  return continues ? 0 : j - i;
}

void MaskDigits(std::string* out, absl::string_view run, size_t run_start,
                const std::vector<size_t>& digits) {
  const size_t n = digits.size();
  const size_t keep = n >= 10 ? 4 : 0;
  std::string masked(run.data(), run.size());
  for (size_t k = keep; k < n - keep; ++k) masked[digits[k] - run_start] = '*';
  out->append(masked);
}

}  // namespace

void Configure(absl::string_view service, Level min_level) {
  std::lock_guard<std::mutex> lock(settings().mu);
  settings().service = std::string(service);
  g_min_level.store(static_cast<int>(min_level));
}

bool ParseLevel(absl::string_view text, Level* level) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t == "debug") {
    *level = Level::kDebug;
  } else if (t == "info") {
    *level = Level::kInfo;
  } else if (t == "warn" || t == "warning") {
    *level = Level::kWarn;
  } else if (t == "error") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

void SetOutputFd(int fd) {
  std::lock_guard<std::mutex> lock(settings().mu);
  settings().fd = fd;
}

bool IsSensitiveKey(absl::string_view key) {
  const std::string k = absl::AsciiStrToLower(key);
  static const char* const kExact[] = {"phone", "msisdn", "nik",    "code",     "otp",
                                       "token", "secret", "pepper", "password", "authorization",
                                       "name",  "wa_id",  "to",     "message",  "body"};
  for (const char* e : kExact) {
    if (k == e) return true;
  }
  static const char* const kSuffix[] = {"_phone", "_nik",    "_token", "_secret", "_password",
                                        "_key",   "_pepper", "_name",  "_code",   "_otp"};
  for (const char* s : kSuffix) {
    if (absl::EndsWith(k, s) && k != "grpc_code" && k != "status_code" && k != "http_code") {
      return true;
    }
  }
  return false;
}

std::string Redact(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const bool at_boundary = i == 0 || !IsWordChar(text[i - 1]);
    if (!at_boundary) {
      out.push_back(text[i++]);
      continue;
    }
    // "Bearer <anything>" hides the credential that follows.
    if (text.size() - i > 7 && absl::StartsWithIgnoreCase(text.substr(i), "bearer ")) {
      absl::StrAppend(&out, text.substr(i, 7));
      i += 7;
      size_t j = i;
      while (j < text.size() && IsTokenChar(text[j])) ++j;
      if (j > i) out.append("[REDACTED]");
      i = j;
      continue;
    }
    // A JWT: three dotted base64url parts starting with the encoded '{"'.
    if (absl::StartsWith(text.substr(i), "eyJ")) {
      size_t j = i;
      while (j < text.size() && IsTokenChar(text[j])) ++j;
      out.append("[REDACTED]");
      i = j;
      continue;
    }
    const char c = text[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
        (c == '+' && i + 1 < text.size() &&
         absl::ascii_isdigit(static_cast<unsigned char>(text[i + 1])))) {
      if (const size_t address = Ipv4Length(text, i); address > 0) {
        absl::StrAppend(&out, text.substr(i, address));
        i += address;
        continue;
      }
      // A number standing on its own (not glued to letters, like 20261128T or v1).
      std::vector<size_t> digits;
      const size_t end = ScanDigitRun(text, i, &digits);
      // Short runs glued to letters (20261128T, v123456a) are not phone numbers or codes; long
      // runs are masked whatever follows them.
      const bool glued = end < text.size() && IsWordChar(text[end]);
      if (digits.size() >= 10 || (digits.size() >= 6 && !glued)) {
        MaskDigits(&out, text.substr(i, end - i), i, digits);
      } else {
        absl::StrAppend(&out, text.substr(i, end - i));
      }
      i = end;
      continue;
    }
    if (IsWordChar(c)) {
      // Long words mixing letters and digits look like keys, tokens, signatures or message ids.
      size_t j = i;
      bool has_digit = false, has_alpha = false;
      while (j < text.size() && IsWordChar(text[j])) {
        has_digit |= absl::ascii_isdigit(static_cast<unsigned char>(text[j])) != 0;
        has_alpha |= absl::ascii_isalpha(static_cast<unsigned char>(text[j])) != 0;
        ++j;
      }
      if (j - i >= 24 && has_digit && has_alpha) {
        out.append("[REDACTED]");
      } else {
        absl::StrAppend(&out, text.substr(i, j - i));
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::string FormatLine(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(160);
  line.append("{\"ts\":");
  AppendJsonString(&line,
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  line.append(",\"level\":\"");
  line.append(LevelName(level));
  line.append("\",\"service\":");
  {
    std::lock_guard<std::mutex> lock(settings().mu);
    AppendJsonString(&line, settings().service);
  }
  line.append(",\"msg\":");
  AppendJsonString(&line, Redact(msg));
  if (!t_request_id.empty()) {
    line.append(",\"request_id\":");
    AppendJsonString(&line, t_request_id);
  }
  for (const Field& f : fields) {
    line.push_back(',');
    AppendJsonString(&line, f.key);
    line.push_back(':');
    if (IsSensitiveKey(f.key)) {
      line.append("\"[REDACTED]\"");
    } else if (const auto* s = std::get_if<std::string>(&f.value)) {
      AppendJsonString(&line, Redact(*s));
    } else if (const auto* i = std::get_if<int64_t>(&f.value)) {
      absl::StrAppend(&line, *i);
    } else if (const auto* d = std::get_if<double>(&f.value)) {
      absl::StrAppend(&line, *d);
    } else {
      line.append(std::get<bool>(f.value) ? "true" : "false");
    }
  }
  line.append("}\n");
  return line;
}

void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  const std::string line = FormatLine(level, msg, fields);
  int fd;
  {
    std::lock_guard<std::mutex> lock(settings().mu);
    fd = settings().fd;
  }
  // One write(2) per line keeps lines whole when several threads log at once.
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

const std::string& CurrentRequestId() { return t_request_id; }

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

RequestIdScope::RequestIdScope(std::string request_id) : previous_(std::move(t_request_id)) {
  t_request_id = std::move(request_id);
}

RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

}  // namespace lindungi::log

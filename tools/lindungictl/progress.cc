#include "progress.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace lindungi::ctl {

Progress::Progress(std::string what, int64_t total_bytes, std::FILE* out, bool terminal)
    : what_(std::move(what)),
      total_(total_bytes),
      out_(out),
      terminal_(terminal),
      start_(absl::Now()),
      last_print_(absl::InfinitePast()) {}

std::string Progress::Thousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Progress::Duration(absl::Duration d) {
  const int64_t s = absl::ToInt64Seconds(d);
  if (s >= 3600) return absl::StrFormat("%dh%02dm", s / 3600, (s % 3600) / 60);
  if (s >= 60) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%ds", s);
}

std::string Progress::Line(int64_t bytes, int64_t rows, absl::Time now) const {
  const double secs = std::max(0.001, absl::ToDoubleSeconds(now - start_));
  const double rate = rows / secs;
  std::string line = absl::StrCat(what_, " ");
  if (total_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(bytes) / total_);
    const int width = 24;
    const int filled = static_cast<int>(fraction * width);
    absl::StrAppend(&line, "[", std::string(filled, '#'), std::string(width - filled, '.'), "] ",
                    absl::StrFormat("%3.0f%% ", fraction * 100));
    absl::StrAppend(&line, Thousands(rows), " rows, ", Thousands(static_cast<int64_t>(rate)),
                    " rows/s");
    if (fraction > 0.001 && fraction < 1.0) {
      absl::StrAppend(&line, ", ETA ", Duration(absl::Seconds(secs * (1 - fraction) / fraction)));
    }
  } else {
    absl::StrAppend(&line, Thousands(rows), " rows, ", Thousands(static_cast<int64_t>(rate)),
                    " rows/s");
  }
  absl::StrAppend(&line, ", ", Duration(now - start_));
  return line;
}

void Progress::Update(int64_t bytes, int64_t rows) {
  const absl::Time now = absl::Now();
  if (now - last_print_ < (terminal_ ? absl::Milliseconds(200) : absl::Seconds(10))) return;
  last_print_ = now;
  const std::string line = Line(bytes, rows, now);
  if (terminal_) {
    std::fprintf(out_, "\r%s\033[K", line.c_str());
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
}

void Progress::Done(int64_t bytes, int64_t rows) {
  const std::string line = Line(bytes, rows, absl::Now());
  std::fprintf(out_, terminal_ ? "\r%s\033[K\n" : "%s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace lindungi::ctl

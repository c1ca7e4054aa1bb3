#pragma once

// Progress of a long job on a terminal: a bar redrawn in place (at most 5 times a second) when
// stderr is a terminal, otherwise one plain line every 10 seconds, so logs stay readable.

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/time/time.h"

namespace lindungi::ctl {

class Progress {
 public:
  // `total_bytes` < 0 when unknown (no percentage or ETA then).
  Progress(std::string what, int64_t total_bytes, std::FILE* out, bool terminal);
  void Update(int64_t bytes, int64_t rows);
  // Prints the final state and ends the line.
  void Done(int64_t bytes, int64_t rows);

  // "12,345,678"
  static std::string Thousands(int64_t n);
  // "1h02m", "3m05s", "42s"
  static std::string Duration(absl::Duration d);

 private:
  std::string Line(int64_t bytes, int64_t rows, absl::Time now) const;

  const std::string what_;
  const int64_t total_;
  std::FILE* out_;
  const bool terminal_;
  const absl::Time start_;
  absl::Time last_print_;
};

}  // namespace lindungi::ctl

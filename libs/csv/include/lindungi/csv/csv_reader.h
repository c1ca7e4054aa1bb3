#pragma once

// A streaming RFC 4180 CSV reader for registry imports of millions of rows.
//
// Format: ',' separates fields; a field may be enclosed in double quotes, and then may contain
// commas, line breaks and quotes written as "". Records end with LF or CRLF; the last one may
// have no line end. A UTF-8 byte order mark at the very start is skipped; empty lines (LF or
// CRLF alone) are skipped. Nothing is trimmed and there is no header handling: the first
// record is the header, and checking the column count is the caller's business.
//
// Malformed records never stop the reader. A record is malformed when it has
//   - a quote inside an unquoted field                  "quote inside unquoted field"
//   - anything but , or a line end after a closing quote "text after closing quote"
//   - a CR that is not followed by LF outside quotes    "carriage return not followed by line feed"
//   - a quoted field still open at the end of the input "unterminated quoted field"
//   - a quoted field still open after max_record_bytes  "quoted field not closed within N bytes"
//   - more than max_record_bytes (line end excluded)    "record longer than N bytes"
// Such a record comes back with `error` set and no fields, and reading resumes at the physical
// line after the one where the bad record started. So a stray quote costs one row, not the rest
// of the file; the cost is that the tail of a legitimately multi-line record that is malformed
// further on is read as records of its own (and is almost always malformed too).
//
// Memory is bounded by chunk_size + max_record_bytes whatever the input; each byte is scanned
// about once (a record cut by a chunk boundary is parsed again from its start after the refill).
// The records, errors included, are the same for every chunk_size (the fuzzer checks this).

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lindungi::csv {

struct CsvRecord {
  int64_t line = 0;                 // 1-based physical line where the record starts
  std::vector<std::string> fields;  // unquoted and unescaped; empty when `error` is set
  std::string error;                // why the record is malformed; empty for a good record
};

struct CsvReaderOptions {
  size_t chunk_size = size_t{1} << 20;         // bytes per read from the source (at least 1)
  size_t max_record_bytes = size_t{64} << 10;  // longer records are errors (at least 1)
};

class CsvReader {
 public:
  // Reads the file at `path`. NotFound / PermissionDenied / Internal when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                         CsvReaderOptions options = {});
  // Reads from `in`, which must outlive the reader. total_bytes() is unknown (-1).
  explicit CsvReader(std::istream* in, CsvReaderOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next record, good or malformed, into `*out` (its strings are reused, so passing the same
  // record every time avoids allocating). False at the end of the input or after a read error;
  // then status() tells which.
  bool Next(CsvRecord* out);

  // OK, or the read error that ended the input early.
  const absl::Status& status() const { return status_; }
  // Bytes read from the source so far, for progress.
  int64_t bytes_read() const { return bytes_read_; }
  // Size of the input when known (a regular file), else -1.
  int64_t total_bytes() const { return total_bytes_; }

  class Source;  // where the bytes come from: a file or a stream (defined in the .cc)

 private:
  enum class Parse { kRecord, kError, kNeedMore };

  CsvReader(std::unique_ptr<Source> source, int64_t total_bytes, CsvReaderOptions options);
  // Reads more input after the unconsumed bytes (moved to the front); false when none came.
  bool Refill();
  // Parses the record at pos_; kNeedMore only when the input is not at its end.
  Parse ParseRecord(CsvRecord* out, bool* in_quotes);
  // Reports the record at pos_ as malformed and arranges resumption at the next line.
  void Fail(CsvRecord* out, std::string error);
  // Consumes input up to and including the next LF; false when the input ended first.
  bool SkipLine();

  std::unique_ptr<Source> source_;
  const CsvReaderOptions options_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t pos_ = 0;  // next unconsumed byte
  size_t end_ = 0;  // end of valid data
  bool eof_ = false;
  bool bom_checked_ = false;
  bool skipping_ = false;  // resuming after a malformed record: drop input through the next LF
  int64_t line_ = 1;       // physical line of buffer_[pos_]
  int64_t bytes_read_ = 0;
  int64_t total_bytes_ = -1;
  absl::Status status_;
};

}  // namespace lindungi::csv

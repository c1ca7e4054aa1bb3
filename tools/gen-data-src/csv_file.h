#pragma once

// A CSV file written through one large buffer: the generator emits tens of millions of rows,
// so rows are formatted by hand into the buffer and written in big blocks.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace lindungi::gendata {

class CsvFile {
 public:
  CsvFile() = default;
  ~CsvFile();
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  // Creates or truncates `path`.
  absl::Status Open(const std::string& path);
  // Writes what is buffered and closes; the first write error, if any.
  absl::Status Close();

  // Appends `text` as one field, quoted (RFC 4180) only when it contains , " CR or LF.
  void Field(absl::string_view text);
  // Appends bytes as they are: separators, line ends, deliberately malformed fields.
  void Raw(absl::string_view text) {
    buffer_.append(text.data(), text.size());
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void Raw(char c) { buffer_.push_back(c); }
  void Int(int64_t value);
  // YYYY-MM-DD.
  void Date(absl::CivilDay day);
  // One citizens.csv row: nik,full_name,birth_date,sex,phone (quoting what needs it).
  void CitizenRow(absl::string_view nik, absl::string_view full_name, absl::CivilDay birth,
                  char sex, absl::string_view phone);
  // One vaccinations.csv row: nik,dose_number,vaccine_code,manufacturer_code,vaccinated_on,
  // batch,facility,country (always ID).
  void VaccinationRow(absl::string_view nik, int64_t dose_number, absl::string_view vaccine_code,
                      absl::string_view manufacturer_code, absl::CivilDay day,
                      absl::string_view batch, absl::string_view facility);
  void EndRow() {
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushAt) Flush();
  }

  int64_t bytes_written() const { return bytes_written_ + static_cast<int64_t>(buffer_.size()); }

 private:
  static constexpr size_t kFlushAt = size_t{4} << 20;
  void Flush();

  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  int64_t bytes_written_ = 0;
  absl::Status status_;
};

}  // namespace lindungi::gendata

#include "gen-data-src/csv_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace lindungi::gendata {

CsvFile::~CsvFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status CsvFile::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  buffer_.reserve(kFlushAt + (size_t{64} << 10));
  return absl::OkStatus();
}

void CsvFile::Flush() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0 && status_.ok()) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      status_ =
          absl::InternalError(absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
      break;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  bytes_written_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
}

absl::Status CsvFile::Close() {
  if (fd_ < 0) return status_;
  Flush();
  if (::close(fd_) != 0 && status_.ok()) {
    status_ = absl::InternalError(absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
  }
  fd_ = -1;
  return status_;
}

void CsvFile::Field(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) {
    buffer_.append(text.data(), text.size());
    return;
  }
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvFile::Int(int64_t value) {
  char digits[24];
  char* end = digits + sizeof(digits);
  char* p = end;
  const bool negative = value < 0;
  uint64_t v = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  buffer_.append(p, end);
}

void CsvFile::Date(absl::CivilDay day) {
  const int64_t y = day.year();
  const int m = day.month();
  const int d = day.day();
  char text[10] = {static_cast<char>('0' + y / 1000 % 10),
                   static_cast<char>('0' + y / 100 % 10),
                   static_cast<char>('0' + y / 10 % 10),
                   static_cast<char>('0' + y % 10),
                   '-',
                   static_cast<char>('0' + m / 10),
                   static_cast<char>('0' + m % 10),
                   '-',
                   static_cast<char>('0' + d / 10),
                   static_cast<char>('0' + d % 10)};
  buffer_.append(text, sizeof(text));
}

void CsvFile::CitizenRow(absl::string_view nik, absl::string_view full_name, absl::CivilDay birth,
                         char sex, absl::string_view phone) {
  Raw(nik);
  Raw(',');
  Field(full_name);
  Raw(',');
  Date(birth);
  Raw(',');
  Raw(sex);
  Raw(',');
  Field(phone);
  EndRow();
}

void CsvFile::VaccinationRow(absl::string_view nik, int64_t dose_number,
                             absl::string_view vaccine_code, absl::string_view manufacturer_code,
                             absl::CivilDay day, absl::string_view batch,
                             absl::string_view facility) {
  Raw(nik);
  Raw(',');
  Int(dose_number);
  Raw(',');
  Field(vaccine_code);
  Raw(',');
  Field(manufacturer_code);
  Raw(',');
  Date(day);
  Raw(',');
  Field(batch);
  Raw(',');
  Field(facility);
  Raw(",ID");
  EndRow();
}

}  // namespace lindungi::gendata

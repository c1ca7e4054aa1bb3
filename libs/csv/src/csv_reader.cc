#include "lindungi/csv/csv_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace lindungi::csv {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr size_t kBomSize = 3;

// Bytes that end an unquoted field: the scan over ordinary bytes is the hot loop.
struct SpecialBytes {
  bool table[256] = {};
  constexpr SpecialBytes() {
    table[static_cast<unsigned char>(',')] = true;
    table[static_cast<unsigned char>('"')] = true;
    table[static_cast<unsigned char>('\n')] = true;
    table[static_cast<unsigned char>('\r')] = true;
  }
};
constexpr SpecialBytes kSpecial;

inline bool IsSpecial(char c) { return kSpecial.table[static_cast<unsigned char>(c)]; }

// The first special byte in [p, e), or e. Unrolled: most fields are 1–40 ordinary bytes.
inline const char* ScanUnquoted(const char* p, const char* e) {
  while (e - p >= 4) {
    if (IsSpecial(p[0])) return p;
    if (IsSpecial(p[1])) return p + 1;
    if (IsSpecial(p[2])) return p + 2;
    if (IsSpecial(p[3])) return p + 3;
    p += 4;
  }
  while (p < e && !IsSpecial(*p)) ++p;
  return p;
}

absl::Status ErrnoStatus(int err, const std::string& what) {
  const std::string message = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

CsvReaderOptions Sanitized(CsvReaderOptions options) {
  options.chunk_size = std::max<size_t>(options.chunk_size, 1);
  options.max_record_bytes = std::max<size_t>(options.max_record_bytes, 1);
  return options;
}

}  // namespace

class CsvReader::Source {
 public:
  virtual ~Source() = default;
  // Up to `n` bytes into `out`: the count, 0 at the end, or an error.
  virtual absl::StatusOr<size_t> Read(char* out, size_t n) = 0;
};

namespace {

class FileSource final : public CsvReader::Source {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }

  absl::StatusOr<size_t> Read(char* out, size_t n) override {
    for (;;) {
      const ssize_t got = ::read(fd_, out, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return ErrnoStatus(errno, absl::StrCat("reading ", path_));
    }
  }

 private:
  const int fd_;
  const std::string path_;
};

class StreamSource final : public CsvReader::Source {
 public:
  explicit StreamSource(std::istream* in) : in_(in) {}

  absl::StatusOr<size_t> Read(char* out, size_t n) override {
    if (in_->bad()) return absl::DataLossError("input stream failed");
    if (in_->eof()) return 0;
    in_->read(out, static_cast<std::streamsize>(n));
    if (in_->bad()) return absl::DataLossError("input stream failed");
    return static_cast<size_t>(in_->gcount());
  }

 private:
  std::istream* const in_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                           CsvReaderOptions options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("opening ", path));
  int64_t total = -1;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    total = st.st_size;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return std::unique_ptr<CsvReader>(
      new CsvReader(std::make_unique<FileSource>(fd, path), total, options));
}

CsvReader::CsvReader(std::istream* in, CsvReaderOptions options)
    : CsvReader(std::make_unique<StreamSource>(in), -1, options) {}

CsvReader::CsvReader(std::unique_ptr<Source> source, int64_t total_bytes, CsvReaderOptions options)
    : source_(std::move(source)), options_(Sanitized(options)), total_bytes_(total_bytes) {
  // A partial record is at most max_record_bytes + 1 when a refill happens (longer ones are
  // errors first), so every refill has room for a whole chunk.
  capacity_ = options_.chunk_size + options_.max_record_bytes + 2;
  buffer_ = std::make_unique<char[]>(capacity_);
}

CsvReader::~CsvReader() = default;

bool CsvReader::Refill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  const size_t want = std::min(capacity_ - end_, options_.chunk_size);
  absl::StatusOr<size_t> got = source_->Read(buffer_.get() + end_, want);
  if (!got.ok()) {
    status_ = got.status();
    eof_ = true;
    return false;
  }
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  end_ += *got;
  bytes_read_ += static_cast<int64_t>(*got);
  return true;
}

bool CsvReader::SkipLine() {
  for (;;) {
    const char* start = buffer_.get() + pos_;
    const void* lf = std::memchr(start, '\n', end_ - pos_);
    if (lf != nullptr) {
      pos_ += static_cast<const char*>(lf) - start + 1;
      ++line_;
      return true;
    }
    pos_ = end_;
    if (!Refill()) return false;
  }
}

void CsvReader::Fail(CsvRecord* out, std::string error) {
  out->line = line_;
  out->fields.clear();
  out->error = std::move(error);
  skipping_ = true;
}

CsvReader::Parse CsvReader::ParseRecord(CsvRecord* out, bool* in_quotes) {
  const char* const begin = buffer_.get() + pos_;
  // Only the first max_record_bytes + 2 bytes are looked at, however many are buffered, so
  // that the outcome (including which error wins) does not depend on chunk boundaries.
  const size_t look = std::min(end_ - pos_, options_.max_record_bytes + 2);
  const char* const e = begin + look;
  const bool at_eof = eof_ && pos_ + look == end_;
  const char* p = begin;
  const char* content_end;  // the record without its line end
  std::vector<std::string>& fields = out->fields;
  size_t n = 0;
  int64_t newlines = 0;
  *in_quotes = false;
  for (;;) {
    if (n == fields.size()) fields.emplace_back();
    std::string& field = fields[n++];
    if (p < e && *p == '"') {
      ++p;
      field.clear();
      for (;;) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', e - p));
        if (q == nullptr) {
          *in_quotes = true;
          if (!at_eof) return Parse::kNeedMore;
          Fail(out, "unterminated quoted field");
          return Parse::kError;
        }
        newlines += std::count(p, q, '\n');
        field.append(p, q);
        p = q + 1;
        if (p == e && !at_eof) {
          *in_quotes = true;  // a "" escape may straddle the chunk boundary
          return Parse::kNeedMore;
        }
        if (p == e || *p != '"') break;  // the closing quote
        field.push_back('"');
        ++p;
      }
      if (p < e && *p != ',' && *p != '\n' && *p != '\r') {
        Fail(out, "text after closing quote");
        return Parse::kError;
      }
    } else {
      const char* q = ScanUnquoted(p, e);
      field.assign(p, q);
      p = q;
      if (p == e && !at_eof) return Parse::kNeedMore;
      if (p < e && *p == '"') {
        Fail(out, "quote inside unquoted field");
        return Parse::kError;
      }
    }
    if (p == e) {  // the last record, without a line end
      content_end = p;
      break;
    }
    if (*p == ',') {
      ++p;
      continue;
    }
    content_end = p;
    if (*p == '\n') {
      ++p;
      ++newlines;
      break;
    }
    // '\r'
    if (p + 1 == e) {
      if (!at_eof) return Parse::kNeedMore;
      ++p;  // a CR ending the input ends the record too
      break;
    }
    if (p[1] != '\n') {
      Fail(out, "carriage return not followed by line feed");
      return Parse::kError;
    }
    p += 2;
    ++newlines;
    break;
  }
  if (static_cast<size_t>(content_end - begin) > options_.max_record_bytes) {
    Fail(out, absl::StrCat("record longer than ", options_.max_record_bytes, " bytes"));
    return Parse::kError;
  }
  fields.resize(n);
  out->line = line_;
  out->error.clear();
  pos_ += p - begin;
  line_ += newlines;
  return Parse::kRecord;
}

bool CsvReader::Next(CsvRecord* out) {
  for (;;) {
    if (skipping_) {
      skipping_ = false;
      if (!SkipLine()) return false;
      continue;
    }
    if (pos_ == end_ && !Refill()) return false;
    if (!bom_checked_) {
      if (end_ - pos_ < kBomSize && !eof_) {
        Refill();
        continue;
      }
      bom_checked_ = true;
      if (end_ - pos_ >= kBomSize && std::memcmp(buffer_.get() + pos_, kBom, kBomSize) == 0) {
        pos_ += kBomSize;
      }
      continue;
    }
    const char c = buffer_[pos_];
    if (c == '\n') {  // empty line
      ++pos_;
      ++line_;
      continue;
    }
    if (c == '\r') {
      if (pos_ + 1 == end_ && !eof_) {
        Refill();
        continue;
      }
      if (pos_ + 1 == end_) {  // a lone CR ending the input
        ++pos_;
        continue;
      }
      if (buffer_[pos_ + 1] == '\n') {  // empty line
        pos_ += 2;
        ++line_;
        continue;
      }
    }
    bool in_quotes = false;
    switch (ParseRecord(out, &in_quotes)) {
      case Parse::kRecord:
      case Parse::kError:
        return true;
      case Parse::kNeedMore:
        // +1: a record of exactly the limit may be waiting for the LF after its CR.
        if (end_ - pos_ > options_.max_record_bytes + 1) {
          Fail(out, in_quotes
                        ? absl::StrCat("quoted field not closed within ", options_.max_record_bytes,
                                       " bytes")
                        : absl::StrCat("record longer than ", options_.max_record_bytes, " bytes"));
          return true;
        }
        Refill();  // at the end of the input ParseRecord finishes the record
        continue;
    }
  }
}

}  // namespace lindungi::csv

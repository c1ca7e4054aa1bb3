// Whatever arrives as a registry CSV: never crash or hang, memory stays bounded, and the records
// do not depend on where chunk boundaries fall. The first two bytes pick the chunk size and the
// record limit, so small buffers with every kind of boundary get exercised.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "lindungi/csv/csv_reader.h"

namespace {

struct Row {
  int64_t line;
  std::vector<std::string> fields;
  std::string error;
  bool operator==(const Row& o) const {
    return line == o.line && fields == o.fields && error == o.error;
  }
};

std::vector<Row> ReadAll(const std::string& input, size_t chunk_size, size_t max_record_bytes) {
  std::istringstream in(input);
  lindungi::csv::CsvReaderOptions options;
  options.chunk_size = chunk_size;
  options.max_record_bytes = max_record_bytes;
  lindungi::csv::CsvReader reader(&in, options);
  std::vector<Row> rows;
  lindungi::csv::CsvRecord record;
  int64_t last_line = 0;
  while (reader.Next(&record)) {
    // Each record starts on a later line than the one before; errors carry no fields, good
    // records at least one.
    if (record.line <= last_line) std::abort();
    if (record.error.empty() == record.fields.empty()) std::abort();
    if (rows.size() > input.size()) std::abort();
    last_line = record.line;
    rows.push_back({record.line, record.fields, record.error});
  }
  if (!reader.status().ok() || reader.bytes_read() != static_cast<int64_t>(input.size())) {
    std::abort();
  }
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk_size = 1 + data[0] % 64;
  const size_t max_record_bytes = 1 + data[1] % 128;
  const std::string input(reinterpret_cast<const char*>(data + 2), size - 2);
  if (ReadAll(input, chunk_size, max_record_bytes) != ReadAll(input, 1 << 16, max_record_bytes)) {
    std::abort();
  }
  return 0;
}

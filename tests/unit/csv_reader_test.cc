#include "lindungi/csv/csv_reader.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/test_env.h"

namespace lindungi::csv {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A record as the tests compare it: line, then fields or the error.
struct Row {
  int64_t line;
  std::vector<std::string> fields;
  std::string error;

  bool operator==(const Row& o) const {
    return line == o.line && fields == o.fields && error == o.error;
  }
};

void PrintTo(const Row& row, std::ostream* os) {
  *os << "{line " << row.line << ": ";
  if (!row.error.empty()) {
    *os << "error \"" << row.error << "\"}";
  } else {
    *os << "[" << absl::StrJoin(row.fields, "|") << "]}";
  }
}

CsvReaderOptions Options(size_t chunk_size, size_t max_record_bytes = 64 << 10) {
  CsvReaderOptions options;
  options.chunk_size = chunk_size;
  options.max_record_bytes = max_record_bytes;
  return options;
}

Row Good(int64_t line, std::vector<std::string> fields) { return {line, std::move(fields), ""}; }
Row Bad(int64_t line, std::string error) { return {line, {}, std::move(error)}; }

std::vector<Row> ReadAll(const std::string& input, CsvReaderOptions options = {}) {
  std::istringstream in(input);
  CsvReader reader(&in, options);
  std::vector<Row> rows;
  CsvRecord record;
  while (reader.Next(&record)) {
    rows.push_back({record.line, record.fields, record.error});
    if (rows.size() > input.size() + 1) {
      ADD_FAILURE() << "more records than input bytes";
      break;
    }
  }
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(input.size()));
  EXPECT_EQ(reader.total_bytes(), -1);
  return rows;
}

// Reads with every chunk size from 1 to 40 and checks that each gives the 1 MiB result: chunk
// boundaries then fall on every byte of the input, inside quotes, escapes and CRLFs.
std::vector<Row> ReadAllChunked(const std::string& input, size_t max_record_bytes = 64 << 10) {
  const std::vector<Row> want = ReadAll(input, Options(1 << 20, max_record_bytes));
  for (size_t chunk = 1; chunk <= 40; ++chunk) {
    EXPECT_EQ(ReadAll(input, Options(chunk, max_record_bytes)), want) << "chunk_size " << chunk;
  }
  return want;
}

// --- Well-formed input -------------------------------------------------------------------------

TEST(CsvReaderTest, PlainRecordsWithLf) {
  EXPECT_THAT(ReadAllChunked("nik,full_name\n3201011708450001,BUDI\n"),
              ElementsAre(Good(1, {"nik", "full_name"}), Good(2, {"3201011708450001", "BUDI"})));
}

TEST(CsvReaderTest, CrlfAndLfMixed) {
  EXPECT_THAT(ReadAllChunked("a,b\r\nc,d\ne,f\r\n"),
              ElementsAre(Good(1, {"a", "b"}), Good(2, {"c", "d"}), Good(3, {"e", "f"})));
}

TEST(CsvReaderTest, NoTrailingNewline) {
  EXPECT_THAT(ReadAllChunked("a,b\nc,d"), ElementsAre(Good(1, {"a", "b"}), Good(2, {"c", "d"})));
  EXPECT_THAT(ReadAllChunked("a,\"b\""), ElementsAre(Good(1, {"a", "b"})));
  EXPECT_THAT(ReadAllChunked("a,b\r"), ElementsAre(Good(1, {"a", "b"})));
}

TEST(CsvReaderTest, EmptyFields) {
  EXPECT_THAT(ReadAllChunked(",\n,,\r\na,\n,a\n\"\",\"\"\n"),
              ElementsAre(Good(1, {"", ""}), Good(2, {"", "", ""}), Good(3, {"a", ""}),
                          Good(4, {"", "a"}), Good(5, {"", ""})));
  EXPECT_THAT(ReadAllChunked("a,"), ElementsAre(Good(1, {"a", ""})));
}

TEST(CsvReaderTest, QuotedFields) {
  EXPECT_THAT(ReadAllChunked("\"SITI AMINAH, S.PD.\",\"say \"\"hai\"\"\",\"\"\"\"\n"),
              ElementsAre(Good(1, {"SITI AMINAH, S.PD.", "say \"hai\"", "\""})));
  EXPECT_THAT(ReadAllChunked("\"NUR'AINI\",'x'\n"), ElementsAre(Good(1, {"NUR'AINI", "'x'"})));
}

TEST(CsvReaderTest, EmbeddedNewlinesKeepLineNumbers) {
  EXPECT_THAT(ReadAllChunked("h1,h2\n1,\"two\nlines\"\n2,\"three\r\n\r\nlines\"\r\n3,x\n"),
              ElementsAre(Good(1, {"h1", "h2"}), Good(2, {"1", "two\nlines"}),
                          Good(4, {"2", "three\r\n\r\nlines"}), Good(7, {"3", "x"})));
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped) {
  EXPECT_THAT(ReadAllChunked("\xEF\xBB\xBFnik,phone\r\n1,2\r\n"),
              ElementsAre(Good(1, {"nik", "phone"}), Good(2, {"1", "2"})));
  // Only at the very start.
  EXPECT_THAT(ReadAllChunked("a\n\xEF\xBB\xBF"
                             "b\n"),
              ElementsAre(Good(1, {"a"}), Good(2, {"\xEF\xBB\xBF"
                                                   "b"})));
  EXPECT_THAT(ReadAllChunked("\xEF\xBB\xBF"), IsEmpty());
  EXPECT_THAT(ReadAllChunked("\xEF\xBB"), ElementsAre(Good(1, {"\xEF\xBB"})));
}

TEST(CsvReaderTest, EmptyLinesAreSkipped) {
  EXPECT_THAT(ReadAllChunked("\n\r\na\n\n\r\n\nb\r\n\r\n"),
              ElementsAre(Good(3, {"a"}), Good(7, {"b"})));
  EXPECT_THAT(ReadAllChunked(""), IsEmpty());
  EXPECT_THAT(ReadAllChunked("\n\n"), IsEmpty());
  EXPECT_THAT(ReadAllChunked("\r"), IsEmpty());
}

TEST(CsvReaderTest, WrongColumnCountIsLeftToTheCaller) {
  CsvRecord record;
  std::istringstream in("a,b,c\nd\ne,f,g,h\n");
  CsvReader reader(&in);
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("a", "b", "c"));
  ASSERT_TRUE(reader.Next(&record));  // the same record object, reused
  EXPECT_THAT(record.fields, ElementsAre("d"));
  EXPECT_EQ(record.line, 2);
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("e", "f", "g", "h"));
  EXPECT_TRUE(record.error.empty());
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_TRUE(reader.status().ok());
}

TEST(CsvReaderTest, NothingIsTrimmed) {
  EXPECT_THAT(ReadAllChunked(" a , b \n\t\n"),
              ElementsAre(Good(1, {" a ", " b "}), Good(2, {"\t"})));
}

// --- Malformed input: the error, its line, and resumption at the next line --------------------

TEST(CsvReaderTest, QuoteInsideUnquotedField) {
  EXPECT_THAT(ReadAllChunked("a,b\n1,SITI \"UMI\" AMINAH,x\n2,ok\n"),
              ElementsAre(Good(1, {"a", "b"}), Bad(2, "quote inside unquoted field"),
                          Good(3, {"2", "ok"})));
  EXPECT_THAT(ReadAllChunked("1, \"a\"\n2\n"),
              ElementsAre(Bad(1, "quote inside unquoted field"), Good(2, {"2"})));
}

TEST(CsvReaderTest, TextAfterClosingQuote) {
  EXPECT_THAT(ReadAllChunked("1,\"SITI \"UMI\" AMINAH\",x\r\n2,ok\r\n"),
              ElementsAre(Bad(1, "text after closing quote"), Good(2, {"2", "ok"})));
  EXPECT_THAT(ReadAllChunked("\"a\" ,b\n2\n"),
              ElementsAre(Bad(1, "text after closing quote"), Good(2, {"2"})));
}

TEST(CsvReaderTest, UnterminatedQuoteCostsOneLine) {
  EXPECT_THAT(ReadAllChunked("h\n1,\"open\n2,b\n3,c\n"),
              ElementsAre(Good(1, {"h"}), Bad(2, "unterminated quoted field"), Good(3, {"2", "b"}),
                          Good(4, {"3", "c"})));
  EXPECT_THAT(ReadAllChunked("\""), ElementsAre(Bad(1, "unterminated quoted field")));
  EXPECT_THAT(ReadAllChunked("a\n\"\"\"\n"),
              ElementsAre(Good(1, {"a"}), Bad(2, "unterminated quoted field")));
}

TEST(CsvReaderTest, StrayQuoteFollowedByQuotedFieldsCostsOneLine) {
  // The stray quote pairs with the first quote of line 3; the error shows on line 3 but is
  // reported for the record that started on line 2, and line 3 is read again on its own.
  EXPECT_THAT(ReadAllChunked("1,\"ok\"\n2,\"stray\n3,\"fine\",x\n4,y\n"),
              ElementsAre(Good(1, {"1", "ok"}), Bad(2, "text after closing quote"),
                          Good(3, {"3", "fine", "x"}), Good(4, {"4", "y"})));
}

TEST(CsvReaderTest, BareCarriageReturn) {
  EXPECT_THAT(ReadAllChunked("a\rb,c\nd\n"),
              ElementsAre(Bad(1, "carriage return not followed by line feed"), Good(2, {"d"})));
  EXPECT_THAT(ReadAllChunked("\"a\"\rb\nd\n"),
              ElementsAre(Bad(1, "carriage return not followed by line feed"), Good(2, {"d"})));
  EXPECT_THAT(ReadAllChunked("\"a\rb\"\n"), ElementsAre(Good(1, {"a\rb"})));  // inside quotes
}

TEST(CsvReaderTest, RecordLongerThanTheLimit) {
  const std::string long_line(100, 'x');
  const std::string input = absl::StrCat("a\n", long_line, "\n", long_line, ",y\r\nb\n");
  EXPECT_THAT(ReadAllChunked(input, 100),
              ElementsAre(Good(1, {"a"}), Good(2, {long_line}),
                          Bad(3, "record longer than 100 bytes"), Good(4, {"b"})));
  // A record of exactly the limit whose CR and LF land in different chunks.
  EXPECT_THAT(ReadAllChunked(long_line + "\r\nb", 100),
              ElementsAre(Good(1, {long_line}), Good(2, {"b"})));
  EXPECT_THAT(ReadAllChunked(long_line, 99), ElementsAre(Bad(1, "record longer than 99 bytes")));
}

TEST(CsvReaderTest, WhichErrorWinsDoesNotDependOnChunks) {
  // A syntax error past the limit is reported as the length, whatever was buffered.
  EXPECT_THAT(ReadAllChunked(std::string(10, 'x') + "\"y\nz\n", 5),
              ElementsAre(Bad(1, "record longer than 5 bytes"), Good(2, {"z"})));
  EXPECT_THAT(ReadAllChunked(std::string("\x00\xE6\r\x81", 4), 1),
              ElementsAre(Bad(1, "record longer than 1 bytes")));
}

TEST(CsvReaderTest, QuotedFieldNotClosedWithinTheLimit) {
  std::string input = "1,\"stray\n";
  for (int i = 2; i <= 20; ++i) absl::StrAppend(&input, i, ",NAME NUMBER ", i, "\n");
  const std::vector<Row> rows = ReadAllChunked(input, 64);
  ASSERT_EQ(rows.size(), 20u);
  EXPECT_EQ(rows[0], Bad(1, "quoted field not closed within 64 bytes"));
  for (int i = 2; i <= 20; ++i) {
    EXPECT_EQ(rows[i - 1], Good(i, {absl::StrCat(i), absl::StrCat("NAME NUMBER ", i)}));
  }
}

TEST(CsvReaderTest, HugeLineStreamsThroughInBoundedMemory) {
  // 4 MiB without a line end, read with 4 KiB chunks and a 1 KiB record limit.
  std::string input = "a\n" + std::string(4 << 20, 'z') + "\nb\n";
  const std::vector<Row> rows = ReadAll(input, Options(4096, 1024));
  EXPECT_THAT(rows,
              ElementsAre(Good(1, {"a"}), Bad(2, "record longer than 1024 bytes"), Good(3, {"b"})));
  input = "a\n\"" + std::string(4 << 20, 'z') + "\nb\n";  // the same, inside a quote
  EXPECT_THAT(ReadAll(input, Options(4096, 1024)),
              ElementsAre(Good(1, {"a"}), Bad(2, "quoted field not closed within 1024 bytes"),
                          Good(3, {"b"})));
}

TEST(CsvReaderTest, ErrorsInARowAllResync) {
  EXPECT_THAT(ReadAllChunked("\"a\"b\nc\"d\n\"e\n\"f\"\"\n\"g\"\n\"\"\"\n"),
              ElementsAre(Bad(1, "text after closing quote"), Bad(2, "quote inside unquoted field"),
                          Bad(3, "text after closing quote"),
                          Bad(4, "text after closing quote"),  // "f"" + LF + "g" then g
                          Good(5, {"g"}), Bad(6, "unterminated quoted field")));
}

// --- Chunk boundaries at the hard places -------------------------------------------------------

TEST(CsvReaderTest, ChunkBoundaryInsideQuotesEscapesAndCrlf) {
  // ReadAllChunked puts a boundary after every byte; these inputs have a quoted field with an
  // escape and a CRLF at many offsets.
  std::string input;
  for (int i = 0; i < 12; ++i) {
    absl::StrAppend(&input, std::string(i, 'p'), ",\"q", std::string(i % 3, 'r'),
                    "\"\"s\r\nt\",u\r\n");
  }
  const std::vector<Row> rows = ReadAllChunked(input);
  ASSERT_EQ(rows.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(rows[i], Good(1 + 2 * i, {std::string(i, 'p'),
                                        "q" + std::string(i % 3, 'r') + "\"s\r\nt", "u"}));
  }
}

// --- Files -------------------------------------------------------------------------------------

TEST(CsvReaderTest, OpenMissingFileIsNotFound) {
  auto reader = CsvReader::Open(testing::MakeTempDir() + "/missing.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
}

TEST(CsvReaderTest, OpenFileKnowsItsSize) {
  const std::string path = testing::MakeTempDir() + "/small.csv";
  testing::WriteFile(path, "\xEF\xBB\xBFnik,name\r\n1,\"A, B\"\r\n");
  auto reader = CsvReader::Open(path, Options(3));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->total_bytes(), 23);
  CsvRecord record;
  ASSERT_TRUE((*reader)->Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("nik", "name"));
  ASSERT_TRUE((*reader)->Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("1", "A, B"));
  EXPECT_EQ(record.line, 2);
  EXPECT_FALSE((*reader)->Next(&record));
  EXPECT_TRUE((*reader)->status().ok());
  EXPECT_EQ((*reader)->bytes_read(), 23);
}

// Registry-shaped rows, ~100 MB, with a quoted field every 16th row. Prints MB/s (not asserted:
// the machine varies), and checks every row came through.
TEST(CsvReaderTest, Throughput) {
  const std::string path = testing::MakeTempDir() + "/big.csv";
  int64_t rows = 0;
  int64_t bytes = 0;
  {
    std::ofstream out(path, std::ios::binary);
    std::string chunk;
    out << "nik,full_name,birth_date,sex,phone\n";
    for (; bytes < (100 << 20); ++rows) {
      chunk.clear();
      absl::StrAppend(&chunk, 3201010000000000 + rows * 7919 % 1000000000,
                      (rows % 16 == 0) ? ",\"HENDRA GUNAWAN, S.E.\"," : ",MUHAMMAD RIZKY PRATAMA,",
                      "1990-08-17,", rows % 2 ? "L" : "P", ",+62 812-3456-", 1000 + rows % 9000,
                      "\n");
      out << chunk;
      bytes += static_cast<int64_t>(chunk.size());
    }
  }
  const auto start = std::chrono::steady_clock::now();
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  CsvRecord record;
  int64_t records = 0;
  int64_t fields = 0;
  while ((*reader)->Next(&record)) {
    ++records;
    fields += static_cast<int64_t>(record.fields.size());
    if (!record.error.empty()) ADD_FAILURE() << record.line << ": " << record.error;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(records, rows + 1);
  EXPECT_EQ(fields, 5 * (rows + 1));
  EXPECT_EQ((*reader)->bytes_read(), (*reader)->total_bytes());
  const double mb = static_cast<double>((*reader)->bytes_read()) / 1e6;
  std::printf("csv_reader: %.0f MB, %lld records in %.3f s: %.0f MB/s, %.2f M records/s\n", mb,
              static_cast<long long>(records), seconds, mb / seconds, records / seconds / 1e6);
}

}  // namespace
}  // namespace lindungi::csv

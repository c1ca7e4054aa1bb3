// A generated registry of 100,000 citizens (with realistic bad rows mixed in) through
// lindungictl and identity-service as processes: every expected reject is reported with its
// line, every good row is imported, and a second run changes nothing. Throughput is printed,
// not asserted (docs/PERFORMANCE.md has the benchmark).
#include <cstdio>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gen-data-src/registry_generator.h"
#include "gmock/gmock.h"
#include "lindungi/csv/csv_reader.h"
#include "support/child_process.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;

std::map<int64_t, std::string> RejectsByLine(const std::string& path, int line_column,
                                             int reason_column) {
  std::map<int64_t, std::string> out;
  auto reader = csv::CsvReader::Open(path);
  EXPECT_TRUE(reader.ok()) << path;
  csv::CsvRecord r;
  (*reader)->Next(&r);  // header
  while ((*reader)->Next(&r)) {
    int64_t line = 0;
    if (r.fields.size() > static_cast<size_t>(reason_column) &&
        absl::SimpleAtoi(r.fields[line_column], &line)) {
      out[line] = r.fields[reason_column];
    }
  }
  return out;
}

TEST(IdentityImportTest, AHundredThousandCitizensWithBadRows) {
  const std::string dir = MakeTempDir();
  gendata::RegistryOptions options;
  options.citizens = 100000;
  options.seed = 2026;
  options.bad_rows_per_million = 2000;  // ~200 bad rows of every kind
  auto stats = gendata::WriteRegistry(options, dir);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_GT(stats->bad_rows, 50);

  WriteFile(dir + "/pii.key", "identity-import-test-master-key-0123456789abcdef\n");
  auto identity = StartService("lindungi-identity", {"--db=sqlite://" + dir + "/identity.db",
                                                     "--pii_key_file=" + dir + "/pii.key"});
  ASSERT_TRUE(identity.ok()) << identity.status();
  auto run = [&] {
    auto ctl = ChildProcess::Spawn({BinDir() + "/lindungictl", "import", "--citizens",
                                    dir + "/citizens.csv", "--max_rejects=100000",
                                    "--identity_addr=" + identity->grpc_address()});
    EXPECT_TRUE(ctl.ok());
    const absl::Time start = absl::Now();
    const int code = (*ctl)->Wait(absl::Minutes(5)).value_or(-1);
    return std::make_tuple(code, (*ctl)->Output(), absl::Now() - start);
  };

  auto [code, out, took] = run();
  EXPECT_EQ(code, 1) << out;  // finished, with the injected rejects
  std::printf("imported %lld citizens (+%lld bad rows) in %.2f s: %.0f rows/s\n",
              static_cast<long long>(stats->citizens), static_cast<long long>(stats->bad_rows),
              absl::ToDoubleSeconds(took),
              (stats->citizens + stats->bad_rows) / absl::ToDoubleSeconds(took));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("100,000 created")));

  // Every expected reject, on its line; and nothing else.
  const auto expected = RejectsByLine(dir + "/expected-rejects.csv", 1, 2);
  const auto got = RejectsByLine(dir + "/citizens.csv.rejects.csv", 0, 1);
  ASSERT_EQ(got.size(), expected.size());
  const std::map<std::string, std::vector<std::string>> compatible = {
      {"wrong_column_count", {"wrong_column_count"}},
      {"bad_quoting", {"malformed_csv"}},
      {"invalid_nik", {"invalid_nik", "nik_mismatch"}},
      {"invalid_birth_date", {"invalid_birth_date", "nik_mismatch"}},
      {"landline_phone", {"invalid_phone"}},
      {"duplicate_nik", {"duplicate_in_import"}},  // the earlier line wins, in any stream
  };
  for (const auto& [line, reason] : expected) {
    auto it = got.find(line);
    ASSERT_NE(it, got.end()) << "line " << line << " (" << reason << ") was not rejected";
    EXPECT_THAT(compatible.at(reason), ::testing::Contains(it->second))
        << "line " << line << ": expected " << reason << ", got " << it->second;
  }

  auto [again, out2, took2] = run();
  EXPECT_EQ(again, 1);
  EXPECT_THAT(out2, HasSubstr("0 created, 0 updated, 100,000 unchanged"));
  std::printf("re-import (all unchanged) in %.2f s\n", absl::ToDoubleSeconds(took2));
}

}  // namespace
}  // namespace lindungi::testing

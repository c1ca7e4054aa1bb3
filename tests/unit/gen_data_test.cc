// The synthetic registry (tools/gen-data-src), checked the way the importer will read it: with
// the CSV reader and the NIK and phone libraries, against the formats in DESIGN.md.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gen-data-src/demo_registry.h"
#include "gen-data-src/registry_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/csv/csv_reader.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"
#include "support/test_env.h"

namespace lindungi::gendata {
namespace {

using ::testing::ElementsAre;

// The value sets the registry may use (DESIGN.md "Data"): EU DCC vaccine-medicinal-product and
// vaccine-mah-manf codes, and the documented national codes, vaccine -> manufacturer.
const std::map<std::string, std::string>& AllowedCodes() {
  static const auto* const codes = new std::map<std::string, std::string>{
      {"EU/1/20/1528", "ORG-100030215"},  // Comirnaty, BioNTech
      {"EU/1/20/1507", "ORG-100031184"},  // Spikevax, Moderna
      {"EU/1/21/1529", "ORG-100001699"},  // Vaxzevria, AstraZeneca
      {"EU/1/20/1525", "ORG-100001417"},  // Janssen
      {"EU/1/21/1618", "ORG-100032020"},  // Nuvaxovid, Novavax
      {"CoronaVac", "Sinovac-Biotech"},
      {"BBIBP-CorV", "ORG-100020693"},  // Sinopharm (Beijing)
      {"Covovax", "ORG-100001981"},     // Serum Institute of India
      {"Sputnik-V", "Gamaleya-Research-Institute"},
      {"ID-INDOVAC", "ID-BIOFARMA"},  // national
      {"ID-INAVAC", "ID-BIOTIS"},     // national
  };
  return *codes;
}

struct Csv {
  std::vector<csv::CsvRecord> records;  // including the header
};

Csv ReadCsv(const std::string& path) {
  Csv csv;
  auto reader = csv::CsvReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return csv;
  csv::CsvRecord record;
  while ((*reader)->Next(&record)) csv.records.push_back(record);
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  return csv;
}

std::vector<std::string> Lines(const std::string& path) {
  return absl::StrSplit(testing::ReadFileOrDie(path), '\n');
}

// YYYY-MM-DD, strictly (no normalisation of 30 February).
bool ParseDay(const std::string& text, absl::CivilDay* day) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::SimpleAtoi(text.substr(0, 4), &y) || !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay c(y, m, d);
  if (c.year() != y || c.month() != m || c.day() != d) return false;
  *day = c;
  return true;
}

RegistryOptions Options(int64_t citizens, uint64_t seed) {
  RegistryOptions options;
  options.citizens = citizens;
  options.seed = seed;
  return options;
}

std::string Generate(const RegistryOptions& options) {
  const std::string dir = testing::MakeTempDir() + "/registry";
  absl::StatusOr<RegistryStats> stats = WriteRegistry(options, dir);
  EXPECT_TRUE(stats.ok()) << stats.status();
  return dir;
}

// One generated registry of 20,000 citizens, shared by the checks below.
class GeneratedRegistryTest : public ::testing::Test {
 protected:
  static constexpr int64_t kCitizens = 20'000;

  static void SetUpTestSuite() {
    dir_ = new std::string(Generate(Options(kCitizens, 42)));
    citizens_ = new Csv(ReadCsv(*dir_ + "/citizens.csv"));
    vaccinations_ = new Csv(ReadCsv(*dir_ + "/vaccinations.csv"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete citizens_;
    delete vaccinations_;
  }

  static std::string* dir_;
  static Csv* citizens_;
  static Csv* vaccinations_;
};
std::string* GeneratedRegistryTest::dir_ = nullptr;
Csv* GeneratedRegistryTest::citizens_ = nullptr;
Csv* GeneratedRegistryTest::vaccinations_ = nullptr;

TEST_F(GeneratedRegistryTest, HeadersAreExact) {
  EXPECT_EQ(Lines(*dir_ + "/citizens.csv")[0], "nik,full_name,birth_date,sex,phone");
  EXPECT_EQ(Lines(*dir_ + "/vaccinations.csv")[0],
            "nik,dose_number,vaccine_code,manufacturer_code,vaccinated_on,batch,facility,country");
  EXPECT_FALSE(testing::ReadFileOrDie(*dir_ + "/citizens.csv").empty());
  EXPECT_FALSE(std::ifstream(*dir_ + "/expected-rejects.csv").good())
      << "no rejects file without --bad_rows_per_million";
}

TEST_F(GeneratedRegistryTest, EveryRowIsWellFormed) {
  ASSERT_EQ(citizens_->records.size(), static_cast<size_t>(kCitizens) + 1);
  int64_t line = 0;
  for (const csv::CsvRecord& r : citizens_->records) {
    EXPECT_EQ(r.error, "") << r.line;
    EXPECT_EQ(r.fields.size(), 5u) << r.line;
    EXPECT_EQ(r.line, ++line) << "one physical line per row";
  }
  for (const csv::CsvRecord& r : vaccinations_->records) {
    EXPECT_EQ(r.error, "") << r.line;
    EXPECT_EQ(r.fields.size(), 8u) << r.line;
  }
}

TEST_F(GeneratedRegistryTest, NiksAreValidConsistentAndUnique) {
  std::set<std::string> niks;
  int64_t women = 0;
  for (size_t i = 1; i < citizens_->records.size(); ++i) {
    const std::vector<std::string>& f = citizens_->records[i].fields;
    ASSERT_EQ(f.size(), 5u);
    absl::StatusOr<nik::NikInfo> info = nik::ParseNik(f[0]);
    ASSERT_TRUE(info.ok()) << f[0] << ": " << info.status();
    absl::CivilDay birth;
    ASSERT_TRUE(ParseDay(f[2], &birth)) << f[2];
    ASSERT_TRUE(f[3] == "L" || f[3] == "P") << f[3];
    const nik::Sex sex = f[3] == "L" ? nik::Sex::kMale : nik::Sex::kFemale;
    EXPECT_TRUE(nik::ConsistentWith(*info, birth, sex)) << f[0] << " " << f[2] << " " << f[3];
    EXPECT_TRUE(niks.insert(f[0]).second) << "duplicate NIK " << f[0];
    if (sex == nik::Sex::kFemale) ++women;
  }
  EXPECT_NEAR(static_cast<double>(women) / kCitizens, 0.5, 0.04);
}

TEST_F(GeneratedRegistryTest, AgesFollowThePyramid) {
  const absl::CivilDay as_of = kDefaultAsOf;
  std::map<int, int64_t> by_band;  // 0: under 18, 1: 18-59, 2: 60+
  int oldest = 0;
  for (size_t i = 1; i < citizens_->records.size(); ++i) {
    absl::CivilDay birth;
    ASSERT_TRUE(ParseDay(citizens_->records[i].fields[2], &birth));
    ASSERT_LE(birth, as_of);
    int age = static_cast<int>(as_of.year() - birth.year());
    if (absl::CivilDay(as_of.year(), birth.month(), birth.day()) > as_of) --age;
    ASSERT_GE(age, 0);
    ASSERT_LE(age, 95);
    oldest = std::max(oldest, age);
    ++by_band[age < 18 ? 0 : age < 60 ? 1 : 2];
  }
  // Indonesia 2020: about 30% under 18 and 10% aged 60 or more.
  EXPECT_NEAR(static_cast<double>(by_band[0]) / kCitizens, 0.30, 0.07);
  EXPECT_NEAR(static_cast<double>(by_band[2]) / kCitizens, 0.11, 0.05);
  EXPECT_GE(oldest, 85);
}

TEST_F(GeneratedRegistryTest, PhonesNormalizeAndFamiliesShareThem) {
  std::map<std::string, int> per_number;
  std::set<std::string> styles;
  for (size_t i = 1; i < citizens_->records.size(); ++i) {
    const std::string& phone = citizens_->records[i].fields[4];
    absl::StatusOr<std::string> e164 = phone::NormalizeMobile(phone);
    ASSERT_TRUE(e164.ok()) << phone << ": " << e164.status();
    ++per_number[*e164];
    if (absl::StartsWith(phone, "08")) styles.insert("08");
    if (absl::StartsWith(phone, "628")) styles.insert("628");
    if (absl::StartsWith(phone, "+628")) styles.insert("+628");
    if (absl::StrContains(phone, " ")) styles.insert("space");
    if (absl::StrContains(phone, "-")) styles.insert("dash");
  }
  EXPECT_THAT(styles, ElementsAre("+628", "08", "628", "dash", "space"));
  int shared = 0;
  int most = 0;
  for (const auto& [number, count] : per_number) {
    if (count >= 2) ++shared;
    most = std::max(most, count);
    // Demo numbers stay out of generated registries.
    EXPECT_NE(number, "+6281234567890");
    EXPECT_NE(number, "+6281298765432");
    EXPECT_NE(number, "+6285711112222");
  }
  EXPECT_GT(shared, static_cast<int>(per_number.size()) / 5) << "families share numbers";
  EXPECT_LE(most, 8);
  EXPECT_GE(most, 3);
}

TEST_F(GeneratedRegistryTest, NamesLookLikeTheRegistry) {
  std::set<std::string> names;
  int quoted = 0, balinese = 0, batak_women = 0, patronymic = 0;
  for (size_t i = 1; i < citizens_->records.size(); ++i) {
    const std::string& name = citizens_->records[i].fields[1];
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(name, absl::AsciiStrToUpper(name)) << "registry names are upper case";
    EXPECT_EQ(name, std::string(absl::StripAsciiWhitespace(name)));
    EXPECT_FALSE(absl::StrContains(name, "  ")) << name;
    names.insert(name);
    if (absl::StrContains(name, ",")) ++quoted;
    if (absl::StartsWith(name, "I ") || absl::StartsWith(name, "NI ")) ++balinese;
    if (absl::StrContains(name, " BR ") || absl::StrContains(name, " BR. ")) ++batak_women;
    if (absl::StrContains(name, " BIN ") || absl::StrContains(name, " BINTI ")) ++patronymic;
  }
  EXPECT_GT(names.size(), kCitizens / 4) << "names vary";
  EXPECT_GT(quoted, 0) << "some names carry a title with a comma";
  EXPECT_GT(balinese, 0);
  EXPECT_GT(batak_women, 0);
  EXPECT_GT(patronymic, 0);
}

TEST_F(GeneratedRegistryTest, DosesAreContiguousDatedAndCoded) {
  std::map<std::string, absl::CivilDay> births;
  for (size_t i = 1; i < citizens_->records.size(); ++i) {
    absl::CivilDay birth;
    ASSERT_TRUE(ParseDay(citizens_->records[i].fields[2], &birth));
    births[citizens_->records[i].fields[0]] = birth;
  }
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  std::map<std::string, std::vector<std::pair<int, absl::CivilDay>>> doses;
  std::map<std::string, int> per_code;
  for (size_t i = 1; i < vaccinations_->records.size(); ++i) {
    const std::vector<std::string>& f = vaccinations_->records[i].fields;
    ASSERT_EQ(f.size(), 8u);
    ASSERT_TRUE(births.count(f[0])) << "dose for an unknown NIK " << f[0];
    int dose;
    ASSERT_TRUE(absl::SimpleAtoi(f[1], &dose)) << f[1];
    absl::CivilDay on;
    ASSERT_TRUE(ParseDay(f[4], &on)) << f[4];
    EXPECT_GE(on, kFirstVaccinationDay);
    EXPECT_LE(on, kDefaultAsOf);
    EXPECT_LE(on, today);
    EXPECT_GE(on, births[f[0]] + 6 * 365) << "nobody under six was vaccinated";
    auto code = AllowedCodes().find(f[2]);
    ASSERT_NE(code, AllowedCodes().end()) << f[2];
    EXPECT_EQ(f[3], code->second) << f[2];
    EXPECT_FALSE(f[5].empty());
    EXPECT_TRUE(absl::StartsWith(f[6], "Puskesmas ") || absl::StartsWith(f[6], "RSUD ") ||
                absl::StartsWith(f[6], "RS ") || absl::StartsWith(f[6], "Klinik ") ||
                absl::StartsWith(f[6], "Gerai ") || absl::StartsWith(f[6], "Sentra "))
        << f[6];
    EXPECT_EQ(f[7], "ID");
    doses[f[0]].push_back({dose, on});
    ++per_code[f[2]];
  }
  std::map<size_t, int> citizens_by_count;
  for (const auto& [nik, list] : doses) {
    ASSERT_LE(list.size(), 4u) << nik;
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(list[i].first, static_cast<int>(i) + 1) << nik;
      if (i > 0) {
        EXPECT_GE(list[i].second - list[i - 1].second, 14) << nik;
      }
    }
    ++citizens_by_count[list.size()];
  }
  citizens_by_count[0] = static_cast<int>(births.size() - doses.size());
  for (size_t n = 0; n <= 4; ++n) EXPECT_GT(citizens_by_count[n], 0) << n << " doses";
  EXPECT_GT(per_code["CoronaVac"], per_code["EU/1/20/1528"]) << "Sinovac was the workhorse";
  EXPECT_GE(per_code.size(), 8u) << "most products appear";
}

// --- Determinism, options ---------------------------------------------------------------------

TEST(GenDataTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string a = Generate(Options(3000, 7));
  const std::string b = Generate(Options(3000, 7));
  const std::string c = Generate(Options(3000, 8));
  for (const char* file : {"/citizens.csv", "/vaccinations.csv"}) {
    EXPECT_EQ(testing::ReadFileOrDie(a + file), testing::ReadFileOrDie(b + file)) << file;
    EXPECT_NE(testing::ReadFileOrDie(a + file), testing::ReadFileOrDie(c + file)) << file;
  }
}

TEST(GenDataTest, DoseLimitIsHonoured) {
  RegistryOptions options = Options(2000, 3);
  options.vaccinations_per_citizen_max = 0;
  EXPECT_EQ(Lines(Generate(options) + "/vaccinations.csv").size(), 2u);  // header + ""
  options.vaccinations_per_citizen_max = 2;
  const Csv two = ReadCsv(Generate(options) + "/vaccinations.csv");
  for (size_t i = 1; i < two.records.size(); ++i) {
    EXPECT_THAT(two.records[i].fields[1], ::testing::AnyOf("1", "2"));
  }
}

TEST(GenDataTest, OptionsOutOfRangeAreRefused) {
  RegistryOptions options = Options(0, 1);
  EXPECT_EQ(ValidateOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.citizens = 10;
  options.vaccinations_per_citizen_max = 7;
  EXPECT_EQ(ValidateOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.vaccinations_per_citizen_max = 4;
  options.bad_rows_per_million = -1;
  EXPECT_EQ(ValidateOptions(options).code(), absl::StatusCode::kInvalidArgument);
  options.bad_rows_per_million = 0;
  EXPECT_TRUE(ValidateOptions(options).ok());
  EXPECT_FALSE(WriteRegistry(options, "/proc/no/such/dir").ok());
}

TEST(GenDataTest, ProgressIsReported) {
  RegistryOptions options = Options(250'000, 5);
  options.vaccinations_per_citizen_max = 0;
  std::vector<int64_t> reports;
  options.progress = [&](int64_t done) { reports.push_back(done); };
  Generate(options);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_GE(reports[0], 100'000);
  EXPECT_GE(reports[1], 200'000);
  EXPECT_EQ(reports[2], 250'000);
}

// --- Bad rows ---------------------------------------------------------------------------------

struct Reject {
  int64_t line;
  std::string reason;
  std::string detail;
  bool operator<(const Reject& o) const { return line < o.line; }
  bool operator==(const Reject& o) const {
    return line == o.line && reason == o.reason && detail == o.detail;
  }
};

void PrintTo(const Reject& r, std::ostream* os) {
  *os << r.line << " " << r.reason << " (" << r.detail << ")";
}

// What an importer must reject in citizens.csv, found independently of the generator.
std::vector<Reject> Validate(const std::string& path) {
  std::vector<Reject> rejects;
  std::map<std::string, std::pair<int64_t, std::vector<std::string>>> seen;
  auto reader = csv::CsvReader::Open(path);
  EXPECT_TRUE(reader.ok());
  csv::CsvRecord r;
  (*reader)->Next(&r);  // header
  while ((*reader)->Next(&r)) {
    if (!r.error.empty()) {
      rejects.push_back({r.line, "bad_quoting", r.error});
      continue;
    }
    if (r.fields.size() != 5) {
      rejects.push_back({r.line, "wrong_column_count", absl::StrCat(r.fields.size(), " fields")});
      continue;
    }
    absl::StatusOr<nik::NikInfo> info = nik::ParseNik(r.fields[0]);
    if (!info.ok()) {
      rejects.push_back(
          {r.line, "invalid_nik", std::string(nik::NikErrorName(*nik::NikErrorOf(info.status())))});
      continue;
    }
    absl::CivilDay birth;
    if (!ParseDay(r.fields[2], &birth)) {
      rejects.push_back({r.line, "invalid_birth_date", r.fields[2]});
      continue;
    }
    absl::StatusOr<std::string> phone = phone::NormalizeMobile(r.fields[4]);
    if (!phone.ok()) {
      rejects.push_back({r.line, "landline_phone",
                         std::string(phone::PhoneErrorName(*phone::PhoneErrorOf(phone.status())))});
      continue;
    }
    auto [it, inserted] = seen.insert({r.fields[0], {r.line, r.fields}});
    if (!inserted) {
      EXPECT_NE(it->second.second[1], r.fields[1]) << "a duplicate always has another name";
      rejects.push_back({r.line, "duplicate_nik", absl::StrCat("line ", it->second.first)});
    }
  }
  return rejects;
}

TEST(GenDataTest, BadRowsAreExactlyTheExpectedRejects) {
  RegistryOptions options = Options(20'000, 11);
  options.bad_rows_per_million = 20'000;  // about 400
  const std::string dir = Generate(options);
  const Csv expected = ReadCsv(dir + "/expected-rejects.csv");
  ASSERT_FALSE(expected.records.empty());
  EXPECT_THAT(expected.records[0].fields, ElementsAre("file", "line", "reason", "detail"));
  std::vector<Reject> want;
  std::set<std::string> reasons;
  for (size_t i = 1; i < expected.records.size(); ++i) {
    const std::vector<std::string>& f = expected.records[i].fields;
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[0], "citizens.csv");
    int64_t line;
    ASSERT_TRUE(absl::SimpleAtoi(f[1], &line));
    want.push_back({line, f[2], f[3]});
    reasons.insert(f[2]);
  }
  EXPECT_THAT(reasons, ElementsAre("bad_quoting", "duplicate_nik", "invalid_birth_date",
                                   "invalid_nik", "landline_phone", "wrong_column_count"));
  EXPECT_GT(want.size(), 250u);
  EXPECT_LT(want.size(), 600u);
  EXPECT_EQ(Validate(dir + "/citizens.csv"), want);

  // The good rows are exactly those of a run without bad rows, in the same order.
  const std::vector<std::string> with = Lines(dir + "/citizens.csv");
  std::set<int64_t> bad_lines;
  for (const Reject& r : want) bad_lines.insert(r.line);
  std::vector<std::string> good;
  for (size_t i = 0; i < with.size(); ++i) {
    if (!bad_lines.count(static_cast<int64_t>(i) + 1)) good.push_back(with[i]);
  }
  options.bad_rows_per_million = 0;
  const std::string clean = Generate(options);
  EXPECT_EQ(good, Lines(clean + "/citizens.csv"));
  EXPECT_EQ(testing::ReadFileOrDie(dir + "/vaccinations.csv"),
            testing::ReadFileOrDie(clean + "/vaccinations.csv"));
}

// --- The demo set -----------------------------------------------------------------------------

TEST(DemoRegistryTest, HasTheDocumentedNumbersAndFamily) {
  const std::string dir = testing::MakeTempDir() + "/demo";
  ASSERT_TRUE(WriteDemoRegistry(dir).ok());
  const Csv citizens = ReadCsv(dir + "/citizens.csv");
  const Csv vaccinations = ReadCsv(dir + "/vaccinations.csv");
  std::map<std::string, int> doses;
  for (size_t i = 1; i < vaccinations.records.size(); ++i) {
    ++doses[vaccinations.records[i].fields[0]];
  }
  // number -> (name, doses), in file order
  std::map<std::string, std::vector<std::pair<std::string, int>>> by_number;
  for (size_t i = 1; i < citizens.records.size(); ++i) {
    const std::vector<std::string>& f = citizens.records[i].fields;
    ASSERT_EQ(f.size(), 5u);
    absl::StatusOr<std::string> e164 = phone::NormalizeMobile(f[4]);
    ASSERT_TRUE(e164.ok()) << f[4];
    by_number[phone::ToNational(*e164)].push_back({f[1], doses[f[0]]});
  }
  using P = std::pair<std::string, int>;
  EXPECT_THAT(by_number["081234567890"], ElementsAre(P{"BUDI SANTOSO", 3}, P{"SITI RAHAYU", 2},
                                                     P{"AQILA PUTRI RAMADHANI", 0}));
  EXPECT_THAT(by_number["081298765432"], ElementsAre(P{"I WAYAN SUDARSANA", 3}));
  EXPECT_THAT(by_number["085711112222"], ElementsAre(P{"ROSMAWATI BR SIMANJUNTAK", 2}));
  EXPECT_GE(citizens.records.size() - 1, 10u);
  EXPECT_LE(citizens.records.size() - 1, 20u);
}

TEST(DemoRegistryTest, IsValidLikeAGeneratedOne) {
  std::set<std::string> niks;
  for (const DemoCitizen& c : DemoCitizens()) {
    absl::StatusOr<nik::NikInfo> info = nik::ParseNik(c.nik);
    ASSERT_TRUE(info.ok()) << c.nik;
    EXPECT_TRUE(nik::ConsistentWith(*info, c.birth_date,
                                    c.sex == 'L' ? nik::Sex::kMale : nik::Sex::kFemale))
        << c.nik;
    EXPECT_TRUE(niks.insert(std::string(c.nik)).second) << c.nik;
    EXPECT_TRUE(phone::NormalizeMobile(c.phone).ok()) << c.phone;
    absl::CivilDay previous = kFirstVaccinationDay - 1;
    for (const DemoDose& d : c.doses) {
      EXPECT_GT(d.date, previous) << c.full_name;
      EXPECT_LE(d.date, kDefaultAsOf);
      EXPECT_GE(d.date, c.birth_date + 6 * 365);
      EXPECT_TRUE(AllowedCodes().count(std::string(Product(d.vaccine).code)));
      previous = d.date;
    }
  }
}

TEST(DemoRegistryTest, CommittedFilesAreUpToDate) {
  const std::string dir = testing::MakeTempDir() + "/demo";
  ASSERT_TRUE(WriteDemoRegistry(dir).ok());
  for (const char* file : {"/citizens.csv", "/vaccinations.csv"}) {
    EXPECT_EQ(testing::ReadFileOrDie(testing::SourceDir() + "/tools/demo" + file),
              testing::ReadFileOrDie(dir + file))
        << "regenerate with: tools/gen-data --demo --out tools/demo";
  }
}

}  // namespace
}  // namespace lindungi::gendata

#include "lindungi/nik/nik.h"

#include <iterator>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace lindungi::nik {
namespace {

constexpr NikError kAllErrors[] = {
    NikError::kEmpty,           NikError::kWrongLength, NikError::kNotDigits,
    NikError::kUnknownProvince, NikError::kBadRegency,  NikError::kBadDistrict,
    NikError::kBadBirthDate,    NikError::kBadSerial,
};

constexpr int kProvinceCodes[] = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33,
                                  34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72,
                                  73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96};

// A NIK from its fields: province, regency, district, ddmmyy, serial.
std::string Nik(absl::string_view pp, absl::string_view rr, absl::string_view dd,
                absl::string_view ddmmyy, absl::string_view serial) {
  return absl::StrCat(pp, rr, dd, ddmmyy, serial);
}

// Asserts that `nik` is rejected for `want`, with a user-safe message that does not echo it.
void ExpectRejected(const std::string& nik, NikError want) {
  SCOPED_TRACE(absl::StrCat("NIK \"", nik, "\""));
  const absl::StatusOr<NikInfo> got = ParseNik(nik);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  const std::optional<NikError> error = NikErrorOf(got.status());
  ASSERT_TRUE(error.has_value()) << got.status();
  EXPECT_EQ(NikErrorName(*error), NikErrorName(want)) << got.status();
  const absl::string_view message = got.status().message();
  EXPECT_FALSE(message.empty());
  EXPECT_LT(message.size(), 100u);
  // No run of 3 characters from the NIK appears in the message.
  for (size_t i = 0; i + 3 <= nik.size(); ++i) {
    ASSERT_FALSE(absl::StrContains(message, nik.substr(i, 3))) << i << ": " << message;
  }
}

// --- Valid NIKs --------------------------------------------------------------------------------

TEST(ParseNikTest, Male) {
  const absl::StatusOr<NikInfo> info = ParseNik("3201011708450001");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->province, 32);
  EXPECT_EQ(info->regency, 1);
  EXPECT_EQ(info->district, 1);
  EXPECT_EQ(info->birth_day, 17);
  EXPECT_EQ(info->birth_month, 8);
  EXPECT_EQ(info->birth_yy, 45);
  EXPECT_EQ(info->sex, Sex::kMale);
  EXPECT_EQ(info->serial, 1);
}

TEST(ParseNikTest, FemaleDayHasFortyAdded) {
  const absl::StatusOr<NikInfo> info = ParseNik("3171065708902345");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->province, 31);
  EXPECT_EQ(info->regency, 71);
  EXPECT_EQ(info->district, 6);
  EXPECT_EQ(info->birth_day, 17);  // encoded 57
  EXPECT_EQ(info->birth_month, 8);
  EXPECT_EQ(info->birth_yy, 90);
  EXPECT_EQ(info->sex, Sex::kFemale);
  EXPECT_EQ(info->serial, 2345);
}

struct DayCase {
  std::string ddmmyy;
  int day;
  int month;
  int yy;
  Sex sex;
};

void PrintTo(const DayCase& c, std::ostream* os) { *os << c.ddmmyy; }

class ParseNikDateTest : public testing::TestWithParam<DayCase> {};

TEST_P(ParseNikDateTest, DecodesBirthDateAndSex) {
  const DayCase& c = GetParam();
  const absl::StatusOr<NikInfo> info = ParseNik(Nik("35", "78", "12", c.ddmmyy, "0042"));
  ASSERT_TRUE(info.ok()) << c.ddmmyy << ": " << info.status();
  EXPECT_EQ(info->birth_day, c.day);
  EXPECT_EQ(info->birth_month, c.month);
  EXPECT_EQ(info->birth_yy, c.yy);
  EXPECT_EQ(info->sex, c.sex);
}

INSTANTIATE_TEST_SUITE_P(
    Dates, ParseNikDateTest,
    testing::Values(
        DayCase{"010100", 1, 1, 0, Sex::kMale}, DayCase{"410100", 1, 1, 0, Sex::kFemale},
        DayCase{"311299", 31, 12, 99, Sex::kMale}, DayCase{"711299", 31, 12, 99, Sex::kFemale},
        DayCase{"300485", 30, 4, 85, Sex::kMale}, DayCase{"700485", 30, 4, 85, Sex::kFemale},
        DayCase{"280201", 28, 2, 1, Sex::kMale},
        // 29 February: leap in 19yy or 20yy, i.e. yy a multiple of 4.
        DayCase{"290200", 29, 2, 0, Sex::kMale},     // 2000 (1900 is not)
        DayCase{"690200", 29, 2, 0, Sex::kFemale},   // 2000
        DayCase{"290204", 29, 2, 4, Sex::kMale},     // 1904 / 2004
        DayCase{"290296", 29, 2, 96, Sex::kMale},    // 1996
        DayCase{"690296", 29, 2, 96, Sex::kFemale},  // 1996
        DayCase{"310778", 31, 7, 78, Sex::kMale}));

TEST(ParseNikTest, FieldBoundaries) {
  const absl::StatusOr<NikInfo> low = ParseNik(Nik("11", "01", "01", "010100", "0001"));
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ(low->serial, 1);
  const absl::StatusOr<NikInfo> high = ParseNik(Nik("96", "99", "99", "711299", "9999"));
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ(high->province, 96);
  EXPECT_EQ(high->regency, 99);
  EXPECT_EQ(high->district, 99);
  EXPECT_EQ(high->serial, 9999);
}

TEST(ParseNikTest, EveryProvinceCodeAndNoOther) {
  const std::set<int> valid(std::begin(kProvinceCodes), std::end(kProvinceCodes));
  for (int code = 0; code <= 99; ++code) {
    const std::string pp = absl::StrCat(code / 10, code % 10);
    const std::string nik = Nik(pp, "01", "01", "170845", "0001");
    if (valid.count(code) > 0) {
      const absl::StatusOr<NikInfo> info = ParseNik(nik);
      ASSERT_TRUE(info.ok()) << nik << ": " << info.status();
      EXPECT_EQ(info->province, code);
    } else {
      ExpectRejected(nik, NikError::kUnknownProvince);
    }
  }
}

// --- Every error kind --------------------------------------------------------------------------

struct InvalidCase {
  std::string nik;
  NikError error;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << '"' << c.nik << "\" -> " << NikErrorName(c.error);
}

class ParseNikInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(ParseNikInvalidTest, RejectsWithReason) { ExpectRejected(GetParam().nik, GetParam().error); }

INSTANTIATE_TEST_SUITE_P(
    Shape, ParseNikInvalidTest,
    testing::Values(
        InvalidCase{"", NikError::kEmpty},
        InvalidCase{"320101170845000", NikError::kWrongLength},    // 15 digits
        InvalidCase{"32010117084500011", NikError::kWrongLength},  // 17 digits
        InvalidCase{"3", NikError::kWrongLength},
        InvalidCase{std::string(200, '3'), NikError::kWrongLength},
        InvalidCase{"32010117084500A1", NikError::kNotDigits},
        InvalidCase{"abcdefghijklmnop", NikError::kNotDigits},
        InvalidCase{"n/a", NikError::kNotDigits},
        InvalidCase{" 3201011708450001", NikError::kNotDigits},
        InvalidCase{"3201011708450001 ", NikError::kNotDigits},
        InvalidCase{"3201011708450001\n", NikError::kNotDigits},
        InvalidCase{"3201 0117 0845 0001", NikError::kNotDigits},
        InvalidCase{"3201-01-170845-0001", NikError::kNotDigits},
        InvalidCase{"-201011708450001", NikError::kNotDigits},
        InvalidCase{std::string("32010117\0"
                                "8450001",
                                16),
                    NikError::kNotDigits},
        // Arabic-Indic digits.
        InvalidCase{"\xD9\xA3\xD9\xA2\xD9\xA0\xD9\xA1\xD9\xA0\xD9\xA1\xD9\xA1\xD9\xA7\xD9\xA0\xD9"
                    "\xA8\xD9\xA4\xD9\xA5\xD9\xA0\xD9\xA0\xD9\xA0\xD9\xA1",
                    NikError::kNotDigits},
        InvalidCase{std::string(200, 'x'), NikError::kNotDigits}));

INSTANTIATE_TEST_SUITE_P(
    Fields, ParseNikInvalidTest,
    testing::Values(
        InvalidCase{Nik("00", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("99", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("20", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("10", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("37", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("54", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("97", "01", "01", "170845", "0001"), NikError::kUnknownProvince},
        InvalidCase{Nik("32", "00", "01", "170845", "0001"), NikError::kBadRegency},
        InvalidCase{Nik("32", "01", "00", "170845", "0001"), NikError::kBadDistrict},
        InvalidCase{Nik("32", "01", "01", "170845", "0000"), NikError::kBadSerial},
        // Checks run left to right: the first bad field is reported.
        InvalidCase{Nik("00", "00", "00", "000000", "0000"), NikError::kUnknownProvince},
        InvalidCase{Nik("32", "00", "00", "000000", "0000"), NikError::kBadRegency},
        InvalidCase{Nik("32", "01", "01", "000000", "0000"), NikError::kBadBirthDate}));

INSTANTIATE_TEST_SUITE_P(
    BirthDates, ParseNikInvalidTest,
    testing::Values(InvalidCase{Nik("32", "01", "01", "300290", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "700290", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "290201", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "690299", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "311390", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "151390", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "150090", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "000190", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "320190", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "400190", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "720190", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "990190", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "310490", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "710490", "0001"), NikError::kBadBirthDate},
                    InvalidCase{Nik("32", "01", "01", "311190", "0001"), NikError::kBadBirthDate}));

TEST(ParseNikTest, OneMessagePerReason) {
  EXPECT_EQ(ParseNik(Nik("32", "01", "01", "300290", "0001")).status().message(),
            ParseNik(Nik("11", "99", "99", "311390", "9999")).status().message());
  std::set<std::string> messages;
  for (const std::string& nik :
       {std::string(""), std::string("123"), std::string("x"),
        Nik("00", "01", "01", "170845", "0001"), Nik("32", "00", "01", "170845", "0001"),
        Nik("32", "01", "00", "170845", "0001"), Nik("32", "01", "01", "300245", "0001"),
        Nik("32", "01", "01", "170845", "0000")}) {
    messages.insert(std::string(ParseNik(nik).status().message()));
  }
  EXPECT_EQ(messages.size(), std::size(kAllErrors));
}

// --- NikErrorOf / NikErrorName ----------------------------------------------------------------

TEST(NikErrorOfTest, NulloptForStatusesNotFromParseNik) {
  EXPECT_EQ(NikErrorOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(NikErrorOf(absl::InvalidArgumentError("A NIK has exactly 16 digits.")), std::nullopt);
  absl::Status other = absl::InvalidArgumentError("x");
  other.SetPayload("some.other.Payload", absl::Cord("bad_serial"));
  EXPECT_EQ(NikErrorOf(other), std::nullopt);
}

TEST(NikErrorNameTest, DistinctSnakeCaseNames) {
  std::set<std::string> names;
  for (NikError e : kAllErrors) {
    const std::string name(NikErrorName(e));
    EXPECT_FALSE(name.empty());
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllErrors));
  EXPECT_EQ(NikErrorName(NikError::kBadBirthDate), "bad_birth_date");
}

// --- ConsistentWith ----------------------------------------------------------------------------

TEST(ConsistentWithTest, MatchingMale) {
  const absl::StatusOr<NikInfo> info = ParseNik("3201011708450001");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(ConsistentWith(*info, absl::CivilDay(1945, 8, 17), Sex::kMale));
  EXPECT_TRUE(ConsistentWith(*info, absl::CivilDay(2045, 8, 17), Sex::kMale));  // only yy
}

TEST(ConsistentWithTest, MatchingFemaleUsesCalendarDay) {
  const absl::StatusOr<NikInfo> info = ParseNik("3171065708902345");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(ConsistentWith(*info, absl::CivilDay(1990, 8, 17), Sex::kFemale));
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1990, 8, 57), Sex::kFemale));
}

TEST(ConsistentWithTest, AnyMismatchIsFalse) {
  const absl::StatusOr<NikInfo> info = ParseNik("3201011708450001");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1945, 8, 17), Sex::kFemale));  // sex
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1945, 8, 18), Sex::kMale));    // day
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1945, 9, 17), Sex::kMale));    // month
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1946, 8, 17), Sex::kMale));    // year
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1954, 8, 17), Sex::kMale));    // yy swapped
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(1945, 17, 8), Sex::kMale));    // normalised
}

TEST(ConsistentWithTest, LeapDayAndCenturyBoundary) {
  const absl::StatusOr<NikInfo> info = ParseNik(Nik("34", "71", "02", "690200", "0100"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(ConsistentWith(*info, absl::CivilDay(2000, 2, 29), Sex::kFemale));
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(2000, 3, 1), Sex::kFemale));
  EXPECT_FALSE(ConsistentWith(*info, absl::CivilDay(2000, 2, 29), Sex::kMale));
}

// --- MaskNik / ProvinceName --------------------------------------------------------------------

TEST(MaskNikTest, ShowsFirstFourAndLastFour) {
  EXPECT_EQ(MaskNik("3201234567890001"), "3201********0001");
  EXPECT_EQ(MaskNik("3171065708902345"), "3171********2345");
  EXPECT_FALSE(absl::StrContains(MaskNik("3171065708902345"), "570890"));
}

TEST(MaskNikTest, NeverEchoesMalformedInput) {
  for (const std::string& nik :
       {std::string(""), std::string("320101170845000"), std::string("32010117084500011"),
        std::string("32010117084500A1"), std::string(" 3201011708450001"), std::string(200, '3')}) {
    EXPECT_EQ(MaskNik(nik), "****************") << nik;
  }
}

TEST(ProvinceNameTest, KnownCodes) {
  EXPECT_EQ(ProvinceName(11), "Aceh");
  EXPECT_EQ(ProvinceName(31), "DKI Jakarta");
  EXPECT_EQ(ProvinceName(32), "Jawa Barat");
  EXPECT_EQ(ProvinceName(34), "DI Yogyakarta");
  EXPECT_EQ(ProvinceName(65), "Kalimantan Utara");
  EXPECT_EQ(ProvinceName(91), "Papua");
  EXPECT_EQ(ProvinceName(96), "Papua Barat Daya");
}

TEST(ProvinceNameTest, EveryValidCodeHasADistinctName) {
  std::set<std::string> names;
  for (int code : kProvinceCodes) {
    const std::string name(ProvinceName(code));
    EXPECT_FALSE(name.empty()) << code;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kProvinceCodes));
}

TEST(ProvinceNameTest, UnknownCodesAreEmpty) {
  for (int code :
       {-32, -1, 0, 10, 20, 22, 30, 37, 50, 54, 60, 66, 70, 77, 80, 83, 90, 97, 99, 100, 3201}) {
    EXPECT_EQ(ProvinceName(code), "") << code;
  }
}

}  // namespace
}  // namespace lindungi::nik

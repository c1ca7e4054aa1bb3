#include "lindungi/phone/phone.h"

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
#include "gtest/gtest.h"

namespace lindungi::phone {
namespace {

constexpr PhoneError kAllErrors[] = {
    PhoneError::kEmpty,         PhoneError::kTooLong,  PhoneError::kBadCharacters,
    PhoneError::kNotIndonesian, PhoneError::kLandline, PhoneError::kNotMobile,
    PhoneError::kWrongLength,
};

std::string DigitsOf(const std::string& s) {
  std::string digits;
  for (char c : s) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}

// Asserts that `input` is rejected for `want`, with a user-safe message that does not echo it.
void ExpectRejected(const std::string& input, PhoneError want) {
  SCOPED_TRACE(absl::StrCat("input \"", input, "\" (", input.size(), " bytes)"));
  const absl::StatusOr<std::string> got = NormalizeMobile(input);
  ASSERT_FALSE(got.ok()) << "accepted as " << *got;
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  const std::optional<PhoneError> error = PhoneErrorOf(got.status());
  ASSERT_TRUE(error.has_value()) << got.status();
  EXPECT_EQ(PhoneErrorName(*error), PhoneErrorName(want)) << got.status();
  const absl::string_view message = got.status().message();
  EXPECT_FALSE(message.empty());
  EXPECT_LT(message.size(), 120u);
  if (input.size() >= 3) {
    EXPECT_FALSE(absl::StrContains(message, input)) << message;
  }
  const std::string digits = DigitsOf(input);
  if (digits.size() >= 4) {
    EXPECT_FALSE(absl::StrContains(message, digits)) << message;
  }
}

// --- Accepted forms ----------------------------------------------------------------------------

struct ValidCase {
  std::string input;
  std::string e164;
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << '"' << c.input << "\" -> " << c.e164; }

class NormalizeMobileValidTest : public testing::TestWithParam<ValidCase> {};

TEST_P(NormalizeMobileValidTest, ReturnsE164) {
  const absl::StatusOr<std::string> got = NormalizeMobile(GetParam().input);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, GetParam().e164);
  // Normalising the result is a fixed point.
  const absl::StatusOr<std::string> again = NormalizeMobile(*got);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *got);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, NormalizeMobileValidTest,
    testing::Values(
        // The four prefixed forms and the bare national significant number.
        ValidCase{"081234567890", "+6281234567890"}, ValidCase{"6281234567890", "+6281234567890"},
        ValidCase{"+6281234567890", "+6281234567890"},
        ValidCase{"006281234567890", "+6281234567890"}, ValidCase{"81234567890", "+6281234567890"},
        // Separators.
        ValidCase{"0812-3456-7890", "+6281234567890"},
        ValidCase{"0812 3456 7890", "+6281234567890"},
        ValidCase{"0812.3456.7890", "+6281234567890"},
        ValidCase{"(0812) 3456-7890", "+6281234567890"},
        ValidCase{"+62 812-3456-7890", "+6281234567890"},
        ValidCase{"+62 (812) 3456 7890", "+6281234567890"},
        ValidCase{"(+62) 812 3456 7890", "+6281234567890"},
        ValidCase{"62 812 3456 7890", "+6281234567890"},
        ValidCase{"0062 812 3456 7890", "+6281234567890"},
        ValidCase{"0812--3456..7890", "+6281234567890"},
        ValidCase{"  081234567890  ", "+6281234567890"},
        ValidCase{"812-3456-7890", "+6281234567890"},
        // A trunk 0 written after the country code is dropped.
        ValidCase{"+62 (0)812-3456-7890", "+6281234567890"},
        ValidCase{"62 0812 3456 7890", "+6281234567890"},
        ValidCase{"0062 0812 3456 7890", "+6281234567890"},
        // What WhatsApp and phones insert on copy-paste: bidi marks, no-break space and hyphen.
        ValidCase{"\xE2\x80\xAA+62 812\xE2\x80\x91"
                  "3456\xE2\x80\x91"
                  "7890\xE2\x80\xAC",
                  "+6281234567890"},
        ValidCase{"\xE2\x81\xA8"
                  "0812\xC2\xA0"
                  "3456\xE2\x80\xAF"
                  "7890\xE2\x81\xA9",
                  "+6281234567890"},
        ValidCase{"\xE2\x80\x8E"
                  "0812\xE2\x80\x93"
                  "3456\xE2\x80\x93"
                  "7890\xE2\x80\x8F",
                  "+6281234567890"},
        // Every mobile prefix.
        ValidCase{"0811-1234-567", "+628111234567"}, ValidCase{"0821-1234-5678", "+6282112345678"},
        ValidCase{"0831-1234-5678", "+6283112345678"},
        ValidCase{"0851-1234-5678", "+6285112345678"},
        ValidCase{"0877-1234-5678", "+6287712345678"},
        ValidCase{"0881-1234-5678", "+6288112345678"},
        ValidCase{"0896-1234-5678", "+6289612345678"},
        // Shortest and longest national significant numbers (9 and 12 digits).
        ValidCase{"0812345678", "+62812345678"}, ValidCase{"+62812345678", "+62812345678"},
        ValidCase{"812345678", "+62812345678"}, ValidCase{"0812345678901", "+62812345678901"},
        ValidCase{"+62812345678901", "+62812345678901"},
        ValidCase{"00 62 812 3456 78901", "+62812345678901"}));

TEST(NormalizeMobileTest, EveryMobilePrefixAndLengthInEveryForm) {
  for (char second : std::string("1235789")) {
    for (int length = 9; length <= 12; ++length) {
      std::string nsn = absl::StrCat("8", std::string(1, second));
      while (static_cast<int>(nsn.size()) < length) nsn.push_back('0' + nsn.size() % 10);
      const std::string e164 = absl::StrCat("+62", nsn);
      for (const std::string& input : {absl::StrCat("0", nsn), absl::StrCat("62", nsn),
                                       absl::StrCat("+62", nsn), absl::StrCat("0062", nsn), nsn}) {
        const absl::StatusOr<std::string> got = NormalizeMobile(input);
        ASSERT_TRUE(got.ok()) << input << ": " << got.status();
        EXPECT_EQ(*got, e164) << input;
      }
    }
  }
}

TEST(NormalizeMobileTest, ExactlyThirtyTwoCharactersIsAcceptedAndThirtyThreeIsNot) {
  std::string input = "0812 3456 7890";
  input.resize(32, ' ');
  const absl::StatusOr<std::string> got = NormalizeMobile(input);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "+6281234567890");
  ExpectRejected(input + " ", PhoneError::kTooLong);
  // The limit counts characters, not bytes: 32 two-byte no-break spaces are still 32.
  std::string wide = "081234567890";
  for (int i = 0; i < 20; ++i) wide += "\xC2\xA0";
  EXPECT_TRUE(NormalizeMobile(wide).ok());
  ExpectRejected(wide + "\xC2\xA0", PhoneError::kTooLong);
}

// --- Every error kind --------------------------------------------------------------------------

struct InvalidCase {
  std::string input;
  PhoneError error;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << '"' << c.input.substr(0, 40) << "\" -> " << PhoneErrorName(c.error);
}

class NormalizeMobileInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(NormalizeMobileInvalidTest, RejectsWithReason) {
  ExpectRejected(GetParam().input, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(Empty, NormalizeMobileInvalidTest,
                         testing::Values(InvalidCase{"", PhoneError::kEmpty},
                                         InvalidCase{"   ", PhoneError::kEmpty},
                                         InvalidCase{"---", PhoneError::kEmpty},
                                         InvalidCase{"( )", PhoneError::kEmpty},
                                         InvalidCase{"+", PhoneError::kEmpty},
                                         InvalidCase{"\xC2\xA0", PhoneError::kEmpty}));

INSTANTIATE_TEST_SUITE_P(
    TooLong, NormalizeMobileInvalidTest,
    testing::Values(InvalidCase{std::string(33, '8'), PhoneError::kTooLong},
                    InvalidCase{std::string(200, '8'), PhoneError::kTooLong},
                    InvalidCase{std::string(200, 'a'), PhoneError::kTooLong},
                    InvalidCase{std::string(200, ' '), PhoneError::kTooLong},
                    InvalidCase{"081234567890" + std::string(21, ' '), PhoneError::kTooLong},
                    InvalidCase{std::string(100000, '0'), PhoneError::kTooLong}));

INSTANTIATE_TEST_SUITE_P(
    BadCharacters, NormalizeMobileInvalidTest,
    testing::Values(
        InvalidCase{"0812abc4567", PhoneError::kBadCharacters},
        InvalidCase{"nomor hp", PhoneError::kBadCharacters},
        InvalidCase{"O81234567890", PhoneError::kBadCharacters},  // letter O
        // Arabic-Indic digits: "٠٨١٢٣٤٥٦٧٨٩٠".
        InvalidCase{"\xD9\xA0\xD9\xA8\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6\xD9\xA7\xD9"
                    "\xA8\xD9\xA9\xD9\xA0",
                    PhoneError::kBadCharacters},
        // Full-width digits: "０８１２３４５６７８９０" (36 bytes, 12 characters).
        InvalidCase{"\xEF\xBC\x90\xEF\xBC\x98\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF"
                    "\xBC\x95\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98\xEF\xBC\x99\xEF\xBC\x90",
                    PhoneError::kBadCharacters},
        InvalidCase{"0812345678\xD9\xA9", PhoneError::kBadCharacters},  // one Arabic-Indic 9
        InvalidCase{"++6281234567890", PhoneError::kBadCharacters},
        InvalidCase{"+62+81234567890", PhoneError::kBadCharacters},
        InvalidCase{"62+81234567890", PhoneError::kBadCharacters},
        InvalidCase{"081234567890+", PhoneError::kBadCharacters},
        InvalidCase{"0812/3456/7890", PhoneError::kBadCharacters},
        InvalidCase{"0812_3456_7890", PhoneError::kBadCharacters},
        InvalidCase{"0812\t3456\t7890", PhoneError::kBadCharacters},
        InvalidCase{"081234567890\n", PhoneError::kBadCharacters},
        InvalidCase{std::string("0812\0"
                                "34567890",
                                13),
                    PhoneError::kBadCharacters},
        InvalidCase{"0812345678\xFF", PhoneError::kBadCharacters},      // not UTF-8
        InvalidCase{"0812345678\xE2\x80", PhoneError::kBadCharacters},  // truncated separator
        InvalidCase{"tel:+6281234567890", PhoneError::kBadCharacters},
        InvalidCase{"0812345678 ext 9", PhoneError::kBadCharacters}));

INSTANTIATE_TEST_SUITE_P(
    NotIndonesian, NormalizeMobileInvalidTest,
    testing::Values(InvalidCase{"+1 415 555 0100", PhoneError::kNotIndonesian},
                    InvalidCase{"+14155550100", PhoneError::kNotIndonesian},
                    InvalidCase{"0044 20 7946 0958", PhoneError::kNotIndonesian},
                    InvalidCase{"+44 20 7946 0958", PhoneError::kNotIndonesian},
                    InvalidCase{"+60 12-345 6789", PhoneError::kNotIndonesian},  // Malaysia
                    InvalidCase{"+6", PhoneError::kNotIndonesian},
                    InvalidCase{"+081234567890", PhoneError::kNotIndonesian},
                    InvalidCase{"00081234567890", PhoneError::kNotIndonesian},
                    InvalidCase{"00", PhoneError::kNotIndonesian},
                    InvalidCase{"4155550100", PhoneError::kNotIndonesian},
                    InvalidCase{"12345", PhoneError::kNotIndonesian},
                    InvalidCase{"1234567", PhoneError::kNotIndonesian},
                    InvalidCase{"6112345678", PhoneError::kNotIndonesian},
                    InvalidCase{"912345678", PhoneError::kNotIndonesian}));

INSTANTIATE_TEST_SUITE_P(Landline, NormalizeMobileInvalidTest,
                         testing::Values(InvalidCase{"021-5551234", PhoneError::kLandline},
                                         InvalidCase{"+62 21 5551234", PhoneError::kLandline},
                                         InvalidCase{"6221 5551234", PhoneError::kLandline},
                                         InvalidCase{"0062 21 5551234", PhoneError::kLandline},
                                         InvalidCase{"+62 (0)21 5551234", PhoneError::kLandline},
                                         InvalidCase{"(022) 1234567", PhoneError::kLandline},
                                         InvalidCase{"031-1234567", PhoneError::kLandline},
                                         InvalidCase{"0361 123456", PhoneError::kLandline},
                                         InvalidCase{"0411-123456", PhoneError::kLandline},
                                         InvalidCase{"0541 1234567", PhoneError::kLandline},
                                         InvalidCase{"0761 12345", PhoneError::kLandline},
                                         InvalidCase{"02", PhoneError::kLandline}));

INSTANTIATE_TEST_SUITE_P(NotMobile, NormalizeMobileInvalidTest,
                         testing::Values(InvalidCase{"0801234567", PhoneError::kNotMobile},
                                         InvalidCase{"0841234567", PhoneError::kNotMobile},
                                         InvalidCase{"0861234567", PhoneError::kNotMobile},
                                         InvalidCase{"+62 86 1234 5678", PhoneError::kNotMobile},
                                         InvalidCase{"8012345678", PhoneError::kNotMobile},
                                         InvalidCase{"0112345678", PhoneError::kNotMobile},
                                         InvalidCase{"0912345678", PhoneError::kNotMobile},
                                         InvalidCase{"+62 9 1234 5678", PhoneError::kNotMobile},
                                         InvalidCase{"+62 00 812 3456 7890",
                                                     PhoneError::kNotMobile}));

INSTANTIATE_TEST_SUITE_P(
    WrongLength, NormalizeMobileInvalidTest,
    testing::Values(InvalidCase{"08123", PhoneError::kWrongLength},
                    InvalidCase{"0812345", PhoneError::kWrongLength},
                    InvalidCase{"081234567", PhoneError::kWrongLength},       // 8-digit NSN
                    InvalidCase{"08123456789012", PhoneError::kWrongLength},  // 13-digit NSN
                    InvalidCase{"+62 812 3456 789012", PhoneError::kWrongLength},
                    InvalidCase{"81234567", PhoneError::kWrongLength},
                    InvalidCase{"0", PhoneError::kWrongLength},
                    InvalidCase{"08", PhoneError::kWrongLength},
                    InvalidCase{"+62", PhoneError::kWrongLength},
                    InvalidCase{"62", PhoneError::kWrongLength},
                    InvalidCase{"+62 0", PhoneError::kWrongLength},
                    InvalidCase{"+62 8", PhoneError::kWrongLength}));

// The malformed inputs the project requires every phone-taking entry point to reject.
TEST(NormalizeMobileTest, ProjectMalformedTable) {
  const InvalidCase kTable[] = {
      {"", PhoneError::kEmpty},
      {"12345", PhoneError::kNotIndonesian},
      {"1234567", PhoneError::kNotIndonesian},
      {"08123", PhoneError::kWrongLength},
      {"0812345", PhoneError::kWrongLength},
      {"abcdefghij", PhoneError::kBadCharacters},
      {"nomor saya 0812", PhoneError::kBadCharacters},
      {"\xD9\xA0\xD9\xA8\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6\xD9\xA7\xD9\xA8\xD9\xA9"
       "\xD9\xA0",
       PhoneError::kBadCharacters},
      {"+1 415 555 0100", PhoneError::kNotIndonesian},
      {"021-5551234", PhoneError::kLandline},
      {"+62 21 5551234", PhoneError::kLandline},
      {std::string(200, '8'), PhoneError::kTooLong},
      {std::string(200, 'x'), PhoneError::kTooLong},
      {"08" + std::string(198, '1'), PhoneError::kTooLong},
  };
  for (const InvalidCase& c : kTable) ExpectRejected(c.input, c.error);
}

TEST(NormalizeMobileTest, EveryLandlineAreaDigitInEveryForm) {
  for (char area = '2'; area <= '7'; ++area) {
    const std::string nsn = absl::StrCat(std::string(1, area), "1555123");
    for (const std::string& input : {absl::StrCat("0", nsn), absl::StrCat("62", nsn),
                                     absl::StrCat("+62", nsn), absl::StrCat("0062", nsn)}) {
      ExpectRejected(input, PhoneError::kLandline);
    }
  }
}

TEST(NormalizeMobileTest, NonMobileEightPrefixesInEveryForm) {
  for (char second : std::string("046")) {
    const std::string nsn = absl::StrCat("8", std::string(1, second), "12345678");
    for (const std::string& input : {absl::StrCat("0", nsn), absl::StrCat("62", nsn),
                                     absl::StrCat("+62", nsn), absl::StrCat("0062", nsn), nsn}) {
      ExpectRejected(input, PhoneError::kNotMobile);
    }
  }
}

TEST(NormalizeMobileTest, OneMessagePerReason) {
  // The message depends only on the reason, so it cannot carry any part of the input.
  EXPECT_EQ(NormalizeMobile("021-5551234").status().message(),
            NormalizeMobile("+62 411 999 888").status().message());
  EXPECT_EQ(NormalizeMobile("+1 415 555 0100").status().message(),
            NormalizeMobile("+44 20 7946 0958").status().message());
  std::set<std::string> messages;
  for (const std::string& input :
       {std::string(""), std::string(33, '8'), std::string("08x"), std::string("+1"),
        std::string("021"), std::string("080"), std::string("0812")}) {
    messages.insert(std::string(NormalizeMobile(input).status().message()));
  }
  EXPECT_EQ(messages.size(), 7u);
}

// --- PhoneErrorOf / PhoneErrorName ------------------------------------------------------------

TEST(PhoneErrorOfTest, NulloptForStatusesNotFromNormalizeMobile) {
  EXPECT_EQ(PhoneErrorOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(PhoneErrorOf(absl::InvalidArgumentError("Please enter a phone number.")), std::nullopt);
  EXPECT_EQ(PhoneErrorOf(absl::InternalError("boom")), std::nullopt);
  absl::Status other = absl::InvalidArgumentError("x");
  other.SetPayload("some.other.Payload", absl::Cord("landline"));
  EXPECT_EQ(PhoneErrorOf(other), std::nullopt);
}

TEST(PhoneErrorOfTest, SurvivesCopyAndRecoversEveryKind) {
  const std::pair<std::string, PhoneError> kExamples[] = {
      {"", PhoneError::kEmpty},
      {std::string(33, '0'), PhoneError::kTooLong},
      {"08x", PhoneError::kBadCharacters},
      {"+1", PhoneError::kNotIndonesian},
      {"021", PhoneError::kLandline},
      {"080", PhoneError::kNotMobile},
      {"0812", PhoneError::kWrongLength},
  };
  std::set<PhoneError> seen;
  for (const auto& [input, want] : kExamples) {
    const absl::Status copy = NormalizeMobile(input).status();
    const std::optional<PhoneError> got = PhoneErrorOf(copy);
    ASSERT_TRUE(got.has_value()) << input;
    EXPECT_EQ(*got, want) << input;
    seen.insert(*got);
  }
  EXPECT_EQ(seen.size(), std::size(kAllErrors));
}

TEST(PhoneErrorNameTest, DistinctSnakeCaseNames) {
  std::set<std::string> names;
  for (PhoneError e : kAllErrors) {
    const std::string name(PhoneErrorName(e));
    EXPECT_FALSE(name.empty());
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllErrors));
  EXPECT_EQ(PhoneErrorName(PhoneError::kLandline), "landline");
}

// --- MaskPhone / ToNational --------------------------------------------------------------------

TEST(MaskPhoneTest, ShowsFirstFourAndLastFourOfNationalForm) {
  EXPECT_EQ(MaskPhone("+6281234567890"), "0812****7890");
  EXPECT_EQ(MaskPhone("+62812345678"), "0812**5678");        // 9-digit NSN
  EXPECT_EQ(MaskPhone("+628123456789"), "0812***6789");      // 10-digit NSN
  EXPECT_EQ(MaskPhone("+62812345678901"), "0812*****8901");  // 12-digit NSN
  EXPECT_EQ(MaskPhone("+6285712345678"), "0857****5678");
}

TEST(MaskPhoneTest, AcceptsAnyNormalizableForm) {
  EXPECT_EQ(MaskPhone("0812-3456-7890"), "0812****7890");
  EXPECT_EQ(MaskPhone("62 812 3456 7890"), "0812****7890");
}

TEST(MaskPhoneTest, NeverEchoesWhatItCannotParse) {
  for (const std::string& input :
       {std::string(""), std::string("hello"), std::string("+62215551234"),
        std::string("+14155550100"), std::string("0812345"), std::string(200, '8')}) {
    EXPECT_EQ(MaskPhone(input), "****") << input;
  }
}

TEST(MaskPhoneTest, HidesTheMiddleDigits) {
  const std::string masked = MaskPhone("+6281299887766");
  EXPECT_EQ(masked, "0812****7766");
  EXPECT_FALSE(absl::StrContains(masked, "9988"));
}

TEST(ToNationalTest, TrunkForm) {
  EXPECT_EQ(ToNational("+6281234567890"), "081234567890");
  EXPECT_EQ(ToNational("+62812345678"), "0812345678");
  EXPECT_EQ(ToNational("+62812345678901"), "0812345678901");
  EXPECT_EQ(ToNational("0062 812-3456-7890"), "081234567890");
}

TEST(ToNationalTest, EmptyForInvalid) {
  EXPECT_EQ(ToNational(""), "");
  EXPECT_EQ(ToNational("+14155550100"), "");
  EXPECT_EQ(ToNational("+62215551234"), "");
}

TEST(ToNationalTest, RoundTripsThroughNormalizeMobile) {
  for (const char* e164 : {"+6281234567890", "+62812345678", "+62895123456789"}) {
    const absl::StatusOr<std::string> back = NormalizeMobile(ToNational(e164));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, e164);
  }
}

}  // namespace
}  // namespace lindungi::phone

#include "lindungi/phone/phone.h"

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "lindungi/status/error_table.h"

namespace lindungi::phone {
namespace {

constexpr size_t kMaxInputChars = 32;
constexpr size_t kMinNsnDigits = 9;
constexpr size_t kMaxNsnDigits = 12;
constexpr absl::string_view kCountryCode = "62";
constexpr absl::string_view kMobileSecondDigits = "1235789";  // 81, 82, 83, 85, 87, 88, 89
constexpr absl::string_view kPayloadUrl = "lindungi.phone.PhoneError";

constexpr status::ErrorText<PhoneError> kErrorTexts[] = {
    {PhoneError::kEmpty, "empty", "Please enter a phone number."},
    {PhoneError::kTooLong, "too_long", "The phone number is too long."},
    {PhoneError::kBadCharacters, "bad_characters",
     "A phone number may contain only digits, a leading +, spaces, dashes, dots and "
     "parentheses."},
    {PhoneError::kNotIndonesian, "not_indonesian",
     "Only Indonesian numbers are accepted; start with 08, 62 or +62."},
    {PhoneError::kLandline, "landline",
     "This looks like a landline number; please enter a mobile number (08…)."},
    {PhoneError::kNotMobile, "not_mobile", "This is not an Indonesian mobile number."},
    {PhoneError::kWrongLength, "wrong_length", "The mobile number has too few or too many digits."},
};

constexpr status::ErrorTable kErrors(kPayloadUrl, kErrorTexts);

absl::Status ErrorStatus(PhoneError error) { return kErrors.Make(error); }

// Counts UTF-8 code points (bytes that are not continuation bytes), so that a number typed in
// full-width digits is reported as kBadCharacters rather than kTooLong.
size_t CodePointCount(absl::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Byte length of the separator that starts `s`, or 0 if `s` does not start with one.
size_t SeparatorLength(absl::string_view s) {
  switch (s.front()) {
    case ' ':
    case '-':
    case '.':
    case '(':
    case ')':
      return 1;
    default:
      break;
  }
  // Inserted by phones and WhatsApp when a number is copied (UTF-8 encodings).
  static constexpr absl::string_view kUnicodeSeparators[] = {
      "\xC2\xA0",      // U+00A0 no-break space
      "\xE2\x80\xAF",  // U+202F narrow no-break space
      "\xE2\x80\x91",  // U+2011 non-breaking hyphen
      "\xE2\x80\x93",  // U+2013 en dash
      "\xE2\x80\x8E",  // U+200E left-to-right mark
      "\xE2\x80\x8F",  // U+200F right-to-left mark
      "\xE2\x80\xAA",  // U+202A left-to-right embedding
      "\xE2\x80\xAB",  // U+202B right-to-left embedding
      "\xE2\x80\xAC",  // U+202C pop directional formatting
      "\xE2\x80\xAD",  // U+202D left-to-right override
      "\xE2\x80\xAE",  // U+202E right-to-left override
      "\xE2\x81\xA6",  // U+2066 left-to-right isolate
      "\xE2\x81\xA7",  // U+2067 right-to-left isolate
      "\xE2\x81\xA8",  // U+2068 first strong isolate
      "\xE2\x81\xA9",  // U+2069 pop directional isolate
  };
  for (absl::string_view separator : kUnicodeSeparators) {
    if (absl::StartsWith(s, separator)) return separator.size();
  }
  return 0;
}

// Checks the national significant number (what follows +62) and builds the E.164 form.
absl::StatusOr<std::string> FromNsn(absl::string_view nsn) {
  if (nsn.empty()) return ErrorStatus(PhoneError::kWrongLength);
  if (nsn[0] >= '2' && nsn[0] <= '7') return ErrorStatus(PhoneError::kLandline);
  if (nsn[0] != '8') return ErrorStatus(PhoneError::kNotMobile);
  if (nsn.size() < 2) return ErrorStatus(PhoneError::kWrongLength);
  if (!absl::StrContains(kMobileSecondDigits, nsn[1])) {
    return ErrorStatus(PhoneError::kNotMobile);
  }
  if (nsn.size() < kMinNsnDigits || nsn.size() > kMaxNsnDigits) {
    return ErrorStatus(PhoneError::kWrongLength);
  }
  return absl::StrCat("+", kCountryCode, nsn);
}

}  // namespace

absl::StatusOr<std::string> NormalizeMobile(absl::string_view input) {
  if (input.empty()) return ErrorStatus(PhoneError::kEmpty);
  if (CodePointCount(input) > kMaxInputChars) return ErrorStatus(PhoneError::kTooLong);

  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < input.size();) {
    const char c = input[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      ++i;
    } else if (c == '+' && !plus && digits.empty()) {
      plus = true;
      ++i;
    } else if (const size_t n = SeparatorLength(input.substr(i)); n > 0) {
      i += n;
    } else {
      return ErrorStatus(PhoneError::kBadCharacters);
    }
  }
  if (digits.empty()) return ErrorStatus(PhoneError::kEmpty);

  absl::string_view rest = digits;
  bool international = plus || absl::ConsumePrefix(&rest, "00");
  if (international) {
    if (!absl::ConsumePrefix(&rest, kCountryCode)) return ErrorStatus(PhoneError::kNotIndonesian);
  } else if (absl::ConsumePrefix(&rest, "0")) {
    return FromNsn(rest);  // trunk form 08…
  } else if (absl::ConsumePrefix(&rest, kCountryCode)) {
    international = true;  // 628… without '+'
  } else if (rest.front() != '8') {
    return ErrorStatus(PhoneError::kNotIndonesian);
  }
  if (international) absl::ConsumePrefix(&rest, "0");  // "+62 (0)812…"
  return FromNsn(rest);
}

std::optional<PhoneError> PhoneErrorOf(const absl::Status& s) { return kErrors.Of(s); }

absl::string_view PhoneErrorName(PhoneError error) { return kErrors.Name(error); }

std::string MaskPhone(absl::string_view e164) {
  const std::string national = ToNational(e164);
  if (national.empty()) return "****";
  constexpr size_t kShown = 4;  // national is at least 10 characters
  return absl::StrCat(national.substr(0, kShown), std::string(national.size() - 2 * kShown, '*'),
                      national.substr(national.size() - kShown));
}

std::string ToNational(absl::string_view e164) {
  absl::StatusOr<std::string> normalized = NormalizeMobile(e164);
  if (!normalized.ok()) return "";
  absl::string_view nsn = *normalized;
  absl::ConsumePrefix(&nsn, "+62");
  return absl::StrCat("0", nsn);
}

}  // namespace lindungi::phone

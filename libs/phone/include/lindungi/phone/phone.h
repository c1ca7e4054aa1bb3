#pragma once

// Indonesian mobile numbers as citizens type them, normalised to E.164 ("+6281234567890").
//
// Accepted forms (the national significant number, NSN, is what follows +62):
//   08…        trunk form                  "0812-3456-7890"
//   628…       country code without '+'    "62 812 3456 7890"
//   +628…      E.164                       "+62 (812) 3456-7890"
//   00628…     international prefix        "0062 812 3456 7890"
//   8…         bare NSN                    "812 3456 7890"
// Decisions worth knowing:
//   - A bare number starting with 8 is taken as an NSN (no Indonesian number starts with 8 in any
//     other form); a bare number starting with any other digit than 0, 6 or 8 is kNotIndonesian.
//   - One trunk 0 after the country code is dropped, because people write "+62 (0)812…" and
//     "62 0812…"; the result is the same E.164 number.
//   - Separators may appear anywhere: ASCII space, '-', '.', '(' and ')', plus what phones and
//     WhatsApp insert on copy-paste (U+00A0 and U+202F no-break spaces, U+2011 non-breaking
//     hyphen, U+2013 en dash, and the invisible bidi marks U+200E, U+200F, U+202A–U+202E,
//     U+2066–U+2069). Any other character, including non-ASCII digits, is kBadCharacters.
//   - At most one '+', before the first digit. More than 32 characters (UTF-8 code points) is
//     kTooLong, checked first so any long input fails the same way.
//   - The NSN must start with 81, 82, 83, 85, 87, 88 or 89 and be 9 to 12 digits long.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::phone {

enum class PhoneError {
  kEmpty,          // nothing but separators
  kTooLong,        // more than 32 characters
  kBadCharacters,  // a character that is neither an ASCII digit, a separator nor a leading '+'
  kNotIndonesian,  // another country code, or no recognisable prefix
  kLandline,       // national number starts with 2–7 (an area code)
  kNotMobile,      // national number starts with 8 but not a mobile prefix, or with 0, 1 or 9
  kWrongLength,    // mobile prefix, but the NSN is not 9–12 digits
};

// Returns the number in E.164 ("+6281234567890"). On failure returns InvalidArgument whose
// message is a short English reason fit to show the citizen; it never contains the input.
absl::StatusOr<std::string> NormalizeMobile(absl::string_view input);

// The reason NormalizeMobile failed (carried as a status payload), or nullopt for any other
// status, including OK.
std::optional<PhoneError> PhoneErrorOf(const absl::Status& s);

// A stable snake_case name for metric labels and logs, e.g. "landline".
absl::string_view PhoneErrorName(PhoneError error);

// "+6281234567890" -> "0812****7890": national form, first 4 and last 4 digits shown, one '*'
// per hidden digit. Accepts anything NormalizeMobile accepts; returns "****" for anything else
// so that a malformed value is never echoed.
std::string MaskPhone(absl::string_view e164);

// "+6281234567890" -> "081234567890". Accepts anything NormalizeMobile accepts; returns "" for
// anything else.
std::string ToNational(absl::string_view e164);

}  // namespace lindungi::phone

#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {

// The Luhn mod N code points of the EU UVCI guideline (eHealth Network, Annex 2, and the DCC
// schema FAQ): 'A'..'Z' are 0..25, '0'..'9' are 26..35, '/' is 36 and ':' is 37; N = 38.
inline constexpr absl::string_view kUvciCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";
// The DCC schema's limit for "ci".
inline constexpr size_t kMaxUvciLength = 80;

// The Luhn mod N check character of `text` (the whole UVCI before '#', prefix "URN:UVCI:"
// included). InvalidArgument for an empty text or a character outside kUvciCharset.
absl::StatusOr<char> UvciCheckCharacter(absl::string_view text);

// "URN:UVCI:01:<country>:<opaque>#<check>". `country` is two letters A-Z (ISO 3166-1 alpha-2);
// `opaque` is the issuer's unique part, A-Z 0-9 and '/' as block separator, neither starting
// nor ending with '/'. InvalidArgument otherwise or when the result would exceed 80 characters.
absl::StatusOr<std::string> MakeUvci(absl::string_view country, absl::string_view opaque);

// OK for a UVCI in exactly the form MakeUvci produces, with a correct check character.
absl::Status ValidateUvci(absl::string_view uvci);

}  // namespace lindungi::dcc

#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace lindungi::dcc {

// DCC limit for nam.fn, nam.gn, nam.fnt and nam.gnt (schema 1.3.0).
inline constexpr size_t kMaxNameLength = 80;

struct HolderName {
  std::string family_name;  // DCC nam.fn, never empty for a non-empty full name
  std::string given_name;   // DCC nam.gn, "" when omitted
};

// How an Indonesian full name (one field on the KTP and in the registry) maps to the DCC's
// family and given names. Indonesian names carry no inherited family name, while the DCC
// requires nam.fnt and makes the given name optional, so:
//   - whitespace is collapsed and anything from the first comma on is dropped (academic
//     degrees are written after a comma: "Budi Santoso, S.Kom." -> "Budi Santoso");
//   - a single-word name goes to fn alone, gn omitted (the DCC rule for mononyms): "Sukarno";
//   - otherwise the last word is fn and the words before it gn, the split forms and visas ask
//     for: "Siti Nurhaliza Putri" -> fn "Putri", gn "Siti Nurhaliza".
// The words themselves are kept as written (case, diacritics, apostrophes).
HolderName SplitIndonesianName(absl::string_view full_name);

// ICAO Doc 9303 part 3 standardized form of a name (DCC nam.fnt / nam.gnt): letters upper-cased
// to A-Z; Latin letters with diacritics transliterated as ICAO recommends (e -> E, ö -> OE,
// ü -> UE, ä -> AE, å -> AA, ø -> OE, æ -> AE, ß -> SS, þ -> TH, ð -> D, ł -> L, ...); spaces,
// hyphens and other separators become the filler '<' (runs collapsed, none at either end);
// apostrophes, dots, digits and characters of other scripts are dropped; the result is cut to
// 80 characters. Invalid UTF-8 bytes are dropped.
std::string IcaoStandardize(absl::string_view name);

}  // namespace lindungi::dcc

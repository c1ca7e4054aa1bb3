#include "lindungi/dcc/uvci.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {
namespace {

constexpr absl::string_view kPrefix = "URN:UVCI:01:";

int CodePoint(char c) {
  const size_t i = kUvciCharset.find(c);
  return i == absl::string_view::npos ? -1 : static_cast<int>(i);
}

bool IsOpaqueChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/'; }

absl::Status CheckOpaque(absl::string_view opaque) {
  if (opaque.empty()) return absl::InvalidArgumentError("UVCI: empty unique part");
  for (char c : opaque) {
    if (!IsOpaqueChar(c)) {
      return absl::InvalidArgumentError("UVCI: the unique part allows only A-Z, 0-9 and '/'");
    }
  }
  if (opaque.front() == '/' || opaque.back() == '/' ||
      opaque.find("//") != absl::string_view::npos) {
    return absl::InvalidArgumentError("UVCI: empty block in the unique part");
  }
  return absl::OkStatus();
}

absl::Status CheckCountry(absl::string_view country) {
  if (country.size() != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
      country[1] > 'Z') {
    return absl::InvalidArgumentError("UVCI: country must be two letters A-Z");
  }
  return absl::OkStatus();
}

}  // namespace

// Luhn mod N: from the rightmost character leftwards, code points are alternately doubled
// (starting with the rightmost) and reduced to the sum of their base-N digits; the check
// character brings the total to a multiple of N.
absl::StatusOr<char> UvciCheckCharacter(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("UVCI: nothing to check");
  constexpr int kN = static_cast<int>(kUvciCharset.size());
  int factor = 2;
  int sum = 0;
  for (size_t i = text.size(); i-- > 0;) {
    const int cp = CodePoint(text[i]);
    if (cp < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("UVCI: character at offset ", i, " is outside A-Z 0-9 / :"));
    }
    const int addend = factor * cp;
    sum += addend / kN + addend % kN;
    factor = factor == 2 ? 1 : 2;
  }
  return kUvciCharset[(kN - sum % kN) % kN];
}

absl::StatusOr<std::string> MakeUvci(absl::string_view country, absl::string_view opaque) {
  if (absl::Status s = CheckCountry(country); !s.ok()) return s;
  if (absl::Status s = CheckOpaque(opaque); !s.ok()) return s;
  std::string uvci = absl::StrCat(kPrefix, country, ":", opaque);
  if (uvci.size() + 2 > kMaxUvciLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("UVCI: longer than ", kMaxUvciLength, " characters"));
  }
  absl::StatusOr<char> check = UvciCheckCharacter(uvci);
  if (!check.ok()) return check.status();
  uvci.push_back('#');
  uvci.push_back(*check);
  return uvci;
}

absl::Status ValidateUvci(absl::string_view uvci) {
  if (uvci.size() > kMaxUvciLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("UVCI: longer than ", kMaxUvciLength, " characters"));
  }
  if (uvci.substr(0, kPrefix.size()) != kPrefix) {
    return absl::InvalidArgumentError("UVCI: does not start with URN:UVCI:01:");
  }
  const size_t hash = uvci.rfind('#');
  if (hash == absl::string_view::npos || hash + 2 != uvci.size()) {
    return absl::InvalidArgumentError("UVCI: no '#' and check character at the end");
  }
  const absl::string_view body = uvci.substr(0, hash);
  const absl::string_view rest = body.substr(kPrefix.size());
  if (rest.size() < 4 || rest[2] != ':') {
    return absl::InvalidArgumentError("UVCI: no country");
  }
  if (absl::Status s = CheckCountry(rest.substr(0, 2)); !s.ok()) return s;
  if (absl::Status s = CheckOpaque(rest.substr(3)); !s.ok()) return s;
  absl::StatusOr<char> check = UvciCheckCharacter(body);
  if (!check.ok()) return check.status();
  if (*check != uvci.back()) {
    return absl::InvalidArgumentError(
        absl::StrCat("UVCI: check character is '", absl::string_view(&uvci.back(), 1),
                     "', expected '", absl::string_view(&*check, 1), "'"));
  }
  return absl::OkStatus();
}

}  // namespace lindungi::dcc

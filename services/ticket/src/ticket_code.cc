#include "ticket_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lindungi/crypto/random.h"

namespace lindungi::ticket {
namespace {

constexpr size_t kCodeLength = 6;
constexpr absl::string_view kPrefix = "TK-";

}  // namespace

absl::StatusOr<std::string> NewTicketCode() {
  std::string code(kPrefix);
  for (size_t i = 0; i < kCodeLength; ++i) {
    absl::StatusOr<uint32_t> pick = crypto::RandomUniform(kCodeAlphabet.size());
    if (!pick.ok()) return pick.status();
    code.push_back(kCodeAlphabet[*pick]);
  }
  return code;
}

std::optional<std::string> NormalizeTicketCode(absl::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    chars.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (chars.size() == kCodeLength + 2 && absl::StartsWith(chars, "TK")) chars.erase(0, 2);
  if (chars.size() != kCodeLength) return std::nullopt;
  for (char c : chars) {
    if (!absl::StrContains(kCodeAlphabet, c)) return std::nullopt;
  }
  return absl::StrCat(kPrefix, chars);
}

}  // namespace lindungi::ticket

#pragma once

// Human ticket codes, read over the phone: "TK-" and six characters from an alphabet without
// the ones people confuse (0/O, 1/I/L, U/V kept apart by dropping U), 30^6 = 729 million codes.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::ticket {

inline constexpr absl::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

// A random code, e.g. "TK-7K3M9Q" (CSPRNG; fails only if it cannot be seeded).
absl::StatusOr<std::string> NewTicketCode();
// The canonical code for what a person typed or read out: case-insensitive, with or without
// "TK", spaces and dashes ("tk 7k3m 9q" -> "TK-7K3M9Q"); nullopt when it cannot be a code.
std::optional<std::string> NormalizeTicketCode(absl::string_view typed);

}  // namespace lindungi::ticket

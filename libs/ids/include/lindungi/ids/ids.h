#pragma once

// Opaque identifiers: "<prefix>_" + 26 Crockford base32 characters (a ULID): 48 bits of
// milliseconds then 80 random bits, so ids sort by creation time (new rows land at the end of a
// B-tree index) yet reveal nothing about the person they name.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace lindungi::ids {

// e.g. NewId("c", now) -> "c_01JDZ4V3Q7M8N2P4R6S8T0V2X4". Thread-safe; ids made in the same
// millisecond by one process still sort in creation order.
std::string NewId(absl::string_view prefix, absl::Time now);

// True for a well-formed id with this prefix (callers reject garbage before touching storage).
bool IsId(absl::string_view id, absl::string_view prefix);

}  // namespace lindungi::ids

#pragma once

// UTF-8 helpers shared by the lindungi::dcc sources; not part of the API.

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace lindungi::dcc {

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code points above U+10FFFF.
bool IsValidUtf8(absl::string_view s);

// Decodes the code point at s[*pos] and advances *pos past it. Returns -1 (advancing by one
// byte) for an ill-formed sequence.
int32_t NextCodePoint(absl::string_view s, size_t* pos);

// Number of code points in well-formed UTF-8.
size_t CodePointCount(absl::string_view s);

}  // namespace lindungi::dcc

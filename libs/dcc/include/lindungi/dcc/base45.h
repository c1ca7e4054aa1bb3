#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {

// Base45 (RFC 9285) over the QR alphanumeric alphabet "0-9A-Z $%*+-./:".
std::string Base45Encode(absl::string_view bytes);

// Strict: InvalidArgument for a character outside the alphabet, a length of 1 mod 3, or a group
// whose value exceeds what it can encode (> 65535 for three characters, > 255 for a final pair),
// so that every byte string has exactly one accepted encoding.
absl::StatusOr<std::string> Base45Decode(absl::string_view text);

}  // namespace lindungi::dcc

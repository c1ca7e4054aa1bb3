#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::crypto {

inline constexpr size_t kSha256Size = 32;

// Raw 32-byte digests. These cannot fail on any input; an OpenSSL failure here means a broken
// installation (no default provider) and aborts the process with a message on stderr.
std::string Sha256(absl::string_view data);
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Compares MACs, tokens and codes without leaking where they differ. Lengths are treated as
// public: different lengths return false at once, without looking at the contents.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// Lower-case hex. HexDecode accepts either case and rejects odd lengths and non-hex characters.
std::string HexEncode(absl::string_view bytes);
absl::StatusOr<std::string> HexDecode(absl::string_view hex);

// RFC 4648 section 5 alphabet ('-', '_') without '=' padding, as JWS and our tokens use it.
// Decoding is strict so that every byte string has exactly one accepted encoding: padding,
// whitespace, the standard '+' '/' alphabet, impossible lengths and non-zero trailing bits are
// all InvalidArgument.
std::string Base64UrlEncode(absl::string_view bytes);
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace lindungi::crypto

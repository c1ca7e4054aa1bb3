#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {

// An HC1 payload must fit in one QR code, so nothing legitimate inflates past this.
inline constexpr size_t kMaxInflatedSize = 64 * 1024;

// zlib format (RFC 1950), compression level 9, as the HC1 pipeline prescribes.
std::string ZlibCompress(absl::string_view data);

// Inflates one complete zlib stream. InvalidArgument for a corrupt or truncated stream or
// bytes after its end; ResourceExhausted as soon as the output would exceed `max_output` (a
// zlib bomb costs at most `max_output` bytes of memory).
absl::StatusOr<std::string> ZlibInflate(absl::string_view data,
                                        size_t max_output = kMaxInflatedSize);

// Whether `data` starts with a valid zlib header (RFC 1950 section 2.2: deflate, window <= 32
// KiB, FCHECK). HC1 decoders accept payloads without one as uncompressed COSE.
bool HasZlibHeader(absl::string_view data);

}  // namespace lindungi::dcc

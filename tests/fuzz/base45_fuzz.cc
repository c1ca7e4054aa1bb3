// Base45 (RFC 9285): decoding never crashes, and because it is strict every accepted text is
// the one encoding of its bytes; encoding any bytes decodes back to them.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lindungi/dcc/base45.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto decoded = lindungi::dcc::Base45Decode(input);
  if (decoded.ok() && lindungi::dcc::Base45Encode(*decoded) != input) std::abort();
  auto round_trip = lindungi::dcc::Base45Decode(lindungi::dcc::Base45Encode(input));
  if (!round_trip.ok() || *round_trip != input) std::abort();
  return 0;
}

// The bounded CBOR decoder on arbitrary bytes: never crashes or runs away; whatever it accepts
// has a deterministic encoding that decodes to the same value and re-encodes identically.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "lindungi/dcc/cbor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using lindungi::dcc::CborToJson;
  using lindungi::dcc::DecodeCbor;
  using lindungi::dcc::EncodeCbor;
  auto value = DecodeCbor(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!value.ok()) return 0;
  auto canonical = EncodeCbor(*value);
  if (!canonical.ok()) std::abort();  // decoded values always have a deterministic encoding
  auto again = DecodeCbor(*canonical);
  if (!again.ok()) std::abort();
  auto twice = EncodeCbor(*again);
  if (!twice.ok() || *twice != *canonical) std::abort();
  // Diagnostics JSON stays proportional to the input (no blow-up through nested keys).
  const std::string json =
      CborToJson(*value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (json.size() > 16 * size + 64) std::abort();
  return 0;
}

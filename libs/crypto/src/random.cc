#include "lindungi/crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  if (n > INT_MAX) return absl::InvalidArgumentError("RandomBytes: n exceeds INT_MAX");
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return internal::OpenSslError(absl::StatusCode::kInternal, "RAND_bytes");
  }
  return out;
}

absl::StatusOr<uint32_t> RandomUniform(uint32_t upper) {
  if (upper == 0) return absl::InvalidArgumentError("RandomUniform: upper must be positive");
  // Values below `threshold` = 2^32 mod upper are the surplus that would make `r % upper`
  // favour small results; rejecting them leaves a multiple of `upper` equally likely values.
  // At most half of all draws are rejected, so the loop ends quickly.
  const uint32_t threshold = (0u - upper) % upper;
  while (true) {
    uint32_t r;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof(r)) != 1) {
      return internal::OpenSslError(absl::StatusCode::kInternal, "RAND_bytes");
    }
    if (r >= threshold) return r % upper;
  }
}

absl::StatusOr<std::string> RandomDigits(int n) {
  if (n < 0) return absl::InvalidArgumentError("RandomDigits: n must not be negative");
  std::string digits;
  digits.reserve(static_cast<size_t>(n));
  while (digits.size() < static_cast<size_t>(n)) {
    // 250 is the largest multiple of 10 that fits in a byte; bytes at or above it are dropped so
    // each digit stays exactly uniform. ~2.3% are dropped, so ask for a few extra per round.
    const size_t missing = static_cast<size_t>(n) - digits.size();
    absl::StatusOr<std::string> bytes = RandomBytes(missing + missing / 32 + 8);
    if (!bytes.ok()) return bytes.status();
    for (unsigned char b : *bytes) {
      if (b >= 250) continue;
      digits.push_back(static_cast<char>('0' + b % 10));
      if (digits.size() == static_cast<size_t>(n)) break;
    }
  }
  return digits;
}

}  // namespace lindungi::crypto

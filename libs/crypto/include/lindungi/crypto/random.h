#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace lindungi::crypto {

// All functions draw from OpenSSL's CSPRNG (RAND_bytes), which is thread-safe and fork-safe.

// n cryptographically random bytes. Fails only if the CSPRNG cannot be seeded or n > INT_MAX.
absl::StatusOr<std::string> RandomBytes(size_t n);

// A uniform value in [0, upper), without modulo bias. InvalidArgument if upper == 0.
absl::StatusOr<uint32_t> RandomUniform(uint32_t upper);

// n decimal digits, each independently uniform over '0'..'9' (OTP codes; leading zeros kept).
// InvalidArgument if n < 0.
absl::StatusOr<std::string> RandomDigits(int n);

}  // namespace lindungi::crypto

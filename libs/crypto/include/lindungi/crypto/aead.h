#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::crypto {

// AES-256-GCM with a fresh random 96-bit nonce per message, for data at rest (NIKs).
// Sealed format: nonce (12) || ciphertext (same length as plaintext) || tag (16).
// Random nonces are safe for up to 2^32 messages per key (NIST SP 800-38D 8.3); rotate keys
// well before that. Const methods are safe to call concurrently; the key is wiped on destruction.
class Aes256Gcm {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  static constexpr size_t kOverhead = kNonceSize + kTagSize;

  // InvalidArgument unless the key is exactly 32 bytes.
  static absl::StatusOr<Aes256Gcm> Create(absl::string_view key);

  Aes256Gcm(const Aes256Gcm&) = default;
  Aes256Gcm& operator=(const Aes256Gcm&) = default;
  ~Aes256Gcm();

  // `aad` is authenticated but not encrypted (e.g. the record id, so that a ciphertext cannot
  // be moved to another row). InvalidArgument for inputs over INT_MAX bytes.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext, absl::string_view aad) const;
  // The plaintext, or InvalidArgument if `sealed` is shorter than kOverhead, or Unauthenticated
  // if the nonce, ciphertext, tag or aad were changed or the key is wrong.
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view aad) const;

 private:
  explicit Aes256Gcm(absl::string_view key);

  std::array<uint8_t, kKeySize> key_;
};

}  // namespace lindungi::crypto

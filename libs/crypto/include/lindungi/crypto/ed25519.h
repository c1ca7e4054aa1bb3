#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {

// An Ed25519 key (RFC 8032, pure EdDSA: the message is signed as is, not pre-hashed).
// Const methods are safe to call concurrently.
class Ed25519Key {
 public:
  static constexpr size_t kRawKeySize = 32;
  static constexpr size_t kSignatureSize = 64;

  static absl::StatusOr<Ed25519Key> Generate();
  // Unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
  static absl::StatusOr<Ed25519Key> FromPrivatePem(absl::string_view pem);
  // SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").
  static absl::StatusOr<Ed25519Key> FromPublicPem(absl::string_view pem);
  // The 32-byte seed of RFC 8032 section 5.1.5.
  static absl::StatusOr<Ed25519Key> FromRawPrivate(absl::string_view seed);
  // The 32-byte encoded point.
  static absl::StatusOr<Ed25519Key> FromRawPublic(absl::string_view public_key);

  Ed25519Key(Ed25519Key&&) = default;
  Ed25519Key& operator=(Ed25519Key&&) = default;

  bool has_private_key() const { return has_private_key_; }

  // Unencrypted PKCS#8; FailedPrecondition for a public-only key.
  absl::StatusOr<std::string> PrivatePem() const;
  absl::StatusOr<std::string> PublicPem() const;
  // The 32-byte encoded public key.
  absl::StatusOr<std::string> RawPublic() const;

  // 64-byte signature. FailedPrecondition for a public-only key.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;
  // OK only for a valid signature of `message`. InvalidArgument if the signature is not 64
  // bytes, Unauthenticated if it does not verify.
  absl::Status Verify(absl::string_view message, absl::string_view signature) const;

 private:
  Ed25519Key(internal::PkeyPtr pkey, bool has_private_key);
  static absl::StatusOr<Ed25519Key> FromPkey(internal::PkeyPtr pkey, bool has_private_key);

  internal::PkeyPtr pkey_;
  bool has_private_key_ = false;
};

}  // namespace lindungi::crypto

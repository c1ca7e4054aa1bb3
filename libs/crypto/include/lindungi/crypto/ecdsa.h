#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {

// An ECDSA key on NIST P-256 used with SHA-256: ES256 in COSE (EU DCC) and JWS. Signatures are
// the fixed-size raw form r || s (32 bytes each, big-endian) those formats require, not DER.
// Keys on any other curve are rejected when loaded. Const methods are safe to call concurrently.
class EcdsaP256Key {
 public:
  static constexpr size_t kSignatureSize = 64;

  static absl::StatusOr<EcdsaP256Key> Generate();
  // PKCS#8 ("BEGIN PRIVATE KEY") or SEC 1 ("BEGIN EC PRIVATE KEY"), unencrypted. The key is
  // checked for consistency (private scalar matches the public point).
  static absl::StatusOr<EcdsaP256Key> FromPrivatePem(absl::string_view pem);
  // SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").
  static absl::StatusOr<EcdsaP256Key> FromPublicPem(absl::string_view pem);
  // The public key of an X.509 certificate ("BEGIN CERTIFICATE"). Only extracts the key: the
  // certificate's validity period, issuer and chain are NOT checked.
  static absl::StatusOr<EcdsaP256Key> FromCertificatePem(absl::string_view pem);

  EcdsaP256Key(EcdsaP256Key&&) = default;
  EcdsaP256Key& operator=(EcdsaP256Key&&) = default;

  bool has_private_key() const { return has_private_key_; }

  // Unencrypted PKCS#8; FailedPrecondition for a public-only key.
  absl::StatusOr<std::string> PrivatePem() const;
  absl::StatusOr<std::string> PublicPem() const;

  // ECDSA over SHA-256(message); 64 bytes r || s. FailedPrecondition for a public-only key.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;
  // OK only for a valid signature of `message`. InvalidArgument if the signature is not 64
  // bytes, Unauthenticated if it does not verify.
  absl::Status Verify(absl::string_view message, absl::string_view signature) const;

 private:
  EcdsaP256Key(internal::PkeyPtr pkey, bool has_private_key);
  static absl::StatusOr<EcdsaP256Key> FromPkey(internal::PkeyPtr pkey, bool has_private_key);

  internal::PkeyPtr pkey_;
  bool has_private_key_ = false;
};

}  // namespace lindungi::crypto

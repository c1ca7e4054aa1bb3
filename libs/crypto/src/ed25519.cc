#include "lindungi/crypto/ed25519.h"

#include <openssl/evp.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {
namespace {

using internal::OpenSslError;
using internal::PkeyPtr;

}  // namespace

Ed25519Key::Ed25519Key(PkeyPtr pkey, bool has_private_key)
    : pkey_(std::move(pkey)), has_private_key_(has_private_key) {}

absl::StatusOr<Ed25519Key> Ed25519Key::FromPkey(PkeyPtr pkey, bool has_private_key) {
  if (!EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an Ed25519 key, got ", EVP_PKEY_get0_type_name(pkey.get())));
  }
  return Ed25519Key(std::move(pkey), has_private_key);
}

absl::StatusOr<Ed25519Key> Ed25519Key::Generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (pkey == nullptr) return OpenSslError(absl::StatusCode::kInternal, "Ed25519 key generation");
  return Ed25519Key(std::move(pkey), /*has_private_key=*/true);
}

absl::StatusOr<Ed25519Key> Ed25519Key::FromPrivatePem(absl::string_view pem) {
  absl::StatusOr<PkeyPtr> pkey = internal::ReadPrivateKeyPem(pem);
  if (!pkey.ok()) return pkey.status();
  return FromPkey(*std::move(pkey), /*has_private_key=*/true);
}

absl::StatusOr<Ed25519Key> Ed25519Key::FromPublicPem(absl::string_view pem) {
  absl::StatusOr<PkeyPtr> pkey = internal::ReadPublicKeyPem(pem);
  if (!pkey.ok()) return pkey.status();
  return FromPkey(*std::move(pkey), /*has_private_key=*/false);
}

absl::StatusOr<Ed25519Key> Ed25519Key::FromRawPrivate(absl::string_view seed) {
  if (seed.size() != kRawKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 private key must be ", kRawKeySize, " bytes, got ", seed.size()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_PKEY_new_raw_private_key");
  }
  return Ed25519Key(std::move(pkey), /*has_private_key=*/true);
}

absl::StatusOr<Ed25519Key> Ed25519Key::FromRawPublic(absl::string_view public_key) {
  if (public_key.size() != kRawKeySize) {
    return absl::InvalidArgumentError(absl::StrCat("Ed25519 public key must be ", kRawKeySize,
                                                   " bytes, got ", public_key.size()));
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size()));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "EVP_PKEY_new_raw_public_key");
  }
  return Ed25519Key(std::move(pkey), /*has_private_key=*/false);
}

absl::StatusOr<std::string> Ed25519Key::PrivatePem() const {
  if (pkey_ == nullptr || !has_private_key_) {
    return absl::FailedPreconditionError("Ed25519Key has no private key");
  }
  return internal::WritePrivateKeyPem(pkey_.get());
}

absl::StatusOr<std::string> Ed25519Key::PublicPem() const {
  if (pkey_ == nullptr) return absl::FailedPreconditionError("Ed25519Key was moved from");
  return internal::WritePublicKeyPem(pkey_.get());
}

absl::StatusOr<std::string> Ed25519Key::RawPublic() const {
  if (pkey_ == nullptr) return absl::FailedPreconditionError("Ed25519Key was moved from");
  std::string raw(kRawKeySize, '\0');
  size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                  &size) != 1 ||
      size != kRawKeySize) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_PKEY_get_raw_public_key");
  }
  return raw;
}

absl::StatusOr<std::string> Ed25519Key::Sign(absl::string_view message) const {
  if (pkey_ == nullptr || !has_private_key_) {
    return absl::FailedPreconditionError("Ed25519Key has no private key");
  }
  absl::StatusOr<std::string> signature = internal::DigestSign(pkey_.get(), nullptr, message);
  if (signature.ok() && signature->size() != kSignatureSize) {
    return absl::InternalError("Ed25519 signature has unexpected size");
  }
  return signature;
}

absl::Status Ed25519Key::Verify(absl::string_view message, absl::string_view signature) const {
  if (pkey_ == nullptr) return absl::FailedPreconditionError("Ed25519Key was moved from");
  if (signature.size() != kSignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat("Ed25519 signature must be ", kSignatureSize,
                                                   " bytes, got ", signature.size()));
  }
  return internal::DigestVerify(pkey_.get(), nullptr, message, signature);
}

}  // namespace lindungi::crypto

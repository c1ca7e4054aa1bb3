#include "lindungi/crypto/ecdsa.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {
namespace {

using internal::FreeWith;
using internal::OpenSslError;
using internal::PkeyPtr;
using BnPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, FreeWith<ECDSA_SIG_free>>;

constexpr size_t kScalarSize = 32;
constexpr char kDigest[] = "SHA256";

absl::Status CheckIsP256(EVP_PKEY* pkey) {
  if (!EVP_PKEY_is_a(pkey, "EC")) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an EC P-256 key, got ", EVP_PKEY_get0_type_name(pkey)));
  }
  // Fails for keys with explicit curve parameters, which we refuse along with other curves.
  char name[64];
  size_t name_size = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof(name), &name_size) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("EC key does not use a named curve; expected P-256");
  }
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  if (nid != NID_X9_62_prime256v1) {
    return absl::InvalidArgumentError(absl::StrCat("expected an EC P-256 key, got curve ", name));
  }
  return absl::OkStatus();
}

}  // namespace

EcdsaP256Key::EcdsaP256Key(PkeyPtr pkey, bool has_private_key)
    : pkey_(std::move(pkey)), has_private_key_(has_private_key) {}

absl::StatusOr<EcdsaP256Key> EcdsaP256Key::FromPkey(PkeyPtr pkey, bool has_private_key) {
  if (absl::Status status = CheckIsP256(pkey.get()); !status.ok()) return status;
  if (absl::Status status = internal::CheckKey(pkey.get(), has_private_key); !status.ok()) {
    return status;
  }
  return EcdsaP256Key(std::move(pkey), has_private_key);
}

absl::StatusOr<EcdsaP256Key> EcdsaP256Key::Generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (pkey == nullptr) return OpenSslError(absl::StatusCode::kInternal, "P-256 key generation");
  return EcdsaP256Key(std::move(pkey), /*has_private_key=*/true);
}

absl::StatusOr<EcdsaP256Key> EcdsaP256Key::FromPrivatePem(absl::string_view pem) {
  absl::StatusOr<PkeyPtr> pkey = internal::ReadPrivateKeyPem(pem);
  if (!pkey.ok()) return pkey.status();
  return FromPkey(*std::move(pkey), /*has_private_key=*/true);
}

absl::StatusOr<EcdsaP256Key> EcdsaP256Key::FromPublicPem(absl::string_view pem) {
  absl::StatusOr<PkeyPtr> pkey = internal::ReadPublicKeyPem(pem);
  if (!pkey.ok()) return pkey.status();
  return FromPkey(*std::move(pkey), /*has_private_key=*/false);
}

absl::StatusOr<EcdsaP256Key> EcdsaP256Key::FromCertificatePem(absl::string_view pem) {
  absl::StatusOr<PkeyPtr> pkey = internal::ReadCertificatePublicKeyPem(pem);
  if (!pkey.ok()) return pkey.status();
  return FromPkey(*std::move(pkey), /*has_private_key=*/false);
}

absl::StatusOr<std::string> EcdsaP256Key::PrivatePem() const {
  if (pkey_ == nullptr || !has_private_key_) {
    return absl::FailedPreconditionError("EcdsaP256Key has no private key");
  }
  return internal::WritePrivateKeyPem(pkey_.get());
}

absl::StatusOr<std::string> EcdsaP256Key::PublicPem() const {
  if (pkey_ == nullptr) return absl::FailedPreconditionError("EcdsaP256Key was moved from");
  return internal::WritePublicKeyPem(pkey_.get());
}

absl::StatusOr<std::string> EcdsaP256Key::Sign(absl::string_view message) const {
  if (pkey_ == nullptr || !has_private_key_) {
    return absl::FailedPreconditionError("EcdsaP256Key has no private key");
  }
  absl::StatusOr<std::string> der = internal::DigestSign(pkey_.get(), kDigest, message);
  if (!der.ok()) return der.status();

  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der->size())));
  if (sig == nullptr) return OpenSslError(absl::StatusCode::kInternal, "d2i_ECDSA_SIG");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(kSignatureSize, '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kScalarSize) != kScalarSize ||
      BN_bn2binpad(s, out + kScalarSize, kScalarSize) != kScalarSize) {
    return OpenSslError(absl::StatusCode::kInternal, "BN_bn2binpad");
  }
  return raw;
}

absl::Status EcdsaP256Key::Verify(absl::string_view message, absl::string_view signature) const {
  if (pkey_ == nullptr) return absl::FailedPreconditionError("EcdsaP256Key was moved from");
  if (signature.size() != kSignatureSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("ES256 signature must be ", kSignatureSize, " bytes, got ", signature.size()));
  }
  const unsigned char* raw = reinterpret_cast<const unsigned char*>(signature.data());
  BnPtr r(BN_bin2bn(raw, kScalarSize, nullptr));
  BnPtr s(BN_bin2bn(raw + kScalarSize, kScalarSize, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr) {
    return OpenSslError(absl::StatusCode::kInternal, "allocating ECDSA_SIG");
  }
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "ECDSA_SIG_set0");
  }
  r.release();  // Now owned by sig.
  s.release();

  const int der_size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (der_size <= 0) return OpenSslError(absl::StatusCode::kInternal, "i2d_ECDSA_SIG");
  std::string der(static_cast<size_t>(der_size), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &p) != der_size) {
    return OpenSslError(absl::StatusCode::kInternal, "i2d_ECDSA_SIG");
  }
  return internal::DigestVerify(pkey_.get(), kDigest, message, der);
}

}  // namespace lindungi::crypto

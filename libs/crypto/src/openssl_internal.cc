#include "lindungi/crypto/openssl_internal.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lindungi::crypto::internal {
namespace {

using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;

// Refuses to decrypt instead of letting OpenSSL's default callback prompt on the terminal.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

absl::StatusOr<BioPtr> ReadOnlyBio(absl::string_view pem) {
  if (pem.size() > INT_MAX) return absl::InvalidArgumentError("PEM input too large");
  // BIO_new_mem_buf wants a non-null pointer even for empty input.
  BioPtr bio(BIO_new_mem_buf(pem.empty() ? "" : pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO_new_mem_buf");
  return bio;
}

absl::StatusOr<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size < 0 || (size > 0 && data == nullptr)) {
    return OpenSslError(absl::StatusCode::kInternal, "BIO_get_mem_data");
  }
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

absl::Status OpenSslError(absl::StatusCode code, absl::string_view what) {
  std::string message(what);
  bool first = true;
  while (unsigned long err = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(err, text, sizeof(text));
    absl::StrAppend(&message, first ? ": " : "; ", text);
    first = false;
  }
  if (first) absl::StrAppend(&message, ": no OpenSSL error detail");
  return absl::Status(code, message);
}

const unsigned char* NonNullBytes(absl::string_view s) {
  static const unsigned char kEmpty[1] = {0};
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

void PkeyDeleter::operator()(evp_pkey_st* pkey) const { EVP_PKEY_free(pkey); }

absl::StatusOr<PkeyPtr> ReadPrivateKeyPem(absl::string_view pem) {
  absl::StatusOr<BioPtr> bio = ReadOnlyBio(pem);
  if (!bio.ok()) return bio.status();
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio->get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "not an unencrypted PEM private key");
  }
  return pkey;
}

absl::StatusOr<PkeyPtr> ReadPublicKeyPem(absl::string_view pem) {
  absl::StatusOr<BioPtr> bio = ReadOnlyBio(pem);
  if (!bio.ok()) return bio.status();
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio->get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "not a PEM SubjectPublicKeyInfo public key");
  }
  return pkey;
}

absl::StatusOr<PkeyPtr> ReadCertificatePublicKeyPem(absl::string_view pem) {
  absl::StatusOr<BioPtr> bio = ReadOnlyBio(pem);
  if (!bio.ok()) return bio.status();
  X509Ptr cert(PEM_read_bio_X509(bio->get(), nullptr, NoPassphrase, nullptr));
  if (cert == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument, "not a PEM X.509 certificate");
  }
  PkeyPtr pkey(X509_get_pubkey(cert.get()));
  if (pkey == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "certificate public key is missing or unsupported");
  }
  return pkey;
}

absl::StatusOr<std::string> WritePrivateKeyPem(const evp_pkey_st* pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO_new");
  if (PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

absl::StatusOr<std::string> WritePublicKeyPem(const evp_pkey_st* pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError(absl::StatusCode::kInternal, "BIO_new");
  if (PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "PEM_write_bio_PUBKEY");
  }
  return BioContents(bio.get());
}

absl::Status CheckKey(evp_pkey_st* pkey, bool has_private_key) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (ctx == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EVP_PKEY_CTX_new");
  // EVP_PKEY_check covers the public point, the private scalar and that they belong together.
  const int ok = has_private_key ? EVP_PKEY_check(ctx.get()) : EVP_PKEY_public_check(ctx.get());
  if (ok != 1) return OpenSslError(absl::StatusCode::kInvalidArgument, "key fails validation");
  return absl::OkStatus();
}

absl::StatusOr<std::string> DigestSign(evp_pkey_st* pkey, const char* digest,
                                       absl::string_view message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EVP_MD_CTX_new");
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_DigestSignInit_ex");
  }
  const int max_size = EVP_PKEY_get_size(pkey);
  if (max_size <= 0) return OpenSslError(absl::StatusCode::kInternal, "EVP_PKEY_get_size");
  std::string signature(static_cast<size_t>(max_size), '\0');
  size_t size = signature.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     NonNullBytes(message), message.size()) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_DigestSign");
  }
  signature.resize(size);
  return signature;
}

absl::Status DigestVerify(evp_pkey_st* pkey, const char* digest, absl::string_view message,
                          absl::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EVP_MD_CTX_new");
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, nullptr) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_DigestVerifyInit_ex");
  }
  // 0 is a plain mismatch; < 0 is a malformed signature (e.g. r or s out of range). Both are the
  // caller's problem, and the queued detail would only tell an attacker which check failed.
  if (EVP_DigestVerify(ctx.get(), NonNullBytes(signature), signature.size(), NonNullBytes(message),
                       message.size()) != 1) {
    ERR_clear_error();
    return absl::UnauthenticatedError("signature does not verify");
  }
  return absl::OkStatus();
}

}  // namespace lindungi::crypto::internal

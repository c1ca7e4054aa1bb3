#pragma once

// Plumbing shared by the lindungi::crypto sources. Not part of the API: the classes keep
// OpenSSL types out of their headers, and only need the forward-declared key type from here.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY.

namespace lindungi::crypto::internal {

// `what` followed by every error on this thread's OpenSSL error queue, which it empties so that
// stale entries never show up in a later, unrelated message.
absl::Status OpenSslError(absl::StatusCode code, absl::string_view what);

// OpenSSL wants non-null pointers even for empty input; an empty absl::string_view may be null.
const unsigned char* NonNullBytes(absl::string_view s);

// Deleter calling an OpenSSL free function: std::unique_ptr<BIO, FreeWith<BIO_free_all>>. Also
// for the other libraries' and the tests' OpenSSL code.
template <auto kFree>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

struct PkeyDeleter {
  void operator()(evp_pkey_st* pkey) const;
};
using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyDeleter>;

// PEM parsing never prompts for a passphrase: encrypted keys are rejected.
absl::StatusOr<PkeyPtr> ReadPrivateKeyPem(absl::string_view pem);
absl::StatusOr<PkeyPtr> ReadPublicKeyPem(absl::string_view pem);
// The subject public key of an X.509 certificate; the certificate itself is not validated.
absl::StatusOr<PkeyPtr> ReadCertificatePublicKeyPem(absl::string_view pem);

// Unencrypted PKCS#8 ("BEGIN PRIVATE KEY") and SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").
absl::StatusOr<std::string> WritePrivateKeyPem(const evp_pkey_st* pkey);
absl::StatusOr<std::string> WritePublicKeyPem(const evp_pkey_st* pkey);

// Consistency checks run when a key is loaded: the point is on the curve and, with
// `has_private_key`, the private part matches it.
absl::Status CheckKey(evp_pkey_st* pkey, bool has_private_key);

// One-shot EVP_DigestSign/EVP_DigestVerify. `digest` is an OpenSSL digest name ("SHA256"), or
// nullptr for algorithms that hash internally (Ed25519). Sign returns the algorithm's native
// encoding (DER for ECDSA). Verify returns Unauthenticated for a signature that does not verify.
absl::StatusOr<std::string> DigestSign(evp_pkey_st* pkey, const char* digest,
                                       absl::string_view message);
absl::Status DigestVerify(evp_pkey_st* pkey, const char* digest, absl::string_view message,
                          absl::string_view signature);

}  // namespace lindungi::crypto::internal

#include "lindungi/dcc/signing_certificate.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::dcc {
namespace {

using crypto::internal::FreeWith;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

unsigned TypeBit(DccType type) { return 1u << static_cast<unsigned>(type); }

// The DCC types an EU DCC extended key usage OID allows, or kUnknown for other OIDs.
DccType TypeOfOid(absl::string_view oid) {
  for (absl::string_view prefix : {"1.3.6.1.4.1.1847.2021.1.", "1.3.6.1.4.1.0.1847.2021.1."}) {
    if (oid.size() == prefix.size() + 1 && oid.substr(0, prefix.size()) == prefix) {
      switch (oid.back()) {
        case '1':
          return DccType::kTest;
        case '2':
          return DccType::kVaccination;
        case '3':
          return DccType::kRecovery;
        default:
          break;
      }
    }
  }
  return DccType::kUnknown;
}

absl::StatusOr<std::string> PemOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return absl::InternalError(absl::StrCat("certificate to PEM: ", OpenSslErrors()));
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// An ASN1_TIME as absl::Time; `fallback` when it cannot be read.
absl::Time TimeOf(const ASN1_TIME* t, absl::Time fallback) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return fallback;
  return absl::FromTM(tm, absl::UTCTimeZone());
}

// The subject as RFC 2253 text ("CN=…,O=…,C=…"); "" if it cannot be printed.
std::string SubjectOf(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

struct SigningCertificate::Keys {
  PkeyPtr public_key;                      // any algorithm (RSA for PS256)
  std::optional<crypto::EcdsaP256Key> ec;  // set for EC P-256 certificates (ES256)
  std::string ec_error;                    // why `ec` is unset for an EC certificate
};

std::string ComputeKid(absl::string_view certificate_der) {
  return crypto::Sha256(certificate_der).substr(0, kKidSize);
}

absl::StatusOr<std::string> CertificatePemToDer(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("not a PEM certificate: ", OpenSslErrors()));
  }
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  if (size <= 0) return absl::InternalError(absl::StrCat("i2d_X509: ", OpenSslErrors()));
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<SigningCertificate> SigningCertificate::FromPem(absl::string_view pem) {
  absl::StatusOr<std::string> der = CertificatePemToDer(pem);
  if (!der.ok()) return der.status();
  return FromDer(*der);
}

absl::StatusOr<SigningCertificate> SigningCertificate::FromDer(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("not a DER certificate: ", OpenSslErrors()));
  }
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return absl::InvalidArgumentError("bytes after the DER certificate");
  }
  auto keys = std::make_shared<Keys>();
  keys->public_key.reset(X509_get_pubkey(cert.get()));
  if (keys->public_key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate public key unreadable: ", OpenSslErrors()));
  }
  if (EVP_PKEY_is_a(keys->public_key.get(), "EC")) {
    absl::StatusOr<std::string> pem = PemOf(cert.get());
    if (!pem.ok()) return pem.status();
    absl::StatusOr<crypto::EcdsaP256Key> ec = crypto::EcdsaP256Key::FromCertificatePem(*pem);
    if (ec.ok()) {
      keys->ec.emplace(*std::move(ec));
    } else {
      keys->ec_error = std::string(ec.status().message());
    }
  }

  SigningCertificate out;
  int critical = 0;
  std::unique_ptr<EXTENDED_KEY_USAGE, FreeWith<EXTENDED_KEY_USAGE_free>> eku(
      static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(cert.get(), NID_ext_key_usage, &critical, nullptr)));
  if (eku != nullptr) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
      char oid[128];
      const int n = OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku.get(), i), 1);
      if (n <= 0 || n >= static_cast<int>(sizeof(oid))) continue;
      const DccType type = TypeOfOid(oid);
      if (type != DccType::kUnknown) out.allowed_types_ |= TypeBit(type);
    }
  }
  ERR_clear_error();  // X509_get_ext_d2i leaves entries when the extension is absent
  out.der_ = std::string(der);
  out.kid_ = ComputeKid(der);
  out.subject_ = SubjectOf(cert.get());
  out.not_before_ = TimeOf(X509_get0_notBefore(cert.get()), absl::InfinitePast());
  out.not_after_ = TimeOf(X509_get0_notAfter(cert.get()), absl::InfiniteFuture());
  out.keys_ = std::move(keys);
  return out;
}

absl::Status SigningCertificate::Verify(CoseAlgorithm algorithm, absl::string_view message,
                                        absl::string_view signature) const {
  switch (algorithm) {
    case CoseAlgorithm::kEs256: {
      if (!keys_->ec.has_value()) {
        return absl::InvalidArgumentError(keys_->ec_error.empty()
                                              ? "ES256 needs an EC P-256 certificate"
                                              : absl::StrCat("ES256: ", keys_->ec_error));
      }
      if (signature.size() != crypto::EcdsaP256Key::kSignatureSize) {
        return absl::UnauthenticatedError(
            absl::StrCat("ES256 signature is ", signature.size(), " bytes, not 64"));
      }
      return keys_->ec->Verify(message, signature);
    }
    case CoseAlgorithm::kPs256: {
      EVP_PKEY* pkey = keys_->public_key.get();
      if (!EVP_PKEY_is_a(pkey, "RSA") && !EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        return absl::InvalidArgumentError("PS256 needs an RSA certificate");
      }
      std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
      EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
      if (ctx == nullptr ||
          EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey) != 1 ||
          EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
          EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
          EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
        return absl::InternalError(absl::StrCat("PS256 set-up: ", OpenSslErrors()));
      }
      const int rc = EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(message.data()), message.size());
      ERR_clear_error();
      if (rc != 1) return absl::UnauthenticatedError("PS256 signature does not verify");
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("unsupported algorithm");
}

bool SigningCertificate::AllowsType(DccType type) const {
  return allowed_types_ == 0 || (allowed_types_ & TypeBit(type)) != 0;
}

absl::Status SigningCertificate::MatchesKey(const crypto::EcdsaP256Key& key) const {
  if (!keys_->ec.has_value()) {
    return absl::InvalidArgumentError("the certificate does not hold an EC P-256 key");
  }
  absl::StatusOr<std::string> mine = keys_->ec->PublicPem();
  absl::StatusOr<std::string> theirs = key.PublicPem();
  if (!mine.ok()) return mine.status();
  if (!theirs.ok()) return theirs.status();
  if (*mine != *theirs) {
    return absl::FailedPreconditionError("the key does not belong to the signing certificate");
  }
  return absl::OkStatus();
}

}  // namespace lindungi::dcc

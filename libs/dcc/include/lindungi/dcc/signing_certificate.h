#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/ecdsa.h"

namespace lindungi::dcc {

inline constexpr size_t kKidSize = 8;

// The kinds of DCC; a document signer certificate may be limited to some of them.
enum class DccType { kUnknown, kVaccination, kTest, kRecovery };

// COSE algorithms an EU DCC may be signed with.
enum class CoseAlgorithm : int {
  kEs256 = -7,   // ECDSA P-256 with SHA-256, signature raw r || s
  kPs256 = -37,  // RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32
};

// The key id of a document signer: the first 8 bytes of SHA-256 over the certificate's DER.
std::string ComputeKid(absl::string_view certificate_der);

// The DER of the first certificate in a PEM text ("BEGIN CERTIFICATE").
absl::StatusOr<std::string> CertificatePemToDer(absl::string_view pem);

// A document signer certificate (DSC) as the verifier needs it: its kid, its public key, and
// the DCC types its extended key usage allows. The certificate's validity period and chain are
// not checked here (trust is the caller's choice of certificates). Copies share the parsed key;
// const methods are safe to call concurrently.
class SigningCertificate {
 public:
  static absl::StatusOr<SigningCertificate> FromDer(absl::string_view der);
  static absl::StatusOr<SigningCertificate> FromPem(absl::string_view pem);

  const std::string& der() const { return der_; }
  const std::string& kid() const { return kid_; }
  // The subject as RFC 2253 text, e.g. "CN=Lindungi Development DSC,O=…,C=ID".
  const std::string& subject() const { return subject_; }
  // The certificate's validity period.
  absl::Time not_before() const { return not_before_; }
  absl::Time not_after() const { return not_after_; }

  // OK if `signature` is a valid `algorithm` signature of `message` by this certificate's key.
  // Unauthenticated if it does not verify (including a wrong size), InvalidArgument if the key
  // does not suit the algorithm (an RSA key for ES256, or EC on another curve).
  absl::Status Verify(CoseAlgorithm algorithm, absl::string_view message,
                      absl::string_view signature) const;

  // EU DCC extended key usage (OIDs 1.3.6.1.4.1.1847.2021.1.{1,2,3} for test, vaccination,
  // recovery, and the 1.3.6.1.4.1.0.1847.2021.1.x variants): a certificate that lists none of
  // them may sign every type.
  bool AllowsType(DccType type) const;

  // OK if `key` (private or public) is this certificate's key; FailedPrecondition otherwise. A
  // service refuses to start with a signing key that does not match its certificate.
  absl::Status MatchesKey(const crypto::EcdsaP256Key& key) const;

 private:
  struct Keys;
  SigningCertificate() = default;

  std::string der_;
  std::string kid_;
  std::string subject_;
  absl::Time not_before_ = absl::InfinitePast();
  absl::Time not_after_ = absl::InfiniteFuture();
  unsigned allowed_types_ = 0;  // bit per DccType; 0 = all
  std::shared_ptr<const Keys> keys_;
};

}  // namespace lindungi::dcc

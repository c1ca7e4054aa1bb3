#pragma once

// The document signer (DSC) that signs certificates and revocation lists: its private key, its
// X.509 certificate and the kid derived from it (first 8 bytes of SHA-256 of the DER). Start-up
// refuses a key that does not belong to the certificate.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/dcc/signing_certificate.h"

namespace lindungi::certificate {

class DocumentSigner {
 public:
  // `extra_certificates_pem`: earlier signing certificates whose certificates still verify.
  static absl::StatusOr<std::unique_ptr<DocumentSigner>> Create(
      absl::string_view key_pem, absl::string_view certificate_pem,
      const std::vector<std::string>& extra_certificates_pem = {});

  const crypto::EcdsaP256Key& key() const { return key_; }
  const std::string& kid() const { return certificate_.kid(); }
  // The certificate with this kid (the current one or an earlier one), or nullptr.
  const dcc::SigningCertificate* Find(absl::string_view kid) const;

 private:
  DocumentSigner(crypto::EcdsaP256Key key, dcc::SigningCertificate certificate)
      : key_(std::move(key)), certificate_(std::move(certificate)) {}

  crypto::EcdsaP256Key key_;
  dcc::SigningCertificate certificate_;
  std::vector<dcc::SigningCertificate> earlier_;
};

}  // namespace lindungi::certificate

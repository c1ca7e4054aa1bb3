#include "document_signer.h"

#include "absl/strings/str_cat.h"

namespace lindungi::certificate {

absl::StatusOr<std::unique_ptr<DocumentSigner>> DocumentSigner::Create(
    absl::string_view key_pem, absl::string_view certificate_pem,
    const std::vector<std::string>& extra_certificates_pem) {
  absl::StatusOr<crypto::EcdsaP256Key> key = crypto::EcdsaP256Key::FromPrivatePem(key_pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--signing_key_file is not an EC P-256 private key: ", key.status().message()));
  }
  absl::StatusOr<dcc::SigningCertificate> certificate =
      dcc::SigningCertificate::FromPem(certificate_pem);
  if (!certificate.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--signing_cert_file is not a certificate: ", certificate.status().message()));
  }
  if (absl::Status match = certificate->MatchesKey(*key); !match.ok()) {
    return absl::InvalidArgumentError(
        "--signing_key_file does not belong to --signing_cert_file (mismatched pair)");
  }
  if (!certificate->AllowsType(dcc::DccType::kVaccination)) {
    return absl::InvalidArgumentError(
        "--signing_cert_file may not sign vaccination certificates: its extended key usage "
        "lacks 1.3.6.1.4.1.1847.2021.1.2 (verifiers would reject every certificate)");
  }
  auto signer =
      std::unique_ptr<DocumentSigner>(new DocumentSigner(*std::move(key), *std::move(certificate)));
  for (const std::string& pem : extra_certificates_pem) {
    absl::StatusOr<dcc::SigningCertificate> earlier = dcc::SigningCertificate::FromPem(pem);
    if (!earlier.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "an earlier signing certificate is unreadable: ", earlier.status().message()));
    }
    signer->earlier_.push_back(*std::move(earlier));
  }
  return signer;
}

const dcc::SigningCertificate* DocumentSigner::Find(absl::string_view kid) const {
  if (kid == certificate_.kid()) return &certificate_;
  for (const dcc::SigningCertificate& c : earlier_) {
    if (kid == c.kid()) return &c;
  }
  return nullptr;
}

}  // namespace lindungi::certificate

#pragma once

// Certificates (DESIGN.md "Certificates"): one EU Digital COVID Certificate per dose, signed by
// the document signer, as an HC1 string and a one-page PDF; verification; revocation.
//
// A certificate id (UVCI) is derived from the citizen, the dose and every value the certificate
// shows, so the same data always give the same id - and the same HC1 and PDF bytes while the
// certificate is unexpired (the HC1 is stored; the PDF is rendered deterministically). When the
// data change (a correction), the next issue revokes the dose's older ids and issues a new one.
// A revoked certificate is never issued or sent again.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "citizen_directory.h"
#include "document_signer.h"
#include "lindungi/certificate/v1/certificate.pb.h"
#include "lindungi/certpdf/certificate_renderer.h"
#include "lindungi/clock/clock.h"
#include "lindungi/store/store.h"

namespace lindungi::certificate {

struct IssuerPolicy {
  absl::Duration validity = absl::Hours(24 * 365);  // exp - iat
  std::string country = "ID";                       // iss, and the UVCI's country
  std::string issuer_name = "Ministry of Health Republic of Indonesia";  // DCC v.is
};

class CertificateIssuer {
 public:
  CertificateIssuer(store::Database& db, CitizenDirectory& directory, const DocumentSigner& signer,
                    const certpdf::CertificateRenderer& renderer, clock::Clock& clock,
                    IssuerPolicy policy);

  absl::Status IssueCertificate(const v1::IssueCertificateRequest& request,
                                v1::IssueCertificateResponse* response);
  absl::Status VerifyCertificate(const v1::VerifyCertificateRequest& request,
                                 v1::VerifyCertificateResponse* response);
  absl::Status RevokeCertificate(const v1::RevokeCertificateRequest& request,
                                 v1::RevokeCertificateResponse* response);
  absl::Status ExportRevocationList(const v1::ExportRevocationListRequest& request,
                                    v1::ExportRevocationListResponse* response);
  absl::Status ListCertificates(const v1::ListCertificatesRequest& request,
                                v1::ListCertificatesResponse* response);

  // What the revocation list's signature covers (ExportRevocationListResponse.signature).
  static std::string RevocationListSignedBytes(int64_t generated_at_seconds,
                                               const std::vector<std::string>& hashes);

 private:
  store::Database& db_;
  CitizenDirectory& directory_;
  const DocumentSigner& signer_;
  const certpdf::CertificateRenderer& renderer_;
  clock::Clock& clock_;
  const IssuerPolicy policy_;
};

}  // namespace lindungi::certificate

#include "certificate_metrics.h"

#include "lindungi/metrics/metrics.h"

namespace lindungi::certificate {

CertificateMetrics& CertificateMetrics::Get() {
  static auto* metrics = new CertificateMetrics();
  return *metrics;
}

CertificateMetrics::CertificateMetrics()
    : issued_(metrics::CounterFamily("lindungi_certificates_issued_total",
                                     "Certificates handed out, by result: new (signed now) or "
                                     "existing (the stored certificate again).")),
      verified_(metrics::CounterFamily("lindungi_certificate_verifications_total",
                                       "HC1 verifications, by result: valid or the reason.")),
      revoked_(metrics::CounterFamily("lindungi_certificates_revoked_total",
                                      "Certificates revoked, by cause: admin or superseded.")) {}

void CertificateMetrics::Issued(bool newly_signed) {
  issued_.Add({{"result", newly_signed ? "new" : "existing"}}).Increment();
}

void CertificateMetrics::Verified(const std::string& result) {
  verified_.Add({{"result", result}}).Increment();
}

void CertificateMetrics::Revoked(const std::string& cause, int count) {
  if (count > 0) revoked_.Add({{"cause", cause}}).Increment(count);
}

}  // namespace lindungi::certificate

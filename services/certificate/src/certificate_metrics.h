#pragma once

// certificate-service's domain metrics (the gRPC ones come from the interceptor). Labels are
// small fixed sets: no certificate id, citizen id or name.

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace lindungi::certificate {

class CertificateMetrics {
 public:
  // The process-wide instance.
  static CertificateMetrics& Get();

  // A certificate handed out: newly signed, or the stored one again.
  void Issued(bool newly_signed);
  // A verification's outcome: "valid" or the reason in lower case (e.g. "bad_signature").
  void Verified(const std::string& result);
  // Certificates revoked: cause "admin" (RevokeCertificate) or "superseded" (their data changed).
  void Revoked(const std::string& cause, int count = 1);

 private:
  CertificateMetrics();
  prometheus::Family<prometheus::Counter>& issued_;
  prometheus::Family<prometheus::Counter>& verified_;
  prometheus::Family<prometheus::Counter>& revoked_;
};

}  // namespace lindungi::certificate

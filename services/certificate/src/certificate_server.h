#pragma once

// certificate-service's object graph: store (migrated at start), document signer, PDF renderer,
// identity-service client, records, issuer, gRPC face and host. main() builds it from flags;
// tests build it in-process.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "certificate_grpc.h"
#include "certificate_issuer.h"
#include "citizen_directory.h"
#include "document_signer.h"
#include "lindungi/certpdf/certificate_renderer.h"
#include "lindungi/clock/clock.h"
#include "lindungi/config/config.h"
#include "lindungi/server/service_host.h"
#include "lindungi/store/store.h"
#include "vaccination_registry.h"

namespace lindungi::certificate {

struct CertificateConfig {
  bool production = false;  // --env=production: development signing certificates are refused
  std::string db_url = "sqlite://certificate.db";
  store::OpenOptions db_options;
  std::string identity_addr;  // identity-service
  absl::Duration identity_timeout = absl::Seconds(2);
  std::string signing_key_pem;                 // from --signing_key_file
  std::string signing_cert_pem;                // from --signing_cert_file
  std::vector<std::string> earlier_cert_pems;  // --earlier_signing_cert_files
  IssuerPolicy issuer;
  DuePolicy due;
  certpdf::RendererOptions renderer;
};

absl::StatusOr<CertificateConfig> CertificateConfigFromFlags(config::Env env);
// With `production`, refuses a signing certificate whose subject says it is for development
// (tools/gen-keys names them "Lindungi Development …").
absl::Status CheckSignerForEnv(const DocumentSigner& signer, bool production);

class CertificateServer {
 public:
  static absl::StatusOr<std::unique_ptr<CertificateServer>> Start(
      const CertificateConfig& config, const server::ServerOptions& options, clock::Clock& clock);
  ~CertificateServer();
  server::ServiceHost& host() { return *host_; }
  const DocumentSigner& signer() const { return *signer_; }
  void Shutdown();

 private:
  CertificateServer() = default;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<DocumentSigner> signer_;
  std::unique_ptr<certpdf::CertificateRenderer> renderer_;
  std::unique_ptr<CitizenDirectory> directory_;
  std::unique_ptr<VaccinationRegistry> records_;
  std::unique_ptr<CertificateIssuer> issuer_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<CertificateGrpcService> service_;
};

}  // namespace lindungi::certificate

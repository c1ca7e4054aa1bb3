// lindungi-certificate: vaccination records, and EU Digital COVID Certificates issued from them.
#include "certificate_server.h"
#include "lindungi/clock/clock.h"
#include "lindungi/config/config.h"
#include "lindungi/server/process.h"

int main(int argc, char** argv) {
  using namespace lindungi;
  const server::ProcessInfo process = server::InitProcess(
      argc, argv, "lindungi-certificate", "certificate",
      "lindungi-certificate holds vaccination records and issues, verifies and revokes EU Digital "
      "COVID Certificates (signed HC1 QR and PDF; DESIGN.md \"Certificates\").");
  absl::StatusOr<certificate::CertificateConfig> config =
      certificate::CertificateConfigFromFlags(process.env);
  if (!config.ok()) config::ExitBadConfig(process.program, config.status());
  absl::StatusOr<server::ServerOptions> options = server::ServerOptionsFromFlags();
  if (!options.ok()) config::ExitBadConfig(process.program, options.status());
  absl::StatusOr<std::unique_ptr<certificate::CertificateServer>> server =
      certificate::CertificateServer::Start(*config, *options, clock::RealClock());
  if (!server.ok()) config::ExitBadConfig(process.program, server.status());
  return (*server)->host().Run();
}

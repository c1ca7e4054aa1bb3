// lindungi-identity: the citizen registry.
#include "identity_server.h"
#include "lindungi/clock/clock.h"
#include "lindungi/config/config.h"
#include "lindungi/server/process.h"

int main(int argc, char** argv) {
  using namespace lindungi;
  const server::ProcessInfo process = server::InitProcess(
      argc, argv, "lindungi-identity", "identity",
      "lindungi-identity holds the citizen registry: look-ups, phone changes, corrections and "
      "their review, histories and registry imports (DESIGN.md \"Data\").");
  absl::StatusOr<identity::IdentityConfig> config = identity::IdentityConfigFromFlags();
  if (!config.ok()) config::ExitBadConfig(process.program, config.status());
  absl::StatusOr<server::ServerOptions> options = server::ServerOptionsFromFlags();
  if (!options.ok()) config::ExitBadConfig(process.program, options.status());
  absl::StatusOr<std::unique_ptr<identity::IdentityServer>> server =
      identity::IdentityServer::Start(*config, *options, clock::RealClock());
  if (!server.ok()) config::ExitBadConfig(process.program, server.status());
  return (*server)->host().Run();
}

#pragma once

// identity-service's object graph: the store (migrated at start), the PII vault, the registry,
// its gRPC face and the host. main() builds it from flags; tests build it in-process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "citizen_registry.h"
#include "identity_grpc.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/server/service_host.h"
#include "lindungi/store/store.h"

namespace lindungi::identity {

struct IdentityConfig {
  std::string db_url = "sqlite://identity.db";  // --db
  std::string pii_key;                          // from --pii_key_file
  int db_cache_mb = 2048;                       // --db_cache_mb: the writer's page cache
  int import_batch_rows = 200000;               // --import_batch_rows
};

absl::StatusOr<IdentityConfig> IdentityConfigFromFlags();

class IdentityServer {
 public:
  static absl::StatusOr<std::unique_ptr<IdentityServer>> Start(const IdentityConfig& config,
                                                               const server::ServerOptions& options,
                                                               clock::Clock& clock);
  ~IdentityServer();
  server::ServiceHost& host() { return *host_; }
  CitizenRegistry& registry() { return *registry_; }
  void Shutdown();

 private:
  IdentityServer() = default;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<crypto::PiiVault> vault_;
  std::unique_ptr<CitizenRegistry> registry_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<IdentityGrpcService> service_;
};

}  // namespace lindungi::identity

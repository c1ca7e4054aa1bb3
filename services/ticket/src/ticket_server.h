#pragma once

// ticket-service's object graph: the store (migrated at start), the PII vault, the desk, the
// access log, the SLA sweep thread, the gRPC face and the host. main() builds it from flags;
// tests build it in-process.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "access_log.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/server/service_host.h"
#include "lindungi/store/store.h"
#include "ticket_desk.h"
#include "ticket_grpc.h"

namespace lindungi::ticket {

struct TicketConfig {
  std::string db_url = "sqlite://ticket.db";  // --db
  store::OpenOptions db_options;              // --db_cache_mb and the store's other flags
  std::string pii_key;                        // from --pii_key_file
  DeskOptions desk;                           // --sla_file, --reopen_window
  absl::Duration sla_check_interval = absl::Seconds(30);  // 0 = no sweep thread (tests)
};

absl::StatusOr<TicketConfig> TicketConfigFromFlags();

class TicketServer {
 public:
  static absl::StatusOr<std::unique_ptr<TicketServer>> Start(const TicketConfig& config,
                                                             const server::ServerOptions& options,
                                                             clock::Clock& clock);
  ~TicketServer();
  server::ServiceHost& host() { return *host_; }
  TicketDesk& desk() { return *desk_; }
  void Shutdown();

 private:
  TicketServer() = default;
  void SweepLoop(absl::Duration interval);
  void StopSweeper();

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<crypto::PiiVault> vault_;
  std::unique_ptr<TicketDesk> desk_;
  std::unique_ptr<AccessLog> access_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<TicketGrpcService> service_;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace lindungi::ticket

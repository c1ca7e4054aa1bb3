#include "ticket_server.h"

#include "absl/flags/flag.h"
#include "lindungi/config/config.h"
#include "lindungi/log/log.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store_flags.h"
#include "ticket_metrics.h"
#include "ticket_schema.h"

ABSL_FLAG(std::string, pii_key_file, "",
          "Required. File with the master key (at least 32 bytes) that encrypts tickets and their "
          "events at rest (contact details and complaint texts); losing it loses that data");
ABSL_FLAG(std::string, sla_file, "",
          "SLA rules by category and priority, one per line: '<category|*> <priority|*> <due "
          "in, e.g. 4h or 3d>' or 'default_priority <category> <priority>' (docs/TICKET.md); "
          "empty = the built-in rules");
ABSL_FLAG(absl::Duration, reopen_window, absl::Hours(7 * 24),
          "How long after resolution a ticket may be reopened (RESOLVED -> IN_PROGRESS)");
ABSL_FLAG(absl::Duration, sla_check_interval, absl::Seconds(30),
          "How often unresolved tickets past their due time are marked breached (SLA_BREACHED "
          "event, lindungi_ticket_sla_breaches_total)");

namespace lindungi::ticket {

absl::StatusOr<TicketConfig> TicketConfigFromFlags() {
  TicketConfig c;
  absl::StatusOr<store::StoreConfig> store = store::StoreConfigFromFlags();
  if (!store.ok()) return store.status();
  if (!store->url.empty()) c.db_url = store->url;
  c.db_options = store->options;
  absl::StatusOr<std::string> key =
      config::ReadSecretFile(absl::GetFlag(FLAGS_pii_key_file), "--pii_key_file");
  if (!key.ok()) return key.status();
  c.pii_key = *std::move(key);
  if (const std::string path = absl::GetFlag(FLAGS_sla_file); !path.empty()) {
    absl::StatusOr<SlaPolicy> sla = SlaPolicy::FromFile(path);
    if (!sla.ok()) return sla.status();
    c.desk.sla = *std::move(sla);
  }
  c.desk.reopen_window = absl::GetFlag(FLAGS_reopen_window);
  if (c.desk.reopen_window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--reopen_window must not be negative");
  }
  c.sla_check_interval = absl::GetFlag(FLAGS_sla_check_interval);
  if (c.sla_check_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--sla_check_interval must be at least 1s");
  }
  return c;
}

absl::StatusOr<std::unique_ptr<TicketServer>> TicketServer::Start(
    const TicketConfig& config, const server::ServerOptions& options, clock::Clock& clock) {
  auto s = std::unique_ptr<TicketServer>(new TicketServer());
  absl::StatusOr<std::unique_ptr<crypto::PiiVault>> vault =
      crypto::PiiVault::Create(config.pii_key, "ticket");
  if (!vault.ok()) return vault.status();
  s->vault_ = *std::move(vault);
  absl::StatusOr<std::unique_ptr<store::Database>> db =
      store::OpenDatabase(config.db_url, config.db_options);
  if (!db.ok()) return db.status();
  s->db_ = *std::move(db);
  if (absl::Status m = store::Migrate(*s->db_, TicketMigrations()); !m.ok()) return m;
  absl::StatusOr<std::unique_ptr<TicketDesk>> desk =
      TicketDesk::Open(*s->db_, *s->vault_, clock, config.desk);
  if (!desk.ok()) return desk.status();
  s->desk_ = *std::move(desk);
  absl::StatusOr<std::map<v1::TicketStatus, int64_t>> open = s->desk_->CountOpen();
  if (!open.ok()) return open.status();
  TicketMetrics::Get().SetOpen(*open);
  s->access_ = std::make_unique<AccessLog>(*s->db_, *s->vault_, clock);
  s->host_ = std::make_unique<server::ServiceHost>(options);
  s->service_ = std::make_unique<TicketGrpcService>(*s->desk_, *s->access_, s->host_->workers());
  s->host_->AddService(s->service_.get(), v1::TicketService::service_full_name());
  // Event streams end at once on SIGTERM (clients resume elsewhere) instead of holding the drain.
  s->host_->OnDrain([server = s.get()] {
    server->StopSweeper();
    server->desk_->feed().Close();
  });
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  if (config.sla_check_interval > absl::ZeroDuration()) {
    s->sweeper_ = std::thread(
        [server = s.get(), every = config.sla_check_interval] { server->SweepLoop(every); });
  }
  log::Info("ticket-service ready", {{"store", s->db_->backend()}});
  return s;
}

void TicketServer::SweepLoop(absl::Duration interval) {
  std::unique_lock<std::mutex> lock(mu_);
  while (
      !stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(interval), [this] { return stopping_; })) {
    lock.unlock();
    if (absl::StatusOr<int> n = desk_->SweepSla(); !n.ok()) {
      log::Warn("SLA sweep failed", {{"error", std::string(n.status().message())}});
    }
    lock.lock();
  }
}

void TicketServer::StopSweeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (sweeper_.joinable() && sweeper_.get_id() != std::this_thread::get_id()) sweeper_.join();
}

void TicketServer::Shutdown() {
  if (host_) host_->Shutdown();
  StopSweeper();
}

TicketServer::~TicketServer() { Shutdown(); }

}  // namespace lindungi::ticket

#include "identity_server.h"

#include "absl/flags/flag.h"
#include "identity_schema.h"
#include "lindungi/config/config.h"
#include "lindungi/log/log.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store_flags.h"

ABSL_FLAG(std::string, pii_key_file, "",
          "Required. File with the master key (at least 32 bytes) that encrypts NIKs and phone "
          "numbers at rest and keys their blind indexes; losing it loses that data");

ABSL_FLAG(int, import_batch_rows, 200000,
          "Rows written per import transaction (a row is always imported whole or not at all). "
          "Large transactions rewrite each page of the random blind indexes once instead of once "
          "per small batch: 10 million rows import ~2x faster than at 10,000");

namespace lindungi::identity {

absl::StatusOr<IdentityConfig> IdentityConfigFromFlags() {
  IdentityConfig c;
  absl::StatusOr<store::StoreConfig> store = store::StoreConfigFromFlags();
  if (!store.ok()) return store.status();
  if (!store->url.empty()) c.db_url = store->url;
  c.db_cache_mb = store->options.writer_cache_kib / 1024;
  absl::StatusOr<std::string> key =
      config::ReadSecretFile(absl::GetFlag(FLAGS_pii_key_file), "--pii_key_file");
  if (!key.ok()) return key.status();
  c.pii_key = *std::move(key);
  c.import_batch_rows = absl::GetFlag(FLAGS_import_batch_rows);
  if (c.import_batch_rows < 1 || c.import_batch_rows > 1000000) {
    return absl::InvalidArgumentError("--import_batch_rows must be between 1 and 1000000");
  }
  return c;
}

absl::StatusOr<std::unique_ptr<IdentityServer>> IdentityServer::Start(
    const IdentityConfig& config, const server::ServerOptions& options, clock::Clock& clock) {
  auto s = std::unique_ptr<IdentityServer>(new IdentityServer());
  absl::StatusOr<std::unique_ptr<crypto::PiiVault>> vault =
      crypto::PiiVault::Create(config.pii_key, "identity");
  if (!vault.ok()) return vault.status();
  s->vault_ = *std::move(vault);
  store::OpenOptions db_options;
  db_options.writer_cache_kib = config.db_cache_mb * 1024;
  absl::StatusOr<std::unique_ptr<store::Database>> db =
      store::OpenDatabase(config.db_url, db_options);
  if (!db.ok()) return db.status();
  s->db_ = *std::move(db);
  if (absl::Status m = store::Migrate(*s->db_, IdentityMigrations()); !m.ok()) return m;
  s->registry_ =
      std::make_unique<CitizenRegistry>(*s->db_, *s->vault_, clock, config.import_batch_rows);
  s->host_ = std::make_unique<server::ServiceHost>(options);
  s->service_ = std::make_unique<IdentityGrpcService>(*s->registry_, s->host_->workers());
  s->host_->AddService(s->service_.get(), v1::IdentityService::service_full_name());
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  log::Info("identity-service ready", {{"store", s->db_->backend()}});
  return s;
}

void IdentityServer::Shutdown() {
  if (host_) host_->Shutdown();
}

IdentityServer::~IdentityServer() { Shutdown(); }

}  // namespace lindungi::identity

#include "certificate_schema.h"

namespace lindungi::certificate {

// Portable SQL (libs/store). No NIK is stored: imports resolve NIKs to identity-service's
// citizen ids. Times are Unix milliseconds; dates are YYYY-MM-DD.
const std::vector<store::Migration>& CertificateMigrations() {
  static const auto* migrations = new std::vector<store::Migration>{
      {1, "vaccinations and certificates", R"sql(
CREATE TABLE import_runs (
  import_id TEXT PRIMARY KEY,
  source_name TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  started_at BIGINT NOT NULL
);
CREATE TABLE vaccinations (
  citizen_id TEXT NOT NULL,
  dose_number BIGINT NOT NULL,
  vaccine_code TEXT NOT NULL,
  manufacturer_code TEXT NOT NULL,
  vaccinated_on TEXT NOT NULL,
  batch TEXT NOT NULL,
  facility TEXT NOT NULL,
  country TEXT NOT NULL,
  import_id TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (citizen_id, dose_number)
);
CREATE TABLE certificates (
  certificate_id TEXT PRIMARY KEY,
  citizen_id TEXT NOT NULL,
  dose_number BIGINT NOT NULL,
  hc1 TEXT NOT NULL,
  kid BYTES NOT NULL,
  revoked BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revocation_reason TEXT NOT NULL,
  revoked_by TEXT
);
CREATE INDEX certificates_by_citizen ON certificates (citizen_id, dose_number);
CREATE INDEX certificates_revoked ON certificates (revoked, certificate_id)
)sql"},
      {2, "superseded certificates", R"sql(
ALTER TABLE certificates ADD COLUMN superseded BIGINT NOT NULL DEFAULT 0
)sql"},
  };
  return *migrations;
}

absl::StatusOr<std::vector<std::string>> SupersedeCertificates(store::Transaction& tx,
                                                               const std::string& citizen_id,
                                                               int dose_number,
                                                               const std::string& keep_id,
                                                               int64_t now_ms) {
  std::vector<std::string> superseded;
  absl::Status q = tx.Query(
      "SELECT certificate_id FROM certificates WHERE citizen_id = ? AND dose_number = ? "
      "AND revoked = 0 AND certificate_id <> ?",
      {citizen_id, dose_number, keep_id}, [&](const store::Row& r) {
        superseded.push_back(r.Text(0));
        return true;
      });
  if (!q.ok()) return q;
  for (const std::string& id : superseded) {
    absl::StatusOr<int64_t> n = tx.Execute(
        "UPDATE certificates SET revoked = 1, superseded = 1, revoked_at = ?, "
        "revocation_reason = ?, revoked_by = ? WHERE certificate_id = ?",
        {now_ms, "superseded: the certified data changed", "system", id});
    if (!n.ok()) return n.status();
  }
  return superseded;
}

}  // namespace lindungi::certificate

#include "identity_schema.h"

namespace lindungi::identity {

// Portable SQL (libs/store): BIGINT, TEXT, BYTES. Times are Unix milliseconds. NIKs and phone
// numbers are never stored in clear: *_index columns hold blind indexes, *_sealed columns
// AES-256-GCM ciphertext (PiiVault); only the masked forms the chatbot shows are plain text.
// Ids are time-ordered (libs/ids), so "ORDER BY id" is creation order.
const std::vector<store::Migration>& IdentityMigrations() {
  static const auto* migrations = new std::vector<store::Migration>{
      {1, "citizens, history, change requests", R"sql(
CREATE TABLE import_runs (
  import_id TEXT PRIMARY KEY,
  source_name TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role BIGINT NOT NULL,
  actor_channel BIGINT NOT NULL,
  started_at BIGINT NOT NULL
);
CREATE TABLE citizens (
  citizen_id TEXT PRIMARY KEY,
  nik_index BYTES NOT NULL UNIQUE,
  nik_sealed BYTES NOT NULL,
  masked_nik TEXT NOT NULL,
  full_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex BIGINT NOT NULL,
  phone_index BYTES NOT NULL,
  phone_sealed BYTES NOT NULL,
  masked_phone TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  import_id TEXT
);
CREATE INDEX citizens_by_phone ON citizens (phone_index);
CREATE TABLE citizen_history (
  history_id TEXT PRIMARY KEY,
  citizen_id TEXT NOT NULL,
  kind BIGINT NOT NULL,
  field BIGINT NOT NULL,
  old_sealed BYTES,
  new_sealed BYTES,
  actor_id TEXT NOT NULL,
  actor_role BIGINT NOT NULL,
  actor_channel BIGINT NOT NULL,
  reason TEXT NOT NULL,
  change_request_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX citizen_history_by_citizen ON citizen_history (citizen_id, history_id);
CREATE TABLE change_requests (
  change_request_id TEXT PRIMARY KEY,
  citizen_id TEXT NOT NULL,
  field BIGINT NOT NULL,
  old_sealed BYTES NOT NULL,
  new_sealed BYTES NOT NULL,
  status BIGINT NOT NULL,
  evidence_note TEXT NOT NULL,
  requested_by_id TEXT NOT NULL,
  requested_by_role BIGINT NOT NULL,
  requested_by_channel BIGINT NOT NULL,
  requested_at BIGINT NOT NULL,
  decided_by_id TEXT,
  decided_by_role BIGINT,
  decided_by_channel BIGINT,
  decided_at BIGINT,
  decision_reason TEXT NOT NULL,
  client_request_id TEXT UNIQUE,
  pending_key TEXT UNIQUE
);
CREATE INDEX change_requests_queue ON change_requests (status, change_request_id);
CREATE INDEX change_requests_by_citizen ON change_requests (citizen_id, change_request_id)
)sql"},
  };
  return *migrations;
}

}  // namespace lindungi::identity

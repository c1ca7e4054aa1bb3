#include "lindungi/store/migrations.h"

#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lindungi::store {
namespace {

constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

using Applied = std::map<int64_t, std::string>;  // version -> name

absl::StatusOr<Applied> ReadApplied(Transaction& tx) {
  Applied applied;
  absl::Status status = tx.Query("SELECT version, name FROM schema_migrations ORDER BY version", {},
                                 [&](const Row& row) {
                                   applied.emplace(row.Int(0), row.Text(1));
                                   return true;
                                 });
  if (!status.ok()) return status;
  return applied;
}

// The recorded history must be a prefix of what this program knows.
absl::Status CheckKnown(const Applied& applied, const std::vector<Migration>& migrations) {
  if (!applied.empty() && applied.rbegin()->first > static_cast<int64_t>(migrations.size())) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "store: the database schema is at version %d but this program knows migrations up to "
        "version %d; refusing to run against a newer schema (deploy the newer program, or "
        "restore a backup that matches this one)",
        applied.rbegin()->first, migrations.size()));
  }
  for (const auto& [version, name] : applied) {
    if (version < 1) {
      return absl::FailedPreconditionError(
          absl::StrFormat("store: schema_migrations holds an invalid version %d", version));
    }
    const Migration& m = migrations[static_cast<size_t>(version - 1)];
    if (m.name != name) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "store: migration %d was applied as \"%s\" but this program calls it \"%s\"; the "
          "schema and the code disagree (was a released migration edited?)",
          version, name, m.name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Migrate(Database& db, const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    if (m.version != static_cast<int>(i) + 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "store: migration versions must be 1, 2, 3, ... in order; position %d has version %d",
          i + 1, m.version));
    }
    if (m.name.empty() || m.sql.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("store: migration %d needs a name and SQL", m.version));
    }
  }
  if (absl::Status s = db.Write([](Transaction& tx) { return tx.ExecuteScript(kCreateTable); });
      !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("store: cannot create schema_migrations: ", s.message()));
  }
  // A read first, so that an up-to-date database costs no write transactions.
  Applied applied;
  if (absl::Status s = db.Read([&](Transaction& tx) {
        absl::StatusOr<Applied> got = ReadApplied(tx);
        if (!got.ok()) return got.status();
        applied = std::move(*got);
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckKnown(applied, migrations); !s.ok()) return s;

  for (const Migration& m : migrations) {
    if (applied.count(m.version) != 0) continue;
    absl::Status s = db.Write([&](Transaction& tx) -> absl::Status {
      // Again under the writer lock: another process may have migrated since the read.
      absl::StatusOr<Applied> now = ReadApplied(tx);
      if (!now.ok()) return now.status();
      if (absl::Status known = CheckKnown(*now, migrations); !known.ok()) return known;
      if (now->count(m.version) != 0) return absl::OkStatus();
      if (absl::Status run = tx.ExecuteScript(m.sql); !run.ok()) {
        return absl::Status(run.code(), absl::StrFormat("store: migration %d (%s) failed: %s",
                                                        m.version, m.name, run.message()));
      }
      const std::string applied_at =
          absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
      return tx
          .Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   {m.version, m.name, applied_at})
          .status();
    });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace lindungi::store

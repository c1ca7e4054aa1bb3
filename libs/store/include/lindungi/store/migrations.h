#pragma once

// Versioned schema migrations, run at start-up (or by `lindungictl migrate`).
//
// Each service keeps its migrations as a constant list, versions 1, 2, 3, ... in order, and only
// ever appends to it: a released migration is never edited (the name is checked to catch that).
// Applied versions are recorded in
//   schema_migrations(version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
// (applied_at is UTC, "2024-01-31T08:00:00Z").

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lindungi/store/store.h"

namespace lindungi::store {

struct Migration {
  int version;       // 1, 2, 3, ...
  std::string name;  // short snake_case, e.g. "create_citizens"
  std::string sql;   // portable SQL (store.h); several statements separated by `;`
};

// Applies the pending migrations in ascending order, each in its own write transaction together
// with its schema_migrations row: a failing migration leaves nothing behind and its error is
// returned (earlier ones stay applied). Idempotent. Safe when several processes start at once:
// the writer lock serializes them and each re-checks what is applied under it.
// INVALID_ARGUMENT: the list is not 1..N with names and SQL.
// FAILED_PRECONDITION: the database has a version this list does not know (a newer program
// migrated it), or a recorded name differs from the list's.
absl::Status Migrate(Database& db, const std::vector<Migration>& migrations);

}  // namespace lindungi::store

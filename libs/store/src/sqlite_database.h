#pragma once

// The SQLite backend. Internal to libs/store: services reach it through OpenDatabase().

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lindungi/store/store.h"

namespace lindungi::store::internal {

// Opens or creates the database file at `path` (WAL, one writer and options.readers readers).
// With `remove_on_close` the file and its -wal/-shm files are deleted when the Database closes.
absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                                     const OpenOptions& options,
                                                     bool remove_on_close);

}  // namespace lindungi::store::internal

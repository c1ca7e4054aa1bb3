#include "lindungi/store/store.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "sqlite_database.h"

namespace lindungi::store {
namespace {

// A fresh empty file for sqlite::temp: (an empty file is an empty SQLite database).
absl::StatusOr<std::string> MakeTempFile() {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/lindungi-store-XXXXXX.db");
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), 3);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("store: cannot create a temporary database file like ", pattern));
  }
  close(fd);
  return std::string(buf.data());
}

}  // namespace

absl::Status Database::Write(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = BeginWrite();
  if (!tx.ok()) return tx.status();
  absl::Status status = fn(**tx);
  if (!status.ok()) return status;  // the destructor rolls back
  return (*tx)->Commit();
}

absl::Status Database::Read(absl::FunctionRef<absl::Status(Transaction&)> fn) {
  absl::StatusOr<std::unique_ptr<Transaction>> tx = BeginRead();
  if (!tx.ok()) return tx.status();
  absl::Status status = fn(**tx);
  if (!status.ok()) return status;
  return (*tx)->Commit();
}

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const OpenOptions& options) {
  if (options.readers < 1) {
    return absl::InvalidArgumentError("store: OpenOptions.readers must be at least 1");
  }
  if (options.busy_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("store: OpenOptions.busy_timeout must not be negative");
  }
  if (absl::StartsWith(url, "postgresql:") || absl::StartsWith(url, "postgres:")) {
    // Not echoing the URL: it may carry a password.
    return absl::UnimplementedError(
        "store: the PostgreSQL backend is not built yet; use sqlite:///path.db");
  }
  if (url == "sqlite::temp:") {
    absl::StatusOr<std::string> path = MakeTempFile();
    if (!path.ok()) return path.status();
    return internal::OpenSqlite(*path, options, /*remove_on_close=*/true);
  }
  absl::string_view path = url;
  if (!absl::ConsumePrefix(&path, "sqlite://") && !absl::ConsumePrefix(&path, "sqlite:")) {
    return absl::InvalidArgumentError(
        "store: unknown database URL scheme; expected sqlite:///absolute/path.db, "
        "sqlite://relative/path.db or sqlite::temp:");
  }
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "store: the sqlite URL has no path; expected sqlite:///absolute/path.db");
  }
  if (path == ":memory:" || absl::StartsWith(path, "file:")) {
    return absl::InvalidArgumentError(
        "store: in-memory SQLite databases are private to one connection, so readers would not "
        "see the writer's data; use sqlite::temp: for a throwaway database");
  }
  if (absl::StrContains(path, '?')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "store: the sqlite URL has a ?query, which is not supported (use OpenOptions): ", url));
  }
  return internal::OpenSqlite(std::string(path), options, /*remove_on_close=*/false);
}

}  // namespace lindungi::store

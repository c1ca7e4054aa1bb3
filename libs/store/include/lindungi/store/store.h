#pragma once

// The SQL store shared by every service with a database: transactions over one writer and a pool
// of snapshot readers, behind an interface that SQLite implements today and PostgreSQL later.
// Services write portable SQL (below) and never see backend types.
//
//   auto db = OpenDatabase("sqlite:///var/lib/lindungi/identity.db");
//   ... Migrate(**db, kMigrations) ...
//   absl::Status s = (*db)->Write([&](Transaction& tx) -> absl::Status {
//     return tx.Execute("UPDATE citizens SET phone = ? WHERE id = ?", {phone, id}).status();
//   });
//
// Threads: a Database is shared by all threads; a Transaction belongs to one thread at a time.
// Calls block (disk, locks): run them on worker threads, never on a gRPC reactor. Destroy every
// Transaction before its Database.
//
// Errors (absl::Status; messages never contain bound parameter values, only SQL text):
//   ALREADY_EXISTS       UNIQUE or PRIMARY KEY violation
//   FAILED_PRECONDITION  NOT NULL, CHECK or FOREIGN KEY violation, or a datatype mismatch; also
//                        using a transaction that has ended or was aborted by an earlier error
//   UNAVAILABLE          a lock was not granted within busy_timeout (another writer, all readers
//                        busy); I/O error; the file cannot be opened or is read-only
//   RESOURCE_EXHAUSTED   the disk (or memory) is full
//   DATA_LOSS            the file is corrupt or not a database
//   INVALID_ARGUMENT     a bad URL or option; a value too big for the backend
//   UNIMPLEMENTED        a backend that is not built (postgresql:// today)
//   INTERNAL             a bug in the SQL or its use: syntax, no such table or column, wrong
//                        number of parameters, a write in a read transaction, BEGIN/COMMIT in SQL
//
// An error from any statement aborts the whole transaction, as in PostgreSQL: later statements
// and Commit() fail with FAILED_PRECONDITION and the transaction rolls back. Do not "try the
// INSERT and carry on if it exists"; write INSERT ... ON CONFLICT instead.
//
// Portable SQL: what services may write so that the SQLite and PostgreSQL backends run it alike.
// - Parameters are `?` only (no $1, :name or ?NNN); the PostgreSQL backend rewrites them to $n.
//   Bind each value with the type of its column: int64 for BIGINT, std::string for TEXT, Blob for
//   BYTES, double for DOUBLE PRECISION (SQLite converts silently, PostgreSQL refuses).
// - One statement per Execute/Query. Several statements separated by `;` only in ExecuteScript
//   (migrations). No BEGIN, COMMIT, ROLLBACK or SAVEPOINT in SQL: use the Transaction.
// - Column types: BIGINT (integers; booleans as 0/1; instants as Unix seconds or microseconds),
//   DOUBLE PRECISION (not REAL, which is 4 bytes in PostgreSQL), TEXT (UTF-8; dates as
//   'YYYY-MM-DD'), BYTES (binary; ExecuteScript rewrites it to BLOB / BYTEA, so never name a
//   column "bytes"). Constraints: PRIMARY KEY, UNIQUE, NOT NULL, CHECK, REFERENCES (enforced by
//   both), DEFAULT with a constant. CREATE TABLE / CREATE INDEX [IF NOT EXISTS], unquoted
//   lower-case identifiers. Partial indexes (CREATE INDEX … WHERE col IN (1, 2)) are used by
//   both planners only for queries that repeat the condition with the same literal constants, not
//   with ? parameters. The table schema_migrations belongs to Migrate().
// - Ids are made by the application (random or derived): no AUTOINCREMENT, INTEGER PRIMARY KEY
//   rowid aliases, SERIAL or IDENTITY; no `rowid` column.
// - Upserts: INSERT ... ON CONFLICT (cols) DO NOTHING | DO UPDATE SET c = excluded.c, always with
//   the conflict target. Values of written rows: ... RETURNING cols, read with Query(). No INSERT
//   OR REPLACE / OR IGNORE, REPLACE INTO.
// - Expressions: = <> < <= > >= AND OR NOT, IS [NOT] NULL, IN (?, ?), BETWEEN, + - * / (integer
//   division truncates in both), ||, CASE, COALESCE, LOWER, UPPER, ABS, COUNT, SUM, MIN, MAX,
//   EXISTS, subqueries, JOIN, GROUP BY, ORDER BY, LIMIT ? OFFSET ?. No backend functions (SQLite:
//   datetime, strftime, ifnull, iif, typeof, randomblob, group_concat; PostgreSQL: now(), ::
//   casts, ILIKE, arrays, JSON operators), no CURRENT_TIMESTAMP: pass times as parameters.
// - Comparisons are conditions, not values: do not SELECT `a = b` (1/0 here, a boolean there).
//   LIKE differs in case sensitivity: compare normalized columns with = instead. ORDER BY a TEXT
//   column is byte order in SQLite (the PostgreSQL backend will use the "C" collation).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/store/value.h"

namespace lindungi::store {

// The current row of a Query; valid only inside the callback. Columns count from 0. Reading a
// value converts it as the backend does (read each column as the type it was declared).
class Row {
 public:
  virtual ~Row() = default;
  virtual int columns() const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;  // 0 for NULL
  virtual double Real(int col) const = 0;  // 0 for NULL
  // Without copying; the view is valid until the callback returns. "" for NULL.
  virtual absl::string_view TextView(int col) const = 0;
  virtual absl::string_view BytesView(int col) const = 0;  // binary-safe
  // The value with the type the backend holds it in (monostate for NULL).
  virtual Value Get(int col) const = 0;

  std::string Text(int col) const { return std::string(TextView(col)); }
  std::string Bytes(int col) const { return std::string(BytesView(col)); }
};

// Returns false to stop reading rows.
using RowCallback = absl::FunctionRef<bool(const Row&)>;

// A write transaction (BeginWrite) or a read-only snapshot (BeginRead). Destroying it without
// Commit() rolls back. Statements are prepared once per connection and reused (cached by their
// SQL text, so write SQL as constants rather than building it with values).
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs one statement and returns the number of rows it inserted, updated or deleted (0 for
  // other statements). Rows it returns are discarded.
  virtual absl::StatusOr<int64_t> Execute(absl::string_view sql, Params params = {}) = 0;
  // Runs one statement and calls `on_row` for each row until it returns false. The callback may
  // run further statements on this transaction.
  virtual absl::Status Query(absl::string_view sql, Params params, RowCallback on_row) = 0;
  // Runs a script of `;`-separated statements without parameters (migrations), with the portable
  // type name BYTES rewritten to the backend's binary type.
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;
  // Makes the changes durable (write) or releases the snapshot (read). The transaction ends
  // either way: on failure it has rolled back.
  virtual absl::Status Commit() = 0;

  virtual bool is_write() const = 0;

  // The first row mapped through `read` (a callable taking const Row&), or nullopt when there is
  // none. E.g. tx.QueryOne("SELECT name FROM c WHERE id = ?", {id}, [](const Row& r) {
  //   return r.Text(0); }) -> absl::StatusOr<std::optional<std::string>>.
  template <typename F, typename R = std::decay_t<std::invoke_result_t<F&, const Row&>>>
  absl::StatusOr<std::optional<R>> QueryOne(absl::string_view sql, Params params, F&& read) {
    std::optional<R> out;
    absl::Status status = Query(sql, params, [&](const Row& row) {
      out.emplace(read(row));
      return false;
    });
    if (!status.ok()) return status;
    return out;
  }
};

class Database {
 public:
  virtual ~Database() = default;

  // Begins a write transaction. Writers run one at a time (SQLite: one connection, BEGIN
  // IMMEDIATE); waits up to busy_timeout for the current one, then UNAVAILABLE.
  virtual absl::StatusOr<std::unique_ptr<Transaction>> BeginWrite() = 0;
  // Begins a read-only transaction that sees one snapshot, taken now, of committed data. Readers
  // run concurrently with each other and with the writer.
  virtual absl::StatusOr<std::unique_ptr<Transaction>> BeginRead() = 0;
  // "sqlite" (later "postgresql").
  virtual std::string backend() const = 0;

  // Begin, run `fn`, and commit if it returned OK; otherwise roll back and return its status.
  absl::Status Write(absl::FunctionRef<absl::Status(Transaction&)> fn);
  absl::Status Read(absl::FunctionRef<absl::Status(Transaction&)> fn);
};

enum class Synchronous {
  kOff,     // no fsync: a power loss can corrupt the database (bulk loads of a throwaway copy)
  kNormal,  // WAL default: a power loss can lose the last commits, never corrupt the file
  kFull,    // fsync every commit: a commit survives a power loss
};

struct OpenOptions {
  // How long to wait for a lock (the writer, a reader connection, another process) before
  // UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  int readers = 4;  // reader connections: read transactions that can run at once
  Synchronous synchronous = Synchronous::kNormal;
  int writer_cache_kib = 64 * 1024;  // page cache of the writer connection
  int reader_cache_kib = 16 * 1024;  // page cache of each reader connection
  // Checkpoint the WAL into the database file when it reaches this many pages (4 KiB each).
  // SQLite's default, 1000, checkpoints (and fsyncs) after almost every bulk-import transaction
  // once an index is random (a blind index): 10000 made such imports 1.5x faster. After a
  // checkpoint the -wal file is truncated to twice this size.
  int wal_autocheckpoint_pages = 10000;
};

// Opens (creating if needed) the database named by `url`:
//   sqlite:///abs/path.db     an absolute path (the file is created; its directory must exist)
//   sqlite://rel/path.db      a path relative to the working directory (also sqlite:rel/path.db)
//   sqlite::temp:             a new private file in $TMPDIR, deleted when the Database closes
//                             (for tests; SQLite's :memory: databases are per connection, so the
//                             readers could not see the writer's data: sqlite::memory: is refused)
//   postgresql://... or postgres://...   UNIMPLEMENTED for now
// Paths are taken literally (no %-decoding, no ?query: settings come from `options`). Messages
// name the SQLite path but never repeat a PostgreSQL URL (it may hold a password).
// SQLite set-up: WAL, foreign_keys=ON, temp_store=MEMORY; busy_timeout, cache_size, synchronous,
// wal_autocheckpoint from `options`; readers are opened read-only.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const OpenOptions& options = {});

}  // namespace lindungi::store

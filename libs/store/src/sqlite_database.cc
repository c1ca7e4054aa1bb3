#include "sqlite_database.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "portable_sql.h"

namespace lindungi::store::internal {
namespace {

// Enough for every statement a service writes; dynamic SQL beyond it evicts idle statements.
constexpr size_t kMaxCachedStatements = 256;

// The error mapping documented in store.h. `rc` is an extended result code.
absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_ROWID:
          return absl::StatusCode::kAlreadyExists;
        default:  // NOT NULL, CHECK, FOREIGN KEY, TRIGGER, DATATYPE
          return absl::StatusCode::kFailedPrecondition;
      }
    case SQLITE_MISMATCH:
      return absl::StatusCode::kFailedPrecondition;
    // Environmental and possibly transient; the file itself is intact.
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
      return absl::StatusCode::kUnavailable;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    // The file is damaged: retrying will not help, an operator must restore it.
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_TOOBIG:
      return absl::StatusCode::kInvalidArgument;
    case SQLITE_INTERRUPT:
      return absl::StatusCode::kCancelled;
    case SQLITE_AUTH:
    case SQLITE_PERM:
      return absl::StatusCode::kPermissionDenied;
    default:  // SQLITE_ERROR (syntax, no such table), MISUSE, RANGE, SCHEMA, ...
      return absl::StatusCode::kInternal;
  }
}

// SQLite's message names tables, columns and constraints, never bound values. The statement is
// quoted as written (with its ? placeholders).
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view sql) {
  std::string message = absl::StrCat("sqlite: ", sqlite3_errmsg(db));
  const int primary = rc & 0xff;
  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL) {
    if (const int err = sqlite3_system_errno(db); err != 0) {
      absl::StrAppend(&message, " (", std::generic_category().message(err), ")");
    }
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    absl::StrAppend(&message, " (a lock was held for longer than busy_timeout)");
  }
  if (!sql.empty()) absl::StrAppend(&message, " in: ", Abbreviate(sql));
  return absl::Status(CodeFor(rc), message);
}

bool OnlySpaceAndSemicolons(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ';' || absl::ascii_isspace(static_cast<unsigned char>(c));
  });
}

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  int params = 0;
  bool cached = false;   // owned by the cache, else finalized on release
  bool in_use = false;   // stepping now (a Query callback may run other statements meanwhile)
  bool control = false;  // BEGIN, COMMIT, ...: only the store itself runs those
};

// One sqlite3 handle, used by one thread at a time (the writer mutex or the reader pool sees to
// it, which is why it is opened SQLITE_OPEN_NOMUTEX), with its prepared statements.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool writer,
                                                          const OpenOptions& options);
  ~Connection() {
    for (auto& [sql, statement] : cache_) sqlite3_finalize(statement->stmt);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // The prepared statement for `sql`, marked in use until Release().
  absl::StatusOr<Statement*> Acquire(absl::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
      Statement* s = it->second.get();
      if (!s->in_use) {
        s->in_use = true;
        return s;
      }
      // The same SQL is already stepping (run again from its own callback): a private copy.
      absl::StatusOr<std::unique_ptr<Statement>> fresh = Prepare(sql, /*cache=*/false);
      if (!fresh.ok()) return fresh.status();
      (*fresh)->in_use = true;
      return fresh->release();
    }
    if (cache_.size() >= kMaxCachedStatements) EvictIdle();
    absl::StatusOr<std::unique_ptr<Statement>> fresh = Prepare(sql, /*cache=*/true);
    if (!fresh.ok()) return fresh.status();
    Statement* s = fresh->get();
    s->in_use = true;
    cache_.emplace(std::string(sql), std::move(*fresh));
    return s;
  }

  // Resets the statement and drops its bindings, so no pointer to the caller's values outlives
  // the call that bound them (which is what makes SQLITE_STATIC binding safe).
  void Release(Statement* s) {
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    if (s->cached) {
      s->in_use = false;
    } else {
      sqlite3_finalize(s->stmt);
      delete s;
    }
  }

  // Runs a statement without parameters, discarding its rows (BEGIN, COMMIT, ...).
  absl::Status Run(absl::string_view sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  absl::StatusOr<std::unique_ptr<Statement>> Prepare(absl::string_view sql, bool cache) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    if (stmt == nullptr) return absl::InternalError("store: empty SQL statement");
    auto out = std::make_unique<Statement>();
    out->stmt = stmt;  // finalized by the caller's Release, or below on error
    out->cached = cache;
    const absl::string_view rest = sql.substr(static_cast<size_t>(tail - sql.data()));
    if (!OnlySpaceAndSemicolons(rest)) {
      sqlite3_stmt* second = nullptr;
      sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &second, nullptr);
      const bool more = second != nullptr;  // else only comments follow
      sqlite3_finalize(second);
      if (more) {
        sqlite3_finalize(stmt);
        return absl::InternalError(absl::StrCat(
            "store: Execute and Query take one statement (ExecuteScript runs several) in: ",
            Abbreviate(sql)));
      }
    }
    out->control = IsTransactionControl(sql);
    out->params = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= out->params; ++i) {
      if (sqlite3_bind_parameter_name(stmt, i) != nullptr) {  // named or numbered
        sqlite3_finalize(stmt);
        return absl::InternalError(
            absl::StrCat("store: write parameters as ? (portable SQL) in: ", Abbreviate(sql)));
      }
    }
    return out;
  }

  void EvictIdle() {
    std::vector<std::string> idle;
    for (const auto& [sql, statement] : cache_) {
      if (!statement->in_use) idle.push_back(sql);
    }
    for (const std::string& sql : idle) {
      auto it = cache_.find(sql);
      sqlite3_finalize(it->second->stmt);
      cache_.erase(it);
    }
  }

  sqlite3* const db_;
  absl::flat_hash_map<std::string, std::unique_ptr<Statement>> cache_;
};

// Hands a statement back to its connection however the call ends.
class Lease {
 public:
  Lease(Connection* conn, Statement* statement) : conn_(conn), statement_(statement) {}
  ~Lease() { conn_->Release(statement_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

 private:
  Connection* const conn_;
  Statement* const statement_;
};

absl::Status Connection::Run(absl::string_view sql) {
  absl::StatusOr<Statement*> s = Acquire(sql);
  if (!s.ok()) return s.status();
  Lease lease(this, *s);
  int rc;
  while ((rc = sqlite3_step((*s)->stmt)) == SQLITE_ROW) {
  }
  return rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db_, rc, sql);
}

// The first column of the first row of an unprepared statement (pragmas at open time).
absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  std::string out;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    if (const unsigned char* text = sqlite3_column_text(stmt, 0)) {
      out = reinterpret_cast<const char*>(text);
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
  }
  absl::Status status = rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db, rc, sql);
  sqlite3_finalize(stmt);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool writer,
                                                             const OpenOptions& options) {
  // Process-wide and only possible before SQLite initializes: memory statistics take a global
  // mutex on every allocation, which reader threads would contend on.
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  if (sqlite3_threadsafe() == 0) {
    return absl::FailedPreconditionError("sqlite: the library was built without thread support");
  }

  const int flags = (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db != nullptr && sqlite3_system_errno(db) != 0) {
      absl::StrAppend(&reason, " (", std::generic_category().message(sqlite3_system_errno(db)),
                      ")");
    }
    sqlite3_close_v2(db);
    return absl::Status(CodeFor(rc),
                        absl::StrCat("sqlite: cannot ", writer ? "create or open" : "open",
                                     " the database file ", path, ": ", reason,
                                     writer ? "; its directory must exist and be writable" : ""));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  if (writer && sqlite3_db_readonly(db, "main") == 1) {
    return absl::UnavailableError(
        absl::StrCat("sqlite: the database file ", path, " is read-only for this process"));
  }
  const int64_t timeout_ms = absl::ToInt64Milliseconds(options.busy_timeout);
  sqlite3_busy_timeout(db, static_cast<int>(std::min<int64_t>(timeout_ms, INT_MAX)));

  auto setup_error = [&](const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat("sqlite: cannot set up the database file ", path,
                                               ": ", s.message()));
  };
  if (writer) {
    // The first read of the file: a file that is not a database fails here (DATA_LOSS).
    absl::StatusOr<std::string> mode = QueryText(db, "PRAGMA journal_mode=WAL");
    if (!mode.ok()) return setup_error(mode.status());
    if (absl::AsciiStrToLower(*mode) != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat("sqlite: cannot use WAL for ", path, " (journal_mode stays ", *mode,
                       "); WAL needs a local file system with shared memory"));
    }
    const char* synchronous = options.synchronous == Synchronous::kOff    ? "OFF"
                              : options.synchronous == Synchronous::kFull ? "FULL"
                                                                          : "NORMAL";
    const int checkpoint = std::max(options.wal_autocheckpoint_pages, 100);
    for (const std::string& pragma :
         {absl::StrCat("PRAGMA synchronous=", synchronous),
          absl::StrCat("PRAGMA wal_autocheckpoint=", checkpoint),
          absl::StrCat("PRAGMA journal_size_limit=", int64_t{checkpoint} * 2 * 4096)}) {
      if (auto s = QueryText(db, pragma.c_str()); !s.ok()) return setup_error(s.status());
    }
  }
  const int cache_kib = writer ? options.writer_cache_kib : options.reader_cache_kib;
  for (const std::string& pragma :
       {std::string("PRAGMA foreign_keys=ON"), std::string("PRAGMA temp_store=MEMORY"),
        absl::StrCat("PRAGMA cache_size=-", std::max(cache_kib, 64))}) {
    if (auto s = QueryText(db, pragma.c_str()); !s.ok()) return setup_error(s.status());
  }
  if (!writer) {
    // Reading the schema here reports an unreadable file at open rather than at first use.
    if (auto s = QueryText(db, "PRAGMA schema_version"); !s.ok()) return setup_error(s.status());
  }
  return conn;
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}

  int columns() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const override { return sqlite3_column_double(stmt_, col); }
  absl::string_view TextView(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);  // before _bytes, as documented
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  absl::string_view BytesView(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    if (p == nullptr) return {};
    return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  Value Get(int col) const override {
    switch (sqlite3_column_type(stmt_, col)) {
      case SQLITE_INTEGER:
        return Int(col);
      case SQLITE_FLOAT:
        return Real(col);
      case SQLITE_TEXT:
        return Text(col);
      case SQLITE_BLOB:
        return Blob{Bytes(col)};
      default:
        return Value();
    }
  }

 private:
  sqlite3_stmt* const stmt_;
};

class SqliteDatabase;

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(SqliteDatabase* owner, Connection* conn, bool write)
      : owner_(owner), conn_(conn), write_(write) {}
  ~SqliteTransaction() override { End(); }

  absl::StatusOr<int64_t> Execute(absl::string_view sql, Params params) override;
  absl::Status Query(absl::string_view sql, Params params, RowCallback on_row) override;
  absl::Status ExecuteScript(absl::string_view sql) override;
  absl::Status Commit() override;
  bool is_write() const override { return write_; }

 private:
  absl::Status Usable() const {
    if (conn_ == nullptr) {
      return absl::FailedPreconditionError("store: the transaction has already ended");
    }
    if (!aborted_.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store: the transaction was aborted by an earlier error: ", aborted_.message()));
    }
    return absl::OkStatus();
  }
  // Every error aborts the transaction (as PostgreSQL does), so both backends behave alike.
  absl::Status Abort(absl::Status status) {
    if (aborted_.ok()) aborted_ = status;
    return status;
  }
  // Checks `stmt` may run here and binds `params` without copying them (see Release).
  absl::Status Bind(const Statement& s, absl::string_view sql, Params params);
  // After a statement: SQL must not end the transaction behind our back (COMMIT in a string).
  absl::Status StillOpen(absl::string_view sql) {
    if (!sqlite3_get_autocommit(conn_->db())) return absl::OkStatus();
    return absl::InternalError(absl::StrCat(
        "store: SQL must not end the transaction (use Commit()) in: ", Abbreviate(sql)));
  }
  void End();

  SqliteDatabase* const owner_;
  Connection* conn_;  // null once ended
  const bool write_;  // holds the writer, else a reader connection
  absl::Status aborted_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, OpenOptions options, bool remove_on_close)
      : path_(std::move(path)), options_(options), remove_on_close_(remove_on_close) {}

  ~SqliteDatabase() override {
    readers_.clear();
    writer_.reset();  // last: the writer checkpoints and removes the -wal file
    if (remove_on_close_) {
      for (const char* suffix : {"", "-wal", "-shm"}) unlink((path_ + suffix).c_str());
    }
  }

  absl::Status Open() {
    absl::StatusOr<std::unique_ptr<Connection>> writer =
        Connection::Open(path_, /*writer=*/true, options_);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(*writer);
    // Readers open after the writer has switched the file to WAL (a read-only connection needs
    // the -shm file to exist already).
    for (int i = 0; i < options_.readers; ++i) {
      absl::StatusOr<std::unique_ptr<Connection>> reader =
          Connection::Open(path_, /*writer=*/false, options_);
      if (!reader.ok()) return reader.status();
      idle_readers_.push_back(reader->get());
      readers_.push_back(std::move(*reader));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<Transaction>> BeginWrite() override {
    {
      std::unique_lock<std::mutex> lock(writer_mu_);
      if (!writer_free_.wait_for(lock, absl::ToChronoMilliseconds(options_.busy_timeout),
                                 [&] { return !writer_busy_; })) {
        return absl::UnavailableError(
            absl::StrCat("store: another write transaction held the writer for longer than "
                         "busy_timeout (",
                         absl::FormatDuration(options_.busy_timeout), ")"));
      }
      writer_busy_ = true;
    }
    if (absl::Status s = Begin(writer_.get(), "BEGIN IMMEDIATE", /*snapshot=*/false); !s.ok()) {
      ReturnWriter();
      return s;
    }
    return std::make_unique<SqliteTransaction>(this, writer_.get(), /*write=*/true);
  }

  absl::StatusOr<std::unique_ptr<Transaction>> BeginRead() override {
    Connection* conn = nullptr;
    {
      std::unique_lock<std::mutex> lock(readers_mu_);
      if (!reader_returned_.wait_for(lock, absl::ToChronoMilliseconds(options_.busy_timeout),
                                     [&] { return !idle_readers_.empty(); })) {
        return absl::UnavailableError(
            absl::StrFormat("store: all %d reader connections stayed busy for busy_timeout (%s)",
                            options_.readers, absl::FormatDuration(options_.busy_timeout)));
      }
      conn = idle_readers_.back();
      idle_readers_.pop_back();
    }
    if (absl::Status s = Begin(conn, "BEGIN", /*snapshot=*/true); !s.ok()) {
      ReturnReader(conn);
      return s;
    }
    return std::make_unique<SqliteTransaction>(this, conn, /*write=*/false);
  }

  std::string backend() const override { return "sqlite"; }

  void ReturnWriter() {
    {
      std::lock_guard<std::mutex> lock(writer_mu_);
      writer_busy_ = false;
    }
    writer_free_.notify_one();
  }

  void ReturnReader(Connection* conn) {
    {
      std::lock_guard<std::mutex> lock(readers_mu_);
      idle_readers_.push_back(conn);
    }
    reader_returned_.notify_one();
  }

 private:
  static absl::Status Begin(Connection* conn, absl::string_view begin, bool snapshot) {
    if (!sqlite3_get_autocommit(conn->db())) {
      conn->Run("ROLLBACK").IgnoreError();  // left open by a rollback that failed
    }
    if (absl::Status s = conn->Run(begin); !s.ok()) return s;
    // A deferred transaction takes its snapshot at the first read: read now, so that the
    // snapshot is the database as of BeginRead().
    if (snapshot) {
      if (absl::Status s = conn->Run("PRAGMA schema_version"); !s.ok()) {
        conn->Run("ROLLBACK").IgnoreError();
        return s;
      }
    }
    return absl::OkStatus();
  }

  const std::string path_;
  const OpenOptions options_;
  const bool remove_on_close_;

  // One write transaction at a time. (A flag and a condition variable rather than a
  // std::timed_mutex, which ThreadSanitizer cannot follow.)
  std::unique_ptr<Connection> writer_;
  std::mutex writer_mu_;
  std::condition_variable writer_free_;
  bool writer_busy_ = false;  // guarded by writer_mu_

  std::vector<std::unique_ptr<Connection>> readers_;
  std::mutex readers_mu_;
  std::condition_variable reader_returned_;
  std::vector<Connection*> idle_readers_;  // guarded by readers_mu_
};

absl::Status SqliteTransaction::Bind(const Statement& s, absl::string_view sql, Params params) {
  if (!write_ && !sqlite3_stmt_readonly(s.stmt)) {
    return absl::InternalError(
        absl::StrCat("store: a read transaction cannot write in: ", Abbreviate(sql)));
  }
  if (s.control) {
    return absl::InternalError(absl::StrCat(
        "store: SQL must not control transactions (use the Transaction) in: ", Abbreviate(sql)));
  }
  if (static_cast<size_t>(s.params) != params.size()) {
    return absl::InternalError(
        absl::StrFormat("store: the statement has %d ? placeholders but %d "
                        "values were given in: %s",
                        s.params, params.size(), Abbreviate(sql)));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Value::Variant& v = params[i].variant();
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(s.stmt, index, *n);
    } else if (const auto* text = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(s.stmt, index, text->data(), text->size(), SQLITE_STATIC,
                               SQLITE_UTF8);
    } else if (const auto* blob = std::get_if<Blob>(&v)) {
      // data() is never null, so an empty Blob binds an empty BLOB, not NULL.
      rc =
          sqlite3_bind_blob64(s.stmt, index, blob->bytes.data(), blob->bytes.size(), SQLITE_STATIC);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(s.stmt, index, *d);
    } else {
      rc = sqlite3_bind_null(s.stmt, index);
    }
    if (rc != SQLITE_OK) return SqliteError(conn_->db(), rc, sql);
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteTransaction::Execute(absl::string_view sql, Params params) {
  if (absl::Status s = Usable(); !s.ok()) return s;
  absl::StatusOr<Statement*> statement = conn_->Acquire(sql);
  if (!statement.ok()) return Abort(statement.status());
  Lease lease(conn_, *statement);
  if (absl::Status s = Bind(**statement, sql, params); !s.ok()) return Abort(s);
  sqlite3* db = conn_->db();
  const int64_t before = sqlite3_total_changes64(db);
  int rc;
  while ((rc = sqlite3_step((*statement)->stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return Abort(SqliteError(db, rc, sql));
  if (absl::Status s = StillOpen(sql); !s.ok()) return Abort(s);
  // changes() keeps the count of the last INSERT/UPDATE/DELETE, so a statement that changed
  // nothing (DDL, a SELECT) must not report it.
  return sqlite3_total_changes64(db) == before ? 0 : sqlite3_changes64(db);
}

absl::Status SqliteTransaction::Query(absl::string_view sql, Params params, RowCallback on_row) {
  if (absl::Status s = Usable(); !s.ok()) return s;
  absl::StatusOr<Statement*> statement = conn_->Acquire(sql);
  if (!statement.ok()) return Abort(statement.status());
  Lease lease(conn_, *statement);
  if (absl::Status s = Bind(**statement, sql, params); !s.ok()) return Abort(s);
  SqliteRow row((*statement)->stmt);
  int rc;
  while ((rc = sqlite3_step((*statement)->stmt)) == SQLITE_ROW) {
    if (!on_row(row)) {
      rc = SQLITE_DONE;
      break;
    }
  }
  if (rc != SQLITE_DONE) return Abort(SqliteError(conn_->db(), rc, sql));
  if (absl::Status s = Usable(); !s.ok()) return s;  // a statement in the callback failed
  if (absl::Status s = StillOpen(sql); !s.ok()) return Abort(s);
  return absl::OkStatus();
}

absl::Status SqliteTransaction::ExecuteScript(absl::string_view sql) {
  if (absl::Status s = Usable(); !s.ok()) return s;
  const std::string script = ReplaceWord(sql, "BYTES", "BLOB");
  sqlite3* db = conn_->db();
  const char* next = script.data();
  const char* const end = script.data() + script.size();
  while (next < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, next, static_cast<int>(end - next), &raw, &tail);
    const absl::string_view text(next, static_cast<size_t>((tail ? tail : end) - next));
    if (rc != SQLITE_OK) return Abort(SqliteError(db, rc, text));
    if (raw == nullptr) break;  // only spaces or comments remain
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    next = tail;
    if (IsTransactionControl(text)) {
      return Abort(absl::InternalError(
          absl::StrCat("store: SQL must not control transactions (use the Transaction) in: ",
                       Abbreviate(text))));
    }
    if (sqlite3_bind_parameter_count(raw) != 0) {
      return Abort(absl::InternalError(
          absl::StrCat("store: a script takes no parameters in: ", Abbreviate(text))));
    }
    if (!write_ && !sqlite3_stmt_readonly(raw)) {
      return Abort(absl::InternalError(
          absl::StrCat("store: a read transaction cannot write in: ", Abbreviate(text))));
    }
    int step;
    while ((step = sqlite3_step(raw)) == SQLITE_ROW) {
    }
    if (step != SQLITE_DONE) return Abort(SqliteError(db, step, text));
    if (absl::Status s = StillOpen(text); !s.ok()) return Abort(s);
  }
  return absl::OkStatus();
}

absl::Status SqliteTransaction::Commit() {
  absl::Status status = Usable();
  if (status.ok()) status = conn_->Run("COMMIT");
  End();
  return status;
}

void SqliteTransaction::End() {
  if (conn_ == nullptr) return;
  if (!sqlite3_get_autocommit(conn_->db())) conn_->Run("ROLLBACK").IgnoreError();
  if (write_) {
    owner_->ReturnWriter();
  } else {
    owner_->ReturnReader(conn_);
  }
  conn_ = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                                     const OpenOptions& options,
                                                     bool remove_on_close) {
  auto db = std::make_unique<SqliteDatabase>(path, options, remove_on_close);
  if (absl::Status s = db->Open(); !s.ok()) return s;
  return db;
}

}  // namespace lindungi::store::internal

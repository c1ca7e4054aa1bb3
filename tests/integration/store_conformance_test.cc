// Conformance of the store backends (libs/store): every test runs against each backend in
// Backends(), on a fresh empty database, through the public interface only. A PostgreSQL backend
// joins by adding a factory there; backend-specific checks are guarded by backend().
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store.h"
#include "support/test_env.h"

namespace lindungi::store {

// Readable failures for EXPECT_EQ on values.
void PrintTo(const Value& value, std::ostream* os) {
  const Value::Variant& v = value.variant();
  if (std::holds_alternative<std::monostate>(v)) *os << "NULL";
  if (const auto* n = std::get_if<int64_t>(&v)) *os << "int64 " << *n;
  if (const auto* d = std::get_if<double>(&v)) *os << "double " << *d;
  if (const auto* t = std::get_if<std::string>(&v)) *os << "text \"" << *t << "\"";
  if (const auto* b = std::get_if<Blob>(&v)) *os << "blob of " << b->bytes.size() << " bytes";
}

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Backend {
  std::string name;
  // The URL of a fresh, empty database; opening the same URL again reopens it.
  std::function<std::string()> fresh_url;
};

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::vector<Backend> Backends() {
  return {
      {"sqlite", [] { return "sqlite://" + lindungi::testing::MakeTempDir() + "/store.db"; }},
  };
}

// Waits for `flag` under `mu`, at most 10 s: a stuck handshake fails the test instead of hanging.
bool WaitFor(std::mutex& mu, std::condition_variable& cv, const bool& flag) {
  std::unique_lock<std::mutex> lock(mu);
  return cv.wait_for(lock, std::chrono::seconds(10), [&] { return flag; });
}
void Set(std::mutex& mu, std::condition_variable& cv, bool& flag) {
  {
    std::lock_guard<std::mutex> lock(mu);
    flag = true;
  }
  cv.notify_all();
}

const std::vector<Migration>& TestMigrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "create_counters",
       "CREATE TABLE counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL);"
       "INSERT INTO counters (name, n) VALUES ('seed', 0)"},
      {2, "create_people",
       "CREATE TABLE people ("
       "  id BIGINT PRIMARY KEY,"
       "  nik_index BYTES NOT NULL UNIQUE,"
       "  name TEXT NOT NULL CHECK (name <> ''),"
       "  phone TEXT,"
       "  weight DOUBLE PRECISION"
       ");\n"
       "-- phones are looked up\n"
       "CREATE INDEX people_phone ON people (phone);"
       "CREATE TABLE visits (id BIGINT PRIMARY KEY, person BIGINT NOT NULL REFERENCES people "
       "(id));"},
  };
  return *migrations;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    url_ = GetParam().fresh_url();
    db_ = Open();
    ASSERT_NE(db_, nullptr);
  }

  std::unique_ptr<Database> Open(const OpenOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  bool IsSqlite() const { return GetParam().name == "sqlite"; }

  // One integer from a read transaction; nullopt for no row.
  absl::StatusOr<std::optional<int64_t>> ReadInt(absl::string_view sql, Params params = {}) {
    std::optional<int64_t> out;
    absl::Status status = db_->Read([&](Transaction& tx) -> absl::Status {
      auto got = tx.QueryOne(sql, params, [](const Row& row) { return row.Int(0); });
      if (!got.ok()) return got.status();
      out = *got;
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return out;
  }
  int64_t Count(absl::string_view table) {
    absl::StatusOr<std::optional<int64_t>> n =
        ReadInt(absl::StrCat("SELECT COUNT(*) FROM ", table));
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() && n->has_value() ? **n : -1;
  }
  bool TableExists(absl::string_view table) {
    return ReadInt(absl::StrCat("SELECT COUNT(*) FROM ", table)).ok();
  }
  std::vector<std::string> AppliedMigrations() {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Read([&](Transaction& tx) {
                     return tx.Query(
                         "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
                         {}, [&](const Row& row) {
                           out.push_back(
                               absl::StrCat(row.Int(0), " ", row.Text(1), " ", row.Text(2)));
                           return true;
                         });
                   })
                    .ok());
    return out;
  }
  absl::Status InsertPerson(int64_t id, const std::string& nik_index, const Value& name,
                            const Value& phone = Value()) {
    return db_->Write([&](Transaction& tx) {
      return tx
          .Execute("INSERT INTO people (id, nik_index, name, phone) VALUES (?, ?, ?, ?)",
                   {id, Blob{nik_index}, name, phone})
          .status();
    });
  }

  std::string url_;
  std::unique_ptr<Database> db_;
};

// --- Migrations ---

TEST_P(StoreTest, MigrateCreatesTheSchemaAndRecordsEachVersion) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  EXPECT_EQ(Count("counters"), 1);
  EXPECT_EQ(Count("people"), 0);
  const std::vector<std::string> applied = AppliedMigrations();
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(applied[0], "1 create_counters 20")) << applied[0];
  EXPECT_TRUE(absl::EndsWith(applied[0], "Z")) << applied[0];  // UTC
  EXPECT_TRUE(absl::StartsWith(applied[1], "2 create_people ")) << applied[1];
}

TEST_P(StoreTest, MigrateAgainIsANoOpAndAppliesOnlyWhatIsNew) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  const std::vector<std::string> before = AppliedMigrations();
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  EXPECT_EQ(AppliedMigrations(), before);
  EXPECT_EQ(Count("counters"), 1) << "migration 1 ran twice";

  std::vector<Migration> more = TestMigrations();
  more.push_back({3, "seed_more", "INSERT INTO counters (name, n) VALUES ('more', 7)"});
  ASSERT_TRUE(Migrate(*db_, more).ok());
  ASSERT_TRUE(Migrate(*db_, more).ok());
  EXPECT_EQ(Count("counters"), 2);
  EXPECT_EQ(AppliedMigrations().size(), 3u);
}

TEST_P(StoreTest, ANewerSchemaIsRefused) {
  std::vector<Migration> newer = TestMigrations();
  newer.push_back({3, "from_the_future", "CREATE TABLE future (id BIGINT PRIMARY KEY)"});
  ASSERT_TRUE(Migrate(*db_, newer).ok());
  absl::Status older = Migrate(*db_, TestMigrations());
  EXPECT_EQ(older.code(), absl::StatusCode::kFailedPrecondition) << older;
  EXPECT_THAT(older.message(), HasSubstr("version 3"));
  EXPECT_THAT(older.message(), HasSubstr("newer"));
  EXPECT_EQ(AppliedMigrations().size(), 3u);
}

TEST_P(StoreTest, AMigrationRecordedUnderAnotherNameIsRefused) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  std::vector<Migration> edited = TestMigrations();
  edited[1].name = "create_persons";
  absl::Status s = Migrate(*db_, edited);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(s.message(), HasSubstr("create_persons"));
}

TEST_P(StoreTest, AFailingMigrationLeavesNoTrace) {
  std::vector<Migration> migrations = {
      TestMigrations()[0],
      {2, "half_done",
       "CREATE TABLE half (id BIGINT PRIMARY KEY);"
       "INSERT INTO half (id) VALUES (1);"
       "UPDATE counters SET n = 99;"
       "INSERT INTO no_such_table (id) VALUES (1)"},
  };
  absl::Status s = Migrate(*db_, migrations);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_THAT(s.message(), HasSubstr("migration 2 (half_done)"));
  EXPECT_THAT(s.message(), HasSubstr("no_such_table"));
  EXPECT_FALSE(TableExists("half")) << "the failed migration's table survived";
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 0);
  const std::vector<std::string> applied = AppliedMigrations();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(applied[0], "1 "));

  migrations[1].sql = "CREATE TABLE half (id BIGINT PRIMARY KEY)";  // fixed before release
  ASSERT_TRUE(Migrate(*db_, migrations).ok());
  EXPECT_TRUE(TableExists("half"));
}

TEST_P(StoreTest, AMigrationListWithGapsIsRejected) {
  absl::Status s = Migrate(
      *db_, {{1, "a", "CREATE TABLE a (id BIGINT)"}, {3, "c", "CREATE TABLE c (id BIGINT)"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_FALSE(TableExists("a"));
}

TEST_P(StoreTest, TwoProcessesMigratingAtOnceApplyEachMigrationOnce) {
  std::unique_ptr<Database> other = Open();  // its own connections, like another process
  ASSERT_NE(other, nullptr);
  absl::Status a, b;
  std::thread t([&] { b = Migrate(*other, TestMigrations()); });
  a = Migrate(*db_, TestMigrations());
  t.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_EQ(Count("counters"), 1);
  EXPECT_EQ(AppliedMigrations().size(), 2u);
}

TEST_P(StoreTest, BytesTypeIsRewrittenOutsideLiteralsAndComments) {
  ASSERT_TRUE(Migrate(*db_, {{1, "files",
                              "CREATE TABLE files (id BIGINT PRIMARY KEY, data BYTES NOT NULL,"
                              " note TEXT NOT NULL DEFAULT 'BYTES' /* not BYTES */)"}})
                  .ok());
  const std::string raw("\x00\xff\x01", 3);
  ASSERT_TRUE(
      db_->Write([&](Transaction& tx) {
           return tx.Execute("INSERT INTO files (id, data) VALUES (?, ?)", {1, Blob{raw}}).status();
         })
          .ok());
  ASSERT_TRUE(db_->Read([&](Transaction& tx) {
                   return tx.Query("SELECT data, note FROM files", {}, [&](const Row& row) {
                     EXPECT_EQ(row.Get(0), Value(Blob{raw}));
                     EXPECT_EQ(row.Text(1), "BYTES");
                     return true;
                   });
                 })
                  .ok());
  if (IsSqlite()) {
    std::string type;
    ASSERT_TRUE(db_->Read([&](Transaction& tx) {
                     return tx.Query("SELECT type FROM pragma_table_info('files') WHERE name = ?",
                                     {"data"}, [&](const Row& row) {
                                       type = row.Text(0);
                                       return false;
                                     });
                   })
                    .ok());
    EXPECT_EQ(type, "BLOB");
  }
}

// --- Values ---

TEST_P(StoreTest, EveryValueTypeRoundTrips) {
  ASSERT_TRUE(Migrate(*db_, {{1, "values",
                              "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE "
                              "PRECISION, t TEXT, b BYTES)"}})
                  .ok());
  const std::string binary("a\0b\xff\xfe\x80\xc3(", 8);  // NUL and invalid UTF-8
  const std::string unicode = "Siti Nurhaliza \xe2\x80\x94 Jakarta \xe6\x97\xa5";
  const absl::string_view view = "from a string_view";
  struct Case {
    int id;
    std::vector<Value> values;  // i, r, t, b
    std::vector<Value> expected;
  };
  const std::vector<Case> cases = {
      {1,
       {std::numeric_limits<int64_t>::max(), 3.25, unicode, Blob{binary}},
       {std::numeric_limits<int64_t>::max(), 3.25, unicode, Blob{binary}}},
      {2,
       {std::numeric_limits<int64_t>::min(), -1.5e300, "literal", Blob{""}},
       {std::numeric_limits<int64_t>::min(), -1.5e300, std::string("literal"), Blob{""}}},
      {3,
       {int8_t{-7}, 0.0f, view, Blob{std::string(1, '\0')}},
       {int64_t{-7}, 0.0, std::string(view), Blob{std::string(1, '\0')}}},
      {4,
       {uint16_t{65535}, 1e-9, std::string(), Blob{"plain"}},
       {int64_t{65535}, 1e-9, std::string(), Blob{"plain"}}},
      {5,
       {true, 2.0, std::string("x"), Blob{binary + binary}},
       {int64_t{1}, 2.0, std::string("x"), Blob{binary + binary}}},
  };
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   for (const Case& c : cases) {
                     auto n =
                         tx.Execute("INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)",
                                    {c.id, c.values[0], c.values[1], c.values[2], c.values[3]});
                     if (!n.ok()) return n.status();
                     EXPECT_EQ(*n, 1);
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  int seen = 0;
  ASSERT_TRUE(
      db_->Read([&](Transaction& tx) {
           return tx.Query("SELECT id, i, r, t, b FROM vals ORDER BY id", {}, [&](const Row& row) {
             const Case& c = cases[seen++];
             EXPECT_EQ(row.columns(), 5);
             EXPECT_EQ(row.Int(0), c.id);
             for (int col = 1; col <= 4; ++col) {
               EXPECT_EQ(row.Get(col), c.expected[col - 1]) << "row " << c.id << " column " << col;
               EXPECT_FALSE(row.IsNull(col));
             }
             EXPECT_EQ(row.Int(1), std::get<int64_t>(c.expected[0].variant()));
             EXPECT_EQ(row.Real(2), std::get<double>(c.expected[1].variant()));
             EXPECT_EQ(row.Text(3), std::get<std::string>(c.expected[2].variant()));
             EXPECT_EQ(row.Bytes(4), std::get<Blob>(c.expected[3].variant()).bytes);
             return true;
           });
         })
          .ok());
  EXPECT_EQ(seen, 5);
  // Bound values compare as their types: the blob with a NUL is found by equality.
  EXPECT_EQ(*ReadInt("SELECT id FROM vals WHERE b = ?", {Blob{binary}}), 1);
  EXPECT_EQ(*ReadInt("SELECT id FROM vals WHERE t = ?", {unicode}), 1);
}

TEST_P(StoreTest, NullIsDistinctFromEmptyAndRoundTrips) {
  ASSERT_TRUE(Migrate(*db_, {{1, "values",
                              "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, r DOUBLE "
                              "PRECISION, t TEXT, b BYTES)"}})
                  .ok());
  const char* no_text = nullptr;
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   auto a = tx.Execute("INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)",
                                       {1, std::nullopt, std::monostate(), no_text, Value()});
                   if (!a.ok()) return a.status();
                   return tx
                       .Execute("INSERT INTO vals (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)",
                                {2, std::optional<int64_t>(), std::optional<double>(2.5),
                                 std::string(), Blob{}})
                       .status();
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([&](Transaction& tx) {
                   return tx.Query("SELECT i, r, t, b FROM vals ORDER BY id", {},
                                   [&](const Row& row) {
                                     const bool first = row.Get(1).is_null();
                                     for (int col = 0; col < 4; ++col) {
                                       const bool null = first || col == 0;
                                       EXPECT_EQ(row.IsNull(col), null) << "column " << col;
                                       EXPECT_EQ(row.Get(col).is_null(), null) << "column " << col;
                                     }
                                     EXPECT_EQ(row.Int(0), 0);
                                     EXPECT_EQ(row.Text(2), "");
                                     EXPECT_EQ(row.Bytes(3), "");
                                     return true;
                                   });
                 })
                  .ok());
  EXPECT_EQ(*ReadInt("SELECT COUNT(*) FROM vals WHERE t IS NULL"), 1);
  EXPECT_EQ(*ReadInt("SELECT COUNT(*) FROM vals WHERE b IS NOT NULL"), 1);
  EXPECT_EQ(*ReadInt("SELECT id FROM vals WHERE r = ?", {2.5}), 2);
  EXPECT_EQ(*ReadInt("SELECT id FROM vals WHERE id = ?", {99}), std::nullopt);
}

TEST_P(StoreTest, AOneMebibyteBlobRoundTrips) {
  ASSERT_TRUE(
      Migrate(*db_, {{1, "blobs", "CREATE TABLE blobs (id BIGINT PRIMARY KEY, b BYTES)"}}).ok());
  std::string big(1 << 20, '\0');
  std::mt19937 rng(7);
  for (char& c : big) c = static_cast<char>(rng());
  ASSERT_TRUE(
      db_->Write([&](Transaction& tx) {
           return tx.Execute("INSERT INTO blobs (id, b) VALUES (?, ?)", {1, Blob{big}}).status();
         })
          .ok());
  std::string got;
  ASSERT_TRUE(db_->Read([&](Transaction& tx) {
                   return tx.Query("SELECT b FROM blobs WHERE id = ?", {1}, [&](const Row& row) {
                     got = row.Bytes(0);
                     return false;
                   });
                 })
                  .ok());
  EXPECT_EQ(got.size(), big.size());
  EXPECT_TRUE(got == big);
}

// --- Statements ---

TEST_P(StoreTest, ExecuteReportsRowsAffected) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   for (int i = 1; i <= 3; ++i) {
                     EXPECT_EQ(*tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)",
                                           {absl::StrCat("c", i), i}),
                               1);
                   }
                   EXPECT_EQ(*tx.Execute("UPDATE counters SET n = n + 1 WHERE n >= ?", {2}), 2);
                   EXPECT_EQ(*tx.Execute("UPDATE counters SET n = 0 WHERE name = ?", {"none"}), 0);
                   EXPECT_EQ(*tx.Execute("CREATE TABLE t (id BIGINT)"), 0);  // not the last count
                   EXPECT_EQ(*tx.Execute("SELECT n FROM counters"), 0);
                   EXPECT_EQ(*tx.Execute("DELETE FROM counters WHERE name <> ?", {"seed"}), 3);
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_P(StoreTest, UpsertAndReturningWork) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  std::vector<int64_t> returned;
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   for (int i = 0; i < 3; ++i) {
                     absl::Status s = tx.Query(
                         "INSERT INTO counters (name, n) VALUES (?, 1) ON CONFLICT (name) DO "
                         "UPDATE SET n = counters.n + excluded.n RETURNING n",
                         {"hits"}, [&](const Row& row) {
                           returned.push_back(row.Int(0));
                           return true;
                         });
                     if (!s.ok()) return s;
                   }
                   return tx
                       .Execute(
                           "INSERT INTO counters (name, n) VALUES (?, 5) ON CONFLICT (name) "
                           "DO NOTHING",
                           {"hits"})
                       .status();
                 })
                  .ok());
  EXPECT_EQ(returned, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = ?", {"hits"}), 3);
}

TEST_P(StoreTest, QueryStopsWhenTheCallbackSaysSoAndQueryOneTakesTheFirstRow) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   for (int i = 0; i < 10; ++i) {
                     auto n = tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)",
                                         {absl::StrCat("k", i), i});
                     if (!n.ok()) return n.status();
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([&](Transaction& tx) -> absl::Status {
                   int calls = 0;
                   absl::Status s = tx.Query("SELECT n FROM counters ORDER BY n", {},
                                             [&](const Row&) { return ++calls < 3; });
                   EXPECT_TRUE(s.ok()) << s;
                   EXPECT_EQ(calls, 3);
                   auto first = tx.QueryOne("SELECT name FROM counters WHERE n >= ? ORDER BY n",
                                            {7}, [](const Row& row) { return row.Text(0); });
                   EXPECT_TRUE(first.ok());
                   EXPECT_EQ(first->value_or(""), "k7");
                   auto none = tx.QueryOne("SELECT name FROM counters WHERE n > ?", {100},
                                           [](const Row& row) { return row.Text(0); });
                   EXPECT_TRUE(none.ok());
                   EXPECT_EQ(*none, std::nullopt);
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_P(StoreTest, ACallbackCanRunStatementsIncludingTheSameOne) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   for (int i = 1; i <= 3; ++i) {
                     auto n = tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)",
                                         {absl::StrCat("k", i), i});
                     if (!n.ok()) return n.status();
                   }
                   const char* kSql = "SELECT n FROM counters WHERE n >= ? ORDER BY n";
                   int64_t sum = 0;
                   absl::Status s = tx.Query(kSql, {1}, [&](const Row& outer) {
                     const int64_t n = outer.Int(0);
                     EXPECT_TRUE(tx.Query(kSql, {n}, [&](const Row& inner) {
                                     sum += inner.Int(0);
                                     return true;
                                   }).ok());
                     return true;
                   });
                   EXPECT_TRUE(s.ok()) << s;
                   EXPECT_EQ(sum, (1 + 2 + 3) + (2 + 3) + 3);
                   return s;
                 })
                  .ok());
}

TEST_P(StoreTest, MisusedStatementsAreInternalErrors) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  auto code_of = [&](absl::string_view sql, std::vector<Value> params) {
    absl::StatusCode code = absl::StatusCode::kOk;
    EXPECT_FALSE(db_->Write([&](Transaction& tx) {
                      absl::Status s = tx.Execute(sql, params).status();
                      code = s.code();
                      return s;
                    })
                     .ok())
        << sql;
    return code;
  };
  EXPECT_EQ(code_of("INSERT INTO counters (name, n) VALUES (?, ?)", {"one"}),
            absl::StatusCode::kInternal);  // too few values
  EXPECT_EQ(code_of("SELECT n FROM counters WHERE name = ?", {"a", "b"}),
            absl::StatusCode::kInternal);  // too many
  EXPECT_EQ(code_of("SELECT n FROM counters WHERE name = :name", {"a"}),
            absl::StatusCode::kInternal);  // not portable
  EXPECT_EQ(code_of("SELEKT 1", {}), absl::StatusCode::kInternal);
  EXPECT_EQ(code_of("SELECT * FROM no_such_table", {}), absl::StatusCode::kInternal);
  EXPECT_EQ(code_of("UPDATE counters SET n = 1; UPDATE counters SET n = 2", {}),
            absl::StatusCode::kInternal);  // one statement per Execute
  EXPECT_EQ(code_of("COMMIT", {}), absl::StatusCode::kInternal);
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 0);
}

// --- Errors ---

TEST_P(StoreTest, UniqueAndPrimaryKeyViolationsAreAlreadyExists) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  ASSERT_TRUE(InsertPerson(1, "idx-1", "Budi").ok());
  absl::Status same_id = InsertPerson(1, "idx-2", "Ani");
  EXPECT_EQ(same_id.code(), absl::StatusCode::kAlreadyExists) << same_id;
  absl::Status same_index = InsertPerson(2, "idx-1", "Ani");
  EXPECT_EQ(same_index.code(), absl::StatusCode::kAlreadyExists) << same_index;
  EXPECT_EQ(Count("people"), 1);
}

TEST_P(StoreTest, NotNullCheckAndForeignKeyViolationsAreFailedPrecondition) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  absl::Status not_null = InsertPerson(1, "idx-1", Value());
  EXPECT_EQ(not_null.code(), absl::StatusCode::kFailedPrecondition) << not_null;
  absl::Status check = InsertPerson(2, "idx-2", "");
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition) << check;
  absl::Status foreign_key = db_->Write([](Transaction& tx) {
    return tx.Execute("INSERT INTO visits (id, person) VALUES (?, ?)", {1, 404}).status();
  });
  EXPECT_EQ(foreign_key.code(), absl::StatusCode::kFailedPrecondition) << foreign_key;
  EXPECT_EQ(Count("people"), 0);
  EXPECT_EQ(Count("visits"), 0);
}

TEST_P(StoreTest, ErrorMessagesNeverContainBoundValues) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  const std::string nik = "3201234567890001";
  const std::string phone = "081299887766";
  ASSERT_TRUE(InsertPerson(1, nik, "Secret Name", phone).ok());
  std::vector<absl::Status> errors = {
      InsertPerson(2, nik, "Secret Name", phone),      // unique
      InsertPerson(1, "other", "Secret Name", phone),  // primary key
      InsertPerson(3, "idx-3", Value(), phone),        // not null
      InsertPerson(4, nik + "-check", "", phone),      // check
      db_->Write([&](Transaction& tx) {                // foreign key
        return tx.Execute("INSERT INTO visits (id, person) VALUES (?, ?)", {nik, 987654321})
            .status();
      }),
      db_->Write([&](Transaction& tx) {  // syntax
        return tx.Execute("SELEKT ?", {nik}).status();
      }),
      db_->Write([&](Transaction& tx) {  // wrong count
        return tx.Execute("SELECT ?, ?", {nik}).status();
      }),
  };
  for (const absl::Status& s : errors) {
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(nik))) << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(phone))) << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("Secret"))) << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("987654321"))) << s;
  }
}

// --- Transactions ---

TEST_P(StoreTest, ATransactionDestroyedWithoutCommitRollsBack) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  {
    absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->BeginWrite();
    ASSERT_TRUE(tx.ok()) << tx.status();
    EXPECT_TRUE((*tx)->is_write());
    ASSERT_TRUE((*tx)->Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"gone", 1}).ok());
    ASSERT_TRUE((*tx)->Execute("UPDATE counters SET n = 5 WHERE name = 'seed'").ok());
  }
  EXPECT_EQ(Count("counters"), 1);
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 0);
  // And the writer is free again.
  absl::StatusOr<std::unique_ptr<Transaction>> next = db_->BeginWrite();
  ASSERT_TRUE(next.ok()) << next.status();
  ASSERT_TRUE((*next)->Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"kept", 1}).ok());
  ASSERT_TRUE((*next)->Commit().ok());
  EXPECT_EQ(Count("counters"), 2);
  EXPECT_EQ((*next)->Execute("SELECT 1").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*next)->Commit().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(StoreTest, WriteRollsBackAndReturnsTheFunctionsError) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  absl::Status s = db_->Write([](Transaction& tx) -> absl::Status {
    auto n = tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"gone", 1});
    if (!n.ok()) return n.status();
    return absl::NotFoundError("citizen 42 has no phone");
  });
  EXPECT_EQ(s, absl::NotFoundError("citizen 42 has no phone"));
  EXPECT_EQ(Count("counters"), 1);
}

TEST_P(StoreTest, AnErrorAbortsTheWholeTransaction) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  absl::StatusOr<std::unique_ptr<Transaction>> tx = db_->BeginWrite();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"a", 1}).ok());
  EXPECT_EQ(
      (*tx)->Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"a", 2}).status().code(),
      absl::StatusCode::kAlreadyExists);
  absl::Status after =
      (*tx)->Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"b", 1}).status();
  EXPECT_EQ(after.code(), absl::StatusCode::kFailedPrecondition) << after;
  EXPECT_THAT(after.message(), HasSubstr("aborted"));
  EXPECT_EQ((*tx)->Commit().code(), absl::StatusCode::kFailedPrecondition);
  tx->reset();
  EXPECT_EQ(Count("counters"), 1);

  // Swallowing the error inside Write() does not commit half of the work either.
  absl::Status swallowed = db_->Write([](Transaction& tx) {
    tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"c", 1}).IgnoreError();
    tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"c", 1}).IgnoreError();
    return absl::OkStatus();
  });
  EXPECT_EQ(swallowed.code(), absl::StatusCode::kFailedPrecondition) << swallowed;
  EXPECT_EQ(Count("counters"), 1);
}

TEST_P(StoreTest, AReadTransactionCannotWrite) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  absl::Status s = db_->Read([](Transaction& tx) {
    EXPECT_FALSE(tx.is_write());
    return tx.Execute("INSERT INTO counters (name, n) VALUES (?, ?)", {"r", 1}).status();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_EQ(Count("counters"), 1);
}

TEST_P(StoreTest, WritersSerialize) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  constexpr int kThreads = 8, kIncrements = 500;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = db_->Write([](Transaction& tx) -> absl::Status {
          auto n = tx.QueryOne("SELECT n FROM counters WHERE name = ?", {"seed"},
                               [](const Row& row) { return row.Int(0); });
          if (!n.ok()) return n.status();
          return tx.Execute("UPDATE counters SET n = ? WHERE name = ?", {n->value() + 1, "seed"})
              .status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), kThreads * kIncrements);
}

TEST_P(StoreTest, AReaderSeesOneSnapshot) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  auto seed = [](Transaction& tx) {
    return tx.QueryOne("SELECT n FROM counters WHERE name = 'seed'", {},
                       [](const Row& row) { return row.Int(0); });
  };
  absl::StatusOr<std::unique_ptr<Transaction>> reader = db_->BeginRead();
  ASSERT_TRUE(reader.ok()) << reader.status();
  // Committed after BeginRead but before the reader's first statement: not in its snapshot.
  ASSERT_TRUE(
      db_->Write([](Transaction& tx) { return tx.Execute("UPDATE counters SET n = 1").status(); })
          .ok());
  EXPECT_EQ(seed(**reader)->value_or(-1), 0);

  absl::StatusOr<std::unique_ptr<Transaction>> writer = db_->BeginWrite();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Execute("UPDATE counters SET n = 2").ok());
  EXPECT_EQ(seed(**writer)->value_or(-1), 2);  // a writer sees its own changes
  EXPECT_EQ(seed(**reader)->value_or(-1), 0);
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 1) << "uncommitted read";
  ASSERT_TRUE((*writer)->Commit().ok());

  EXPECT_EQ(seed(**reader)->value_or(-1), 0) << "the snapshot moved";
  ASSERT_TRUE((*reader)->Commit().ok());
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 2);
}

TEST_P(StoreTest, ReadersRunWhileAWriterHoldsItsTransaction) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  std::mutex mu;
  std::condition_variable cv;
  bool written = false, read_done = false, writer_saw_read = false;
  absl::Status writer_status;
  std::thread writer([&] {
    writer_status = db_->Write([&](Transaction& tx) -> absl::Status {
      auto n = tx.Execute("UPDATE counters SET n = 1 WHERE name = 'seed'");
      if (!n.ok()) return n.status();
      Set(mu, cv, written);
      writer_saw_read = WaitFor(mu, cv, read_done);  // commit only after the readers are done
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(WaitFor(mu, cv, written));
  // All reader connections at once, each inside its transaction while the writer holds its own.
  constexpr int kReaders = 4;
  int inside = 0;
  std::vector<std::thread> readers;
  std::atomic<int> old_values{0}, all_inside{0};
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      absl::Status s = db_->Read([&](Transaction& tx) -> absl::Status {
        auto n = tx.QueryOne("SELECT n FROM counters WHERE name = 'seed'", {},
                             [](const Row& row) { return row.Int(0); });
        if (!n.ok()) return n.status();
        if (n->value_or(-1) == 0) ++old_values;
        std::unique_lock<std::mutex> lock(mu);
        ++inside;
        cv.notify_all();
        if (cv.wait_for(lock, std::chrono::seconds(10), [&] { return inside == kReaders; })) {
          ++all_inside;
        }
        return absl::OkStatus();
      });
      EXPECT_TRUE(s.ok()) << s;
    });
  }
  for (std::thread& t : readers) t.join();
  Set(mu, cv, read_done);
  writer.join();
  EXPECT_TRUE(writer_status.ok()) << writer_status;
  EXPECT_TRUE(writer_saw_read) << "the readers were blocked by the writer";
  EXPECT_EQ(all_inside.load(), kReaders) << "the readers did not run concurrently";
  EXPECT_EQ(old_values.load(), kReaders);
  EXPECT_EQ(*ReadInt("SELECT n FROM counters WHERE name = 'seed'"), 1);
}

TEST_P(StoreTest, BusyWriterAndReadersBecomeUnavailableAfterTheTimeout) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  OpenOptions options;
  options.busy_timeout = absl::Milliseconds(100);
  options.readers = 1;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  {
    absl::StatusOr<std::unique_ptr<Transaction>> held = db->BeginWrite();
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(db->BeginWrite().status().code(), absl::StatusCode::kUnavailable);
  }
  {
    // Another handle (another process) holding the write lock.
    absl::StatusOr<std::unique_ptr<Transaction>> held = db_->BeginWrite();
    ASSERT_TRUE(held.ok());
    absl::Status s = db->BeginWrite().status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  }
  {
    absl::StatusOr<std::unique_ptr<Transaction>> held = db->BeginRead();
    ASSERT_TRUE(held.ok());
    EXPECT_EQ(db->BeginRead().status().code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_TRUE(db->BeginRead().ok()) << "the reader was not handed back";
  EXPECT_TRUE(db->BeginWrite().ok()) << "the writer was not handed back";
}

TEST_P(StoreTest, DataPersistsAcrossCloseAndReopen) {
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  ASSERT_TRUE(InsertPerson(7, std::string("\x00idx", 4), "Dewi", "0812").ok());
  db_.reset();
  db_ = Open();
  ASSERT_NE(db_, nullptr);
  ASSERT_TRUE(Migrate(*db_, TestMigrations()).ok());
  EXPECT_EQ(
      *ReadInt("SELECT id FROM people WHERE nik_index = ?", {Blob{std::string("\x00idx", 4)}}), 7);
}

// --- SQLite specifics ---

TEST_P(StoreTest, SqliteRunsInWalModeWithForeignKeysOnEveryConnection) {
  if (!IsSqlite()) GTEST_SKIP() << "SQLite only";
  auto pragma = [](Transaction& tx, const char* sql) {
    auto v = tx.QueryOne(sql, {}, [](const Row& row) { return row.Text(0); });
    return v.ok() ? v->value_or("") : std::string(v.status().message());
  };
  ASSERT_TRUE(db_->Write([&](Transaction& tx) {
                   EXPECT_EQ(pragma(tx, "PRAGMA journal_mode"), "wal");
                   EXPECT_EQ(pragma(tx, "PRAGMA foreign_keys"), "1");
                   EXPECT_EQ(pragma(tx, "PRAGMA synchronous"), "1");  // NORMAL
                   EXPECT_EQ(pragma(tx, "PRAGMA temp_store"), "2");   // MEMORY
                   EXPECT_EQ(pragma(tx, "PRAGMA busy_timeout"), "5000");
                   EXPECT_EQ(pragma(tx, "PRAGMA wal_autocheckpoint"), "10000");
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_TRUE(db_->Read([&](Transaction& tx) {
                   // (PRAGMA journal_mode counts as a write: the journal mode is in the file.)
                   EXPECT_EQ(pragma(tx, "PRAGMA foreign_keys"), "1");
                   EXPECT_EQ(pragma(tx, "PRAGMA temp_store"), "2");
                   EXPECT_EQ(pragma(tx, "PRAGMA busy_timeout"), "5000");
                   return absl::OkStatus();
                 })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

// --- Opening ---

TEST(OpenDatabaseTest, PostgresqlIsNotBuiltYet) {
  for (const char* url : {"postgresql://lindungi:hunter2@db:5432/identity",
                          "postgres://lindungi:hunter2@db/identity"}) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    EXPECT_EQ(db.status().code(), absl::StatusCode::kUnimplemented);
    EXPECT_THAT(db.status().message(), HasSubstr("not built yet"));
    EXPECT_THAT(db.status().message(), HasSubstr("sqlite:///"));
    EXPECT_THAT(db.status().message(), Not(HasSubstr("hunter2")));
  }
}

TEST(OpenDatabaseTest, AnUnwritablePlaceGivesAClearError) {
  const std::string dir = lindungi::testing::MakeTempDir();
  const std::string missing = dir + "/no/such/dir/identity.db";
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite://" + missing);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr(missing));
  EXPECT_THAT(db.status().message(), HasSubstr("No such file or directory"));

  lindungi::testing::WriteFile(dir + "/file", "x");  // a file where a directory should be
  const std::string under_file = dir + "/file/identity.db";
  db = OpenDatabase("sqlite://" + under_file);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(db.status().message(), HasSubstr(under_file));
}

TEST(OpenDatabaseTest, AFileThatIsNotADatabaseIsDataLoss) {
  const std::string path = lindungi::testing::MakeTempDir() + "/garbage.db";
  lindungi::testing::WriteFile(path, std::string(8192, 'g'));
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite://" + path);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr(path));
}

TEST(OpenDatabaseTest, BadUrlsAndOptionsAreInvalidArguments) {
  for (const char* url : {"mysql://x/y", "sqlite::memory:", "sqlite://:memory:", "sqlite://",
                          "sqlite:///tmp/x.db?mode=ro", "/tmp/x.db"}) {
    EXPECT_EQ(OpenDatabase(url).status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
  OpenOptions no_readers;
  no_readers.readers = 0;
  EXPECT_EQ(OpenDatabase("sqlite::temp:", no_readers).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OpenDatabaseTest, ATemporaryDatabaseIsSharedByWriterAndReaders) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite::temp:");
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(Migrate(**db, TestMigrations()).ok());
  std::optional<int64_t> n;
  ASSERT_TRUE((*db)
                  ->Read([&](Transaction& tx) -> absl::Status {
                    auto got = tx.QueryOne("SELECT COUNT(*) FROM counters", {},
                                           [](const Row& row) { return row.Int(0); });
                    if (!got.ok()) return got.status();
                    n = *got;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(n, 1);
}

// --- Throughput (printed, not asserted) ---

TEST_P(StoreTest, ThroughputSanity) {
  ASSERT_TRUE(Migrate(*db_, {{1, "bulk",
                              "CREATE TABLE bulk (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                              " idx BYTES NOT NULL);"
                              "CREATE INDEX bulk_idx ON bulk (idx)"}})
                  .ok());
  constexpr int kRows = 200000, kBatch = 1000;
  std::mt19937_64 rng(42);
  std::string blob(48, '\0');
  const auto start = std::chrono::steady_clock::now();
  for (int batch = 0; batch < kRows / kBatch; ++batch) {
    ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                     for (int i = 0; i < kBatch; ++i) {
                       const int64_t id = int64_t{batch} * kBatch + i;
                       for (size_t b = 0; b < blob.size(); b += 8) {
                         const uint64_t r = rng();
                         std::memcpy(&blob[b], &r, 8);
                       }
                       auto n = tx.Execute("INSERT INTO bulk (id, name, idx) VALUES (?, ?, ?)",
                                           {id, "Siti Nurhaliza binti Ahmad", Blob{blob}});
                       if (!n.ok()) return n.status();
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  constexpr int kReads = 20000;
  std::vector<double> micros;
  micros.reserve(kReads);
  std::mt19937 pick(1);
  for (int i = 0; i < kReads; ++i) {
    const int64_t id = pick() % kRows;
    const auto t0 = std::chrono::steady_clock::now();
    absl::Status s = db_->Read([&](Transaction& tx) {
      return tx.Query("SELECT name, idx FROM bulk WHERE id = ?", {id},
                      [](const Row& row) { return row.BytesView(1).size() == 48; });
    });
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_TRUE(s.ok()) << s;
  }
  std::sort(micros.begin(), micros.end());
  std::printf("[%s] insert %d rows (batches of %d, 48-byte indexed blob): %.2f s, %.0f rows/s\n",
              GetParam().name.c_str(), kRows, kBatch, seconds, kRows / seconds);
  std::printf("[%s] point read in its own read transaction: p50 %.1f us, p99 %.1f us\n",
              GetParam().name.c_str(), micros[kReads / 2], micros[kReads * 99 / 100]);
  EXPECT_EQ(Count("bulk"), kRows);
}

}  // namespace
}  // namespace lindungi::store

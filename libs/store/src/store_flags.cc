#include "lindungi/store/store_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, db, "",
          "The service's store: sqlite:///abs/path.db or sqlite://relative/path.db (PostgreSQL: "
          "postgresql://..., not built yet). Default: sqlite://<service>.db in the working "
          "directory");
ABSL_FLAG(int, db_cache_mb, 2048,
          "Most memory for the store writer's page cache (MiB; it grows as needed). Indexes "
          "that fit make imports fast");

namespace lindungi::store {

absl::StatusOr<StoreConfig> StoreConfigFromFlags() {
  StoreConfig c;
  c.url = absl::GetFlag(FLAGS_db);
  const int cache_mb = absl::GetFlag(FLAGS_db_cache_mb);
  if (cache_mb < 8) return absl::InvalidArgumentError("--db_cache_mb must be at least 8");
  c.options.writer_cache_kib = cache_mb * 1024;
  return c;
}

}  // namespace lindungi::store

#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lindungi/store/store.h"

namespace lindungi::store {

struct StoreConfig {
  std::string url;      // --db
  OpenOptions options;  // --db_cache_mb sets options.writer_cache_kib
};

// --db and --db_cache_mb, for services with a SQL store. `default_url` is the service's own
// file, e.g. "sqlite://identity.db".
absl::StatusOr<StoreConfig> StoreConfigFromFlags();

}  // namespace lindungi::store

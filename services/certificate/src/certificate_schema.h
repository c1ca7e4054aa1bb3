#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store.h"

namespace lindungi::certificate {

// certificate-service's migrations, oldest first.
const std::vector<store::Migration>& CertificateMigrations();

// Revokes a dose's active certificates other than `keep_id` ("" keeps none) because the data they
// certify changed, and returns their ids. Superseded certificates differ from revoked ones in one
// way: data that change back get a new certificate id rather than the superseded one, whereas a
// certificate revoked by an admin blocks its data for good.
absl::StatusOr<std::vector<std::string>> SupersedeCertificates(store::Transaction& tx,
                                                               const std::string& citizen_id,
                                                               int dose_number,
                                                               const std::string& keep_id,
                                                               int64_t now_ms);

}  // namespace lindungi::certificate

#pragma once

#include <vector>

#include "lindungi/store/migrations.h"

namespace lindungi::certificate {

// certificate-service's migrations, oldest first.
const std::vector<store::Migration>& CertificateMigrations();

}  // namespace lindungi::certificate

#pragma once

#include <vector>

#include "lindungi/store/migrations.h"

namespace lindungi::identity {

// identity-service's migrations, oldest first.
const std::vector<store::Migration>& IdentityMigrations();

}  // namespace lindungi::identity

#pragma once

#include <vector>

#include "lindungi/store/migrations.h"

namespace lindungi::ticket {

// ticket-service's tables, in order; run by store::Migrate at start-up.
const std::vector<store::Migration>& TicketMigrations();

}  // namespace lindungi::ticket

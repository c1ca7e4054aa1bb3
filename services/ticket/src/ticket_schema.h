#pragma once

#include <vector>

#include "lindungi/store/migrations.h"

namespace lindungi::ticket {

// Unresolved statuses (open, in_progress, waiting_citizen) as SQL, exactly as the partial index
// tickets_unresolved_by_assignee states it: a query must repeat it word for word to use it.
inline constexpr char kUnresolvedCondition[] = "status IN (1, 2, 3)";

// ticket-service's tables, in order; run by store::Migrate at start-up.
const std::vector<store::Migration>& TicketMigrations();

}  // namespace lindungi::ticket

#pragma once

// A ticket's life (ticket.proto TicketStatus):
//
//   open → in_progress → waiting_citizen ⇄ in_progress → resolved | rejected → closed
//   resolved → in_progress (reopen), within the reopen window
//
// Everything else, a move to the same status included, is illegal.

#include "lindungi/ticket/v1/ticket.pb.h"

namespace lindungi::ticket {

// True when the machine has the edge from → to (the reopen window is checked by the caller).
bool IsAllowedTransition(v1::TicketStatus from, v1::TicketStatus to);
// Statuses whose SLA clock runs: open, in_progress, waiting_citizen.
bool IsUnresolved(v1::TicketStatus status);
// resolved or rejected: the ticket carries a resolution and a resolved_at time.
bool IsOutcome(v1::TicketStatus status);

}  // namespace lindungi::ticket

#include "status_machine.h"

namespace lindungi::ticket {

bool IsAllowedTransition(v1::TicketStatus from, v1::TicketStatus to) {
  switch (from) {
    case v1::TICKET_STATUS_OPEN:
      return to == v1::TICKET_STATUS_IN_PROGRESS;
    case v1::TICKET_STATUS_IN_PROGRESS:
      return to == v1::TICKET_STATUS_WAITING_CITIZEN || IsOutcome(to);
    case v1::TICKET_STATUS_WAITING_CITIZEN:
      return to == v1::TICKET_STATUS_IN_PROGRESS;
    case v1::TICKET_STATUS_RESOLVED:
      return to == v1::TICKET_STATUS_CLOSED || to == v1::TICKET_STATUS_IN_PROGRESS;
    case v1::TICKET_STATUS_REJECTED:
      return to == v1::TICKET_STATUS_CLOSED;
    default:
      return false;
  }
}

bool IsUnresolved(v1::TicketStatus status) {
  return status == v1::TICKET_STATUS_OPEN || status == v1::TICKET_STATUS_IN_PROGRESS ||
         status == v1::TICKET_STATUS_WAITING_CITIZEN;
}

bool IsOutcome(v1::TicketStatus status) {
  return status == v1::TICKET_STATUS_RESOLVED || status == v1::TICKET_STATUS_REJECTED;
}

}  // namespace lindungi::ticket

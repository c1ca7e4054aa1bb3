#include "ticket_schema.h"

#include "lindungi/ticket/v1/ticket.pb.h"

static_assert(lindungi::ticket::v1::TICKET_STATUS_OPEN == 1 &&
                  lindungi::ticket::v1::TICKET_STATUS_IN_PROGRESS == 2 &&
                  lindungi::ticket::v1::TICKET_STATUS_WAITING_CITIZEN == 3,
              "kUnresolvedCondition and tickets_unresolved_by_assignee name these numbers");

namespace lindungi::ticket {

// Portable SQL (libs/store). Times are Unix milliseconds. A ticket's whole state is one protobuf
// (lindungi.ticket.v1.Ticket), AES-256-GCM sealed in `body` because it holds the complainant's
// phone, WhatsApp id, e-mail and free text; the other columns copy the fields that filters, sort
// orders and the SLA sweep need, none of them personal. Events keep a sealed TicketEvent
// (with the ticket as it was right after it) under a global id taken from `sequences`, so ids
// increase in commit order. access_events is the append-only PII access audit log: the service
// has no statement that updates or deletes it.
const std::vector<store::Migration>& TicketMigrations() {
  static const auto* migrations = new std::vector<store::Migration>{
      {1, "tickets, events, access audit log", R"sql(
CREATE TABLE tickets (
  ticket_id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  client_request_id TEXT NOT NULL UNIQUE,
  channel BIGINT NOT NULL,
  category BIGINT NOT NULL,
  priority BIGINT NOT NULL,
  status BIGINT NOT NULL,
  assignee TEXT NOT NULL,
  citizen_id TEXT NOT NULL,
  change_request_id TEXT NOT NULL,
  sla_due_at BIGINT NOT NULL,
  sla_breached BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL,
  body BYTES NOT NULL
);
CREATE INDEX tickets_by_due ON tickets (sla_due_at, ticket_id);
CREATE INDEX tickets_by_status ON tickets (status, sla_due_at, ticket_id);
CREATE INDEX tickets_by_assignee ON tickets (assignee, sla_due_at, ticket_id);
CREATE INDEX tickets_by_citizen ON tickets (citizen_id, sla_due_at, ticket_id);
CREATE INDEX tickets_by_change_request ON tickets (change_request_id);
CREATE INDEX tickets_sla_watch ON tickets (sla_breached, status, sla_due_at);
CREATE TABLE ticket_events (
  event_id BIGINT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  kind BIGINT NOT NULL,
  channel BIGINT NOT NULL,
  at BIGINT NOT NULL,
  body BYTES NOT NULL
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, event_id);
CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO sequences (name, value) VALUES ('ticket_event', 0);
CREATE TABLE access_events (
  access_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role BIGINT NOT NULL,
  actor_channel BIGINT NOT NULL,
  action BIGINT NOT NULL,
  citizen_id TEXT NOT NULL,
  masked_query TEXT NOT NULL,
  reason TEXT NOT NULL,
  result BIGINT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX access_by_citizen ON access_events (citizen_id, at, access_id);
CREATE INDEX access_by_actor ON access_events (actor_id, at, access_id)
)sql"},
      // An agent's overdue queue without walking their closed history: 0.17 ms instead of 3.9 ms
      // a page with 2,000 tickets per agent (docs/PERFORMANCE.md).
      {2, "agents' unresolved queues", R"sql(
CREATE INDEX tickets_unresolved_by_assignee ON tickets (assignee, sla_due_at, ticket_id)
  WHERE status IN (1, 2, 3)
)sql"},
  };
  return *migrations;
}

}  // namespace lindungi::ticket

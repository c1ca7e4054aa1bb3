#pragma once

// Complaint tickets (ticket.proto): creation (idempotent on client_request_id), look-ups and
// queues, assignment, notes, the status machine, the SLA sweep, and the event log that
// WatchTicketEvents follows. Every change is one store transaction that writes the ticket (at
// its next version) and its event together, so neither is ever half-written; after the commit
// the event feed is told. No gRPC types here; requests and answers are the proto messages, and
// calls block (run them on the worker pool).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "event_feed.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/store/store.h"
#include "lindungi/ticket/v1/ticket.pb.h"
#include "sla_policy.h"

namespace lindungi::ticket {

struct DeskOptions {
  SlaPolicy sla = SlaPolicy::Defaults();
  absl::Duration reopen_window = absl::Hours(7 * 24);  // RESOLVED -> IN_PROGRESS within this
};

class TicketDesk {
 public:
  // Limits (characters are Unicode code points, so an emoji counts as one).
  static constexpr size_t kMaxText = 4000;  // description, note, resolution
  static constexpr size_t kMaxClientRequestId = 128;
  static constexpr size_t kMaxId = 64;  // citizen, change request, assignee ids

  // `db` must be migrated (TicketMigrations). The feed starts at the newest stored event.
  static absl::StatusOr<std::unique_ptr<TicketDesk>> Open(store::Database& db,
                                                          const crypto::PiiVault& vault,
                                                          clock::Clock& clock, DeskOptions options);

  absl::Status CreateTicket(const v1::CreateTicketRequest& request,
                            v1::CreateTicketResponse* response);
  absl::Status GetTicket(const v1::GetTicketRequest& request, v1::GetTicketResponse* response);
  absl::Status ListTickets(const v1::ListTicketsRequest& request,
                           v1::ListTicketsResponse* response);
  absl::Status ListTicketEvents(const v1::ListTicketEventsRequest& request,
                                v1::ListTicketEventsResponse* response);
  absl::Status AssignTicket(const v1::AssignTicketRequest& request,
                            v1::AssignTicketResponse* response);
  absl::Status AddNote(const v1::AddNoteRequest& request, v1::AddNoteResponse* response);
  absl::Status TransitionTicket(const v1::TransitionTicketRequest& request,
                                v1::TransitionTicketResponse* response);

  // Marks unresolved tickets past their due time as breached, with one SLA_BREACHED event each
  // (the ticket's version does not change: no agent's update is refused for it). Returns how
  // many it marked.
  absl::StatusOr<int> SweepSla();

  // For WatchTicketEvents: events above `after` matching the request's filters, oldest first, at
  // most `limit`, and the id to continue after (past filtered-out events too).
  struct EventBatch {
    std::vector<v1::TicketEvent> events;
    int64_t resume_after = 0;
    int64_t newest = 0;  // the newest committed event id in the snapshot read
  };
  absl::StatusOr<EventBatch> ReadEvents(const v1::WatchTicketEventsRequest& filter, int64_t after,
                                        int limit);
  // INVALID_ARGUMENT for filters WatchTicketEvents cannot serve.
  static absl::Status CheckWatchFilter(const v1::WatchTicketEventsRequest& filter);

  // Tickets not closed, by status (for the metrics gauge at start).
  absl::StatusOr<std::map<v1::TicketStatus, int64_t>> CountOpen();

  EventFeed& feed() { return feed_; }

 private:
  struct Loaded {
    v1::Ticket ticket;
    bool sla_breached = false;
  };
  // What a change did: nothing (no event, no new version), or an event to record.
  enum class Change { kNone, kRecorded };
  using ChangeFn = absl::FunctionRef<absl::StatusOr<Change>(v1::Ticket&, v1::TicketEvent&)>;

  TicketDesk(store::Database& db, const crypto::PiiVault& vault, clock::Clock& clock,
             DeskOptions options, int64_t latest_event)
      : db_(db), vault_(vault), clock_(clock), options_(std::move(options)), feed_(latest_event) {}

  // Loads the ticket, checks expected_version (0 = any), applies `change` and, when it records
  // an event, stores the ticket at the next version with the event, in one transaction. `out`
  // gets the ticket as it is afterwards (and the event, when one was recorded).
  absl::Status Mutate(const std::string& ticket_id, int64_t expected_version,
                      const lindungi::common::v1::Actor& actor, ChangeFn change, v1::Ticket* out,
                      v1::TicketEvent* event_out = nullptr);
  absl::StatusOr<v1::Ticket> Insert(store::Transaction& tx, const v1::CreateTicketRequest& request,
                                    const v1::Contact& contact, absl::Time now);
  // The ticket matching `where` (on the tickets table), with its SLA-breached flag.
  absl::StatusOr<std::optional<Loaded>> Load(store::Transaction& tx, absl::string_view where,
                                             store::Params params);
  // Appends `event` (its ticket set to `ticket`) under the next global id and returns that id.
  absl::StatusOr<int64_t> AppendEvent(store::Transaction& tx, v1::TicketEvent& event,
                                      const v1::Ticket& ticket);
  // Writes `ticket` over `before` (at its version), setting only the index columns that changed:
  // SQLite rewrites an index entry for every column in the SET list, changed or not.
  absl::Status StoreTicket(store::Transaction& tx, const v1::Ticket& ticket, const Loaded& before,
                           bool sla_breached);
  absl::StatusOr<v1::Ticket> OpenBody(absl::string_view ticket_id, absl::string_view sealed) const;
  absl::StatusOr<v1::TicketEvent> OpenEvent(int64_t event_id, absl::string_view sealed) const;
  // Sets the fields computed at read time (overdue).
  void Present(v1::Ticket& ticket, absl::Time now) const;

  store::Database& db_;
  const crypto::PiiVault& vault_;
  clock::Clock& clock_;
  const DeskOptions options_;
  EventFeed feed_;
};

}  // namespace lindungi::ticket

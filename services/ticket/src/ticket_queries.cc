// Ticket reads: queues (ListTickets), a ticket's events, the event log for WatchTicketEvents,
// and counts for the metrics.
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "desk_support.h"
#include "lindungi/ids/ids.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "status_machine.h"
#include "ticket_desk.h"
#include "ticket_schema.h"

namespace lindungi::ticket {

using namespace desk_support;  // NOLINT: the desk's own vocabulary
using records::ToMs;

namespace {

// Appends " AND column IN (1, 2, …)" for `values`: enum numbers, checked by CheckEnums, written
// as literals so that the planner can use partial indexes (store.h), e.g. an agent's open queue.
// The values are sorted and deduplicated, so equal filters give the same SQL text.
void AddIn(absl::string_view column, const google::protobuf::RepeatedField<int>& values,
           std::string* sql) {
  if (values.empty()) return;
  const std::set<int> sorted(values.begin(), values.end());
  absl::StrAppend(sql, " AND ", column, " IN (", absl::StrJoin(sorted, ", "), ")");
}

absl::Status CheckEnums(const google::protobuf::RepeatedField<int>& values, bool (*is_valid)(int),
                        absl::string_view field) {
  for (int v : values) {
    if (v == 0 || !is_valid(v))
      return status::InvalidField(field, absl::StrCat("unknown value ", v));
  }
  return absl::OkStatus();
}

absl::Status CheckListFilters(const v1::ListTicketsRequest& r) {
  if (absl::Status s = CheckEnums(r.statuses(), v1::TicketStatus_IsValid, "statuses"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckEnums(r.categories(), v1::TicketCategory_IsValid, "categories");
      !s.ok()) {
    return s;
  }
  if (!lindungi::common::v1::Channel_IsValid(r.channel())) {
    return status::InvalidField("channel", "not a channel");
  }
  if (r.unassigned_only() && !r.assignee().empty()) {
    return status::InvalidField("unassigned_only", "cannot be combined with an assignee");
  }
  for (const auto& [value, field] :
       {std::pair{&r.assignee(), "assignee"}, std::pair{&r.citizen_id(), "citizen_id"},
        std::pair{&r.change_request_id(), "change_request_id"}}) {
    if (absl::Status s = CheckIdField(*value, field, TicketDesk::kMaxId); !s.ok()) return s;
  }
  if (r.created().has_start() && r.created().has_end() &&
      ToMs(r.created().end()) < ToMs(r.created().start())) {
    return status::InvalidField("created", "the range ends before it starts");
  }
  return absl::OkStatus();
}

// What a page token is bound to: the filters without the paging fields.
std::string FiltersOf(v1::ListTicketsRequest r) {
  r.clear_page_size();
  r.clear_page_token();
  return r.SerializeAsString();
}

}  // namespace

absl::Status TicketDesk::ListTickets(const v1::ListTicketsRequest& request,
                                     v1::ListTicketsResponse* response) {
  absl::StatusOr<int> limit = PageSize(request.page_size(), 50, 500);
  if (!limit.ok()) return limit.status();
  if (absl::Status s = CheckListFilters(request); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  std::string sql = "SELECT ticket_id, body, sla_due_at FROM tickets WHERE 1 = 1";
  std::vector<store::Value> params;
  AddIn("status", request.statuses(), &sql);
  AddIn("category", request.categories(), &sql);
  if (!request.assignee().empty() || request.unassigned_only()) {
    absl::StrAppend(&sql, " AND assignee = ?");
    params.emplace_back(request.assignee());
  }
  if (request.channel() != lindungi::common::v1::CHANNEL_UNSPECIFIED) {
    absl::StrAppend(&sql, " AND channel = ?");
    params.emplace_back(static_cast<int64_t>(request.channel()));
  }
  if (request.overdue_only()) {
    // The condition of the partial index tickets_unresolved_by_assignee, word for word.
    absl::StrAppend(&sql, " AND ", kUnresolvedCondition, " AND sla_due_at < ?");
    params.emplace_back(absl::ToUnixMillis(now));
  }
  if (request.created().has_start()) {
    absl::StrAppend(&sql, " AND created_at >= ?");
    params.emplace_back(ToMs(request.created().start()));
  }
  if (request.created().has_end()) {
    absl::StrAppend(&sql, " AND created_at < ?");
    params.emplace_back(ToMs(request.created().end()));
  }
  if (!request.citizen_id().empty()) {
    absl::StrAppend(&sql, " AND citizen_id = ?");
    params.emplace_back(request.citizen_id());
  }
  if (!request.change_request_id().empty()) {
    absl::StrAppend(&sql, " AND change_request_id = ?");
    params.emplace_back(request.change_request_id());
  }
  const std::string filters = FiltersOf(request);
  if (absl::Status k = AppendKeyset(vault_, request.page_token(), "tickets", filters, "sla_due_at",
                                    "ticket_id", *limit, &sql, &params);
      !k.ok()) {
    return k;
  }
  absl::StatusOr<bool> more =
      ReadPageIn(db_, sql, params, *limit, [&](const store::Row& r) -> absl::StatusOr<size_t> {
        absl::StatusOr<v1::Ticket> t = OpenBody(r.TextView(0), r.BytesView(1));
        if (!t.ok()) return t.status();
        Present(*t, now);
        *response->add_tickets() = *std::move(t);
        return response->tickets(response->tickets_size() - 1).ByteSizeLong();
      });
  if (!more.ok()) return more.status();
  if (*more && response->tickets_size() > 0) {
    const v1::Ticket& last = response->tickets(response->tickets_size() - 1);
    response->set_next_page_token(
        KeysetToken(vault_, "tickets", filters, ToMs(last.sla_due_at()), last.ticket_id()));
  }
  return absl::OkStatus();
}

absl::Status TicketDesk::ListTicketEvents(const v1::ListTicketEventsRequest& request,
                                          v1::ListTicketEventsResponse* response) {
  if (!ids::IsId(request.ticket_id(), "tk")) {
    return status::InvalidField("ticket_id", "not a ticket id");
  }
  absl::StatusOr<int> limit = PageSize(request.page_size(), 100, 1000);
  if (!limit.ok()) return limit.status();
  int64_t after = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> cursor =
        records::ParsePageToken(vault_, request.page_token(), "events", request.ticket_id());
    if (!cursor.ok()) return cursor.status();
    if (!absl::SimpleAtoi(*cursor, &after)) {
      return status::InvalidField("page_token", "not a page token");
    }
  }
  bool more = false;
  absl::Status s = db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<int>> exists =
        tx.QueryOne("SELECT 1 FROM tickets WHERE ticket_id = ?", {request.ticket_id()},
                    [](const store::Row&) { return 1; });
    if (!exists.ok()) return exists.status();
    if (!exists->has_value()) {
      return Failure(absl::StatusCode::kNotFound, "TICKET_NOT_FOUND", "no such ticket");
    }
    absl::StatusOr<bool> m =
        ReadPage(tx,
                 "SELECT event_id, body FROM ticket_events WHERE ticket_id = ? AND event_id > ? "
                 "ORDER BY event_id LIMIT ?",
                 {request.ticket_id(), after, static_cast<int64_t>(*limit + 1)}, *limit,
                 [&](const store::Row& r) -> absl::StatusOr<size_t> {
                   absl::StatusOr<v1::TicketEvent> e = OpenEvent(r.Int(0), r.BytesView(1));
                   if (!e.ok()) return e.status();
                   *response->add_events() = *std::move(e);
                   return response->events(response->events_size() - 1).ByteSizeLong();
                 });
    if (!m.ok()) return m.status();
    more = *m;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (more && response->events_size() > 0) {
    response->set_next_page_token(
        records::PageToken(vault_, "events", request.ticket_id(),
                           absl::StrCat(response->events(response->events_size() - 1).event_id())));
  }
  return absl::OkStatus();
}

absl::Status TicketDesk::CheckWatchFilter(const v1::WatchTicketEventsRequest& filter) {
  if (filter.after_event_id() < 0) {
    return status::InvalidField("after_event_id", "must not be negative");
  }
  if (!filter.ticket_id().empty() && !ids::IsId(filter.ticket_id(), "tk")) {
    return status::InvalidField("ticket_id", "not a ticket id");
  }
  if (absl::Status s =
          CheckEnums(filter.channels(), lindungi::common::v1::Channel_IsValid, "channels");
      !s.ok()) {
    return s;
  }
  return CheckEnums(filter.kinds(), v1::TicketEventKind_IsValid, "kinds");
}

absl::StatusOr<TicketDesk::EventBatch> TicketDesk::ReadEvents(
    const v1::WatchTicketEventsRequest& filter, int64_t after, int limit) {
  EventBatch batch;
  absl::Status s = db_.Read([&](store::Transaction& tx) -> absl::Status {
    // Everything up to the counter is committed in this snapshot, so the stream can skip to it.
    absl::StatusOr<std::optional<int64_t>> newest =
        tx.QueryOne("SELECT value FROM sequences WHERE name = 'ticket_event'", {},
                    [](const store::Row& r) { return r.Int(0); });
    if (!newest.ok()) return newest.status();
    const int64_t high = newest->value_or(0);
    batch.newest = high;
    std::string sql =
        "SELECT event_id, body FROM ticket_events WHERE event_id > ? AND event_id <= ?";
    std::vector<store::Value> params = {after, high};
    if (!filter.ticket_id().empty()) {
      absl::StrAppend(&sql, " AND ticket_id = ?");
      params.emplace_back(filter.ticket_id());
    }
    AddIn("channel", filter.channels(), &sql);
    AddIn("kind", filter.kinds(), &sql);
    absl::StrAppend(&sql, " ORDER BY event_id LIMIT ?");
    params.emplace_back(static_cast<int64_t>(limit + 1));
    absl::StatusOr<bool> more =
        ReadPage(tx, sql, params, limit, [&](const store::Row& r) -> absl::StatusOr<size_t> {
          absl::StatusOr<v1::TicketEvent> e = OpenEvent(r.Int(0), r.BytesView(1));
          if (!e.ok()) return e.status();
          batch.events.push_back(*std::move(e));
          return batch.events.back().ByteSizeLong();
        });
    if (!more.ok()) return more.status();
    batch.resume_after = *more ? batch.events.back().event_id() : high;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return batch;
}

absl::StatusOr<std::map<v1::TicketStatus, int64_t>> TicketDesk::CountOpen() {
  std::map<v1::TicketStatus, int64_t> counts;
  absl::Status s = db_.Read([&](store::Transaction& tx) {
    return tx.Query("SELECT status, COUNT(*) FROM tickets WHERE status <> ? GROUP BY status",
                    {static_cast<int64_t>(v1::TICKET_STATUS_CLOSED)}, [&](const store::Row& r) {
                      counts[static_cast<v1::TicketStatus>(r.Int(0))] = r.Int(1);
                      return true;
                    });
  });
  if (!s.ok()) return s;
  return counts;
}

}  // namespace lindungi::ticket

// Ticket writes: creation, assignment, notes, transitions and the SLA sweep.
#include "ticket_desk.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "desk_support.h"
#include "lindungi/ids/ids.h"
#include "lindungi/log/log.h"
#include "lindungi/phone/phone.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "status_machine.h"
#include "ticket_code.h"
#include "ticket_metrics.h"

namespace lindungi::ticket {

using namespace desk_support;  // NOLINT: the desk's own vocabulary
using lindungi::common::v1::Actor;
using records::SetTime;
using records::ToMs;

namespace {

constexpr int kCodeAttempts = 8;
constexpr int kSweepBatch = 500;

absl::Status CheckContact(const v1::Contact& contact, v1::Contact* normalized) {
  if (!contact.phone().empty()) {
    absl::StatusOr<std::string> e164 = phone::NormalizeMobile(contact.phone());
    if (!e164.ok()) return status::InvalidField("contact.phone", e164.status().message());
    normalized->set_phone(*e164);
    normalized->set_masked_phone(phone::MaskPhone(*e164));
  }
  if (!contact.wa_id().empty()) {
    if (contact.wa_id().size() > 20 ||
        !std::all_of(contact.wa_id().begin(), contact.wa_id().end(), absl::ascii_isdigit)) {
      return status::InvalidField("contact.wa_id", "a WhatsApp id is up to 20 digits");
    }
    normalized->set_wa_id(contact.wa_id());
  }
  if (!contact.email().empty()) {
    const std::string& e = contact.email();
    const size_t at = e.find('@');
    if (e.size() > 254 || at == 0 || at == std::string::npos || at + 1 == e.size() ||
        e.find('@', at + 1) != std::string::npos ||
        std::any_of(e.begin(), e.end(), [](char c) { return c <= 0x20 || c == 0x7f; })) {
      return status::InvalidField("contact.email", "not an e-mail address");
    }
    normalized->set_email(e);
  }
  return absl::OkStatus();
}

absl::Status CheckCreate(const v1::CreateTicketRequest& r) {
  if (r.client_request_id().empty()) {
    return status::InvalidField("client_request_id",
                                "is required, so that a retried call does not open two tickets");
  }
  if (absl::Status s =
          CheckIdField(r.client_request_id(), "client_request_id", TicketDesk::kMaxClientRequestId);
      !s.ok()) {
    return s;
  }
  if (r.channel() == lindungi::common::v1::CHANNEL_UNSPECIFIED ||
      !lindungi::common::v1::Channel_IsValid(r.channel())) {
    return status::InvalidField("channel", "where the complaint came from is required");
  }
  if (r.category() == v1::TICKET_CATEGORY_UNSPECIFIED ||
      !v1::TicketCategory_IsValid(r.category())) {
    return status::InvalidField("category", "the complaint's category is required");
  }
  if (!v1::TicketPriority_IsValid(r.priority())) {
    return status::InvalidField("priority", "not a priority");
  }
  if (absl::Status s = CheckText(r.description(), "description", true, TicketDesk::kMaxText);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckIdField(r.citizen_id(), "citizen_id", TicketDesk::kMaxId); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckIdField(r.change_request_id(), "change_request_id", TicketDesk::kMaxId);
      !s.ok()) {
    return s;
  }
  return records::CheckActor(r.actor());
}

absl::Status VersionMismatch(int64_t current) {
  return Failure(absl::StatusCode::kAborted, "VERSION_MISMATCH",
                 "the ticket changed since it was read; read it again",
                 {{"current_version", absl::StrCat(current)}});
}

absl::Status TicketClosed() {
  return Failure(absl::StatusCode::kFailedPrecondition, "TICKET_CLOSED",
                 "the ticket is closed; open a new one");
}

absl::Status CheckTicketId(absl::string_view id) {
  if (!ids::IsId(id, "tk")) return status::InvalidField("ticket_id", "not a ticket id");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TicketDesk>> TicketDesk::Open(store::Database& db,
                                                             const crypto::PiiVault& vault,
                                                             clock::Clock& clock,
                                                             DeskOptions options) {
  int64_t latest = 0;
  absl::Status s = db.Read([&](store::Transaction& tx) {
    return tx.Query("SELECT value FROM sequences WHERE name = 'ticket_event'", {},
                    [&](const store::Row& r) {
                      latest = r.Int(0);
                      return false;
                    });
  });
  if (!s.ok()) return s;
  return std::unique_ptr<TicketDesk>(new TicketDesk(db, vault, clock, std::move(options), latest));
}

absl::StatusOr<v1::Ticket> TicketDesk::OpenBody(absl::string_view ticket_id,
                                                absl::string_view sealed) const {
  absl::StatusOr<std::string> plain = vault_.Open(absl::StrCat("ticket:", ticket_id), sealed);
  if (!plain.ok()) return absl::DataLossError("a stored ticket does not decrypt (wrong key?)");
  v1::Ticket t;
  if (!t.ParseFromString(*plain)) return absl::DataLossError("a stored ticket does not parse");
  return t;
}

absl::StatusOr<v1::TicketEvent> TicketDesk::OpenEvent(int64_t event_id,
                                                      absl::string_view sealed) const {
  absl::StatusOr<std::string> plain = vault_.Open(absl::StrCat("event:", event_id), sealed);
  if (!plain.ok()) return absl::DataLossError("a stored event does not decrypt (wrong key?)");
  v1::TicketEvent e;
  if (!e.ParseFromString(*plain)) return absl::DataLossError("a stored event does not parse");
  e.set_event_id(event_id);
  return e;
}

void TicketDesk::Present(v1::Ticket& ticket, absl::Time now) const {
  ticket.set_overdue(IsUnresolved(ticket.status()) &&
                     ToMs(ticket.sla_due_at()) < absl::ToUnixMillis(now));
}

absl::StatusOr<std::optional<TicketDesk::Loaded>> TicketDesk::Load(store::Transaction& tx,
                                                                   absl::string_view where,
                                                                   store::Params params) {
  std::optional<Loaded> out;
  absl::Status opened;
  absl::Status s =
      tx.Query(absl::StrCat("SELECT ticket_id, body, sla_breached FROM tickets WHERE ", where),
               params, [&](const store::Row& r) {
                 absl::StatusOr<v1::Ticket> t = OpenBody(r.TextView(0), r.BytesView(1));
                 if (t.ok()) {
                   out = Loaded{*std::move(t), r.Int(2) != 0};
                 } else {
                   opened = t.status();
                 }
                 return false;
               });
  if (!s.ok()) return s;
  if (!opened.ok()) return opened;
  return out;
}

absl::Status TicketDesk::StoreTicket(store::Transaction& tx, const v1::Ticket& t,
                                     const Loaded& before, bool sla_breached) {
  absl::StatusOr<std::string> sealed =
      vault_.Seal(absl::StrCat("ticket:", t.ticket_id()), t.SerializeAsString());
  if (!sealed.ok()) return sealed.status();
  std::string sql = "UPDATE tickets SET updated_at = ?, version = ?, body = ?";
  std::vector<store::Value> params = {ToMs(t.updated_at()), t.version(), store::Blob{*sealed}};
  auto set_if = [&](bool changed, absl::string_view column, store::Value value) {
    if (!changed) return;
    absl::StrAppend(&sql, ", ", column, " = ?");
    params.push_back(std::move(value));
  };
  const v1::Ticket& old = before.ticket;
  set_if(t.status() != old.status(), "status", static_cast<int64_t>(t.status()));
  set_if(t.priority() != old.priority(), "priority", static_cast<int64_t>(t.priority()));
  set_if(t.assignee() != old.assignee(), "assignee", t.assignee());
  set_if(ToMs(t.sla_due_at()) != ToMs(old.sla_due_at()), "sla_due_at", ToMs(t.sla_due_at()));
  set_if(sla_breached != before.sla_breached, "sla_breached", sla_breached ? 1 : 0);
  absl::StrAppend(&sql, " WHERE ticket_id = ? AND version = ?");
  params.emplace_back(t.ticket_id());
  params.emplace_back(old.version());
  absl::StatusOr<int64_t> n = tx.Execute(sql, params);
  if (!n.ok()) return n.status();
  if (*n != 1) return VersionMismatch(t.version());
  return absl::OkStatus();
}

absl::StatusOr<int64_t> TicketDesk::AppendEvent(store::Transaction& tx, v1::TicketEvent& event,
                                                const v1::Ticket& ticket) {
  // One counter row: its update serializes event-writing transactions, so ids follow commits.
  absl::StatusOr<std::optional<int64_t>> id = tx.QueryOne(
      "UPDATE sequences SET value = value + 1 WHERE name = 'ticket_event' RETURNING value", {},
      [](const store::Row& r) { return r.Int(0); });
  if (!id.ok()) return id.status();
  if (!id->has_value()) return absl::InternalError("the event sequence is missing");
  event.set_event_id(**id);
  *event.mutable_ticket() = ticket;
  Present(*event.mutable_ticket(), absl::FromUnixMillis(ToMs(event.at())));
  v1::TicketEvent stored = event;
  stored.clear_event_id();  // the row's key
  absl::StatusOr<std::string> sealed =
      vault_.Seal(absl::StrCat("event:", **id), stored.SerializeAsString());
  if (!sealed.ok()) return sealed.status();
  absl::StatusOr<int64_t> n = tx.Execute(
      "INSERT INTO ticket_events (event_id, ticket_id, kind, channel, at, body) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {**id, ticket.ticket_id(), static_cast<int64_t>(event.kind()),
       static_cast<int64_t>(ticket.channel()), ToMs(event.at()), store::Blob{*sealed}});
  if (!n.ok()) return n.status();
  return **id;
}

absl::StatusOr<v1::Ticket> TicketDesk::Insert(store::Transaction& tx,
                                              const v1::CreateTicketRequest& r,
                                              const v1::Contact& contact, absl::Time now) {
  std::string code;
  for (int attempt = 0; attempt < kCodeAttempts && code.empty(); ++attempt) {
    absl::StatusOr<std::string> candidate = NewTicketCode();
    if (!candidate.ok()) return candidate.status();
    absl::StatusOr<std::optional<int>> taken = tx.QueryOne(
        "SELECT 1 FROM tickets WHERE code = ?", {*candidate}, [](const store::Row&) { return 1; });
    if (!taken.ok()) return taken.status();
    if (!taken->has_value()) code = *candidate;
  }
  if (code.empty()) return absl::InternalError("no free ticket code after 8 attempts");
  const int64_t now_ms = absl::ToUnixMillis(now);
  v1::Ticket t;
  t.set_ticket_id(ids::NewId("tk", now));
  t.set_code(code);
  t.set_channel(r.channel());
  t.set_category(r.category());
  t.set_citizen_id(r.citizen_id());
  *t.mutable_contact() = contact;
  t.set_change_request_id(r.change_request_id());
  t.set_description(r.description());
  t.set_priority(r.priority() == v1::TICKET_PRIORITY_UNSPECIFIED
                     ? options_.sla.DefaultPriority(r.category())
                     : r.priority());
  t.set_status(v1::TICKET_STATUS_OPEN);
  SetTime(absl::ToUnixMillis(now + options_.sla.DueIn(t.category(), t.priority())),
          t.mutable_sla_due_at());
  *t.mutable_created_by() = r.actor();
  SetTime(now_ms, t.mutable_created_at());
  SetTime(now_ms, t.mutable_updated_at());
  t.set_version(1);
  absl::StatusOr<std::string> sealed =
      vault_.Seal(absl::StrCat("ticket:", t.ticket_id()), t.SerializeAsString());
  if (!sealed.ok()) return sealed.status();
  absl::StatusOr<int64_t> n = tx.Execute(
      "INSERT INTO tickets (ticket_id, code, client_request_id, channel, category, priority, "
      "status, assignee, citizen_id, change_request_id, sla_due_at, sla_breached, created_at, "
      "updated_at, version, body) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 0, ?, ?, 1, ?)",
      {t.ticket_id(), code, r.client_request_id(), static_cast<int64_t>(t.channel()),
       static_cast<int64_t>(t.category()), static_cast<int64_t>(t.priority()),
       static_cast<int64_t>(t.status()), t.citizen_id(), t.change_request_id(),
       ToMs(t.sla_due_at()), now_ms, now_ms, store::Blob{*sealed}});
  if (!n.ok()) return n.status();
  return t;
}

absl::Status TicketDesk::CreateTicket(const v1::CreateTicketRequest& request,
                                      v1::CreateTicketResponse* response) {
  if (absl::Status s = CheckCreate(request); !s.ok()) return s;
  v1::Contact contact;  // normalized, with the masked phone
  if (absl::Status s = CheckContact(request.contact(), &contact); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  v1::Ticket ticket;
  v1::TicketEvent event;
  bool created = false;
  auto attempt = [&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Loaded>> existing =
        Load(tx, "client_request_id = ?", {request.client_request_id()});
    if (!existing.ok()) return existing.status();
    created = !existing->has_value();
    if (!created) {
      ticket = (*existing)->ticket;
      return absl::OkStatus();
    }
    absl::StatusOr<v1::Ticket> inserted = Insert(tx, request, contact, now);
    if (!inserted.ok()) return inserted.status();
    ticket = *std::move(inserted);
    event.Clear();
    event.set_kind(v1::TICKET_EVENT_KIND_CREATED);
    event.set_ticket_id(ticket.ticket_id());
    *event.mutable_actor() = request.actor();
    SetTime(absl::ToUnixMillis(now), event.mutable_at());
    event.set_to_status(v1::TICKET_STATUS_OPEN);
    return AppendEvent(tx, event, ticket).status();
  };
  absl::Status s = db_.Write(attempt);
  // A store whose writers run concurrently (PostgreSQL) can lose the race to a retry of the same
  // call: the retry's ticket now exists, and a second attempt returns it.
  if (absl::IsAlreadyExists(s)) s = db_.Write(attempt);
  if (!s.ok()) return s;
  if (created) {
    feed_.Published(event.event_id());
    TicketMetrics::Get().Opened(ticket);
    TicketMetrics::Get().Moved(v1::TICKET_STATUS_UNSPECIFIED, v1::TICKET_STATUS_OPEN);
    log::Info("ticket opened", {{"code", ticket.code()},
                                {"category", CategoryName(ticket.category())},
                                {"priority", PriorityName(ticket.priority())}});
  }
  Present(ticket, now);
  *response->mutable_ticket() = std::move(ticket);
  response->set_created(created);
  return absl::OkStatus();
}

absl::Status TicketDesk::GetTicket(const v1::GetTicketRequest& request,
                                   v1::GetTicketResponse* response) {
  std::string where;
  std::string key;
  switch (request.key_case()) {
    case v1::GetTicketRequest::kTicketId:
      if (absl::Status s = CheckTicketId(request.ticket_id()); !s.ok()) return s;
      where = "ticket_id = ?";
      key = request.ticket_id();
      break;
    case v1::GetTicketRequest::kCode: {
      std::optional<std::string> code = NormalizeTicketCode(request.code());
      if (!code) return status::InvalidField("code", "a ticket code looks like TK-7K3M9Q");
      where = "code = ?";
      key = *code;
      break;
    }
    default:
      return status::InvalidField("key", "give a ticket_id or a code");
  }
  std::optional<v1::Ticket> ticket;
  absl::Status s = db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Loaded>> t = Load(tx, where, {key});
    if (!t.ok()) return t.status();
    if (t->has_value()) ticket = (*t)->ticket;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!ticket) return Failure(absl::StatusCode::kNotFound, "TICKET_NOT_FOUND", "no such ticket");
  Present(*ticket, clock_.Now());
  *response->mutable_ticket() = *std::move(ticket);
  return absl::OkStatus();
}

absl::Status TicketDesk::Mutate(const std::string& ticket_id, int64_t expected_version,
                                const Actor& actor, ChangeFn change, v1::Ticket* out,
                                v1::TicketEvent* event_out) {
  if (absl::Status s = CheckTicketId(ticket_id); !s.ok()) return s;
  if (absl::Status s = records::CheckActor(actor); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  v1::Ticket before;
  v1::TicketEvent event;
  Change result = Change::kNone;
  absl::Status s = db_.Write([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Loaded>> loaded = Load(tx, "ticket_id = ?", {ticket_id});
    if (!loaded.ok()) return loaded.status();
    if (!loaded->has_value()) {
      return Failure(absl::StatusCode::kNotFound, "TICKET_NOT_FOUND", "no such ticket");
    }
    const Loaded original = **loaded;
    v1::Ticket& t = (*loaded)->ticket;
    if (expected_version != 0 && expected_version != t.version()) {
      return VersionMismatch(t.version());
    }
    before = t;
    event.Clear();
    absl::StatusOr<Change> c = change(t, event);
    if (!c.ok()) return c.status();
    result = *c;
    *out = t;
    if (result == Change::kNone) return absl::OkStatus();
    t.set_version(before.version() + 1);
    SetTime(absl::ToUnixMillis(now), t.mutable_updated_at());
    // A new due time (a reopened ticket) starts a new SLA, not yet breached.
    const bool breached =
        original.sla_breached && ToMs(t.sla_due_at()) == ToMs(before.sla_due_at());
    if (absl::Status w = StoreTicket(tx, t, original, breached); !w.ok()) return w;
    event.set_ticket_id(ticket_id);
    *event.mutable_actor() = actor;
    SetTime(absl::ToUnixMillis(now), event.mutable_at());
    absl::StatusOr<int64_t> id = AppendEvent(tx, event, t);
    if (!id.ok()) return id.status();
    *out = t;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (result == Change::kRecorded) {
    feed_.Published(event.event_id());
    if (before.status() != out->status()) {
      TicketMetrics::Get().Moved(before.status(), out->status());
      if (IsOutcome(out->status())) {
        TicketMetrics::Get().Resolved(
            *out, absl::Milliseconds(ToMs(out->resolved_at()) - ToMs(out->created_at())));
      }
    }
  }
  Present(*out, now);
  if (event_out != nullptr) *event_out = std::move(event);
  return absl::OkStatus();
}

absl::Status TicketDesk::AssignTicket(const v1::AssignTicketRequest& request,
                                      v1::AssignTicketResponse* response) {
  if (request.expected_version() <= 0) {
    return status::InvalidField("expected_version",
                                "is required: the version of the ticket you read");
  }
  if (absl::Status s = CheckIdField(request.assignee(), "assignee", kMaxId); !s.ok()) return s;
  return Mutate(
      request.ticket_id(), request.expected_version(), request.actor(),
      [&](v1::Ticket& t, v1::TicketEvent& e) -> absl::StatusOr<Change> {
        if (t.status() == v1::TICKET_STATUS_CLOSED) return TicketClosed();
        if (t.assignee() == request.assignee()) return Change::kNone;
        t.set_assignee(request.assignee());
        e.set_kind(v1::TICKET_EVENT_KIND_ASSIGNED);
        e.set_assignee(request.assignee());
        return Change::kRecorded;
      },
      response->mutable_ticket());
}

absl::Status TicketDesk::AddNote(const v1::AddNoteRequest& request, v1::AddNoteResponse* response) {
  if (absl::Status s = CheckText(request.text(), "text", true, kMaxText); !s.ok()) return s;
  if (!v1::NoteVisibility_IsValid(request.visibility())) {
    return status::InvalidField("visibility", "not a note visibility");
  }
  if (request.expected_version() < 0) {
    return status::InvalidField("expected_version", "must not be negative");
  }
  const v1::NoteVisibility visibility = request.visibility() == v1::NOTE_VISIBILITY_UNSPECIFIED
                                            ? v1::NOTE_VISIBILITY_INTERNAL
                                            : request.visibility();
  v1::Ticket ticket;
  return Mutate(
      request.ticket_id(), request.expected_version(), request.actor(),
      [&](v1::Ticket& t, v1::TicketEvent& e) -> absl::StatusOr<Change> {
        if (t.status() == v1::TICKET_STATUS_CLOSED) return TicketClosed();
        e.set_kind(v1::TICKET_EVENT_KIND_NOTE_ADDED);
        e.set_note(request.text());
        e.set_note_visibility(visibility);
        return Change::kRecorded;
      },
      &ticket, response->mutable_event());
}

absl::Status TicketDesk::TransitionTicket(const v1::TransitionTicketRequest& request,
                                          v1::TransitionTicketResponse* response) {
  const v1::TicketStatus to = request.target_status();
  if (to == v1::TICKET_STATUS_UNSPECIFIED || !v1::TicketStatus_IsValid(to)) {
    return status::InvalidField("target_status", "not a ticket status");
  }
  if (request.expected_version() <= 0) {
    return status::InvalidField("expected_version",
                                "is required: the version of the ticket you read");
  }
  if (IsOutcome(to) && absl::StripAsciiWhitespace(request.resolution()).empty()) {
    return status::WithReason(
        status::InvalidField("resolution", "say how the complaint was resolved or why not"),
        "RESOLUTION_REQUIRED", kDomain);
  }
  if (absl::Status s = CheckText(request.resolution(), "resolution", false, kMaxText); !s.ok()) {
    return s;
  }
  const absl::Time now = clock_.Now();
  return Mutate(
      request.ticket_id(), request.expected_version(), request.actor(),
      [&](v1::Ticket& t, v1::TicketEvent& e) -> absl::StatusOr<Change> {
        const v1::TicketStatus from = t.status();
        const std::string current = StatusName(from);
        if (!IsAllowedTransition(from, to)) {
          return Failure(absl::StatusCode::kFailedPrecondition, "ILLEGAL_TRANSITION",
                         absl::StrCat("a ", current, " ticket cannot become ", StatusName(to)),
                         {{"current_status", current}});
        }
        if (from == v1::TICKET_STATUS_RESOLVED && to == v1::TICKET_STATUS_IN_PROGRESS) {
          if (now - absl::FromUnixMillis(ToMs(t.resolved_at())) > options_.reopen_window) {
            return Failure(absl::StatusCode::kFailedPrecondition, "REOPEN_WINDOW_PASSED",
                           "the ticket was resolved too long ago to reopen; open a new one",
                           {{"current_status", current}});
          }
          t.clear_resolution();
          t.clear_resolved_at();
          SetTime(absl::ToUnixMillis(now + options_.sla.DueIn(t.category(), t.priority())),
                  t.mutable_sla_due_at());
        }
        if (IsOutcome(to)) {
          t.set_resolution(request.resolution());
          SetTime(absl::ToUnixMillis(now), t.mutable_resolved_at());
        }
        t.set_status(to);
        e.set_kind(v1::TICKET_EVENT_KIND_STATUS_CHANGED);
        e.set_from_status(from);
        e.set_to_status(to);
        return Change::kRecorded;
      },
      response->mutable_ticket());
}

absl::StatusOr<int> TicketDesk::SweepSla() {
  int marked = 0;
  for (;;) {
    const absl::Time now = clock_.Now();
    std::vector<v1::Ticket> breached;
    int64_t last_event = 0;
    absl::Status s = db_.Write([&](store::Transaction& tx) -> absl::Status {
      breached.clear();
      std::vector<std::pair<std::string, std::string>> rows;
      absl::Status q = tx.Query(
          "SELECT ticket_id, body FROM tickets WHERE sla_breached = 0 AND status IN (?, ?, ?) "
          "AND sla_due_at < ? ORDER BY sla_due_at LIMIT ?",
          {static_cast<int64_t>(v1::TICKET_STATUS_OPEN),
           static_cast<int64_t>(v1::TICKET_STATUS_IN_PROGRESS),
           static_cast<int64_t>(v1::TICKET_STATUS_WAITING_CITIZEN), absl::ToUnixMillis(now),
           kSweepBatch},
          [&](const store::Row& r) {
            rows.emplace_back(r.Text(0), r.Bytes(1));
            return true;
          });
      if (!q.ok()) return q;
      for (const auto& [id, body] : rows) {
        absl::StatusOr<v1::Ticket> t = OpenBody(id, body);
        if (!t.ok()) return t.status();
        absl::StatusOr<int64_t> n =
            tx.Execute("UPDATE tickets SET sla_breached = 1 WHERE ticket_id = ?", {id});
        if (!n.ok()) return n.status();
        v1::TicketEvent e;
        e.set_kind(v1::TICKET_EVENT_KIND_SLA_BREACHED);
        e.set_ticket_id(id);
        e.mutable_actor()->set_id("ticket-service");
        e.mutable_actor()->set_role(lindungi::common::v1::ROLE_SYSTEM);
        SetTime(absl::ToUnixMillis(now), e.mutable_at());
        absl::StatusOr<int64_t> event_id = AppendEvent(tx, e, *t);
        if (!event_id.ok()) return event_id.status();
        last_event = *event_id;
        breached.push_back(*std::move(t));
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (breached.empty()) break;
    feed_.Published(last_event);
    for (const v1::Ticket& t : breached) TicketMetrics::Get().SlaBreached(t.category());
    marked += static_cast<int>(breached.size());
    if (static_cast<int>(breached.size()) < kSweepBatch) break;
  }
  if (marked > 0) log::Info("SLA breaches recorded", {{"tickets", marked}});
  return marked;
}

}  // namespace lindungi::ticket

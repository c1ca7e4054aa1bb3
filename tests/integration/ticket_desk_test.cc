// ticket-service's desk on a real SQLite file: creation and idempotency, the status machine,
// optimistic versions, notes, queues and pagination, the SLA with an injected clock.
#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/status/status.h"
#include "sla_policy.h"
#include "status_machine.h"
#include "support/ticket_fixture.h"
#include "ticket_code.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

constexpr tkv1::TicketStatus kStatuses[] = {tkv1::TICKET_STATUS_OPEN,
                                            tkv1::TICKET_STATUS_IN_PROGRESS,
                                            tkv1::TICKET_STATUS_WAITING_CITIZEN,
                                            tkv1::TICKET_STATUS_RESOLVED,
                                            tkv1::TICKET_STATUS_REJECTED,
                                            tkv1::TICKET_STATUS_CLOSED};

// The shortest legal path from OPEN to each status.
std::vector<tkv1::TicketStatus> PathTo(tkv1::TicketStatus s) {
  switch (s) {
    case tkv1::TICKET_STATUS_OPEN:
      return {};
    case tkv1::TICKET_STATUS_IN_PROGRESS:
      return {tkv1::TICKET_STATUS_IN_PROGRESS};
    case tkv1::TICKET_STATUS_WAITING_CITIZEN:
      return {tkv1::TICKET_STATUS_IN_PROGRESS, tkv1::TICKET_STATUS_WAITING_CITIZEN};
    case tkv1::TICKET_STATUS_RESOLVED:
      return {tkv1::TICKET_STATUS_IN_PROGRESS, tkv1::TICKET_STATUS_RESOLVED};
    case tkv1::TICKET_STATUS_REJECTED:
      return {tkv1::TICKET_STATUS_IN_PROGRESS, tkv1::TICKET_STATUS_REJECTED};
    default:
      return {tkv1::TICKET_STATUS_IN_PROGRESS, tkv1::TICKET_STATUS_RESOLVED,
              tkv1::TICKET_STATUS_CLOSED};
  }
}

int CountTickets(ticket::TicketDesk& desk) {
  tkv1::ListTicketsRequest r;
  r.set_page_size(500);
  tkv1::ListTicketsResponse resp;
  EXPECT_TRUE(desk.ListTickets(r, &resp).ok());
  return resp.tickets_size();
}

class TicketDeskTest : public TicketFixture {
 protected:
  int Sweep() {
    absl::StatusOr<int> n = desk_->SweepSla();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }
};

TEST_F(TicketDeskTest, ANewTicketIsOpenWithACodeAnSlaAndAMaskedContact) {
  const absl::Time now = clock_.Now();
  tkv1::CreateTicketResponse resp;
  ASSERT_TRUE(desk_->CreateTicket(NewTicketRequest("wamid.1"), &resp).ok());
  const tkv1::Ticket& t = resp.ticket();
  EXPECT_TRUE(resp.created());
  EXPECT_THAT(t.ticket_id(), HasSubstr("tk_"));
  EXPECT_TRUE(ticket::NormalizeTicketCode(t.code()) == t.code()) << t.code();
  EXPECT_EQ(t.status(), tkv1::TICKET_STATUS_OPEN);
  EXPECT_EQ(t.priority(), tkv1::TICKET_PRIORITY_NORMAL) << "the category's default";
  EXPECT_EQ(t.sla_due_at().seconds(), absl::ToUnixSeconds(now + absl::Hours(72)));
  EXPECT_EQ(t.contact().phone(), "+6281234567890");
  EXPECT_EQ(t.contact().masked_phone(), "0812****7890");
  EXPECT_EQ(t.version(), 1);
  EXPECT_FALSE(t.overdue());
  EXPECT_EQ(t.created_by().id(), "chatbot");
  const std::vector<tkv1::TicketEvent> events = Events(t.ticket_id());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), tkv1::TICKET_EVENT_KIND_CREATED);
  EXPECT_EQ(events[0].ticket().code(), t.code());
}

TEST_F(TicketDeskTest, ARetriedCreateReturnsTheFirstTicketWhateverItsBody) {
  const tkv1::Ticket first = Create("wamid.retry");
  tkv1::CreateTicketRequest again = NewTicketRequest("wamid.retry", tkv1::TICKET_CATEGORY_OTHER);
  again.set_description("something else entirely");
  tkv1::CreateTicketResponse resp;
  ASSERT_TRUE(desk_->CreateTicket(again, &resp).ok());
  EXPECT_FALSE(resp.created());
  EXPECT_EQ(resp.ticket().ticket_id(), first.ticket_id());
  EXPECT_EQ(resp.ticket().description(), first.description());
  EXPECT_EQ(CountTickets(*desk_), 1);
  EXPECT_EQ(Events(first.ticket_id()).size(), 1u) << "no second CREATED event";
}

TEST_F(TicketDeskTest, ConcurrentRetriesOpenExactlyOneTicket) {
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads);
  std::atomic<int> created{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      tkv1::CreateTicketResponse resp;
      if (!desk_->CreateTicket(NewTicketRequest("wamid.storm"), &resp).ok()) {
        ++failed;
        return;
      }
      if (resp.created()) ++created;
      ids[i] = resp.ticket().ticket_id();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(CountTickets(*desk_), 1);
}

TEST_F(TicketDeskTest, ATicketIsFoundByIdOrByTheCodeAsPeopleTypeIt) {
  const tkv1::Ticket t = Create("wamid.get");
  std::string sloppy = t.code().substr(3);
  for (char& c : sloppy) c = static_cast<char>(std::tolower(c));
  for (const std::string& typed : {t.code(), sloppy, "tk " + sloppy}) {
    tkv1::GetTicketRequest r;
    r.set_code(typed);
    tkv1::GetTicketResponse resp;
    ASSERT_TRUE(desk_->GetTicket(r, &resp).ok()) << typed;
    EXPECT_EQ(resp.ticket().ticket_id(), t.ticket_id());
  }
  tkv1::GetTicketRequest unknown;
  unknown.set_ticket_id("tk_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
  tkv1::GetTicketResponse resp;
  absl::Status s = desk_->GetTicket(unknown, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status::ReasonOf(s), Optional(std::string("TICKET_NOT_FOUND")));
  unknown.set_code("TK-ZZZZZZ");
  EXPECT_EQ(desk_->GetTicket(unknown, &resp).code(), absl::StatusCode::kNotFound);
  unknown.set_code("not a code");
  EXPECT_EQ(desk_->GetTicket(unknown, &resp).code(), absl::StatusCode::kInvalidArgument);
  unknown.set_ticket_id("'; DROP TABLE tickets; --");
  EXPECT_EQ(desk_->GetTicket(unknown, &resp).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(desk_->GetTicket(tkv1::GetTicketRequest(), &resp).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TicketDeskTest, BadCreateRequestsNameTheFieldAndOpenNothing) {
  struct Case {
    const char* field;
    std::function<void(tkv1::CreateTicketRequest&)> spoil;
  };
  const Case cases[] = {
      {"client_request_id", [](auto& r) { r.clear_client_request_id(); }},
      {"client_request_id", [](auto& r) { r.set_client_request_id(std::string(129, 'x')); }},
      {"channel", [](auto& r) { r.clear_channel(); }},
      {"category", [](auto& r) { r.clear_category(); }},
      {"category", [](auto& r) { r.set_category(static_cast<tkv1::TicketCategory>(42)); }},
      {"priority", [](auto& r) { r.set_priority(static_cast<tkv1::TicketPriority>(9)); }},
      {"description", [](auto& r) { r.set_description("   "); }},
      {"description", [](auto& r) { r.set_description(std::string(4001, 'a')); }},
      {"contact.phone", [](auto& r) { r.mutable_contact()->set_phone("021-555-1234"); }},
      {"contact.wa_id", [](auto& r) { r.mutable_contact()->set_wa_id("+62 812"); }},
      {"contact.email", [](auto& r) { r.mutable_contact()->set_email("budi at example"); }},
      {"citizen_id", [](auto& r) { r.set_citizen_id(std::string(65, 'c')); }},
      {"actor.id", [](auto& r) { r.mutable_actor()->clear_id(); }},
      {"actor.role", [](auto& r) { r.mutable_actor()->clear_role(); }},
  };
  for (const Case& c : cases) {
    tkv1::CreateTicketRequest r = NewTicketRequest("wamid.bad");
    c.spoil(r);
    tkv1::CreateTicketResponse resp;
    absl::Status s = desk_->CreateTicket(r, &resp);
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    auto violation = status::FieldViolationOf(s);
    ASSERT_TRUE(violation.has_value()) << c.field;
    EXPECT_EQ(violation->first, c.field);
  }
  EXPECT_EQ(CountTickets(*desk_), 0);
}

TEST_F(TicketDeskTest, TextLimitsCountCharactersSoEmojiAndUnicodeRoundTrip) {
  std::string emoji;
  for (int i = 0; i < 4000; ++i) emoji += "\xF0\x9F\x98\xB7";  // 😷, 4 bytes each
  tkv1::CreateTicketRequest r = NewTicketRequest("wamid.emoji");
  r.set_description(emoji);
  tkv1::CreateTicketResponse resp;
  ASSERT_TRUE(desk_->CreateTicket(r, &resp).ok()) << "4,000 characters are allowed";
  EXPECT_EQ(Get(resp.ticket().ticket_id()).description(), emoji);

  r.set_client_request_id("wamid.emoji2");
  r.set_description(emoji + "!");
  absl::Status s = desk_->CreateTicket(r, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("4000 characters"));

  tkv1::Ticket t = Get(resp.ticket().ticket_id());
  tkv1::AddNoteRequest note;
  note.set_ticket_id(t.ticket_id());
  note.set_text("Nama: Siti Nurhaliza binti Abdul — “data sudah benar” ✅ 中文 عربى");
  note.set_visibility(tkv1::NOTE_VISIBILITY_CITIZEN);
  *note.mutable_actor() = TicketActor("agent-7");
  tkv1::AddNoteResponse added;
  ASSERT_TRUE(desk_->AddNote(note, &added).ok());
  EXPECT_EQ(Events(t.ticket_id()).back().note(), note.text());
  EXPECT_EQ(Events(t.ticket_id()).back().note_visibility(), tkv1::NOTE_VISIBILITY_CITIZEN);
}

TEST_F(TicketDeskTest, EveryPairOfStatusesMovesOrFailsNamingTheCurrentStatus) {
  int n = 0;
  for (tkv1::TicketStatus from : kStatuses) {
    for (tkv1::TicketStatus to : kStatuses) {
      tkv1::Ticket t = Create(absl::StrCat("pair-", n++));
      for (tkv1::TicketStatus step : PathTo(from)) ASSERT_TRUE(Move(t, step).ok());
      ASSERT_EQ(t.status(), from);
      const int64_t version = t.version();
      absl::Status s = Move(t, to);
      const std::string label =
          absl::StrCat(ticket::StatusName(from), " -> ", ticket::StatusName(to));
      if (ticket::IsAllowedTransition(from, to)) {
        ASSERT_TRUE(s.ok()) << label << ": " << s;
        EXPECT_EQ(t.status(), to) << label;
        EXPECT_EQ(t.version(), version + 1) << label;
        const tkv1::TicketEvent last = Events(t.ticket_id()).back();
        EXPECT_EQ(last.kind(), tkv1::TICKET_EVENT_KIND_STATUS_CHANGED);
        EXPECT_EQ(last.from_status(), from);
        EXPECT_EQ(last.to_status(), to);
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << label;
        EXPECT_THAT(status::ReasonOf(s), Optional(std::string("ILLEGAL_TRANSITION"))) << label;
        EXPECT_THAT(status::MetadataOf(s, "current_status"), Optional(ticket::StatusName(from)))
            << label;
        EXPECT_THAT(s.message(), HasSubstr(ticket::StatusName(from))) << label;
        EXPECT_EQ(Get(t.ticket_id()).version(), version) << label << " changed the ticket";
      }
    }
  }
}

TEST_F(TicketDeskTest, ResolvingOrRejectingNeedsAResolutionText) {
  tkv1::Ticket t = Create("wamid.res");
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  for (tkv1::TicketStatus to : {tkv1::TICKET_STATUS_RESOLVED, tkv1::TICKET_STATUS_REJECTED}) {
    tkv1::TransitionTicketRequest r;
    r.set_ticket_id(t.ticket_id());
    r.set_target_status(to);
    r.set_expected_version(t.version());
    r.set_resolution("  ");
    *r.mutable_actor() = TicketActor("agent-7");
    tkv1::TransitionTicketResponse resp;
    absl::Status s = desk_->TransitionTicket(r, &resp);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status::ReasonOf(s), Optional(std::string("RESOLUTION_REQUIRED")));
  }
  clock_.Advance(absl::Hours(5));
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_RESOLVED, "Data sudah diperbaiki.").ok());
  EXPECT_EQ(t.resolution(), "Data sudah diperbaiki.");
  EXPECT_EQ(t.resolved_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(TicketDeskTest, AResolvedTicketReopensOnlyWithinTheWindowWithANewSla) {
  ticket::DeskOptions options;
  options.reopen_window = absl::Hours(48);
  OpenDesk(options);
  tkv1::Ticket t = Create("wamid.reopen");
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_RESOLVED).ok());
  clock_.Advance(absl::Hours(47));
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_IN_PROGRESS).ok()) << "within the window";
  EXPECT_FALSE(t.has_resolved_at());
  EXPECT_TRUE(t.resolution().empty());
  EXPECT_EQ(t.sla_due_at().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(72)));

  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_RESOLVED).ok());
  clock_.Advance(absl::Hours(48) + absl::Seconds(1));
  absl::Status s = Move(t, tkv1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status::ReasonOf(s), Optional(std::string("REOPEN_WINDOW_PASSED")));
  EXPECT_EQ(Get(t.ticket_id()).status(), tkv1::TICKET_STATUS_RESOLVED);
}

TEST_F(TicketDeskTest, TwoAgentsOnOneVersionOneWinsTheOtherIsAbortedAndRetries) {
  const tkv1::Ticket t = Create("wamid.race");
  tkv1::AssignTicketRequest a;
  a.set_ticket_id(t.ticket_id());
  a.set_assignee("agent-1");
  a.set_expected_version(t.version());
  *a.mutable_actor() = TicketActor("agent-1");
  tkv1::AssignTicketResponse resp;
  ASSERT_TRUE(desk_->AssignTicket(a, &resp).ok());

  tkv1::TransitionTicketRequest stale;
  stale.set_ticket_id(t.ticket_id());
  stale.set_target_status(tkv1::TICKET_STATUS_IN_PROGRESS);
  stale.set_expected_version(t.version());
  *stale.mutable_actor() = TicketActor("agent-2");
  tkv1::TransitionTicketResponse moved;
  absl::Status s = desk_->TransitionTicket(stale, &moved);
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(status::ReasonOf(s), Optional(std::string("VERSION_MISMATCH")));
  EXPECT_THAT(status::MetadataOf(s, "current_version"), Optional(std::string("2")));
  EXPECT_EQ(Get(t.ticket_id()).status(), tkv1::TICKET_STATUS_OPEN) << "nothing half-written";

  stale.set_expected_version(Get(t.ticket_id()).version());  // re-read, retry
  ASSERT_TRUE(desk_->TransitionTicket(stale, &moved).ok());
  EXPECT_EQ(moved.ticket().assignee(), "agent-1");
  EXPECT_EQ(moved.ticket().version(), 3);
}

TEST_F(TicketDeskTest, ConcurrentAssignmentsOnOneVersionLeaveExactlyOneOwner) {
  const tkv1::Ticket t = Create("wamid.grab");
  constexpr int kAgents = 8;
  std::atomic<int> won{0};
  std::atomic<int> aborted{0};
  std::vector<std::string> winners(kAgents);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAgents; ++i) {
    threads.emplace_back([&, i] {
      tkv1::AssignTicketRequest r;
      r.set_ticket_id(t.ticket_id());
      r.set_assignee(absl::StrCat("agent-", i));
      r.set_expected_version(1);
      *r.mutable_actor() = TicketActor(absl::StrCat("agent-", i));
      tkv1::AssignTicketResponse resp;
      absl::Status s = desk_->AssignTicket(r, &resp);
      if (s.ok()) {
        ++won;
        winners[i] = r.assignee();
      } else if (s.code() == absl::StatusCode::kAborted) {
        ++aborted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(aborted.load(), kAgents - 1);
  std::string winner;
  for (const auto& w : winners) winner += w;
  const tkv1::Ticket after = Get(t.ticket_id());
  EXPECT_EQ(after.assignee(), winner);
  EXPECT_EQ(after.version(), 2);
  int assigned = 0;
  for (const auto& e : Events(t.ticket_id())) {
    if (e.kind() == tkv1::TICKET_EVENT_KIND_ASSIGNED) ++assigned;
  }
  EXPECT_EQ(assigned, 1);
}

TEST_F(TicketDeskTest, AssigningTheSameAgentAgainChangesNothing) {
  tkv1::Ticket t = Create("wamid.same");
  tkv1::AssignTicketRequest r;
  r.set_ticket_id(t.ticket_id());
  r.set_assignee("agent-1");
  r.set_expected_version(1);
  *r.mutable_actor() = TicketActor("agent-1");
  tkv1::AssignTicketResponse resp;
  ASSERT_TRUE(desk_->AssignTicket(r, &resp).ok());
  r.set_expected_version(2);
  ASSERT_TRUE(desk_->AssignTicket(r, &resp).ok());
  EXPECT_EQ(resp.ticket().version(), 2);
  EXPECT_EQ(Events(t.ticket_id()).size(), 2u);
  r.set_expected_version(0);
  EXPECT_EQ(desk_->AssignTicket(r, &resp).code(), absl::StatusCode::kInvalidArgument)
      << "assignment needs the version read";
}

TEST_F(TicketDeskTest, AClosedTicketTakesNoAssignmentOrNote) {
  tkv1::Ticket t = Create("wamid.closed");
  for (auto s : PathTo(tkv1::TICKET_STATUS_CLOSED)) ASSERT_TRUE(Move(t, s).ok());
  tkv1::AssignTicketRequest a;
  a.set_ticket_id(t.ticket_id());
  a.set_assignee("agent-9");
  a.set_expected_version(t.version());
  *a.mutable_actor() = TicketActor("agent-9");
  tkv1::AssignTicketResponse assigned;
  absl::Status s = desk_->AssignTicket(a, &assigned);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status::ReasonOf(s), Optional(std::string("TICKET_CLOSED")));
  tkv1::AddNoteRequest n;
  n.set_ticket_id(t.ticket_id());
  n.set_text("late note");
  *n.mutable_actor() = TicketActor("agent-9");
  tkv1::AddNoteResponse noted;
  EXPECT_THAT(status::ReasonOf(desk_->AddNote(n, &noted)), Optional(std::string("TICKET_CLOSED")));
  EXPECT_EQ(Get(t.ticket_id()).version(), t.version());
}

TEST_F(TicketDeskTest, AThousandEventTicketWithLongTextsPagesCompletelyUnderTheMessageLimit) {
  std::string long_text;
  for (int i = 0; i < 4000; ++i) long_text += "\xE2\x9C\x85";  // ✅, 3 bytes
  tkv1::CreateTicketRequest create = NewTicketRequest("wamid.long");
  create.set_description(long_text);
  tkv1::CreateTicketResponse created;
  ASSERT_TRUE(desk_->CreateTicket(create, &created).ok());
  const std::string id = created.ticket().ticket_id();
  for (int i = 0; i < 999; ++i) {
    tkv1::AddNoteRequest n;
    n.set_ticket_id(id);
    n.set_text(i % 100 == 0 ? long_text : absl::StrCat("catatan ", i));
    *n.mutable_actor() = TicketActor("agent-7");
    tkv1::AddNoteResponse resp;
    ASSERT_TRUE(desk_->AddNote(n, &resp).ok()) << i;
  }
  tkv1::ListTicketEventsRequest r;
  r.set_ticket_id(id);
  r.set_page_size(1000);
  std::vector<int64_t> ids;
  int pages = 0;
  for (;;) {
    tkv1::ListTicketEventsResponse resp;
    absl::Status listed = desk_->ListTicketEvents(r, &resp);
    ASSERT_TRUE(listed.ok()) << listed << " on page " << pages + 1;
    EXPECT_LT(resp.ByteSizeLong(), 4u * 1024 * 1024) << "gRPC's default message limit";
    ++pages;
    for (const auto& e : resp.events()) ids.push_back(e.event_id());
    if (resp.next_page_token().empty()) break;
    r.set_page_token(resp.next_page_token());
  }
  ASSERT_EQ(ids.size(), 1000u);
  EXPECT_GT(pages, 1) << "4,000-character snapshots in every event exceed one page";
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_EQ(ids[i], ids[i - 1] + 1);
  EXPECT_EQ(Get(id).version(), 1000);
}

TEST_F(TicketDeskTest, QueuesFilterAndSortByDueTimeThenId) {
  // Urgent (4h), high (24h) and low (120h) tickets across channels and agents.
  std::map<std::string, tkv1::Ticket> by_name;
  auto open = [&](const std::string& name, tkv1::TicketPriority p, lindungi::common::v1::Channel ch,
                  const std::string& assignee) {
    tkv1::CreateTicketRequest r = NewTicketRequest(name);
    r.set_priority(p);
    r.set_channel(ch);
    tkv1::CreateTicketResponse resp;
    EXPECT_TRUE(desk_->CreateTicket(r, &resp).ok());
    tkv1::Ticket t = resp.ticket();
    if (!assignee.empty()) {
      tkv1::AssignTicketRequest a;
      a.set_ticket_id(t.ticket_id());
      a.set_assignee(assignee);
      a.set_expected_version(t.version());
      *a.mutable_actor() = TicketActor(assignee);
      tkv1::AssignTicketResponse assigned;
      EXPECT_TRUE(desk_->AssignTicket(a, &assigned).ok());
      t = assigned.ticket();
    }
    by_name[name] = t;
    clock_.Advance(absl::Minutes(1));
  };
  using lindungi::common::v1::CHANNEL_CALL_CENTER;
  using lindungi::common::v1::CHANNEL_WHATSAPP;
  open("low-wa", tkv1::TICKET_PRIORITY_LOW, CHANNEL_WHATSAPP, "");
  open("high-cc-a1", tkv1::TICKET_PRIORITY_HIGH, CHANNEL_CALL_CENTER, "agent-1");
  open("urgent-wa-a1", tkv1::TICKET_PRIORITY_URGENT, CHANNEL_WHATSAPP, "agent-1");
  open("urgent-cc-a2", tkv1::TICKET_PRIORITY_URGENT, CHANNEL_CALL_CENTER, "agent-2");

  auto names = [&](tkv1::ListTicketsRequest r) {
    tkv1::ListTicketsResponse resp;
    absl::Status s = desk_->ListTickets(r, &resp);
    EXPECT_TRUE(s.ok()) << s;
    std::vector<std::string> out;
    for (const auto& t : resp.tickets()) {
      for (const auto& [name, known] : by_name) {
        if (known.ticket_id() == t.ticket_id()) out.push_back(name);
      }
    }
    return out;
  };
  using ::testing::ElementsAre;
  tkv1::ListTicketsRequest all;
  EXPECT_THAT(names(all), ElementsAre("urgent-wa-a1", "urgent-cc-a2", "high-cc-a1", "low-wa"));
  tkv1::ListTicketsRequest mine;
  mine.set_assignee("agent-1");
  EXPECT_THAT(names(mine), ElementsAre("urgent-wa-a1", "high-cc-a1"));
  tkv1::ListTicketsRequest unassigned;
  unassigned.set_unassigned_only(true);
  EXPECT_THAT(names(unassigned), ElementsAre("low-wa"));
  tkv1::ListTicketsRequest calls;
  calls.set_channel(CHANNEL_CALL_CENTER);
  EXPECT_THAT(names(calls), ElementsAre("urgent-cc-a2", "high-cc-a1"));
  tkv1::ListTicketsRequest created_late;
  *created_late.mutable_created()->mutable_start() = by_name["urgent-wa-a1"].created_at();
  EXPECT_THAT(names(created_late), ElementsAre("urgent-wa-a1", "urgent-cc-a2"));
  tkv1::ListTicketsRequest in_progress;
  in_progress.add_statuses(tkv1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_THAT(names(in_progress), ElementsAre());
  tkv1::ListTicketsRequest otp;
  otp.add_categories(tkv1::TICKET_CATEGORY_OTP_PROBLEM);
  EXPECT_THAT(names(otp), ElementsAre());
}

TEST_F(TicketDeskTest, PagesStayStableWhileTicketsAreAdded) {
  std::vector<std::string> before;
  for (int i = 0; i < 30; ++i) {
    before.push_back(Create(absl::StrCat("page-", i)).ticket_id());
    clock_.Advance(absl::Seconds(1));
  }
  tkv1::ListTicketsRequest r;
  r.set_page_size(7);
  std::vector<std::string> seen;
  int added = 0;
  for (;;) {
    tkv1::ListTicketsResponse resp;
    ASSERT_TRUE(desk_->ListTickets(r, &resp).ok());
    for (const auto& t : resp.tickets()) seen.push_back(t.ticket_id());
    if (resp.next_page_token().empty()) break;
    // Between pages, new tickets land both before the cursor (urgent, due sooner) and after it.
    for (auto p : {tkv1::TICKET_PRIORITY_URGENT, tkv1::TICKET_PRIORITY_LOW}) {
      tkv1::CreateTicketRequest c = NewTicketRequest(absl::StrCat("added-", added++));
      c.set_priority(p);
      tkv1::CreateTicketResponse created;
      ASSERT_TRUE(desk_->CreateTicket(c, &created).ok());
    }
    r.set_page_token(resp.next_page_token());
  }
  // Every ticket that existed is seen exactly once, in order; none is repeated.
  std::vector<std::string> original_seen;
  for (const auto& id : seen) {
    if (std::find(before.begin(), before.end(), id) != before.end()) original_seen.push_back(id);
  }
  EXPECT_EQ(original_seen, before);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(TicketDeskTest, BadFiltersAndPageTokensAreInvalidArguments) {
  for (int i = 0; i < 3; ++i) Create(absl::StrCat("filters-", i));
  struct Case {
    const char* field;
    std::function<void(tkv1::ListTicketsRequest&)> spoil;
  };
  const Case cases[] = {
      {"statuses", [](auto& r) { r.add_statuses(static_cast<tkv1::TicketStatus>(99)); }},
      {"statuses", [](auto& r) { r.add_statuses(tkv1::TICKET_STATUS_UNSPECIFIED); }},
      {"categories", [](auto& r) { r.add_categories(static_cast<tkv1::TicketCategory>(77)); }},
      {"channel", [](auto& r) { r.set_channel(static_cast<lindungi::common::v1::Channel>(9)); }},
      {"unassigned_only",
       [](auto& r) {
         r.set_unassigned_only(true);
         r.set_assignee("agent-1");
       }},
      {"created",
       [](auto& r) {
         r.mutable_created()->mutable_start()->set_seconds(2000);
         r.mutable_created()->mutable_end()->set_seconds(1000);
       }},
      {"page_size", [](auto& r) { r.set_page_size(-1); }},
      {"page_token", [](auto& r) { r.set_page_token("not-a-token"); }},
  };
  for (const Case& c : cases) {
    tkv1::ListTicketsRequest r;
    c.spoil(r);
    tkv1::ListTicketsResponse resp;
    absl::Status s = desk_->ListTickets(r, &resp);
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(status::FieldViolationOf(s)->first, c.field);
  }
  // A real token reused with other filters, or altered, is refused too.
  tkv1::ListTicketsRequest r;
  r.set_page_size(1);
  tkv1::ListTicketsResponse resp;
  ASSERT_TRUE(desk_->ListTickets(r, &resp).ok());
  ASSERT_FALSE(resp.next_page_token().empty());
  tkv1::ListTicketsRequest other;
  other.set_page_size(1);
  other.set_channel(lindungi::common::v1::CHANNEL_EMAIL);
  other.set_page_token(resp.next_page_token());
  EXPECT_EQ(desk_->ListTickets(other, &resp).code(), absl::StatusCode::kInvalidArgument);
  std::string altered = r.page_token();
  tkv1::ListTicketsResponse first;
  ASSERT_TRUE(desk_->ListTickets(r, &first).ok());
  altered = first.next_page_token();
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  r.set_page_token(altered);
  EXPECT_EQ(desk_->ListTickets(r, &resp).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TicketDeskTest, SlaDueAndOverdueFollowTheClockAndABreachIsRecordedOnce) {
  tkv1::CreateTicketRequest high = NewTicketRequest("wamid.sla", tkv1::TICKET_CATEGORY_OTP_PROBLEM);
  tkv1::CreateTicketResponse created;
  ASSERT_TRUE(desk_->CreateTicket(high, &created).ok());
  tkv1::Ticket t = created.ticket();
  EXPECT_EQ(t.priority(), tkv1::TICKET_PRIORITY_HIGH);
  EXPECT_EQ(t.sla_due_at().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(24)));
  tkv1::Ticket done = Create("wamid.done");
  ASSERT_TRUE(Move(done, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(done, tkv1::TICKET_STATUS_RESOLVED).ok());

  tkv1::ListTicketsRequest overdue;
  overdue.set_overdue_only(true);
  tkv1::ListTicketsResponse resp;
  clock_.Advance(absl::Hours(23));
  ASSERT_TRUE(desk_->ListTickets(overdue, &resp).ok());
  EXPECT_EQ(resp.tickets_size(), 0);
  EXPECT_FALSE(Get(t.ticket_id()).overdue());
  EXPECT_EQ(Sweep(), 0);

  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(desk_->ListTickets(overdue, &resp).ok());
  ASSERT_EQ(resp.tickets_size(), 1);
  EXPECT_EQ(resp.tickets(0).ticket_id(), t.ticket_id());
  EXPECT_TRUE(resp.tickets(0).overdue());
  EXPECT_EQ(Sweep(), 1);
  EXPECT_EQ(Sweep(), 0) << "once per ticket";
  const tkv1::TicketEvent breach = Events(t.ticket_id()).back();
  EXPECT_EQ(breach.kind(), tkv1::TICKET_EVENT_KIND_SLA_BREACHED);
  EXPECT_EQ(breach.actor().role(), lindungi::common::v1::ROLE_SYSTEM);
  EXPECT_TRUE(breach.ticket().overdue());
  EXPECT_EQ(Get(t.ticket_id()).version(), 1) << "a breach does not refuse agents' updates";

  // The resolved ticket is long past its due time, but it is neither overdue nor breached.
  clock_.Advance(absl::Hours(100));
  EXPECT_FALSE(Get(done.ticket_id()).overdue());
  EXPECT_EQ(Sweep(), 0);
}

TEST_F(TicketDeskTest, EventListsAndAccessListsRefuseUnknownTicketsAndBadTokens) {
  const tkv1::Ticket t = Create("wamid.events");
  tkv1::ListTicketEventsRequest r;
  r.set_ticket_id("tk_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
  tkv1::ListTicketEventsResponse resp;
  EXPECT_EQ(desk_->ListTicketEvents(r, &resp).code(), absl::StatusCode::kNotFound);
  r.set_ticket_id(t.ticket_id());
  r.set_page_token("garbage");
  EXPECT_EQ(desk_->ListTicketEvents(r, &resp).code(), absl::StatusCode::kInvalidArgument);
  r.set_page_token("");
  r.set_page_size(-5);
  EXPECT_EQ(desk_->ListTicketEvents(r, &resp).code(), absl::StatusCode::kInvalidArgument);

  tkv1::ListAccessRequest a;
  tkv1::ListAccessResponse listed;
  EXPECT_EQ(access_->ListAccess(a, &listed).code(), absl::StatusCode::kInvalidArgument)
      << "neither a citizen nor an agent";
  a.set_citizen_id("c_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
  a.set_page_token("garbage");
  EXPECT_EQ(access_->ListAccess(a, &listed).code(), absl::StatusCode::kInvalidArgument);
  a.set_page_token("");
  a.mutable_time_range()->mutable_start()->set_seconds(2000);
  a.mutable_time_range()->mutable_end()->set_seconds(1000);
  EXPECT_EQ(access_->ListAccess(a, &listed).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TicketDeskTest, NothingPersonalIsStoredInClear) {
  tkv1::CreateTicketRequest r = NewTicketRequest("wamid.secret");
  r.mutable_contact()->set_email("siti.nurhaliza@example.id");
  r.set_description("NIK saya 3201014312850002, tolong cek sertifikat Zamrud-Kuning");
  tkv1::CreateTicketResponse created;
  ASSERT_TRUE(desk_->CreateTicket(r, &created).ok());
  tkv1::AddNoteRequest n;
  n.set_ticket_id(created.ticket().ticket_id());
  n.set_text("Sudah dihubungi di nomor 0812-3456-7890 (Zamrud-Kuning)");
  *n.mutable_actor() = TicketActor("agent-7");
  tkv1::AddNoteResponse noted;
  ASSERT_TRUE(desk_->AddNote(n, &noted).ok());
  std::string stored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream in(dir_ + "/ticket.db" + suffix, std::ios::binary);
    stored += std::string(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(stored.size(), 4096u);
  for (const char* secret : {"6281234567890", "0812", "siti.nurhaliza", "3201014312850002",
                             "Zamrud-Kuning", "Sertifikat"}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret << " is stored in clear";
  }
  EXPECT_NE(stored.find(created.ticket().code()), std::string::npos)
      << "the check above reads the right files";
}

}  // namespace
}  // namespace lindungi::testing

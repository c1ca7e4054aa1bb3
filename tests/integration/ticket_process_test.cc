// lindungi-ticket as a process: the event stream resumed across a kill -9 with no gap and no
// repeat, event streams ended at once by SIGTERM, the metrics real calls move, what bad
// configuration says, and no contact detail or complaint text left readable in the SQLite files.
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "lindungi/status/status.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "support/child_process.h"
#include "support/grpc_probe.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = lindungi::ticket::v1;
namespace commonv1 = lindungi::common::v1;

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoNanoseconds(d);
}

v1::CreateTicketRequest NewTicket(const std::string& client_request_id, commonv1::Channel channel,
                                  v1::TicketCategory category, const std::string& description) {
  v1::CreateTicketRequest r;
  r.set_client_request_id(client_request_id);
  r.set_channel(channel);
  r.set_category(category);
  r.set_description(description);
  if (channel == commonv1::CHANNEL_WHATSAPP) {
    r.mutable_actor()->set_id("chatbot");
    r.mutable_actor()->set_role(commonv1::ROLE_SYSTEM);
  } else {
    r.mutable_actor()->set_id("agent-7");
    r.mutable_actor()->set_role(commonv1::ROLE_AGENT);
  }
  r.mutable_actor()->set_channel(channel);
  return r;
}

commonv1::Actor Agent() {
  commonv1::Actor a;
  a.set_id("agent-7");
  a.set_role(commonv1::ROLE_AGENT);
  a.set_channel(commonv1::CHANNEL_CALL_CENTER);
  return a;
}

// Unary calls with a deadline; a failed call is a test failure unless the caller asks for the
// status (the Try* forms).
class TicketClient {
 public:
  explicit TicketClient(int port) : stub_(v1::TicketService::NewStub(PlaintextChannel(port))) {}

  grpc::Status TryCreate(const v1::CreateTicketRequest& request, v1::CreateTicketResponse* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    return stub_->CreateTicket(&ctx, request, out);
  }
  v1::Ticket Create(const v1::CreateTicketRequest& request) {
    v1::CreateTicketResponse out;
    const grpc::Status s = TryCreate(request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(out.created()) << request.client_request_id();
    return out.ticket();
  }
  v1::Ticket Get(const std::string& ticket_id) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::GetTicketRequest req;
    req.set_ticket_id(ticket_id);
    v1::GetTicketResponse out;
    const grpc::Status s = stub_->GetTicket(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.ticket();
  }
  v1::Ticket Assign(const v1::Ticket& t, const std::string& assignee) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::AssignTicketRequest req;
    req.set_ticket_id(t.ticket_id());
    req.set_assignee(assignee);
    req.set_expected_version(t.version());
    *req.mutable_actor() = Agent();
    v1::AssignTicketResponse out;
    const grpc::Status s = stub_->AssignTicket(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.ticket();
  }
  v1::Ticket Move(const v1::Ticket& t, v1::TicketStatus to, const std::string& resolution = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::TransitionTicketRequest req;
    req.set_ticket_id(t.ticket_id());
    req.set_target_status(to);
    req.set_resolution(resolution);
    req.set_expected_version(t.version());
    *req.mutable_actor() = Agent();
    v1::TransitionTicketResponse out;
    const grpc::Status s = stub_->TransitionTicket(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(out.ticket().status(), to);
    return out.ticket();
  }
  // Returns the NOTE_ADDED event (with the ticket after it).
  v1::TicketEvent Note(const std::string& ticket_id, const std::string& text,
                       v1::NoteVisibility visibility) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::AddNoteRequest req;
    req.set_ticket_id(ticket_id);
    req.set_text(text);
    req.set_visibility(visibility);
    *req.mutable_actor() = Agent();
    v1::AddNoteResponse out;
    const grpc::Status s = stub_->AddNote(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.event();
  }
  std::vector<v1::TicketEvent> Events(const std::string& ticket_id) {
    std::vector<v1::TicketEvent> events;
    std::string token;
    do {
      grpc::ClientContext ctx;
      ctx.set_deadline(In(absl::Seconds(10)));
      v1::ListTicketEventsRequest req;
      req.set_ticket_id(ticket_id);
      req.set_page_size(7);  // several pages for the busier tickets
      req.set_page_token(token);
      v1::ListTicketEventsResponse out;
      const grpc::Status s = stub_->ListTicketEvents(&ctx, req, &out);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      events.insert(events.end(), out.events().begin(), out.events().end());
      token = out.next_page_token();
    } while (!token.empty());
    return events;
  }

 private:
  std::unique_ptr<v1::TicketService::Stub> stub_;
};

// One WatchTicketEvents call, read on its own thread until the server ends it (or Cancel()).
class EventWatcher {
 public:
  EventWatcher(int port, v1::WatchTicketEventsRequest request)
      : stub_(v1::TicketService::NewStub(PlaintextChannel(port))) {
    ctx_.set_deadline(In(absl::Seconds(90)));
    reader_ = stub_->WatchTicketEvents(&ctx_, request);
    thread_ = std::thread([this] {
      v1::WatchTicketEventsResponse r;
      while (reader_->Read(&r)) {
        std::lock_guard<std::mutex> lock(mu_);
        events_.push_back(r.event());
        changed_.notify_all();
      }
      const grpc::Status status = reader_->Finish();
      std::lock_guard<std::mutex> lock(mu_);
      status_ = status;
      done_ = true;
      changed_.notify_all();
    });
  }
  EventWatcher(int port, int64_t after_event_id)
      : EventWatcher(port, [&] {
          v1::WatchTicketEventsRequest r;
          r.set_after_event_id(after_event_id);
          return r;
        }()) {}
  ~EventWatcher() {
    ctx_.TryCancel();
    thread_.join();
  }

  // Until an event with an id of at least `event_id` has arrived; false if the stream ends or
  // `timeout` passes first.
  bool WaitForEvent(int64_t event_id, absl::Duration timeout = absl::Seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [&] {
                               return (!events_.empty() && events_.back().event_id() >= event_id) ||
                                      done_;
                             }) &&
           !events_.empty() && events_.back().event_id() >= event_id;
  }
  // How the server ended the call (waits for the end, at most `timeout`).
  std::optional<grpc::Status> Ended(absl::Duration timeout = absl::Seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return done_; })) {
      return std::nullopt;
    }
    return status_;
  }
  void Cancel() { ctx_.TryCancel(); }
  std::vector<v1::TicketEvent> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::unique_ptr<v1::TicketService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::WatchTicketEventsResponse>> reader_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<v1::TicketEvent> events_;
  grpc::Status status_;
  bool done_ = false;
  std::thread thread_;
};

int64_t ToUnixMillis(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

std::string Describe(const v1::TicketEvent& e) {
  return absl::StrCat("#", e.event_id(), " ", v1::TicketEventKind_Name(e.kind()), " ",
                      e.ticket_id());
}

class TicketProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/pii.key", "ticket-process-test-master-key-0123456789abcdef\n");
  }

  std::vector<std::string> Flags() const {
    return {"--db=sqlite://" + dir_ + "/ticket.db", "--pii_key_file=" + dir_ + "/pii.key"};
  }

  ServiceProcess Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = Flags();
    flags.insert(flags.end(), extra.begin(), extra.end());
    auto svc = StartService("lindungi-ticket", flags, dir_ + "/ticket.log");
    EXPECT_TRUE(svc.ok()) << svc.status();
    return svc.ok() ? std::move(*svc) : ServiceProcess{};
  }

  // Runs lindungi-ticket to its exit (bad configuration); returns the exit code and output.
  std::pair<int, std::string> Run(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {BinDir() + "/lindungi-ticket", "--grpc_port=0", "--health_port=0",
                                 "--metrics_port=0", "--bind_host=127.0.0.1"});
    auto child = ChildProcess::Spawn(flags);
    EXPECT_TRUE(child.ok()) << child.status();
    if (!child.ok()) return {-1, ""};
    const int code = (*child)->Wait(absl::Seconds(30)).value_or(-1);
    return {code, (*child)->Output()};
  }

  std::string dir_;
};

TEST_F(TicketProcessTest, EventStreamResumesAfterKillMinusNineWithNoGapAndNoRepeat) {
  ServiceProcess first = Start();
  ASSERT_NE(first.grpc_port, 0);
  auto before = std::make_unique<EventWatcher>(first.grpc_port, 0);
  TicketClient client(first.grpc_port);

  // Tickets and their changes while the stream reads.
  std::vector<v1::Ticket> tickets;
  for (int i = 0; i < 4; ++i) {
    tickets.push_back(client.Create(NewTicket(
        absl::StrCat("before-", i),
        i % 2 ? commonv1::CHANNEL_CALL_CENTER : commonv1::CHANNEL_WHATSAPP,
        v1::TICKET_CATEGORY_CERTIFICATE_MISSING, absl::StrCat("sertifikat tidak muncul ", i))));
  }
  v1::Ticket resolved = client.Assign(tickets[0], "agent-7");
  resolved = client.Move(resolved, v1::TICKET_STATUS_IN_PROGRESS);
  client.Note(resolved.ticket_id(), "checked the registry", v1::NOTE_VISIBILITY_INTERNAL);
  resolved = client.Get(resolved.ticket_id());
  resolved = client.Move(resolved, v1::TICKET_STATUS_RESOLVED, "certificate sent again");
  v1::Ticket waiting = client.Move(tickets[1], v1::TICKET_STATUS_IN_PROGRESS);
  waiting = client.Move(waiting, v1::TICKET_STATUS_WAITING_CITIZEN);
  const v1::TicketEvent note = client.Note(tickets[2].ticket_id(), "Mohon kirim foto kartu vaksin",
                                           v1::NOTE_VISIBILITY_CITIZEN);
  ASSERT_TRUE(before->WaitForEvent(note.event_id())) << "the stream did not follow the writes";

  // A client keeps opening tickets until the process dies under it.
  std::mutex acked_mu;
  std::vector<v1::Ticket> acked;
  std::atomic<bool> writer_done{false};
  v1::CreateTicketRequest in_flight;
  grpc::Status writer_end;
  std::thread writer([&, port = first.grpc_port] {
    TicketClient w(port);
    for (int i = 0;; ++i) {
      v1::CreateTicketRequest req =
          NewTicket(absl::StrCat("during-", i), commonv1::CHANNEL_WHATSAPP,
                    v1::TICKET_CATEGORY_OTP_PROBLEM, absl::StrCat("kode OTP tidak masuk ", i));
      req.mutable_contact()->set_wa_id(absl::StrCat(6281200000000 + i));
      v1::CreateTicketResponse resp;
      const grpc::Status s = w.TryCreate(req, &resp);
      if (!s.ok()) {
        in_flight = req;
        writer_end = s;
        break;
      }
      std::lock_guard<std::mutex> lock(acked_mu);
      acked.push_back(resp.ticket());
    }
    writer_done = true;
  });
  const bool writing = Eventually([&] {
    std::lock_guard<std::mutex> lock(acked_mu);
    return acked.size() >= 25 || writer_done;
  });
  first.process->Signal(SIGKILL);
  writer.join();
  ASSERT_TRUE(writing);
  ASSERT_FALSE(acked.empty());
  EXPECT_EQ(writer_end.error_code(), grpc::StatusCode::UNAVAILABLE) << writer_end.error_message();
  EXPECT_EQ(first.process->Wait(), 128 + SIGKILL);
  const std::optional<grpc::Status> cut = before->Ended();
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->error_code(), grpc::StatusCode::UNAVAILABLE) << cut->error_message();
  const std::vector<v1::TicketEvent> seen_before = before->events();
  before.reset();
  ASSERT_FALSE(seen_before.empty());
  const int64_t last_seen = seen_before.back().event_id();

  // Same file, same key: resume after the last id received.
  ServiceProcess second = Start();
  ASSERT_NE(second.grpc_port, 0);
  {
    EventWatcher ahead(second.grpc_port, last_seen + 1000000);
    const std::optional<grpc::Status> refused = ahead.Ended();
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->error_code(), grpc::StatusCode::OUT_OF_RANGE);
    EXPECT_EQ(status::ReasonOf(status::FromGrpc(*refused)), "AFTER_EVENT_ID_AHEAD");
  }
  EventWatcher after(second.grpc_port, last_seen);
  TicketClient client2(second.grpc_port);
  // The call cut by the kill, retried: it either committed before the kill or commits now, once.
  v1::CreateTicketResponse retried;
  ASSERT_TRUE(client2.TryCreate(in_flight, &retried).ok());
  client2.Move(resolved, v1::TICKET_STATUS_CLOSED);
  client2.Move(waiting, v1::TICKET_STATUS_IN_PROGRESS);
  client2.Assign(acked.front(), "agent-9");
  client2.Assign(acked.back(), "agent-9");
  v1::Ticket later = client2.Create(NewTicket("after-0", commonv1::CHANNEL_EMAIL,
                                              v1::TICKET_CATEGORY_DATA_CORRECTION,
                                              "nama saya salah di sertifikat"));
  const v1::TicketEvent last =
      client2.Note(later.ticket_id(), "forwarded to identity review", v1::NOTE_VISIBILITY_INTERNAL);
  const int64_t newest = last.event_id();
  ASSERT_TRUE(after.WaitForEvent(newest))
      << "resumed stream stopped at "
      << (after.events().empty() ? std::string("nothing") : Describe(after.events().back()));
  after.Cancel();

  // Both streams together: every event id from 1 to the newest, once each, in order.
  std::vector<v1::TicketEvent> combined = seen_before;
  for (const v1::TicketEvent& e : after.events()) combined.push_back(e);
  ASSERT_EQ(static_cast<int64_t>(combined.size()), newest)
      << "last before the kill " << last_seen << ", first after "
      << (after.events().empty() ? std::string("none") : Describe(after.events().front()));
  for (size_t i = 0; i < combined.size(); ++i) {
    ASSERT_EQ(combined[i].event_id(), static_cast<int64_t>(i + 1))
        << "at position " << i << ": " << Describe(combined[i]);
  }
  std::set<v1::TicketEventKind> kinds;
  for (const v1::TicketEvent& e : combined) kinds.insert(e.kind());
  EXPECT_EQ(kinds, (std::set<v1::TicketEventKind>{
                       v1::TICKET_EVENT_KIND_CREATED, v1::TICKET_EVENT_KIND_ASSIGNED,
                       v1::TICKET_EVENT_KIND_NOTE_ADDED, v1::TICKET_EVENT_KIND_STATUS_CHANGED}));

  // A fresh stream from the start tells the same story, event for event.
  {
    EventWatcher replay(second.grpc_port, 0);
    ASSERT_TRUE(replay.WaitForEvent(newest));
    replay.Cancel();
    const std::vector<v1::TicketEvent> all = replay.events();
    ASSERT_EQ(all.size(), combined.size());
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(all[i], combined[i]))
          << Describe(all[i]) << "\nreplayed: " << all[i].ShortDebugString()
          << "\nstreamed: " << combined[i].ShortDebugString();
    }
  }

  // Per ticket: ListTicketEvents holds the same events, and the last one's snapshot is the ticket.
  std::map<std::string, std::vector<v1::TicketEvent>> by_ticket;
  for (const v1::TicketEvent& e : combined) by_ticket[e.ticket_id()].push_back(e);
  for (const auto& [ticket_id, events] : by_ticket) {
    const std::vector<v1::TicketEvent> listed = client2.Events(ticket_id);
    ASSERT_EQ(listed.size(), events.size()) << ticket_id;
    for (size_t i = 0; i < listed.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(listed[i], events[i])) << Describe(events[i]);
    }
    EXPECT_EQ(events.front().kind(), v1::TICKET_EVENT_KIND_CREATED) << ticket_id;
    EXPECT_TRUE(MessageDifferencer::Equals(client2.Get(ticket_id), events.back().ticket()))
        << ticket_id << " differs from its last event's snapshot";
  }
  // Every ticket acknowledged before the kill is there as created, and the cut call opened
  // exactly one.
  std::map<std::string, v1::Ticket> created;
  int retried_count = 0;
  for (const v1::TicketEvent& e : combined) {
    if (e.kind() != v1::TICKET_EVENT_KIND_CREATED) continue;
    created[e.ticket_id()] = e.ticket();
    if (e.ticket().description() == in_flight.description()) ++retried_count;
  }
  for (const v1::Ticket& t : acked) {
    ASSERT_EQ(created.count(t.ticket_id()), 1u) << t.ticket_id() << " was acknowledged, then lost";
    EXPECT_TRUE(MessageDifferencer::Equals(created[t.ticket_id()], t)) << t.ShortDebugString();
  }
  EXPECT_EQ(retried_count, 1);
  EXPECT_EQ(created.size(), tickets.size() + acked.size() + 1 + 1);  // + the cut call + after-0
  EXPECT_EQ(created[retried.ticket().ticket_id()].description(), in_flight.description());
}

TEST_F(TicketProcessTest, SigtermEndsOpenStreamsWithUnavailableAndExitsWithoutWaitingTheDrain) {
  ServiceProcess svc = Start({"--drain_timeout=60s"});
  ASSERT_NE(svc.grpc_port, 0);
  TicketClient client(svc.grpc_port);
  const v1::Ticket t =
      client.Create(NewTicket("sigterm-1", commonv1::CHANNEL_WHATSAPP,
                              v1::TICKET_CATEGORY_PHONE_CHANGE, "nomor saya sudah tidak aktif"));
  EventWatcher everything(svc.grpc_port, 0);
  v1::WatchTicketEventsRequest one;
  one.set_ticket_id(t.ticket_id());
  one.add_kinds(v1::TICKET_EVENT_KIND_CREATED);
  EventWatcher filtered(svc.grpc_port, one);
  // Both have read the creation and now wait on the feed for more.
  ASSERT_TRUE(everything.WaitForEvent(1));
  ASSERT_TRUE(filtered.WaitForEvent(1));

  const absl::Time signalled = absl::Now();
  svc.process->Signal(SIGTERM);
  const std::optional<int> code = svc.process->Wait(absl::Seconds(15));
  const absl::Duration took = absl::Now() - signalled;
  ASSERT_TRUE(code.has_value()) << "still running 15 s after SIGTERM (--drain_timeout=60s)";
  EXPECT_EQ(*code, 0) << svc.process->Output();
  for (EventWatcher* w : {&everything, &filtered}) {
    const std::optional<grpc::Status> end = w->Ended(absl::Seconds(5));
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->error_code(), grpc::StatusCode::UNAVAILABLE) << end->error_message();
    EXPECT_THAT(end->error_message(), HasSubstr("resume"));
  }
  EXPECT_LT(took, absl::Seconds(15));
}

TEST_F(TicketProcessTest, MetricsFollowRealCallsAndTheOpenGaugeIsRestoredAfterARestart) {
  ServiceProcess svc = Start();
  ASSERT_NE(svc.grpc_port, 0);
  auto client = std::make_unique<TicketClient>(svc.grpc_port);
  const auto otp = [](const std::string& id) {
    return NewTicket(id, commonv1::CHANNEL_WHATSAPP, v1::TICKET_CATEGORY_OTP_PROBLEM,
                     "kode tidak masuk");
  };
  v1::Ticket a = client->Create(otp("m-1"));
  client->Create(otp("m-2"));
  v1::Ticket c = client->Create(NewTicket("m-3", commonv1::CHANNEL_CALL_CENTER,
                                          v1::TICKET_CATEGORY_CERTIFICATE_MISSING, "tidak ada"));
  const auto open = [](const std::string& metrics, const char* status) {
    return MetricValue(metrics, absl::StrCat("lindungi_tickets_open{status=\"", status, "\"}"));
  };
  std::string m = Scrape(svc.metrics_port);
  EXPECT_EQ(MetricValue(m,
                        "lindungi_tickets_opened_total{category=\"otp_problem\",channel="
                        "\"whatsapp\"}"),
            2)
      << m;
  EXPECT_EQ(MetricValue(m,
                        "lindungi_tickets_opened_total{category=\"certificate_missing\","
                        "channel=\"call_center\"}"),
            1);
  EXPECT_EQ(open(m, "open"), 3);
  EXPECT_EQ(open(m, "in_progress"), 0);
  EXPECT_THAT(m, HasSubstr("lindungi_tickets_open{status=\"in_progress\"} 0"))
      << "every status is exported, 0 included";

  a = client->Move(a, v1::TICKET_STATUS_IN_PROGRESS);
  m = Scrape(svc.metrics_port);
  EXPECT_EQ(open(m, "open"), 2);
  EXPECT_EQ(open(m, "in_progress"), 1);

  a = client->Move(a, v1::TICKET_STATUS_RESOLVED, "kode dikirim ulang");
  c = client->Move(c, v1::TICKET_STATUS_IN_PROGRESS);
  c = client->Move(c, v1::TICKET_STATUS_REJECTED, "duplikat");
  m = Scrape(svc.metrics_port);
  EXPECT_EQ(open(m, "open"), 1);
  EXPECT_EQ(open(m, "in_progress"), 0);
  EXPECT_EQ(open(m, "resolved"), 1);
  EXPECT_EQ(open(m, "rejected"), 1);
  EXPECT_EQ(MetricValue(m,
                        "lindungi_tickets_resolved_total{category=\"otp_problem\",channel="
                        "\"whatsapp\",outcome=\"resolved\"}"),
            1)
      << m;
  EXPECT_EQ(MetricValue(m,
                        "lindungi_tickets_resolved_total{category=\"certificate_missing\","
                        "channel=\"call_center\",outcome=\"rejected\"}"),
            1);
  EXPECT_EQ(MetricValue(m, "lindungi_ticket_resolution_seconds_count{category=\"otp_problem\"}"),
            1);
  EXPECT_EQ(
      MetricValue(m, "lindungi_ticket_resolution_seconds_count{category=\"certificate_missing\"}"),
      1);
  // Resolved within the test: in the first bucket (10 minutes).
  EXPECT_EQ(MetricValue(m,
                        "lindungi_ticket_resolution_seconds_bucket{category=\"otp_problem\","
                        "le=\"600\"}"),
            1);

  a = client->Move(a, v1::TICKET_STATUS_CLOSED);  // closed tickets leave the gauge
  m = Scrape(svc.metrics_port);
  EXPECT_EQ(open(m, "resolved"), 0);
  EXPECT_EQ(MetricValue(m,
                        "lindungi_tickets_resolved_total{category=\"otp_problem\",channel="
                        "\"whatsapp\",outcome=\"resolved\"}"),
            1)
      << "closing is not resolving again";

  // A new process counts the store's tickets: one open, one rejected, one closed.
  client.reset();  // an idle channel would hold the drain (DEVELOPMENT.md trap 6)
  svc.process->Signal(SIGTERM);
  ASSERT_EQ(svc.process->Wait(), 0);
  ServiceProcess again = Start();
  ASSERT_NE(again.grpc_port, 0);
  m = Scrape(again.metrics_port);
  EXPECT_EQ(open(m, "open"), 1) << m;
  EXPECT_EQ(open(m, "in_progress"), 0);
  EXPECT_EQ(open(m, "resolved"), 0);
  EXPECT_EQ(open(m, "rejected"), 1);
  EXPECT_EQ(open(m, "waiting_citizen"), 0);
  EXPECT_THAT(m, Not(HasSubstr("lindungi_tickets_open{status=\"closed\"}")));
}

TEST_F(TicketProcessTest, TheSweepMarksOverdueTicketsFromTheSlaFile) {
  // OTP problems are due in 2 s here; everything else keeps the built-in hours.
  WriteFile(dir_ + "/sla.txt", "otp_problem * 2s\n");
  ServiceProcess svc = Start({"--sla_file=" + dir_ + "/sla.txt", "--sla_check_interval=1s"});
  ASSERT_NE(svc.grpc_port, 0);
  v1::WatchTicketEventsRequest breaches;
  breaches.add_kinds(v1::TICKET_EVENT_KIND_SLA_BREACHED);
  EventWatcher watcher(svc.grpc_port, breaches);
  auto client = std::make_unique<TicketClient>(svc.grpc_port);
  const v1::Ticket late = client->Create(
      NewTicket("sla-1", commonv1::CHANNEL_WHATSAPP, v1::TICKET_CATEGORY_OTP_PROBLEM, "kode"));
  const v1::Ticket fine = client->Create(NewTicket("sla-2", commonv1::CHANNEL_WHATSAPP,
                                                   v1::TICKET_CATEGORY_CERTIFICATE_MISSING, "pdf"));
  EXPECT_EQ(ToUnixMillis(late.sla_due_at()) - ToUnixMillis(late.created_at()), 2000);
  EXPECT_EQ(ToUnixMillis(fine.sla_due_at()) - ToUnixMillis(fine.created_at()), 72 * 3600 * 1000);
  // The creations are events 1 and 2; the breach is the next one.
  ASSERT_TRUE(watcher.WaitForEvent(3, absl::Seconds(20)));
  const std::vector<v1::TicketEvent> seen = watcher.events();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].ticket_id(), late.ticket_id());
  EXPECT_EQ(seen[0].kind(), v1::TICKET_EVENT_KIND_SLA_BREACHED);
  EXPECT_TRUE(seen[0].ticket().overdue());
  const v1::Ticket now_late = client->Get(late.ticket_id());
  EXPECT_TRUE(now_late.overdue());
  EXPECT_EQ(now_late.version(), late.version()) << "a breach does not bump the version";
  EXPECT_FALSE(client->Get(fine.ticket_id()).overdue());
  const std::string m = Scrape(svc.metrics_port);
  EXPECT_EQ(MetricValue(m, "lindungi_ticket_sla_breaches_total{category=\"otp_problem\"}"), 1) << m;
  EXPECT_THAT(m,
              Not(HasSubstr("lindungi_ticket_sla_breaches_total{category=\"certificate_missing")));
}

TEST_F(TicketProcessTest, HelpListsTheTicketFlagsAndBadConfigurationSaysWhy) {
  auto help = ChildProcess::Spawn({BinDir() + "/lindungi-ticket", "--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ((*help)->Wait(), 0);
  for (const char* flag : {"sla_file", "reopen_window", "pii_key_file", "sla_check_interval", "db",
                           "grpc_port", "health_port", "metrics_port", "drain_timeout"}) {
    EXPECT_TRUE(
        std::regex_search((*help)->Output(), std::regex(std::string("--") + flag + " \\([^)]")))
        << flag;
  }

  // An SLA rule for a category that does not exist: exit 2, one line naming the line.
  WriteFile(dir_ + "/sla.txt",
            "# due times\n"
            "certificate_missing normal 48h\n"
            "certificate_lost    high   4h\n");
  auto [sla, sla_out] = Run({Flags()[0], Flags()[1], "--sla_file=" + dir_ + "/sla.txt"});
  EXPECT_EQ(sla, 2) << sla_out;
  EXPECT_EQ(sla_out.find('\n'), std::string::npos) << "more than one line:\n" << sla_out;
  EXPECT_THAT(sla_out, HasSubstr("line 3"));
  EXPECT_THAT(sla_out, HasSubstr("certificate_lost"));
  // A bad due time, likewise.
  WriteFile(dir_ + "/sla2.txt", "* urgent soon\n");
  auto [due, due_out] = Run({Flags()[0], Flags()[1], "--sla_file=" + dir_ + "/sla2.txt"});
  EXPECT_EQ(due, 2) << due_out;
  EXPECT_THAT(due_out, HasSubstr("line 1"));
  // A missing SLA file is named.
  auto [no_sla, no_sla_out] = Run({Flags()[0], Flags()[1], "--sla_file=" + dir_ + "/nope.txt"});
  EXPECT_EQ(no_sla, 2);
  EXPECT_THAT(no_sla_out, HasSubstr("nope.txt"));

  // No key, an unreadable key, a short key: refused, naming the flag, never printing the key.
  auto [no_key, no_key_out] = Run({Flags()[0]});
  EXPECT_NE(no_key, 0);
  EXPECT_THAT(no_key_out, HasSubstr("--pii_key_file"));
  auto [lost_key, lost_key_out] = Run({Flags()[0], "--pii_key_file=" + dir_ + "/missing.key"});
  EXPECT_NE(lost_key, 0);
  EXPECT_THAT(lost_key_out, HasSubstr("--pii_key_file"));
  EXPECT_THAT(lost_key_out, HasSubstr("missing.key"));
  WriteFile(dir_ + "/short.key", "too-short-key-31-bytes-long-xyz\n");
  auto [short_key, short_key_out] = Run({Flags()[0], "--pii_key_file=" + dir_ + "/short.key"});
  EXPECT_NE(short_key, 0);
  EXPECT_THAT(short_key_out, HasSubstr("at least 32 bytes"));
  EXPECT_THAT(short_key_out, Not(HasSubstr("too-short-key")));
  EXPECT_THAT(short_key_out, Not(HasSubstr("listening")));

  auto [window, window_out] = Run({Flags()[0], Flags()[1], "--reopen_window=-1h"});
  EXPECT_EQ(window, 2);
  EXPECT_THAT(window_out, HasSubstr("--reopen_window"));
  auto [sweep, sweep_out] = Run({Flags()[0], Flags()[1], "--sla_check_interval=0s"});
  EXPECT_EQ(sweep, 2);
  EXPECT_THAT(sweep_out, HasSubstr("--sla_check_interval"));
}

TEST_F(TicketProcessTest, ContactDetailsAndComplaintTextsAreNotReadableInTheDatabaseFiles) {
  ServiceProcess svc = Start();
  ASSERT_NE(svc.grpc_port, 0);
  auto client = std::make_unique<TicketClient>(svc.grpc_port);
  const std::string description =
      "Sertifikat dosis kedua saya hilang setelah ganti HP KOMODO-PELANGI-7781 \xF0\x9F\x98\xA2";
  const std::string note_text =
      "Mohon kirim ulang ke nomor baru ANGGREK-SENJA-5512 \xF0\x9F\x99\x8F";
  const std::string resolution = "Sertifikat dikirim ulang TERATAI-FAJAR-3321";
  v1::CreateTicketRequest req = NewTicket("pii-1", commonv1::CHANNEL_WHATSAPP,
                                          v1::TICKET_CATEGORY_CERTIFICATE_MISSING, description);
  req.mutable_contact()->set_phone("081398765432");
  req.mutable_contact()->set_wa_id("6281398765432");
  req.mutable_contact()->set_email("siti.aminah.rahayu@example.co.id");
  v1::Ticket t = client->Create(req);
  EXPECT_EQ(t.contact().phone(), "+6281398765432");
  EXPECT_EQ(t.contact().masked_phone(), "0813****5432");
  client->Note(t.ticket_id(), note_text, v1::NOTE_VISIBILITY_CITIZEN);
  t = client->Get(t.ticket_id());
  t = client->Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  t = client->Move(t, v1::TICKET_STATUS_RESOLVED, resolution);
  // Stored, and read back whole (the emoji included).
  EXPECT_EQ(client->Get(t.ticket_id()).description(), description);
  EXPECT_EQ(client->Get(t.ticket_id()).contact().email(), "siti.aminah.rahayu@example.co.id");

  const std::vector<std::string> secrets = {
      "81398765432",  // the number in any form: 0813…, +62813…, 62813… (the WhatsApp id)
      "siti.aminah",
      "example.co.id",
      "KOMODO-PELANGI",
      "ANGGREK-SENJA",
      "TERATAI-FAJAR",
      description,
      note_text,
      resolution,
      "dosis kedua saya hilang",
      "kirim ulang ke nomor baru"};
  const std::string db = dir_ + "/ticket.db";
  const auto check_files = [&](const std::string& when) {
    for (const std::string& file : {db, db + "-wal", db + "-shm"}) {
      const std::string bytes = ReadFileOrDie(file);
      for (const std::string& secret : secrets) {
        EXPECT_EQ(bytes.find(secret), std::string::npos)
            << "'" << secret << "' is readable in " << file << " " << when;
      }
    }
  };
  ASSERT_FALSE(ReadFileOrDie(db).empty());
  EXPECT_FALSE(ReadFileOrDie(db + "-wal").empty()) << "expected the writes in the WAL";
  check_files("while the service runs");
  // Nor in the service's log lines.
  for (const std::string& secret : secrets) {
    EXPECT_THAT(svc.process->Output(), Not(HasSubstr(secret))) << "in the log";
  }
  client.reset();
  svc.process->Signal(SIGTERM);
  ASSERT_EQ(svc.process->Wait(), 0);
  check_files("after a clean stop (checkpointed)");
  for (const std::string& secret : secrets) {
    EXPECT_THAT(svc.process->Output(), Not(HasSubstr(secret))) << "in the log";
  }

  // The same key reads them back after the restart; another key cannot.
  ServiceProcess again = Start();
  ASSERT_NE(again.grpc_port, 0);
  {
    TicketClient client2(again.grpc_port);
    const v1::Ticket back = client2.Get(t.ticket_id());
    EXPECT_EQ(back.description(), description);
    EXPECT_EQ(back.contact().wa_id(), "6281398765432");
    EXPECT_EQ(back.resolution(), resolution);
  }
  again.process->Signal(SIGTERM);
  ASSERT_EQ(again.process->Wait(), 0);
  WriteFile(dir_ + "/other.key", "another-master-key-for-the-same-file-0123456789\n");
  auto wrong =
      StartService("lindungi-ticket", {Flags()[0], "--pii_key_file=" + dir_ + "/other.key"},
                   dir_ + "/wrong-key.log");
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  {
    auto stub = v1::TicketService::NewStub(PlaintextChannel(wrong->grpc_port));
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::GetTicketRequest get;
    get.set_ticket_id(t.ticket_id());
    v1::GetTicketResponse resp;
    const grpc::Status s = stub->GetTicket(&ctx, get, &resp);
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(resp.ticket().description(), Not(HasSubstr("KOMODO")));
  }
}

}  // namespace
}  // namespace lindungi::testing

// ticket-service through a real gRPC server on 127.0.0.1:0: the event stream (live, resumed,
// filtered, ended by the drain), error details on the wire, and the append-only access audit log.
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "lindungi/status/status.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "support/grpc_probe.h"
#include "support/test_env.h"
#include "support/ticket_fixture.h"
#include "ticket_server.h"

namespace lindungi::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

class TicketGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    config_.db_url = "sqlite://" + dir_ + "/ticket.db";
    config_.pii_key = std::string(48, 'k');
    config_.sla_check_interval = absl::ZeroDuration();  // the tests sweep themselves
    options_.bind_host = "127.0.0.1";
    options_.drain_timeout = absl::Seconds(60);
    auto server = ticket::TicketServer::Start(config_, options_, clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = tkv1::TicketService::NewStub(PlaintextChannel(server_->host().grpc_port()));
  }

  tkv1::Ticket Create(const std::string& client_request_id) {
    grpc::ClientContext ctx;
    tkv1::CreateTicketResponse resp;
    grpc::Status s = stub_->CreateTicket(&ctx, NewTicketRequest(client_request_id), &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.ticket();
  }

  grpc::Status Move(tkv1::Ticket& t, tkv1::TicketStatus to) {
    grpc::ClientContext ctx;
    tkv1::TransitionTicketRequest r;
    r.set_ticket_id(t.ticket_id());
    r.set_target_status(to);
    r.set_expected_version(t.version());
    r.set_resolution("Selesai.");
    *r.mutable_actor() = TicketActor("agent-7");
    tkv1::TransitionTicketResponse resp;
    grpc::Status s = stub_->TransitionTicket(&ctx, r, &resp);
    if (s.ok()) t = resp.ticket();
    return s;
  }

  struct Stream {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<tkv1::WatchTicketEventsResponse>> reader;
    // The next event id, or -1 when the stream ended.
    int64_t Next(tkv1::TicketEvent* event = nullptr) {
      tkv1::WatchTicketEventsResponse msg;
      if (!reader->Read(&msg)) return -1;
      if (event != nullptr) *event = msg.event();
      return msg.event().event_id();
    }
  };

  std::unique_ptr<Stream> Watch(tkv1::WatchTicketEventsRequest request) {
    auto s = std::make_unique<Stream>();
    s->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    s->reader = stub_->WatchTicketEvents(&s->ctx, request);
    return s;
  }

  std::unique_ptr<Stream> WatchAfter(int64_t after) {
    tkv1::WatchTicketEventsRequest r;
    r.set_after_event_id(after);
    return Watch(r);
  }

  std::string dir_;
  clock::FakeClock clock_;
  ticket::TicketConfig config_;
  server::ServerOptions options_;
  std::unique_ptr<ticket::TicketServer> server_;
  std::unique_ptr<tkv1::TicketService::Stub> stub_;
};

TEST_F(TicketGrpcTest, AWatcherSeesEachChangeAsItHappens) {
  auto stream = WatchAfter(0);
  tkv1::Ticket t = Create("wamid.live");
  tkv1::TicketEvent e;
  ASSERT_EQ(stream->Next(&e), 1);
  EXPECT_EQ(e.kind(), tkv1::TICKET_EVENT_KIND_CREATED);
  EXPECT_EQ(e.ticket().ticket_id(), t.ticket_id());
  ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  ASSERT_EQ(stream->Next(&e), 2) << "woken by the commit, not by a poll";
  EXPECT_EQ(e.kind(), tkv1::TICKET_EVENT_KIND_STATUS_CHANGED);
  EXPECT_EQ(e.to_status(), tkv1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(e.ticket().version(), 2);
  // An SLA breach found by the sweep is an event too.
  clock_.Advance(absl::Hours(100));
  ASSERT_TRUE(server_->desk().SweepSla().ok());
  ASSERT_EQ(stream->Next(&e), 3);
  EXPECT_EQ(e.kind(), tkv1::TICKET_EVENT_KIND_SLA_BREACHED);
  stream->ctx.TryCancel();
}

TEST_F(TicketGrpcTest, AResumedStreamMissesAndRepeatsNothing) {
  for (int i = 0; i < 5; ++i) {
    tkv1::Ticket t = Create(absl::StrCat("wamid.r", i));
    ASSERT_TRUE(Move(t, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  }
  std::vector<int64_t> ids;
  {
    auto first = WatchAfter(0);
    for (int i = 0; i < 4; ++i) ids.push_back(first->Next());
    first->ctx.TryCancel();  // the gateway's pod goes away
  }
  Create("wamid.while-away");
  auto resumed = WatchAfter(ids.back());
  for (int64_t id = resumed->Next(); id != -1 && ids.size() < 11; id = resumed->Next()) {
    ids.push_back(id);
    if (ids.size() == 11) break;
  }
  ASSERT_EQ(ids.size(), 11u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], static_cast<int64_t>(i + 1));
  resumed->ctx.TryCancel();
}

TEST_F(TicketGrpcTest, FiltersSelectOneTicketsEventsOrSomeKinds) {
  tkv1::Ticket a = Create("wamid.a");
  tkv1::Ticket b = Create("wamid.b");
  ASSERT_TRUE(Move(a, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(b, tkv1::TICKET_STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(b, tkv1::TICKET_STATUS_RESOLVED).ok());

  tkv1::WatchTicketEventsRequest only_b;
  only_b.set_ticket_id(b.ticket_id());
  only_b.add_kinds(tkv1::TICKET_EVENT_KIND_STATUS_CHANGED);
  auto stream = Watch(only_b);
  tkv1::TicketEvent e;
  std::vector<tkv1::TicketStatus> seen;
  for (int i = 0; i < 2; ++i) {
    ASSERT_NE(stream->Next(&e), -1);
    EXPECT_EQ(e.ticket_id(), b.ticket_id());
    seen.push_back(e.to_status());
  }
  EXPECT_THAT(seen, ElementsAre(tkv1::TICKET_STATUS_IN_PROGRESS, tkv1::TICKET_STATUS_RESOLVED));
  // Later events of other tickets are skipped; the next one for b arrives.
  Create("wamid.c");
  ASSERT_TRUE(Move(b, tkv1::TICKET_STATUS_CLOSED).ok());
  ASSERT_NE(stream->Next(&e), -1);
  EXPECT_EQ(e.to_status(), tkv1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(e.event_id(), 7);
  stream->ctx.TryCancel();

  tkv1::WatchTicketEventsRequest channels;
  channels.add_channels(lindungi::common::v1::CHANNEL_EMAIL);
  auto email_only = Watch(channels);
  Create("wamid.d");  // from WhatsApp: not for this watcher
  tkv1::CreateTicketRequest mail = NewTicketRequest("mail-1");
  mail.set_channel(lindungi::common::v1::CHANNEL_EMAIL);
  grpc::ClientContext ctx;
  tkv1::CreateTicketResponse created;
  ASSERT_TRUE(stub_->CreateTicket(&ctx, mail, &created).ok());
  ASSERT_EQ(email_only->Next(&e), 9) << "events 1-8 came from WhatsApp";
  EXPECT_EQ(e.ticket().ticket_id(), created.ticket().ticket_id());
  email_only->ctx.TryCancel();
}

TEST_F(TicketGrpcTest, ResumingFromTheFutureOrWithBadFiltersIsRefused) {
  Create("wamid.one");
  auto ahead = WatchAfter(5);
  EXPECT_EQ(ahead->Next(), -1);
  absl::Status s = status::FromGrpc(ahead->reader->Finish());
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(status::ReasonOf(s), Optional(std::string("AFTER_EVENT_ID_AHEAD")));
  EXPECT_THAT(status::MetadataOf(s, "latest_event_id"), Optional(std::string("1")));

  tkv1::WatchTicketEventsRequest bad;
  bad.set_ticket_id("nonsense");
  auto invalid = Watch(bad);
  EXPECT_EQ(invalid->Next(), -1);
  EXPECT_EQ(invalid->reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(TicketGrpcTest, TheDrainEndsOpenStreamsWithUnavailableAtOnce) {
  Create("wamid.drain");
  auto stream = WatchAfter(0);
  ASSERT_EQ(stream->Next(), 1);  // the stream is established and now waits on the feed
  const absl::Time start = absl::Now();
  std::thread stopper([&] { server_->Shutdown(); });
  EXPECT_EQ(stream->Next(), -1);
  EXPECT_EQ(stream->reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  stopper.join();
  // The drain timeout is 60 s; a stream holding the drain would take all of it.
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST_F(TicketGrpcTest, ErrorsCarryTheirReasonAndCurrentStatusOnTheWire) {
  tkv1::Ticket t = Create("wamid.err");
  grpc::Status s = Move(t, tkv1::TICKET_STATUS_CLOSED);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  absl::Status back = status::FromGrpc(s);
  EXPECT_THAT(status::ReasonOf(back), Optional(std::string("ILLEGAL_TRANSITION")));
  EXPECT_THAT(status::MetadataOf(back, "current_status"), Optional(std::string("open")));
}

tkv1::RecordAccessRequest Access(const std::string& actor, const std::string& citizen,
                                 tkv1::AccessAction action) {
  tkv1::RecordAccessRequest r;
  *r.mutable_actor() = TicketActor(actor);
  r.set_action(action);
  r.set_citizen_id(citizen);
  r.set_reason("Penelepon 119 menanyakan sertifikat dosis 3");
  r.set_result(tkv1::ACCESS_RESULT_GRANTED);
  return r;
}

TEST_F(TicketGrpcTest, TheAccessLogAnswersWhoLookedAtACitizensData) {
  const std::string siti = "c_01JDZ4V3Q7M8N2P4R6S8T0V2X4";
  const std::string budi = "c_01JDZ4V3Q7M8N2P4R6S8T0V2X5";
  std::vector<std::string> siti_ids;
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-request-id", absl::StrCat("req-", i));
    tkv1::RecordAccessResponse resp;
    const std::string agent = i % 2 == 0 ? "agent-1" : "agent-2";
    ASSERT_TRUE(
        stub_
            ->RecordAccess(&ctx,
                           Access(agent, i == 4 ? budi : siti, tkv1::ACCESS_ACTION_LOOKUP_BY_PHONE),
                           &resp)
            .ok());
    if (i != 4) siti_ids.push_back(resp.access_id());
    clock_.Advance(absl::Minutes(1));
  }
  // By citizen, oldest first, two per page.
  tkv1::ListAccessRequest by_citizen;
  by_citizen.set_citizen_id(siti);
  by_citizen.set_page_size(2);
  std::vector<std::string> listed;
  std::vector<std::string> request_ids;
  for (;;) {
    grpc::ClientContext ctx;
    tkv1::ListAccessResponse resp;
    ASSERT_TRUE(stub_->ListAccess(&ctx, by_citizen, &resp).ok());
    for (const auto& e : resp.events()) {
      listed.push_back(e.access_id());
      request_ids.push_back(e.request_id());
      EXPECT_EQ(e.reason(), "Penelepon 119 menanyakan sertifikat dosis 3");
    }
    if (resp.next_page_token().empty()) break;
    by_citizen.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(listed, siti_ids);
  EXPECT_THAT(request_ids, ElementsAre("req-0", "req-1", "req-2", "req-3"))
      << "the caller's request id, to join with its logs";
  // By agent, within a time range.
  tkv1::ListAccessRequest by_agent;
  by_agent.set_actor_id("agent-1");
  *by_agent.mutable_time_range()->mutable_start() = google::protobuf::Timestamp();
  by_agent.mutable_time_range()->mutable_end()->set_seconds(
      absl::ToUnixSeconds(clock_.Now() - absl::Minutes(1)));
  grpc::ClientContext ctx;
  tkv1::ListAccessResponse resp;
  ASSERT_TRUE(stub_->ListAccess(&ctx, by_agent, &resp).ok());
  ASSERT_EQ(resp.events_size(), 2) << "agent-1's events at minutes 0 and 2, not 4";
  EXPECT_EQ(resp.events(0).citizen_id(), siti);
}

TEST_F(TicketGrpcTest, AccessEventsMustBeCompleteAndNeverHoldAFullNumber) {
  struct Case {
    const char* field;
    std::function<void(tkv1::RecordAccessRequest&)> spoil;
  };
  const Case cases[] = {
      {"actor.id", [](auto& r) { r.mutable_actor()->clear_id(); }},
      {"action", [](auto& r) { r.clear_action(); }},
      {"result", [](auto& r) { r.clear_result(); }},
      {"reason", [](auto& r) { r.set_reason(" "); }},
      {"citizen_id", [](auto& r) { r.clear_citizen_id(); }},
      {"masked_query", [](auto& r) { r.set_masked_query("081234567890"); }},
      {"masked_query", [](auto& r) { r.set_masked_query("3201011705900001"); }},
  };
  for (const Case& c : cases) {
    tkv1::RecordAccessRequest r =
        Access("agent-1", "c_01JDZ4V3Q7M8N2P4R6S8T0V2X4", tkv1::ACCESS_ACTION_LOOKUP_BY_NIK);
    c.spoil(r);
    grpc::ClientContext ctx;
    tkv1::RecordAccessResponse resp;
    absl::Status s = status::FromGrpc(stub_->RecordAccess(&ctx, r, &resp));
    ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(status::FieldViolationOf(s)->first, c.field);
  }
  // A look-up that found nobody is recorded with the masked query.
  tkv1::RecordAccessRequest nobody = Access("agent-1", "", tkv1::ACCESS_ACTION_LOOKUP_BY_PHONE);
  nobody.set_masked_query("0812****7890");
  nobody.set_result(tkv1::ACCESS_RESULT_NOT_FOUND);
  grpc::ClientContext ctx;
  tkv1::RecordAccessResponse resp;
  EXPECT_TRUE(stub_->RecordAccess(&ctx, nobody, &resp).ok());
}

TEST_F(TicketGrpcTest, NoRpcCanChangeOrDeleteTheAccessLog) {
  // The service's whole surface: a new RPC must be reviewed against the audit log's promise.
  std::set<std::string> methods;
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      tkv1::TicketService::service_full_name());
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) methods.insert(service->method(i)->name());
  EXPECT_EQ(methods,
            (std::set<std::string>{"CreateTicket", "GetTicket", "ListTickets", "ListTicketEvents",
                                   "AssignTicket", "AddNote", "TransitionTicket",
                                   "WatchTicketEvents", "RecordAccess", "ListAccess"}));
  const std::string citizen = "c_01JDZ4V3Q7M8N2P4R6S8T0V2X4";
  grpc::ClientContext rec;
  tkv1::RecordAccessResponse recorded;
  ASSERT_TRUE(stub_
                  ->RecordAccess(&rec, Access("agent-1", citizen, tkv1::ACCESS_ACTION_VIEW_HISTORY),
                                 &recorded)
                  .ok());
  auto list = [&] {
    grpc::ClientContext ctx;
    tkv1::ListAccessRequest r;
    r.set_citizen_id(citizen);
    tkv1::ListAccessResponse resp;
    EXPECT_TRUE(stub_->ListAccess(&ctx, r, &resp).ok());
    return resp.SerializeAsString();
  };
  const std::string before = list();
  // Every writing RPC aimed at the access event's id fails and leaves the log as it was.
  const std::string id = recorded.access_id();
  {
    grpc::ClientContext ctx;
    tkv1::AssignTicketRequest r;
    r.set_ticket_id(id);
    r.set_expected_version(1);
    r.set_assignee("agent-x");
    *r.mutable_actor() = TicketActor("agent-x");
    tkv1::AssignTicketResponse resp;
    EXPECT_FALSE(stub_->AssignTicket(&ctx, r, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    tkv1::AddNoteRequest r;
    r.set_ticket_id(id);
    r.set_text("overwrite");
    *r.mutable_actor() = TicketActor("agent-x");
    tkv1::AddNoteResponse resp;
    EXPECT_FALSE(stub_->AddNote(&ctx, r, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    tkv1::TransitionTicketRequest r;
    r.set_ticket_id(id);
    r.set_target_status(tkv1::TICKET_STATUS_CLOSED);
    r.set_expected_version(1);
    *r.mutable_actor() = TicketActor("agent-x");
    tkv1::TransitionTicketResponse resp;
    EXPECT_FALSE(stub_->TransitionTicket(&ctx, r, &resp).ok());
  }
  // Recording the same access again appends a second event; the first stays as it was.
  grpc::ClientContext again;
  tkv1::RecordAccessResponse second;
  ASSERT_TRUE(stub_
                  ->RecordAccess(
                      &again, Access("agent-1", citizen, tkv1::ACCESS_ACTION_VIEW_HISTORY), &second)
                  .ok());
  EXPECT_NE(second.access_id(), id);
  tkv1::ListAccessResponse after;
  ASSERT_TRUE(after.ParseFromString(list()));
  tkv1::ListAccessResponse first;
  ASSERT_TRUE(first.ParseFromString(before));
  ASSERT_EQ(after.events_size(), 2);
  EXPECT_EQ(after.events(0).SerializeAsString(), first.events(0).SerializeAsString());
}

}  // namespace
}  // namespace lindungi::testing

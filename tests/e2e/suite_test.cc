// tools/suite as a developer uses it: up, use, Ctrl-C, up again; and recovery after kill -9.
#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "lindungi/certificate/v1/certificate.grpc.pb.h"
#include "lindungi/http/client.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"
#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "lindungi/whatsapp/webhook.h"
#include "support/child_process.h"
#include "support/grpc_probe.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;

class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = MakeTempDir();
    // Fixed ports from a base below the kernel's ephemeral range (32768 and up), where every
    // other test's port-0 sockets land: Redis at base, services at base+10..52.
    base_ = 20000 + (FreePort() % 12000);
  }

  std::unique_ptr<ChildProcess> Suite(const std::string& command) {
    auto child = ChildProcess::Spawn({"/usr/bin/env", "LINDUNGI_RUN_DIR=" + run_dir_,
                                      "LINDUNGI_BIN_DIR=" + BinDir(),
                                      "LINDUNGI_PORT_BASE=" + std::to_string(base_),
                                      SourceDir() + "/tools/suite", command, "--no-build"});
    EXPECT_TRUE(child.ok());
    return std::move(*child);
  }

  std::unique_ptr<ChildProcess> Up() {
    auto up = Suite("up");
    // The banner's last line: after it the script only waits, so a signal is never lost in a
    // foreground command (bash drops a SIGINT sent to it alone while one runs).
    EXPECT_TRUE(up->WaitForLine([](const std::string& l) { return l.rfind("Logs: ", 0) == 0; },
                                absl::Seconds(60)))
        << up->Output();
    EXPECT_THAT(up->Output(), HasSubstr("Lindungi is running"));
    return up;
  }

  std::vector<pid_t> RecordedPids() {
    std::vector<pid_t> pids;
    for (const auto& f : std::filesystem::directory_iterator(run_dir_ + "/pids")) {
      std::ifstream in(f.path());
      pid_t pid;
      if (in >> pid) pids.push_back(pid);
    }
    return pids;
  }

  std::string run_dir_;
  int base_ = 0;
};

bool Alive(pid_t pid) { return kill(pid, 0) == 0; }

TEST_F(SuiteTest, UpServesCtrlCStopsEverythingAndUpWorksAgain) {
  auto up = Up();
  const int otp_health = base_ + 11;
  EXPECT_EQ(HealthCheck(otp_health).value_or("down"), "SERVING");
  EXPECT_THAT(up->Output(), HasSubstr(absl::StrCat("127.0.0.1:", base_ + 10)));

  auto stub = lindungi::otp::v1::OtpService::NewStub(PlaintextChannel(base_ + 10));
  grpc::ClientContext ctx;
  lindungi::otp::v1::RequestOtpRequest req;
  req.set_phone("081234567890");  // a demo number
  req.set_requester("wa:suite-test");
  lindungi::otp::v1::RequestOtpResponse resp;
  ASSERT_TRUE(stub->RequestOtp(&ctx, req, &resp).ok());
  EXPECT_TRUE(Eventually([&] {
    return ReadFileOrDie(run_dir_ + "/otp-outbox.jsonl").find("Kode verifikasi") !=
           std::string::npos;
  }));
  stub.reset();

  // The demo registry is loaded into both services: a demo citizen gets a signed certificate.
  auto identity = lindungi::identity::v1::IdentityService::NewStub(PlaintextChannel(base_ + 20));
  grpc::ClientContext find_ctx;
  lindungi::identity::v1::FindByPhoneRequest find;
  find.set_phone("081234567890");
  lindungi::identity::v1::FindByPhoneResponse family;
  ASSERT_TRUE(identity->FindByPhone(&find_ctx, find, &family).ok());
  ASSERT_EQ(family.citizens_size(), 3);
  std::string budi;
  for (const auto& c : family.citizens()) {
    if (c.full_name() == "BUDI SANTOSO") budi = c.citizen_id();
  }
  auto certificates =
      lindungi::certificate::v1::CertificateService::NewStub(PlaintextChannel(base_ + 30));
  grpc::ClientContext issue_ctx;
  lindungi::certificate::v1::IssueCertificateRequest issue;
  issue.set_citizen_id(budi);
  issue.set_dose_number(1);
  lindungi::certificate::v1::IssueCertificateResponse certificate;
  const grpc::Status issued = certificates->IssueCertificate(&issue_ctx, issue, &certificate);
  ASSERT_TRUE(issued.ok()) << issued.error_message();
  EXPECT_EQ(certificate.hc1().rfind("HC1:", 0), 0u);
  EXPECT_EQ(certificate.pdf().rfind("%PDF-", 0), 0u);
  identity.reset();
  certificates.reset();

  // complaint-ticket service takes a complaint and finds it again by its code.
  EXPECT_EQ(HealthCheck(base_ + 41).value_or("down"), "SERVING");
  EXPECT_THAT(up->Output(), HasSubstr(absl::StrCat("ticket       127.0.0.1:", base_ + 40)));
  auto tickets = lindungi::ticket::v1::TicketService::NewStub(PlaintextChannel(base_ + 40));
  grpc::ClientContext open_ctx;
  lindungi::ticket::v1::CreateTicketRequest open;
  open.set_client_request_id("suite-test-1");
  open.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
  open.set_category(lindungi::ticket::v1::TICKET_CATEGORY_CERTIFICATE_MISSING);
  open.set_citizen_id(budi);
  open.set_description("Sertifikat dosis 3 tidak muncul");
  open.mutable_actor()->set_id("chatbot");
  open.mutable_actor()->set_role(lindungi::common::v1::ROLE_SYSTEM);
  lindungi::ticket::v1::CreateTicketResponse opened;
  const grpc::Status created = tickets->CreateTicket(&open_ctx, open, &opened);
  ASSERT_TRUE(created.ok()) << created.error_message();
  grpc::ClientContext get_ctx;
  lindungi::ticket::v1::GetTicketRequest get;
  get.set_code(opened.ticket().code());
  lindungi::ticket::v1::GetTicketResponse found;
  ASSERT_TRUE(tickets->GetTicket(&get_ctx, get, &found).ok());
  EXPECT_EQ(found.ticket().citizen_id(), budi);

  // The gateway's webhook answers Meta's handshake with the suite's verify token.
  EXPECT_EQ(HealthCheck(base_ + 51).value_or("down"), "SERVING");
  const std::string token = ReadFileOrDie(run_dir_ + "/secrets/wa-verify-token");
  absl::StatusOr<std::string> challenge = HttpGet(absl::StrCat(
      "http://127.0.0.1:", base_ + 55,
      "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=4242&hub.verify_token=", token));
  ASSERT_TRUE(challenge.ok()) << challenge.status();
  EXPECT_EQ(*challenge, "4242");

  // A signed message goes through the whole pipeline: the scaffolding acknowledgement reaches
  // the suite's stand-in for the WhatsApp Cloud API.
  const std::string body =
      R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",)"
      R"("value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"100000000000001"},)"
      R"("messages":[{"from":"6281234567890","id":"wamid.suite-1","timestamp":"1764000000",)"
      R"("type":"text","text":{"body":"halo"}}]}}]}]})";
  http::Request post;
  post.method = "POST";
  post.url = absl::StrCat("http://127.0.0.1:", base_ + 55, "/webhooks/whatsapp");
  post.headers = {{"Content-Type", "application/json"},
                  {"X-Hub-Signature-256",
                   whatsapp::Sign(ReadFileOrDie(run_dir_ + "/secrets/wa-app-secret"), body)}};
  post.body = body;
  absl::StatusOr<http::Response> posted = http::HttpClient().Send(post);
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(posted->status, 200) << posted->body;
  const std::string graph = absl::StrCat("http://127.0.0.1:", base_ + 56, "/_control/requests");
  EXPECT_TRUE(Eventually([&] {
    absl::StatusOr<std::string> requests = HttpGet(graph);
    return requests.ok() && requests->find("Terima kasih") != std::string::npos;
  })) << HttpGet(graph).value_or("fake-graph-api unreachable");

  const std::vector<pid_t> pids = RecordedPids();
  ASSERT_EQ(pids.size(), 7u);  // redis, fake-graph-api, identity, certificate, otp, ticket, gateway

  // The gateway follows the event stream; Ctrl-C ends it with UNAVAILABLE (reconnect, resume).
  // The open stream also keeps this process polling, so the services' drains see their
  // connections close at once (DEVELOPMENT.md trap 6) instead of on 5 s backup-poller ticks.
  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(90));
  auto watch = tickets->WatchTicketEvents(&watch_ctx, {});
  lindungi::ticket::v1::WatchTicketEventsResponse event;
  ASSERT_TRUE(watch->Read(&event));
  EXPECT_EQ(event.event().ticket_id(), opened.ticket().ticket_id());
  grpc::Status watch_end;
  std::thread follower([&] {
    while (watch->Read(&event)) {
    }
    watch_end = watch->Finish();
  });
  up->Signal(SIGINT);  // what Ctrl-C delivers
  EXPECT_EQ(up->Wait(absl::Seconds(60)), 0) << up->Output();
  follower.join();
  EXPECT_EQ(watch_end.error_code(), grpc::StatusCode::UNAVAILABLE) << watch_end.error_message();
  watch.reset();
  tickets.reset();
  for (pid_t pid : pids) EXPECT_FALSE(Alive(pid)) << "orphan process " << pid;
  EXPECT_TRUE(std::filesystem::is_empty(run_dir_ + "/pids")) << "stale pid files left behind";

  auto again = Up();
  EXPECT_EQ(HealthCheck(otp_health).value_or("down"), "SERVING");
  again->Signal(SIGTERM);
  EXPECT_EQ(again->Wait(absl::Seconds(60)), 0);
}

TEST_F(SuiteTest, AfterKillMinusNineDownCleansUpAndUpStartsAfresh) {
  auto up = Up();
  const std::vector<pid_t> pids = RecordedPids();
  // The terminal is closed the hard way: the script dies, its children keep running.
  kill(up->pid(), SIGKILL);
  ASSERT_TRUE(up->Wait().has_value());
  auto refused = Suite("up");
  EXPECT_NE(refused->Wait(absl::Seconds(60)).value_or(0), 0);
  EXPECT_THAT(refused->Output(), HasSubstr("tools/suite down"));

  auto down = Suite("down");
  EXPECT_EQ(down->Wait(absl::Seconds(60)), 0) << down->Output();
  for (pid_t pid : pids) {
    EXPECT_TRUE(Eventually([&] { return !Alive(pid); })) << "still running: " << pid;
  }

  // Stale pid files from a crash (processes gone) do not block the next start.
  std::ofstream(run_dir_ + "/pids/otp.pid") << "999999 lindungi-otp\n";
  auto fresh = Up();
  EXPECT_EQ(HealthCheck(base_ + 11).value_or("down"), "SERVING");
  fresh->Signal(SIGINT);
  EXPECT_EQ(fresh->Wait(absl::Seconds(60)), 0);
}

}  // namespace
}  // namespace lindungi::testing

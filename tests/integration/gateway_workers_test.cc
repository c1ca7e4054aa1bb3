// The gateway's workers as a process, with a real redis-server and tools/fake-graph-api as the
// WhatsApp Cloud API: every message answered once, a contact's messages in WhatsApp timestamp
// order, throttling retried, undeliverable never retried, dead letters with an apology, load
// shedding, and kill -9 with messages pending followed by a restart.
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/redis/redis.h"
#include "support/fake_graph.h"
#include "support/gateway_fixture.h"
#include "support/redis_server.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kAck[] = "Terima kasih, pesan Anda sudah kami terima";

class GatewayWorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    dir_ = MakeTempDir();
    auto graph = FakeGraph::Start(dir_, kGraphAccessToken);
    ASSERT_TRUE(graph.ok()) << graph.status();
    graph_ = std::move(*graph);
    pool_ = std::make_unique<redis::RedisPool>(redis_->options());
  }

  void StartGateway(std::vector<std::string> flags) {
    flags.push_back("--graph_api_base_url=" + graph_->base_url());
    auto gateway = GatewayProcess::Start(dir_, redis_->url(), flags);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
  }

  void Deliver(const std::vector<TextIn>& messages) {
    EXPECT_EQ(gateway_->PostSigned(WebhookBody(messages)).status, 200);
  }

  // The /messages requests the fake received, in order (mark-as-read ones too).
  std::vector<Json> Sent() {
    std::vector<Json> out;
    for (const Json& r : graph_->Requests()) {
      if (r.contains("json") && r["path"].get<std::string>().find("/messages") != std::string::npos)
        out.push_back(r["json"]);
    }
    return out;
  }

  // Text bodies sent to each recipient.
  std::map<std::string, std::vector<std::string>> TextsByRecipient() {
    std::map<std::string, std::vector<std::string>> out;
    for (const Json& j : Sent()) {
      if (j.value("type", "") == "text") {
        out[j["to"].get<std::string>()].push_back(j["text"]["body"].get<std::string>());
      }
    }
    return out;
  }

  int64_t Integer(const std::vector<std::string>& command) {
    auto r = pool_->Command(command);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->integer : -1;
  }

  // Every queued entry acknowledged (nothing pending in the group) and `n` of them answered.
  bool AllHandled(int answered) {
    auto pending = pool_->Command({"XPENDING", "wa:inbound", "gateway"});
    if (!pending.ok() || pending->elements.empty() || pending->elements[0].integer != 0)
      return false;
    return Metric("lindungi_gateway_messages_handled_total{result=\"answered\"}") >= answered;
  }

  // The dead-letter stream's entries, as field maps.
  std::vector<std::map<std::string, std::string>> DeadLetters() {
    std::vector<std::map<std::string, std::string>> out;
    auto dead = pool_->Command({"XRANGE", "wa:dead", "-", "+"});
    EXPECT_TRUE(dead.ok()) << dead.status();
    if (!dead.ok()) return out;
    for (const redis::Reply& entry : dead->elements) {
      const auto& kv = entry.elements[1].elements;
      auto& fields = out.emplace_back();
      for (size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].str] = kv[i + 1].str;
    }
    return out;
  }

  double Metric(const std::string& series) {
    return MetricValue(Scrape(gateway_->metrics_port()), series);
  }

  std::unique_ptr<RedisServer> redis_;
  std::string dir_;
  std::unique_ptr<FakeGraph> graph_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::unique_ptr<redis::RedisPool> pool_;
};

TEST_F(GatewayWorkersTest, EveryMessageIsMarkedReadAndAnsweredOnceThenAcknowledged) {
  StartGateway({});
  Deliver({{"wamid.A1", "6281100000001"}, {"wamid.B1", "6281100000002"}});
  Deliver({{"wamid.A1", "6281100000001"}, {"wamid.C1", "6281100000003"}});  // A1 again
  ASSERT_TRUE(Eventually([&] { return AllHandled(3); })) << gateway_->process().Output();

  auto texts = TextsByRecipient();
  ASSERT_EQ(texts.size(), 3u);
  for (const auto& [to, bodies] : texts) {
    ASSERT_EQ(bodies.size(), 1u) << to;
    EXPECT_THAT(bodies[0], HasSubstr(kAck));
  }
  std::vector<std::string> read;
  for (const Json& j : Sent()) {
    if (j.value("status", "") == "read") {
      read.push_back(j["message_id"].get<std::string>());
      EXPECT_EQ(j["typing_indicator"]["type"], "text");
    }
  }
  EXPECT_THAT(read, ::testing::UnorderedElementsAre("wamid.A1", "wamid.B1", "wamid.C1"));
  EXPECT_EQ(Integer({"XLEN", "wa:inbound"}), 3);
  EXPECT_EQ(Metric("lindungi_reply_latency_seconds_count{flow=\"ack\"}"), 3);
  EXPECT_EQ(Metric("lindungi_gateway_replies_total{result=\"sent\"}"), 3);
  // The sampler reports an empty queue.
  EXPECT_TRUE(Eventually([&] {
    const std::string m = Scrape(gateway_->metrics_port());
    return m.find("lindungi_gateway_queue_messages{state=\"pending\"} 0") != std::string::npos &&
           m.find("lindungi_gateway_queue_messages{state=\"waiting\"} 0") != std::string::npos;
  }));
}

TEST_F(GatewayWorkersTest, AContactsMessagesThatArriveTogetherAreHandledInTimestampOrder) {
  StartGateway({});
  const std::string who = "6281100000009";
  Deliver({{"wamid.third", who, 1764000003},
           {"wamid.first", who, 1764000001},
           {"wamid.second", who, 1764000002}});
  ASSERT_TRUE(Eventually([&] { return AllHandled(3); })) << gateway_->process().Output();
  std::vector<std::string> order;  // mark-read, then the reply, message by message
  for (const Json& j : Sent()) {
    order.push_back(j.value("status", "") == "read" ? j["message_id"].get<std::string>() : "reply");
  }
  EXPECT_THAT(order,
              ElementsAre("wamid.first", "reply", "wamid.second", "reply", "wamid.third", "reply"));
}

TEST_F(GatewayWorkersTest, AThrottledReplyIsRetriedAndAnUndeliverableOneNeverIs) {
  StartGateway({"--mark_read=false"});
  graph_->Inject({{"status", 429}, {"code", 130429}, {"retry_after", "0"}});
  Deliver({{"wamid.T1", "6281100000011"}});
  ASSERT_TRUE(Eventually([&] { return AllHandled(1); })) << gateway_->process().Output();
  ASSERT_EQ(Sent().size(), 2u);  // the 429, then the reply that went out
  EXPECT_EQ(TextsByRecipient()["6281100000011"].size(), 2u);
  EXPECT_EQ(Metric("lindungi_gateway_replies_total{result=\"sent\"}"), 1);

  graph_->Reset();
  graph_->Inject({{"status", 400}, {"code", 131026}});
  Deliver({{"wamid.U1", "6281100000012"}});
  ASSERT_TRUE(Eventually([&] {
    return Metric("lindungi_gateway_replies_total{result=\"failed\"}") == 1 && AllHandled(2);
  })) << gateway_->process().Output();
  EXPECT_EQ(Sent().size(), 1u);  // tried once, never again: the message is acknowledged
  EXPECT_EQ(Metric("lindungi_whatsapp_outbound_total{code=\"131026\",kind=\"text\"}"), 1);
}

TEST_F(GatewayWorkersTest, AfterMaxAttemptsAMessageIsDeadLetteredAndTheCitizenGetsAnApology) {
  StartGateway({"--mark_read=false", "--max_attempts=2", "--graph_max_attempts=1",
                "--claim_idle=200ms", "--claim_interval=50ms"});
  graph_->Inject({{"status", 503}, {"count", 2}});
  Deliver({{"wamid.D1", "6281100000021"}});
  ASSERT_TRUE(Eventually([&] {
    return Metric("lindungi_gateway_messages_handled_total{result=\"dead_letter\"}") == 1;
  })) << gateway_->process().Output();
  const std::vector<std::string> texts = TextsByRecipient()["6281100000021"];
  ASSERT_EQ(texts.size(), 3u);  // two failed acknowledgements, then the apology
  EXPECT_THAT(texts[2], HasSubstr("Mohon maaf"));
  EXPECT_THAT(texts[2], HasSubstr("119"));
  const auto dead = DeadLetters();
  ASSERT_EQ(dead.size(), 1u);
  std::map<std::string, std::string> fields = dead[0];
  EXPECT_EQ(fields["id"], "wamid.D1");
  EXPECT_EQ(fields["reason"], "max_attempts");
  EXPECT_EQ(fields["attempts"], "2");
  EXPECT_THAT(fields["message"], HasSubstr("halo"));
  EXPECT_TRUE(Eventually([&] { return AllHandled(0); }));
  EXPECT_EQ(Metric("lindungi_gateway_dead_letters_total"), 1);
  EXPECT_GE(Metric("lindungi_gateway_claims_total"), 2);
  EXPECT_EQ(Metric("lindungi_reply_latency_seconds_count{flow=\"apology\"}"), 1);
}

TEST_F(GatewayWorkersTest, TheApologyGoesOutEvenWhenAnEarlierAttemptTookTheFirstReplysSlot) {
  // A worker died between taking reply 0's slot and sending it, max_attempts times over.
  StartGateway({"--mark_read=false", "--max_attempts=2"});
  ASSERT_TRUE(pool_->Command({"SET", "gw:reply:wamid.P1:0", "1"}).ok());
  ASSERT_TRUE(pool_->Command({"SET", "gw:tries:wamid.P1", "2"}).ok());
  Deliver({{"wamid.P1", "6281100000061"}});
  ASSERT_TRUE(Eventually([&] {
    return Metric("lindungi_gateway_messages_handled_total{result=\"dead_letter\"}") == 1;
  })) << gateway_->process().Output();
  const std::vector<std::string> texts = TextsByRecipient()["6281100000061"];
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("Mohon maaf"));
}

TEST_F(GatewayWorkersTest, WhenTheQueueLagsTheHandlerIsToldAndTheCitizenAskedToComeBackLater) {
  StartGateway({"--mark_read=false", "--shed_queue_lag=60s"});
  // A message that has waited ten minutes, as in a backlog after an outage.
  const std::string received = absl::StrCat(absl::ToUnixMillis(absl::Now() - absl::Minutes(10)));
  const std::string message =
      R"({"from":"6281100000031","id":"wamid.L1","timestamp":"1764000000","type":"text",)"
      R"("text":{"body":"halo"}})";
  ASSERT_TRUE(pool_
                  ->Command({"XADD", "wa:inbound", "*", "phone_number_id", kBusinessNumberId,
                             "message", message, "received_ms", received})
                  .ok());
  ASSERT_TRUE(Eventually([&] { return AllHandled(1); })) << gateway_->process().Output();
  const std::vector<std::string> texts = TextsByRecipient()["6281100000031"];
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("sedang ramai"));
  EXPECT_THAT(texts[0], HasSubstr("dalam 10 menit"));
  EXPECT_EQ(Metric("lindungi_gateway_shed_total"), 1);
  EXPECT_EQ(Metric("lindungi_reply_latency_seconds_count{flow=\"busy\"}"), 1);
}

TEST_F(GatewayWorkersTest, AnEntryWithoutIdOrSenderIsDeadLetteredNotAnsweredAndTheNextOneIs) {
  StartGateway({"--mark_read=false"});
  // Both lack what a reply needs: one cannot be read at all, one names no sender. Each is
  // dead-lettered on its own (their once-keys fall back to the entry id).
  for (const char* message :
       {"not json", R"({"id":"wamid.U2","type":"text","text":{"body":"no sender"}})"}) {
    ASSERT_TRUE(pool_
                    ->Command({"XADD", "wa:inbound", "*", "phone_number_id", kBusinessNumberId,
                               "message", message, "received_ms", "1764000000000"})
                    .ok());
  }
  Deliver({{"wamid.U3", "6281100000041"}});
  ASSERT_TRUE(Eventually([&] {
    return AllHandled(1) &&
           Metric("lindungi_gateway_messages_handled_total{result=\"unreadable\"}") == 2;
  })) << gateway_->process().Output();
  const auto dead = DeadLetters();
  ASSERT_EQ(dead.size(), 2u);
  for (const auto& fields : dead) EXPECT_EQ(fields.at("reason"), "unreadable");
  EXPECT_EQ(dead[0].at("message"), "not json");
  EXPECT_EQ(Metric("lindungi_gateway_dead_letters_total"), 2);
  const auto texts = TextsByRecipient();
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts.begin()->first, "6281100000041");
}

TEST_F(GatewayWorkersTest, KilledWithMessagesPendingARestartAnswersEveryMessageExactlyOnce) {
  // One worker, whose first reply hangs at the Cloud API: the process is killed with that reply
  // at Meta and the rest of its batch read but pending.
  StartGateway({"--workers=1", "--mark_read=false", "--claim_idle=300ms", "--claim_interval=50ms",
                "--contact_lock_ttl=1s"});
  graph_->Inject({{"delay_ms", 60000}});
  std::vector<TextIn> messages;
  for (int i = 0; i < 12; ++i) {
    messages.push_back({absl::StrCat("wamid.K", i), absl::StrCat("62811000001", 10 + i)});
  }
  Deliver(messages);
  ASSERT_TRUE(Eventually([&] { return Sent().size() == 1; })) << gateway_->process().Output();
  ASSERT_TRUE(Eventually([&] {  // the whole batch was read by the worker that dies
    auto pending = pool_->Command({"XPENDING", "wa:inbound", "gateway"});
    return pending.ok() && pending->elements[0].integer == 12;
  }));
  gateway_->process().Signal(SIGKILL);
  ASSERT_TRUE(gateway_->process().Wait().has_value());

  StartGateway({"--workers=4", "--mark_read=false", "--claim_idle=300ms", "--claim_interval=50ms",
                "--contact_lock_ttl=1s"});
  ASSERT_TRUE(Eventually([&] { return AllHandled(12); }, absl::Seconds(20)))
      << gateway_->process().Output();
  auto texts = TextsByRecipient();
  EXPECT_EQ(texts.size(), 12u);
  for (const auto& [to, bodies] : texts) EXPECT_EQ(bodies.size(), 1u) << to;
  EXPECT_GE(Metric("lindungi_gateway_claims_total"), 12);
  EXPECT_EQ(Metric("lindungi_gateway_replies_total{result=\"skipped\"}"), 1);  // went out before
}

TEST_F(GatewayWorkersTest, OnSigtermAWorkerFinishesTheMessageItHoldsBeforeTheProcessExits) {
  StartGateway({"--mark_read=false"});
  graph_->Inject({{"delay_ms", 1500}});  // the reply is at the Cloud API when SIGTERM comes
  Deliver({{"wamid.S1", "6281100000051"}});
  ASSERT_TRUE(Eventually([&] { return Sent().size() == 1; })) << gateway_->process().Output();
  gateway_->process().Signal(SIGTERM);
  EXPECT_EQ(gateway_->process().Wait(), 0) << gateway_->process().Output();
  auto pending = pool_->Command({"XPENDING", "wa:inbound", "gateway"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0) << "the message was left half done";
  EXPECT_EQ(Integer({"EXISTS", "gw:done:wamid.S1"}), 1);
}

TEST_F(GatewayWorkersTest, WorkersKeepAnsweringAfterRedisRestarts) {
  StartGateway({"--mark_read=false"});
  Deliver({{"wamid.R1", "6281100000041"}});
  ASSERT_TRUE(Eventually([&] { return AllHandled(1); })) << gateway_->process().Output();
  ASSERT_TRUE(redis_->Restart().ok());
  Deliver({{"wamid.R2", "6281100000042"}});
  ASSERT_TRUE(Eventually([&] { return AllHandled(2); }, absl::Seconds(20)))
      << gateway_->process().Output();
  EXPECT_EQ(TextsByRecipient().size(), 2u);
}

TEST_F(GatewayWorkersTest, TheLoadGeneratorGetsOneReplyForEveryWebhookItSent) {
  // loadgen --mode=reply answers as the Cloud API itself and matches replies to webhooks.
  const int graph_port = FreePort();
  auto gateway = GatewayProcess::Start(
      dir_, redis_->url(),
      {"--mark_read=false", absl::StrCat("--graph_api_base_url=http://127.0.0.1:", graph_port)});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto load = ChildProcess::Spawn(
      {BinDir() + "/loadgen", "--mode=reply", "--target=" + (*gateway)->Url("/webhooks/whatsapp"),
       "--app_secret_file=" + dir_ + "/app-secret", "--connections=4", "--rate=200",
       "--duration=1s", "--warmup=0s", absl::StrCat("--graph_port=", graph_port)});
  ASSERT_TRUE(load.ok());
  EXPECT_EQ((*load)->Wait(absl::Seconds(60)), 0) << (*load)->Output();
  EXPECT_THAT((*load)->Output(), HasSubstr("reply\t200 replies\tp50 "));
  EXPECT_THAT((*load)->Output(), ::testing::Not(HasSubstr("missing")));
}

TEST_F(GatewayWorkersTest, WithoutCloudApiCredentialsTheWorkersRefuseToStartAndSayWhy) {
  WriteFile(dir_ + "/s", "secret");
  auto child = ChildProcess::Spawn({BinDir() + "/lindungi-gateway", "--http_port=0",
                                    "--whatsapp_app_secret_file=" + dir_ + "/s",
                                    "--whatsapp_verify_token_file=" + dir_ + "/s"});
  ASSERT_TRUE(child.ok());
  EXPECT_NE((*child)->Wait().value_or(0), 0);
  EXPECT_THAT((*child)->Output(), HasSubstr("--whatsapp_access_token_file"));
}

}  // namespace
}  // namespace lindungi::testing

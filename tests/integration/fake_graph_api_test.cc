// tools/fake-graph-api as a process: the WhatsApp Cloud API's answers (success, 401, 400), media
// uploads, the request log, and injected faults and delays.
#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "lindungi/http/client.h"
#include "support/fake_graph.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using Json = nlohmann::json;

constexpr char kToken[] = "graph-token-123";

class FakeGraphApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeGraph::Start(MakeTempDir(), kToken);
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = std::move(*fake);
  }

  http::Response Post(const std::string& path, const std::string& body,
                      const std::string& token = kToken,
                      const std::string& content_type = "application/json") {
    http::Request request;
    request.method = "POST";
    request.url = fake_->base_url() + path;
    request.body = body;
    request.headers = {{"Content-Type", content_type}};
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    auto response = client_.Send(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : http::Response{};
  }

  http::Response SendText(const std::string& to = "6281234567890") {
    return Post("/v21.0/1234567890/messages", Json{{"messaging_product", "whatsapp"},
                                                   {"to", to},
                                                   {"type", "text"},
                                                   {"text", {{"body", "Halo"}}}}
                                                  .dump());
  }

  static Json Body(const http::Response& response) {
    return Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  }

  http::HttpClient client_;
  std::unique_ptr<FakeGraph> fake_;
};

TEST_F(FakeGraphApiTest, SendsAreAnsweredWithAFreshWamid) {
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const http::Response response = SendText("+62 812-3456-7890");
    ASSERT_EQ(response.status, 200) << response.body;
    const Json body = Body(response);
    EXPECT_EQ(body["messaging_product"], "whatsapp");
    EXPECT_EQ(body["contacts"][0]["input"], "+62 812-3456-7890");
    EXPECT_EQ(body["contacts"][0]["wa_id"], "6281234567890");
    const std::string id = body["messages"][0]["id"];
    EXPECT_TRUE(absl::StartsWith(id, "wamid.")) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(FakeGraphApiTest, EveryOutboundFixtureIsAccepted) {
  const std::string dir = SharedDir() + "/fixtures/whatsapp/outbound";
  if (SharedDir().empty() || !std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int sent = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename();
    if (absl::StartsWith(name, "response_")) continue;
    const http::Response response = Post("/v21.0/1234567890/messages", ReadFileOrDie(entry.path()));
    ASSERT_EQ(response.status, 200) << name << ": " << response.body;
    const Json body = Body(response);
    if (name == "mark_read_typing.json") {
      EXPECT_EQ(body, Json({{"success", true}}));
    } else {
      EXPECT_TRUE(absl::StartsWith(body["messages"][0]["id"].get<std::string>(), "wamid.")) << name;
    }
    ++sent;
  }
  EXPECT_GE(sent, 5);
}

TEST_F(FakeGraphApiTest, AMissingOrWrongTokenIs401WithAGraphError) {
  for (const std::string& token : {std::string(""), std::string("wrong")}) {
    const http::Response response =
        Post("/v21.0/1/messages", R"({"messaging_product":"x"})", token);
    EXPECT_EQ(response.status, 401);
    const Json body = Body(response);
    EXPECT_EQ(body["error"]["code"], 190) << response.body;
    EXPECT_EQ(body["error"]["type"], "OAuthException");
  }
}

TEST_F(FakeGraphApiTest, InvalidMessagesAre400WithCode100) {
  for (const std::string& bad : {
           std::string("not json"),
           std::string(R"({"to":"62812","type":"text","text":{"body":"x"}})"),
           std::string(R"({"messaging_product":"whatsapp","type":"text","text":{"body":"x"}})"),
           std::string(R"({"messaging_product":"whatsapp","to":"62812","type":"sticker",)"
                       R"("sticker":{"id":"1"}})"),
           std::string(R"({"messaging_product":"whatsapp","to":"62812","type":"text"})"),
           std::string(R"({"messaging_product":"whatsapp","status":"delivered","message_id":"w"})"),
       }) {
    const http::Response response = Post("/v21.0/1/messages", bad);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_EQ(Body(response)["error"]["code"], 100) << bad << " → " << response.body;
  }
  EXPECT_EQ(Post("/v21.0/1/nowhere", "{}").status, 400);
}

TEST_F(FakeGraphApiTest, AMultipartUploadGetsAMediaId) {
  const std::string pdf = "%PDF-1.4 fake bytes";
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"messaging_product\""
      "\r\n\r\nwhatsapp\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"file\"; filename=\"c.pdf\"\r\nContent-Type: application/pdf"
      "\r\n\r\n" +
      pdf + "\r\n--XyZ--\r\n";
  const http::Response response =
      Post("/v21.0/1234567890/media", body, kToken, "multipart/form-data; boundary=XyZ");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string id = Body(response)["id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;
  // Not multipart, or without a file: refused.
  EXPECT_EQ(Post("/v21.0/1234567890/media", "{}").status, 400);
  const std::string no_file =
      "--XyZ\r\nContent-Disposition: form-data; name=\"messaging_product\""
      "\r\n\r\nwhatsapp\r\n--XyZ--\r\n";
  EXPECT_EQ(
      Post("/v21.0/1234567890/media", no_file, kToken, "multipart/form-data; boundary=XyZ").status,
      400);
}

TEST_F(FakeGraphApiTest, EveryRequestIsRecordedUntilReset) {
  SendText();
  Post("/v21.0/1/messages", "{}", "wrong");
  const Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 2u) << requests.dump();
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["path"], "/v21.0/1234567890/messages");
  EXPECT_EQ(requests[0]["headers"]["authorization"], std::string("Bearer ") + kToken);
  EXPECT_EQ(requests[0]["headers"]["content-type"], "application/json");
  EXPECT_EQ(requests[0]["json"]["text"]["body"], "Halo");
  EXPECT_EQ(requests[0]["status"], 200);
  EXPECT_EQ(requests[1]["status"], 401);
  fake_->Reset();
  EXPECT_EQ(fake_->Requests(), Json::array());
}

TEST_F(FakeGraphApiTest, InjectedFaultsComeInOrderWithTheRealErrorShape) {
  fake_->Inject({{"status", 429}, {"code", 130429}, {"retry_after", 3}, {"count", 2}});
  fake_->Inject({{"status", 400}, {"code", 131026}});
  fake_->Inject({{"status", 400}, {"code", 131047}});
  fake_->Inject({{"status", 400}, {"code", 131056}});
  fake_->Inject({{"status", 400}, {"code", 131053}});
  fake_->Inject({{"status", 500}});
  for (int i = 0; i < 2; ++i) {
    const http::Response response = SendText();
    EXPECT_EQ(response.status, 429);
    EXPECT_EQ(response.headers.at("retry-after"), "3");
    const Json error = Body(response)["error"];
    EXPECT_EQ(error["code"], 130429);
    EXPECT_EQ(error["message"], "(#130429) Rate limit hit");
    EXPECT_EQ(error["type"], "OAuthException");
    EXPECT_EQ(error["error_data"]["messaging_product"], "whatsapp");
    EXPECT_TRUE(error.contains("fbtrace_id"));
  }
  for (int code : {131026, 131047, 131056, 131053}) {
    const http::Response response = SendText();
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(Body(response)["error"]["code"], code);
    EXPECT_FALSE(Body(response)["error"]["error_data"]["details"].get<std::string>().empty());
    EXPECT_EQ(response.headers.count("retry-after"), 0u);
  }
  EXPECT_EQ(SendText().status, 500);
  EXPECT_EQ(SendText().status, 200) << "faults must run out";
  const Json requests = fake_->Requests();
  ASSERT_EQ(requests.size(), 8u);
  EXPECT_EQ(requests[0]["status"], 429);
}

TEST_F(FakeGraphApiTest, AnInjectedDelaySlowsTheAnswer) {
  fake_->Inject({{"delay_ms", 400}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(SendText().status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
  fake_->Inject({{"status", 503}, {"delay_ms", 300}});
  const auto again = std::chrono::steady_clock::now();
  EXPECT_EQ(SendText().status, 503);
  EXPECT_GE(std::chrono::steady_clock::now() - again, std::chrono::milliseconds(300));
}

TEST_F(FakeGraphApiTest, BadInjectionsAreRefused) {
  for (const std::string& bad : {std::string("{}"), std::string(R"({"code":131026})"),
                                 std::string(R"({"status":200})"), std::string("[1]")}) {
    auto response = HttpPost(fake_->base_url() + "/_control/inject", bad);
    ASSERT_TRUE(response.ok());
    EXPECT_TRUE(Json::parse(*response).contains("error")) << bad << " → " << *response;
  }
  EXPECT_EQ(SendText().status, 200);
}

}  // namespace
}  // namespace lindungi::testing

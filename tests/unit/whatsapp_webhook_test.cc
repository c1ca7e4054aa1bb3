// WhatsApp webhook signatures and payloads against the fixtures in ../shared/fixtures/whatsapp
// (skipped cleanly when that folder is absent) and against malformed bodies.
#include <functional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lindungi/whatsapp/webhook.h"
#include "support/test_env.h"

namespace lindungi::whatsapp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  const std::string shared = testing::SharedDir();
  if (shared.empty()) return "";
  return testing::ReadFileOrDie(shared + "/fixtures/whatsapp/inbound/" + name);
}

#define FIXTURE_OR_SKIP(var, name)       \
  const std::string var = Fixture(name); \
  if (var.empty()) GTEST_SKIP() << "../shared/fixtures is not here";

// The one-shot function and the verifier keyed once must agree on every case.
using Verify = std::function<bool(const std::string& secret, const std::string& body,
                                  const std::string& header)>;
const Verify kOneShot = [](const std::string& secret, const std::string& body,
                           const std::string& header) {
  return VerifySignature(secret, body, header);
};
const Verify kKeyedOnce = [](const std::string& secret, const std::string& body,
                             const std::string& header) {
  return SignatureVerifier(secret).Verify(body, header);
};

TEST(WebhookSignatureTest, TheFixturesVectorVerifiesAndAnyChangeFails) {
  FIXTURE_OR_SKIP(body, "text_hai.json");
  ASSERT_EQ(body.size(), 481u) << "the vector is over the exact bytes";
  const std::string header =
      "sha256=6beb34e470d4a9c64941d07d69ec9159428b436fe33b4fd7cf319ab2ab21728c";
  EXPECT_EQ(Sign("test_app_secret", body), header);
  for (const Verify& verify : {kOneShot, kKeyedOnce}) {
    EXPECT_TRUE(verify("test_app_secret", body, header));
    EXPECT_TRUE(verify("test_app_secret", body, "  " + header + " ")) << "spaces around it";
    EXPECT_TRUE(verify("test_app_secret", body,
                       "SHA256=6BEB34E470D4A9C64941D07D69EC9159428B436FE33B4FD7CF319AB2AB21728C"));
    EXPECT_FALSE(verify("other_secret", body, header));
    EXPECT_FALSE(verify("test_app_secret", body + "\n", header)) << "raw bytes, exactly";
    EXPECT_FALSE(verify("test_app_secret", body, header.substr(7))) << "no sha256= prefix";
    EXPECT_FALSE(verify("test_app_secret", body, "sha1=" + header.substr(7)));
    EXPECT_FALSE(verify("test_app_secret", body, ""));
    EXPECT_FALSE(verify("test_app_secret", body, header.substr(0, header.size() - 1)));
    EXPECT_FALSE(verify("test_app_secret", body, header + "0")) << "one digit too many";
    std::string not_hex = header;
    not_hex.back() = 'g';
    EXPECT_FALSE(verify("test_app_secret", body, not_hex));
  }
}

TEST(WebhookSignatureTest, AVerifierKeyedOnceServesEveryBodyAndAnEmptySecret) {
  const SignatureVerifier verifier("test_app_secret");
  for (const std::string body : {"", "{}", "{\"object\":\"whatsapp_business_account\"}"}) {
    EXPECT_TRUE(verifier.Verify(body, Sign("test_app_secret", body)));
    EXPECT_FALSE(verifier.Verify(body, Sign("test_app_secre", body)));
  }
  EXPECT_TRUE(SignatureVerifier("").Verify("{}", Sign("", "{}")));
}

TEST(WebhookSignatureTest, ANonHexDigitFailsEvenWhereItWouldDecodeToTheRightNibble) {
  // A non-hex byte in place of an 'f' must be refused, not read as some nibble: a table decoder
  // that read it as 0xf (0xff & 0x0f) would still find the MAC equal.
  const SignatureVerifier verifier("test_app_secret");
  const std::string good = Sign("test_app_secret", "{}");
  const size_t f = good.find('f', std::string("sha256=").size());
  ASSERT_NE(f, std::string::npos) << good;
  ASSERT_TRUE(verifier.Verify("{}", good));
  for (const char bad : {'g', 'G', '/', ':', '\xff'}) {
    std::string forged = good;
    forged[f] = bad;
    EXPECT_FALSE(verifier.Verify("{}", forged)) << "digit " << f << " = " << int{bad};
    EXPECT_FALSE(VerifySignature("test_app_secret", "{}", forged));
  }
}

TEST(WebhookParseTest, ATextMessageWithItsSenderAndNumber) {
  FIXTURE_OR_SKIP(body, "text_hai.json");
  absl::StatusOr<Webhook> w = ParseWebhook(body);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->messages.size(), 1u);
  const InboundMessage& m = w->messages[0];
  EXPECT_EQ(m.id, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzg5QTFCMkMzRDRFNUY2AA==");
  EXPECT_EQ(m.from, "6281234567890");
  EXPECT_EQ(m.phone_number_id, "106540352242922");
  EXPECT_EQ(m.timestamp, 1700000000);
  EXPECT_EQ(m.type, "text");
  EXPECT_EQ(m.text, "hai");
  EXPECT_EQ(m.profile_name, "Budi Santoso");
  EXPECT_THAT(m.json, HasSubstr("\"body\":\"hai\""));
  EXPECT_TRUE(w->statuses.empty());
}

TEST(WebhookParseTest, SeveralMessagesInOneRequestKeepTheirOrder) {
  FIXTURE_OR_SKIP(body, "two_messages_one_request.json");
  absl::StatusOr<Webhook> w = ParseWebhook(body);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->messages.size(), 2u);
  EXPECT_EQ(w->messages[0].text, "menu");
  EXPECT_EQ(w->messages[1].text, "2");
  EXPECT_LT(w->messages[0].timestamp, w->messages[1].timestamp);
}

TEST(WebhookParseTest, ButtonAndListRepliesCarryTheirIds) {
  FIXTURE_OR_SKIP(list, "list_reply.json");
  FIXTURE_OR_SKIP(button, "button_reply.json");
  absl::StatusOr<Webhook> l = ParseWebhook(list);
  ASSERT_TRUE(l.ok() && l->messages.size() == 1);
  EXPECT_EQ(l->messages[0].type, "interactive");
  EXPECT_EQ(l->messages[0].reply_id, "menu.cert.download");
  EXPECT_EQ(l->messages[0].text, "Unduh Sertifikat");
  absl::StatusOr<Webhook> b = ParseWebhook(button);
  ASSERT_TRUE(b.ok() && b->messages.size() == 1);
  EXPECT_EQ(b->messages[0].reply_id, "dose.2");
  EXPECT_EQ(b->messages[0].text, "Dosis 2");
}

TEST(WebhookParseTest, OtherMessageTypesAreKeptForTheConversationToAnswer) {
  FIXTURE_OR_SKIP(body, "document.json");
  absl::StatusOr<Webhook> w = ParseWebhook(body);
  ASSERT_TRUE(w.ok() && w->messages.size() == 1);
  EXPECT_EQ(w->messages[0].type, "document");
  EXPECT_TRUE(w->messages[0].text.empty());
}

TEST(WebhookParseTest, StatusBatchesAndFailuresWithTheirErrorCodes) {
  FIXTURE_OR_SKIP(batch, "statuses_sent_delivered_read.json");
  FIXTURE_OR_SKIP(failed, "status_failed_131047.json");
  absl::StatusOr<Webhook> w = ParseWebhook(batch);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_TRUE(w->messages.empty());
  std::vector<std::string> kinds;
  for (const auto& s : w->statuses) kinds.push_back(s.status);
  EXPECT_THAT(kinds, ElementsAre("sent", "delivered", "read"));
  absl::StatusOr<Webhook> f = ParseWebhook(failed);
  ASSERT_TRUE(f.ok() && f->statuses.size() == 1);
  EXPECT_EQ(f->statuses[0].status, "failed");
  EXPECT_THAT(f->statuses[0].error_codes, ElementsAre(131047));
  EXPECT_EQ(f->statuses[0].recipient_id, "6281234567890");
}

TEST(WebhookParseTest, UnknownFieldsTypesAndChangesAreIgnoredNotRejected) {
  absl::StatusOr<Webhook> w = ParseWebhook(R"({
    "object": "whatsapp_business_account", "brand_new_field": {"x": [1, 2]},
    "entry": [{"changes": [
      {"field": "account_update", "value": {"messages": [{"id": "wamid.not-ours"}]}},
      {"field": "messages", "value": {"future": true, "messages": [
        {"id": "wamid.1", "from": "62811", "timestamp": 1700000000, "type": "reaction",
         "reaction": {"emoji": "👍"}},
        {"from": "62811", "type": "text", "text": {"body": "no id"}}]}}]}]})");
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->messages.size(), 1u) << "not the account update, not the message without an id";
  EXPECT_EQ(w->messages[0].type, "reaction");
  EXPECT_EQ(w->messages[0].timestamp, 1700000000);
  EXPECT_TRUE(ParseWebhook("{}")->messages.empty());
}

TEST(WebhookParseTest, MalformedBodiesAreInvalidArgumentsThatNeverEchoTheBody) {
  for (
      const char* body :
      {"", "{", "not json", "[]", "\"text\"", R"({"entry": 5})",
       R"({"entry": [{"changes": [{"value": {"messages": "6281234567890"}}]}]})",
       R"({"entry": [{"changes": [{"value": {"messages": [{"id": "w", "timestamp": "soon"}]}}]}]})",
       R"({"entry": [{"changes": [{"value": {"messages": [{"id": 6281234567890}]}}]}]})"}) {
    absl::StatusOr<Webhook> w = ParseWebhook(body);
    ASSERT_FALSE(w.ok()) << body;
    EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(std::string(w.status().message()), ::testing::Not(HasSubstr("6281234567890")));
  }
}

}  // namespace
}  // namespace lindungi::whatsapp

// The gateway workers' pure rules: the scaffolding handler's texts and flows, how long a citizen
// is asked to wait when the queue lags, and reading stream entries back.
#include "ack_handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "inbound_queue.h"
#include "inbound_workers.h"

namespace lindungi::gateway {
namespace {

using ::testing::HasSubstr;

TEST(AcknowledgeHandlerTest, AnswersEveryMessageWithTheFixedTextUnlessTheQueueLags) {
  AcknowledgeHandler handler;
  Turn turn;
  turn.message.type = "text";
  absl::StatusOr<Answer> ack = handler.Handle(turn);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->flow, "ack");
  ASSERT_EQ(ack->replies.size(), 1u);
  EXPECT_EQ(std::get<whatsapp::TextMessage>(ack->replies[0]).body, kAcknowledgementText);
  EXPECT_STREQ(OutboundKind(ack->replies[0]), "text");

  turn.busy = true;
  turn.retry_minutes = 7;
  absl::StatusOr<Answer> busy = handler.Handle(turn);
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->flow, "busy");
  EXPECT_EQ(std::get<whatsapp::TextMessage>(busy->replies[0]).body,
            "Mohon maaf, layanan sedang ramai. Silakan coba lagi dalam 7 menit.");
}

TEST(RetryMinutesTest, IsTheLagRoundedToMinutesAndAtLeastOne) {
  EXPECT_EQ(RetryMinutes(absl::Seconds(5)), 1);
  EXPECT_EQ(RetryMinutes(absl::Seconds(89)), 1);
  EXPECT_EQ(RetryMinutes(absl::Seconds(91)), 2);
  EXPECT_EQ(RetryMinutes(absl::Minutes(10) + absl::Milliseconds(40)), 10);
  EXPECT_THAT(BusyText(0), HasSubstr("dalam 1 menit"));
}

TEST(StreamEntriesTest, StoredMessagesReadBackWithTheirTypeTextAndArrival) {
  redis::Reply fields;
  fields.type = redis::Reply::Type::kArray;
  auto str = [](std::string s) {
    redis::Reply r;
    r.type = redis::Reply::Type::kString;
    r.str = std::move(s);
    return r;
  };
  for (
      const char* kv :
      {"phone_number_id", "1065", "message",
       R"({"from":"628123","id":"wamid.X","timestamp":"1764000001","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"menu_cert","title":"Sertifikat"}}})",
       "received_ms", "1764000001500"}) {
    fields.elements.push_back(str(kv));
  }
  redis::Reply entry, deleted, entries;
  entry.type = deleted.type = entries.type = redis::Reply::Type::kArray;
  entry.elements = {str("1764000001499-0"), fields};
  deleted.elements = {str("1764000001499-1"), redis::Reply{}};  // XAUTOCLAIM of a trimmed entry
  entries.elements = {entry, deleted};

  std::vector<QueuedMessage> read = ParseEntries(entries);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].entry_id, "1764000001499-0");
  EXPECT_EQ(read[0].message.id, "wamid.X");
  EXPECT_EQ(read[0].message.from, "628123");
  EXPECT_EQ(read[0].message.timestamp, 1764000001);
  EXPECT_EQ(read[0].message.type, "interactive");
  EXPECT_EQ(read[0].message.reply_id, "menu_cert");
  EXPECT_EQ(read[0].message.text, "Sertifikat");
  EXPECT_EQ(read[0].received, absl::FromUnixMillis(1764000001500));

  // Unreadable JSON: handed over as "unknown" with no id or sender, never dropped (a worker
  // dead-letters it as unreadable: GatewayWorkersTest).
  ASSERT_EQ(fields.elements[2].str, "message");
  fields.elements[3] = str("{not json");
  entry.elements[1] = fields;
  entries.elements = {entry};
  read = ParseEntries(entries);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].message.type, "unknown");
  EXPECT_EQ(read[0].message.json, "{not json");
  EXPECT_TRUE(read[0].message.id.empty());
  EXPECT_TRUE(read[0].message.from.empty());
}

TEST(StreamEntriesTest, StreamIdMillisIsTheTimePartOrZero) {
  EXPECT_EQ(StreamIdMillis("1764000001499-3"), 1764000001499);
  EXPECT_EQ(StreamIdMillis("1764000001499"), 1764000001499);
  EXPECT_EQ(StreamIdMillis("x-1"), 0);
}

}  // namespace
}  // namespace lindungi::gateway

// InboundQueue against a real redis-server: the consumer group, the begin/finish scripts, the
// contact lock, reply slots, dead letters, the queue's length and lag, and trimming that never
// drops a message a worker has not finished.
#include "inbound_queue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shared_send_rate.h"
#include "support/redis_server.h"

namespace lindungi::gateway {
namespace {

using Start = InboundQueue::Start;

class InboundQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    pool_ = std::make_unique<redis::RedisPool>(redis_->options());
    queue_ = std::make_unique<InboundQueue>(*pool_, QueueOptions{});
    ASSERT_TRUE(queue_->EnsureGroup().ok());
    ASSERT_TRUE(queue_->EnsureGroup().ok()) << "a second replica's start must not fail";
  }

  // XADDs a message from `from` with stream id `id` ("*" for now).
  void Add(const std::string& wamid, const std::string& from, const std::string& id = "*",
           int64_t received_ms = 1764000000000) {
    ASSERT_TRUE(pool_
                    ->Command({"XADD", "wa:inbound", id, "phone_number_id", "1065", "message",
                               R"({"from":")" + from + R"(","id":")" + wamid +
                                   R"(","timestamp":"1764000000","type":"text",)"
                                   R"("text":{"body":"halo"}})",
                               "received_ms", std::to_string(received_ms)})
                    .ok());
  }

  std::vector<QueuedMessage> Read(int count) {
    auto read = queue_->Read("c1", count, absl::Milliseconds(10));
    EXPECT_TRUE(read.ok()) << read.status();
    return read.ok() ? *read : std::vector<QueuedMessage>{};
  }

  int64_t Len(const std::string& stream) {
    auto r = pool_->Command({"XLEN", stream});
    return r.ok() ? r->integer : -1;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<InboundQueue> queue_;
};

TEST_F(InboundQueueTest, AMessageIsStartedOnceUnderItsContactsLockAndThenOnlyAcknowledged) {
  Add("wamid.1", "62811");
  Add("wamid.2", "62811");
  std::vector<QueuedMessage> read = Read(10);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].message.text, "halo");

  auto first = queue_->Begin(read[0], "tok-a");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->start, Start::kGo);
  EXPECT_EQ(first->attempt, 1);
  // The same contact's other message, by another worker: locked out until the first finishes.
  auto other = queue_->Begin(read[1], "tok-b");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->start, Start::kLocked);
  ASSERT_TRUE(queue_->Finish(read[0], "tok-a").ok());
  other = queue_->Begin(read[1], "tok-b");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->start, Start::kGo);
  // A failed attempt unlocks; the next start counts attempt 2.
  ASSERT_TRUE(queue_->Release(read[1], "tok-b").ok());
  other = queue_->Begin(read[1], "tok-c");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->attempt, 2);
  // Releasing with someone else's token frees nothing.
  ASSERT_TRUE(queue_->Release(read[1], "tok-b").ok());
  EXPECT_EQ(queue_->Begin(read[1], "tok-d")->start, Start::kLocked);

  // Handled before (a redelivery or a claim): only acknowledged.
  auto again = queue_->Begin(read[0], "tok-e");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->start, Start::kHandled);
  auto pending = pool_->Command({"XPENDING", "wa:inbound", "gateway"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 1) << "only the unfinished message is pending";
}

TEST_F(InboundQueueTest, AReplySlotIsTakenOnceAndCanBeFreedForARetry) {
  Add("wamid.r", "62812");
  QueuedMessage m = Read(1).at(0);
  EXPECT_TRUE(*queue_->TakeReplySlot(m, "0"));
  EXPECT_FALSE(*queue_->TakeReplySlot(m, "0"));
  EXPECT_TRUE(*queue_->TakeReplySlot(m, "1"));
  ASSERT_TRUE(queue_->FreeReplySlot(m, "0").ok());
  EXPECT_TRUE(*queue_->TakeReplySlot(m, "0"));
}

TEST_F(InboundQueueTest, AMessageIsDeadLetteredOnce) {
  Add("wamid.d", "62813");
  QueuedMessage m = Read(1).at(0);
  EXPECT_TRUE(*queue_->DeadLetter(m, "max_attempts", 5));
  EXPECT_FALSE(*queue_->DeadLetter(m, "max_attempts", 6));
  EXPECT_EQ(Len("wa:dead"), 1);
}

TEST_F(InboundQueueTest, ClaimsTakeOverWhatAnotherConsumerLeftPending) {
  Add("wamid.c", "62814");
  ASSERT_EQ(Read(1).size(), 1u);  // c1 reads it and dies
  auto none = queue_->Claim("c2", absl::Hours(1), 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "not idle long enough";
  auto claimed = queue_->Claim("c2", absl::ZeroDuration(), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].message.id, "wamid.c");
}

TEST_F(InboundQueueTest, TheSampleCountsWaitingAndPendingAndTheOldestWaitingAge) {
  Add("wamid.s1", "62815", "1764000000000-0");
  Add("wamid.s2", "62815", "1764000060000-0", 1764000060000);
  Add("wamid.s3", "62815", "1764000120000-0", 1764000120000);
  ASSERT_EQ(Read(1).size(), 1u);
  auto stats = queue_->Sample(absl::FromUnixMillis(1764000100000));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->pending, 1);
  EXPECT_EQ(stats->waiting, 2);
  EXPECT_EQ(stats->oldest_waiting, absl::Seconds(40));  // s2, received at ...060000
}

TEST_F(InboundQueueTest, TrimmingDropsOnlyOldAcknowledgedEntries) {
  // Five entries from long ago: 1 and 2 handled, 3 pending, 4 and 5 not yet read.
  for (int i = 1; i <= 5; ++i)
    Add("wamid.t" + std::to_string(i), "62816", std::to_string(i) + "000-0");
  std::vector<QueuedMessage> read = Read(3);
  ASSERT_EQ(read.size(), 3u);
  ASSERT_TRUE(queue_->Acknowledge(read[0]).ok());
  ASSERT_TRUE(queue_->Acknowledge(read[1]).ok());
  ASSERT_TRUE(queue_->Trim(absl::FromUnixSeconds(1764000000)).ok());
  EXPECT_EQ(Len("wa:inbound"), 3);
  auto left = pool_->Command({"XRANGE", "wa:inbound", "-", "+"});
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->elements[0].elements[0].str, "3000-0");

  // Once everything is handled, everything older than the retention goes.
  ASSERT_TRUE(queue_->Acknowledge(read[2]).ok());
  for (const QueuedMessage& m : Read(10)) ASSERT_TRUE(queue_->Acknowledge(m).ok());
  Add("wamid.recent", "62816", "1764000000000-0");
  ASSERT_TRUE(queue_->Trim(absl::FromUnixSeconds(1764000000)).ok());
  EXPECT_EQ(Len("wa:inbound"), 1) << "the recent entry stays for --retention";
}

TEST_F(InboundQueueTest, AGroupLostWithRedisDataIsMadeAgainByAClaimAndNothingIsTrimmedMeanwhile) {
  ASSERT_TRUE(pool_->Command({"XGROUP", "DESTROY", "wa:inbound", "gateway"}).ok());
  Add("wamid.old", "62817", "1000-0");  // unread, long ago
  ASSERT_TRUE(queue_->Trim(absl::FromUnixSeconds(1764000000)).ok());
  EXPECT_EQ(Len("wa:inbound"), 1) << "without our group nothing was read: nothing may go";
  auto claimed = queue_->Claim("c1", absl::ZeroDuration(), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(claimed->empty());
  ASSERT_EQ(Read(10).size(), 1u) << "the group is back, from the stream's start";
}

TEST(StreamIdTest, PartsOrderSequencesAsNumbers) {
  EXPECT_LT(StreamIdParts("5-9"), StreamIdParts("5-10"));
  EXPECT_LT(StreamIdParts("5-10"), StreamIdParts("6-0"));
  EXPECT_EQ(StreamIdParts("7"), std::make_pair(int64_t{7}, int64_t{0}));
}

TEST_F(InboundQueueTest, ReplicasShareTheNumbersSendRateThroughRedis) {
  // Two replicas sending from one number at 10/s, two back to back: the slots interleave as if
  // one process took them all.
  SharedSendRate a(*pool_, "1065", 10, 2), b(*pool_, "1065", 10, 2);
  const std::vector<int> expected_ms = {0, 0, 100, 200, 300, 400};
  for (size_t k = 0; k < expected_ms.size(); ++k) {
    absl::StatusOr<absl::Duration> wait = (k % 2 == 0 ? a : b).Reserve();
    ASSERT_TRUE(wait.ok()) << wait.status();
    // Real time passes between the calls (a few ms): a wait is at most the slot's offset.
    EXPECT_LE(*wait, absl::Milliseconds(expected_ms[k]) + absl::Milliseconds(1)) << k;
    EXPECT_GE(*wait, absl::Milliseconds(expected_ms[k]) - absl::Milliseconds(50)) << k;
  }
  SharedSendRate other(*pool_, "2077", 10, 2);  // another number has its own rate
  EXPECT_EQ(*other.Reserve(), absl::ZeroDuration());
}

}  // namespace
}  // namespace lindungi::gateway

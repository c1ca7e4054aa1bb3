// ticket-service's rules without a store: the status machine, SLA policy, human codes and the
// event feed.
#include <set>

#include "event_feed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sla_policy.h"
#include "status_machine.h"
#include "ticket_code.h"

namespace lindungi::ticket {
namespace {

using ::testing::HasSubstr;

constexpr v1::TicketStatus kAll[] = {
    v1::TICKET_STATUS_UNSPECIFIED,     v1::TICKET_STATUS_OPEN,     v1::TICKET_STATUS_IN_PROGRESS,
    v1::TICKET_STATUS_WAITING_CITIZEN, v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_REJECTED,
    v1::TICKET_STATUS_CLOSED};

TEST(StatusMachineTest, EveryPairOfStatusesIsAllowedExactlyAsTheIssueSays) {
  const std::set<std::pair<v1::TicketStatus, v1::TicketStatus>> allowed = {
      {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_IN_PROGRESS},
      {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_WAITING_CITIZEN},
      {v1::TICKET_STATUS_WAITING_CITIZEN, v1::TICKET_STATUS_IN_PROGRESS},
      {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED},
      {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_REJECTED},
      {v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_CLOSED},
      {v1::TICKET_STATUS_REJECTED, v1::TICKET_STATUS_CLOSED},
      {v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_IN_PROGRESS},  // reopen
  };
  for (v1::TicketStatus from : kAll) {
    for (v1::TicketStatus to : kAll) {
      EXPECT_EQ(IsAllowedTransition(from, to), allowed.count({from, to}) == 1)
          << StatusName(from) << " -> " << StatusName(to);
    }
  }
}

TEST(StatusMachineTest, OnlyOpenWorkRunsTheSlaClock) {
  for (v1::TicketStatus s : kAll) {
    const bool unresolved = s == v1::TICKET_STATUS_OPEN || s == v1::TICKET_STATUS_IN_PROGRESS ||
                            s == v1::TICKET_STATUS_WAITING_CITIZEN;
    EXPECT_EQ(IsUnresolved(s), unresolved) << StatusName(s);
    EXPECT_EQ(IsOutcome(s), s == v1::TICKET_STATUS_RESOLVED || s == v1::TICKET_STATUS_REJECTED);
  }
}

TEST(SlaPolicyTest, DefaultsGiveEachPriorityItsDueTimeAndEachCategoryAPriority) {
  const SlaPolicy p = SlaPolicy::Defaults();
  EXPECT_EQ(p.DueIn(v1::TICKET_CATEGORY_OTHER, v1::TICKET_PRIORITY_URGENT), absl::Hours(4));
  EXPECT_EQ(p.DueIn(v1::TICKET_CATEGORY_OTHER, v1::TICKET_PRIORITY_HIGH), absl::Hours(24));
  EXPECT_EQ(p.DueIn(v1::TICKET_CATEGORY_OTHER, v1::TICKET_PRIORITY_NORMAL), absl::Hours(72));
  EXPECT_EQ(p.DueIn(v1::TICKET_CATEGORY_OTHER, v1::TICKET_PRIORITY_LOW), absl::Hours(120));
  EXPECT_EQ(p.DefaultPriority(v1::TICKET_CATEGORY_OTP_PROBLEM), v1::TICKET_PRIORITY_HIGH);
  EXPECT_EQ(p.DefaultPriority(v1::TICKET_CATEGORY_CERTIFICATE_MISSING), v1::TICKET_PRIORITY_NORMAL);
  EXPECT_EQ(p.DefaultPriority(v1::TICKET_CATEGORY_OTHER), v1::TICKET_PRIORITY_LOW);
}

TEST(SlaPolicyTest, TheMostSpecificRuleWins) {
  absl::StatusOr<SlaPolicy> p = SlaPolicy::Parse(R"(
# comments and blank lines are fine

*                    *       10d
*                    high    12h
certificate_missing  *       2d    # a category on its own
certificate_missing  high    90m
default_priority certificate_missing urgent
)");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->DueIn(v1::TICKET_CATEGORY_CERTIFICATE_MISSING, v1::TICKET_PRIORITY_HIGH),
            absl::Minutes(90));
  EXPECT_EQ(p->DueIn(v1::TICKET_CATEGORY_CERTIFICATE_MISSING, v1::TICKET_PRIORITY_LOW),
            absl::Hours(48));
  EXPECT_EQ(p->DueIn(v1::TICKET_CATEGORY_OTP_PROBLEM, v1::TICKET_PRIORITY_HIGH), absl::Hours(12));
  // Built-in * urgent (4h) is more specific than the file's * *.
  EXPECT_EQ(p->DueIn(v1::TICKET_CATEGORY_OTP_PROBLEM, v1::TICKET_PRIORITY_URGENT), absl::Hours(4));
  EXPECT_EQ(p->DefaultPriority(v1::TICKET_CATEGORY_CERTIFICATE_MISSING),
            v1::TICKET_PRIORITY_URGENT);
}

TEST(SlaPolicyTest, BadRulesNameTheLineAndTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"* normal 3d\nvaccine_missing normal 3d", "line 2: unknown category 'vaccine_missing'"},
      {"* soon 3d", "line 1: unknown priority 'soon'"},
      {"* normal tomorrow", "line 1: due time 'tomorrow'"},
      {"* normal 0h", "must be more than 0"},
      {"* normal 400d", "at most 365d"},
      {"* normal", "line 1: expected"},
      {"default_priority other whenever", "unknown priority 'whenever'"},
      {"default_priority * high", "unknown category '*'"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<SlaPolicy> p = SlaPolicy::Parse(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(p.status().message(), HasSubstr(message)) << text;
  }
}

TEST(TicketCodeTest, CodesUseOnlyUnambiguousCharactersAndRarelyRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    absl::StatusOr<std::string> code = NewTicketCode();
    ASSERT_TRUE(code.ok());
    ASSERT_EQ(code->size(), 9u);
    ASSERT_EQ(code->substr(0, 3), "TK-");
    for (char c : code->substr(3)) {
      ASSERT_NE(kCodeAlphabet.find(c), absl::string_view::npos) << *code;
      ASSERT_EQ(std::string("01OILU").find(c), std::string::npos) << *code;
    }
    seen.insert(*code);
  }
  // 20,000 draws from 729 million: a repeat is possible but more than a few means a weak source.
  EXPECT_GE(seen.size(), 19995u);
}

TEST(TicketCodeTest, WhatPeopleTypeOrReadOutIsNormalized) {
  EXPECT_EQ(NormalizeTicketCode("TK-7K3M9Q"), "TK-7K3M9Q");
  EXPECT_EQ(NormalizeTicketCode("tk-7k3m9q"), "TK-7K3M9Q");
  EXPECT_EQ(NormalizeTicketCode("7K3M9Q"), "TK-7K3M9Q");
  EXPECT_EQ(NormalizeTicketCode(" tk 7k3 m9q "), "TK-7K3M9Q");
  EXPECT_EQ(NormalizeTicketCode("TK7K3M9Q"), "TK-7K3M9Q");
  EXPECT_FALSE(NormalizeTicketCode("TK-7K3M9").has_value());      // too short
  EXPECT_FALSE(NormalizeTicketCode("TK-7K3M9Q2").has_value());    // too long
  EXPECT_FALSE(NormalizeTicketCode("TK-0K3M9Q").has_value());     // 0 is never used
  EXPECT_FALSE(NormalizeTicketCode("TK-7K3M9Q'--").has_value());  // not a code at all
  EXPECT_FALSE(NormalizeTicketCode("").has_value());
}

TEST(EventFeedTest, WaitersWakeOnceWhenAnEventAboveTheirPositionIsPublished) {
  EventFeed feed(10);
  EXPECT_FALSE(feed.Wait(9, [] {}).has_value()) << "event 10 is already there: go on at once";
  int woken = 0;
  std::optional<uint64_t> w = feed.Wait(10, [&] { ++woken; });
  ASSERT_TRUE(w.has_value());
  feed.Published(10);  // not above the waiter's position
  EXPECT_EQ(woken, 0);
  feed.Published(11);
  EXPECT_EQ(woken, 1);
  feed.Published(12);
  EXPECT_EQ(woken, 1) << "a waiter is woken once";
  EXPECT_FALSE(feed.Cancel(*w)) << "already woken";
  EXPECT_EQ(feed.latest(), 12);
}

TEST(EventFeedTest, CancelledWaitersNeverWakeAndCloseWakesEveryoneElse) {
  EventFeed feed(0);
  int cancelled = 0;
  int closed = 0;
  std::optional<uint64_t> a = feed.Wait(0, [&] { ++cancelled; });
  std::optional<uint64_t> b = feed.Wait(0, [&] { ++closed; });
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(feed.Cancel(*a));
  feed.Close();
  EXPECT_EQ(cancelled, 0);
  EXPECT_EQ(closed, 1);
  EXPECT_TRUE(feed.closed());
  EXPECT_FALSE(feed.Wait(0, [] {}).has_value()) << "after Close nobody waits";
}

}  // namespace
}  // namespace lindungi::ticket

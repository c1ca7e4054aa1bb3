// otp-service rules against a real redis-server, with time moved by a FakeClock.
#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "lindungi/status/status.h"
#include "support/otp_fixture.h"

namespace lindungi::testing {
namespace {

using otp::VerifyVerdict;
using ::testing::HasSubstr;

class OtpIssuerTest : public OtpIssuerFixture {};

TEST_F(OtpIssuerTest, HappyPathDeliversOnceAndVerifies) {
  auto issued = Request("0812-3456-7890");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->masked_phone, "0812****7890");
  EXPECT_EQ(issued->expires_in, absl::Minutes(5));
  EXPECT_EQ(issued->resend_after, absl::Seconds(60));

  auto sent = dispatcher_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].e164, kRegistered);
  EXPECT_THAT(sent[0].text, HasSubstr("Berlaku 5 menit"));
  const std::string code = dispatcher_.LastCode(kRegistered);
  ASSERT_EQ(code.size(), 6u);

  const double verified_before = metrics_.verified.Value();
  auto result = Verify("+62 812 3456 7890", code);  // any accepted format of the same number
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->verdict, VerifyVerdict::kVerified);
  EXPECT_EQ(result->e164, kRegistered);
  EXPECT_EQ(metrics_.verified.Value(), verified_before + 1);
}

TEST_F(OtpIssuerTest, RedisHoldsNeitherPhoneNorCode) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  auto keys = pool_->Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_FALSE(keys->elements.empty());
  for (const auto& key : keys->elements) {
    EXPECT_THAT(key.str, ::testing::Not(HasSubstr("81234567890")));
    auto type = pool_->Command({"TYPE", key.str});
    if (type->str != "hash") continue;
    auto all = pool_->Command({"HGETALL", key.str});
    for (const auto& v : all->elements) {
      EXPECT_THAT(v.str, ::testing::Not(HasSubstr(code)));
      EXPECT_THAT(v.str, ::testing::Not(HasSubstr("81234567890")));
    }
  }
}

TEST_F(OtpIssuerTest, FiveWrongCodesKillTheCode) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  for (int i = 1; i <= 4; ++i) {
    auto r = Verify(kRegistered, OtherCode(code, i));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->verdict, VerifyVerdict::kWrongCode);
    EXPECT_EQ(r->attempts_left, 5 - i);
  }
  auto fifth = Verify(kRegistered, OtherCode(code, 5));
  EXPECT_EQ(fifth->verdict, VerifyVerdict::kLocked);
  auto right = Verify(kRegistered, code);  // too late: the code is dead
  EXPECT_EQ(right->verdict, VerifyVerdict::kLocked);
}

TEST_F(OtpIssuerTest, ACodeWorksOnlyOnce) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  EXPECT_EQ(Verify(kRegistered, code)->verdict, VerifyVerdict::kVerified);
  EXPECT_EQ(Verify(kRegistered, code)->verdict, VerifyVerdict::kNoActiveCode);
}

TEST_F(OtpIssuerTest, CodeExpiresAfterItsLifetime) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  clock_.Advance(absl::Minutes(5) - absl::Milliseconds(1));
  EXPECT_EQ(Verify(kRegistered, OtherCode(code))->verdict, VerifyVerdict::kWrongCode);
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(Verify(kRegistered, code)->verdict, VerifyVerdict::kExpired);
}

TEST_F(OtpIssuerTest, NewCodeReplacesTheOldOne) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string first = dispatcher_.LastCode(kRegistered);
  clock_.Advance(absl::Seconds(60));
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string second = dispatcher_.LastCode(kRegistered);
  if (first != second) {
    EXPECT_EQ(Verify(kRegistered, first)->verdict, VerifyVerdict::kWrongCode);
  }
  EXPECT_EQ(Verify(kRegistered, second)->verdict, VerifyVerdict::kVerified);
}

TEST_F(OtpIssuerTest, ResendCooldownGrowsAndCarriesRetryInfo) {
  ASSERT_EQ(Request(kRegistered)->resend_after, absl::Seconds(60));
  auto refused = Request(kRegistered);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::RetryAfterOf(refused.status()), absl::Seconds(60));
  EXPECT_EQ(status::ReasonOf(refused.status()), "PHONE_COOLDOWN");

  clock_.Advance(absl::Seconds(60));
  ASSERT_EQ(Request(kRegistered)->resend_after, absl::Seconds(120));
  clock_.Advance(absl::Seconds(119));
  auto early = Request(kRegistered);
  ASSERT_EQ(early.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::RetryAfterOf(early.status()), absl::Seconds(1));
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Request(kRegistered)->resend_after, absl::Seconds(240));
  EXPECT_EQ(dispatcher_.sent().size(), 3u);
}

TEST_F(OtpIssuerTest, PhoneWindowLimitsCodesPerNumber) {
  limits_.resend_cooldown = absl::Seconds(1);
  limits_.resend_cooldown_max = absl::Seconds(1);
  Rebuild();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Request(kRegistered).ok()) << i;
    clock_.Advance(absl::Seconds(1));
  }
  auto sixth = Request(kRegistered);
  ASSERT_EQ(sixth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::ReasonOf(sixth.status()), "PHONE_LIMIT");
  EXPECT_EQ(status::RetryAfterOf(sixth.status()), absl::Hours(1) - absl::Seconds(5));
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(Request(kRegistered).ok());
}

TEST_F(OtpIssuerTest, RequesterLimitHoldsAcrossNumbers) {
  limits_.requester_limit = 3;
  Rebuild();
  const char* phones[] = {kRegistered, kRegistered2, kUnregistered};
  for (const char* p : phones) ASSERT_TRUE(Request(p, "wa:attacker").ok());
  auto fourth = Request("+6281300000001", "wa:attacker");
  ASSERT_EQ(fourth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::ReasonOf(fourth.status()), "REQUESTER_LIMIT");
  EXPECT_TRUE(Request("+6281300000001", "wa:someone-else").ok());
}

TEST_F(OtpIssuerTest, GlobalBudgetBoundsAllDeliveries) {
  limits_.global_limit = 2;
  Rebuild();
  ASSERT_TRUE(Request(kRegistered, "wa:a").ok());
  ASSERT_TRUE(Request(kRegistered2, "wa:b").ok());
  auto third = Request(kUnregistered, "wa:c");
  ASSERT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::ReasonOf(third.status()), "GLOBAL_BUDGET");
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(Request(kUnregistered, "wa:c").ok());
}

TEST_F(OtpIssuerTest, RefusedRequestsChangeNothing) {
  limits_.requester_limit = 2;
  limits_.global_limit = 2;
  Rebuild();
  ASSERT_TRUE(Request(kRegistered, "wa:x").ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Request(kRegistered, "wa:x").status().code(), absl::StatusCode::kResourceExhausted);
  }
  // The refusals gave their quota back, and the outstanding code is untouched.
  EXPECT_TRUE(Request(kRegistered2, "wa:x").ok());
  EXPECT_EQ(dispatcher_.sent().size(), 2u);
  EXPECT_EQ(Verify(kRegistered, code)->verdict, VerifyVerdict::kVerified);
}

TEST_F(OtpIssuerTest, UnregisteredNumbersLookExactlyLikeRegisteredOnes) {
  auto reg = Request(kRegistered, "wa:a");
  auto unreg = Request(kUnregistered, "wa:b");
  ASSERT_TRUE(reg.ok());
  ASSERT_TRUE(unreg.ok()) << unreg.status();
  EXPECT_EQ(reg->expires_in, unreg->expires_in);
  EXPECT_EQ(reg->resend_after, unreg->resend_after);
  EXPECT_EQ(unreg->masked_phone, "0857****2222");
  // Nothing goes to the unregistered number...
  ASSERT_EQ(dispatcher_.sent().size(), 1u);
  // ...yet it has a code record of the same shape, the same limits, and the same answers.
  auto keys = pool_->Command({"KEYS", "otp:{p:*}:code"});
  ASSERT_EQ(keys->elements.size(), 2u);
  auto a = pool_->Command({"HGETALL", keys->elements[0].str});
  auto b = pool_->Command({"HGETALL", keys->elements[1].str});
  ASSERT_EQ(a->elements.size(), b->elements.size());
  for (size_t i = 0; i < a->elements.size(); i += 2) {
    EXPECT_EQ(a->elements[i].str, b->elements[i].str);                        // field names
    EXPECT_EQ(a->elements[i + 1].str.size(), b->elements[i + 1].str.size());  // value sizes
  }
  EXPECT_EQ(Request(kUnregistered, "wa:b").status().code(), absl::StatusCode::kResourceExhausted);
  auto wrong_reg = Verify(kRegistered, "000000");
  auto wrong_unreg = Verify(kUnregistered, "000000");
  EXPECT_EQ(wrong_unreg->verdict, VerifyVerdict::kWrongCode);
  if (wrong_reg->verdict == VerifyVerdict::kWrongCode) {
    EXPECT_EQ(wrong_reg->attempts_left, wrong_unreg->attempts_left);
  }
}

struct BadInput {
  const char* phone;
  const char* code;
  const char* field;
};

class OtpMalformedInputTest : public OtpIssuerFixture,
                              public ::testing::WithParamInterface<BadInput> {};

TEST_P(OtpMalformedInputTest, IsRefusedWithAReasonAndChangesNothing) {
  const BadInput& in = GetParam();
  const int64_t keys_before = DbSize();
  absl::Status status;
  if (std::string(in.code) == "-") {
    status = Request(in.phone).status();
  } else {
    status = Verify(in.phone, in.code).status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  auto violation = status::FieldViolationOf(status);
  ASSERT_TRUE(violation.has_value()) << status;
  EXPECT_EQ(violation->first, in.field);
  EXPECT_FALSE(violation->second.empty());
  EXPECT_EQ(DbSize(), keys_before);
  EXPECT_TRUE(dispatcher_.sent().empty());
}

const std::string& LongString() {
  static const std::string* s = new std::string(200, '8');
  return *s;
}

INSTANTIATE_TEST_SUITE_P(
    Table, OtpMalformedInputTest,
    ::testing::Values(
        // "-" as the code means RequestOtp; anything else means VerifyOtp.
        BadInput{"", "-", "phone"}, BadInput{"12345", "-", "phone"},
        BadInput{"1234567", "-", "phone"}, BadInput{"abcdefghijk", "-", "phone"},
        BadInput{"\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660", "-",
                 "phone"},
        BadInput{"+1 415 555 0100", "-", "phone"}, BadInput{"021-5551234", "-", "phone"},
        BadInput{"+62 21 5551234", "-", "phone"}, BadInput{LongString().c_str(), "-", "phone"},
        BadInput{kRegistered, "", "code"}, BadInput{kRegistered, "12345", "code"},
        BadInput{kRegistered, "1234567", "code"}, BadInput{kRegistered, "12a456", "code"},
        BadInput{kRegistered, "\u0661\u0662\u0663\u0664\u0665\u0666", "code"},
        BadInput{kRegistered, " 12345", "code"},
        BadInput{kRegistered, LongString().c_str(), "code"},
        BadInput{"+1 415 555 0100", "123456", "phone"}),
    [](const ::testing::TestParamInfo<BadInput>& info) {
      return absl::StrFormat("%s_%d", std::string(info.param.code) == "-" ? "Request" : "Verify",
                             info.index);
    });

TEST_F(OtpIssuerTest, EmptyRequesterIsRefused) {
  auto r = issuer_->Request({kRegistered, "", "whatsapp"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationOf(r.status())->first, "requester");
}

TEST_F(OtpIssuerTest, FiftyConcurrentVerifiesOfTheRightCodeSucceedOnce) {
  ASSERT_TRUE(Request(kRegistered).ok());
  const std::string code = dispatcher_.LastCode(kRegistered);
  std::atomic<int> verified{0}, gone{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      auto r = Verify(kRegistered, code);
      if (r.ok() && r->verdict == VerifyVerdict::kVerified) {
        ++verified;
      } else if (r.ok() && r->verdict == VerifyVerdict::kNoActiveCode) {
        ++gone;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(verified.load(), 1);
  EXPECT_EQ(gone.load(), 49);
  EXPECT_EQ(other.load(), 0);
}

// An attacker who rotates requesters (WhatsApp accounts) and keeps asking for new codes for one
// victim number, then guesses. To make "zero successes" deterministic rather than likely, each
// code's real value is also tried right after its fifth wrong guess: it must be refused.
TEST_F(OtpIssuerTest, TenThousandGuessesAcrossRotatingRequestsNeverSucceed) {
  std::mt19937 rng(42);
  int guesses = 0, successes = 0, live_wrong = 0, refused_requests = 0, codes = 0;
  int requester = 0;
  std::string code;
  int wrong_on_this_code = 0;
  while (guesses < 10000) {
    if (guesses % 100 == 0) {
      clock_.Advance(absl::Minutes(1));
      auto r = Request(kRegistered, "wa:attacker-" + std::to_string(requester++ % 1000));
      if (r.ok()) {
        ++codes;
        code = dispatcher_.LastCode(kRegistered);
        wrong_on_this_code = 0;
      } else {
        ASSERT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
        ++refused_requests;
      }
    }
    std::string guess;
    if (wrong_on_this_code == 5) {
      guess = code;  // the real code, after the lock
    } else {
      do {
        guess = absl::StrFormat("%06d", rng() % 1000000);
      } while (guess == code);
    }
    auto v = Verify(kRegistered, guess);
    ASSERT_TRUE(v.ok()) << v.status();
    ++guesses;
    if (v->verdict == VerifyVerdict::kVerified) ++successes;
    if (v->verdict == VerifyVerdict::kWrongCode ||
        (v->verdict == VerifyVerdict::kLocked && wrong_on_this_code < 5)) {
      ++live_wrong;
      ++wrong_on_this_code;
    }
  }
  EXPECT_EQ(successes, 0);
  EXPECT_GT(refused_requests, 0) << "the per-number limits never fired";
  // 100 simulated minutes: at most 5 codes per number per hour, 5 evaluated guesses each.
  EXPECT_LE(codes, 10);
  EXPECT_LE(live_wrong, codes * 5);
}

TEST_F(OtpIssuerTest, RedisDownIsUnavailableAndRecovers) {
  ASSERT_TRUE(Request(kRegistered).ok());
  redis_server_->Stop();
  clock_.Advance(absl::Minutes(2));
  auto req = Request(kRegistered2);
  EXPECT_EQ(req.status().code(), absl::StatusCode::kUnavailable) << req.status();
  auto ver = Verify(kRegistered, "123456");
  EXPECT_EQ(ver.status().code(), absl::StatusCode::kUnavailable) << ver.status();
  EXPECT_EQ(dispatcher_.sent().size(), 1u) << "nothing may be sent while Redis is down";

  ASSERT_TRUE(redis_server_->Restart().ok());
  auto again = Request(kRegistered2);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Verify(kRegistered2, dispatcher_.LastCode(kRegistered2))->verdict,
            VerifyVerdict::kVerified);
}

TEST(OtpMessageTest, TextNamesTheCodeAndItsLifetimeInBahasa) {
  const std::string text = otp::OtpIssuer::MessageText("123456", absl::Minutes(5));
  EXPECT_THAT(text, HasSubstr("123456"));
  EXPECT_THAT(text, HasSubstr("Berlaku 5 menit"));
  EXPECT_THAT(text, HasSubstr("JANGAN berikan kode ini"));
}

}  // namespace
}  // namespace lindungi::testing

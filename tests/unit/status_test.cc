#include "lindungi/status/status.h"

#include "gtest/gtest.h"

namespace lindungi::status {
namespace {

TEST(StatusTest, DetailsSurviveTheTripThroughGrpc) {
  absl::Status s = WithRetryAfter(absl::ResourceExhaustedError("slow down"), absl::Seconds(42));
  s = WithReason(std::move(s), "PHONE_COOLDOWN", "otp.lindungi");
  const grpc::Status wire = ToGrpc(s);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(wire.error_message(), "slow down");
  EXPECT_FALSE(wire.error_details().empty());
  const absl::Status back = FromGrpc(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryAfterOf(back), absl::Seconds(42));
  EXPECT_EQ(ReasonOf(back), "PHONE_COOLDOWN");
}

TEST(StatusTest, FieldViolationsAccumulate) {
  absl::Status s = InvalidField("phone", "not a mobile number");
  s = WithFieldViolation(std::move(s), "code", "must be 6 digits");
  const absl::Status back = FromGrpc(ToGrpc(s));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto first = FieldViolationOf(back);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->first, "phone");
  EXPECT_EQ(first->second, "not a mobile number");
}

TEST(StatusTest, PlainStatusesHaveNoDetails) {
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
  const grpc::Status wire = ToGrpc(absl::UnavailableError("redis down"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(wire.error_details().empty());
  EXPECT_FALSE(RetryAfterOf(FromGrpc(wire)).has_value());
  // Garbage in the details trailer is ignored, not trusted.
  const absl::Status odd = FromGrpc(grpc::Status(grpc::StatusCode::INTERNAL, "x", "\xff\xff"));
  EXPECT_EQ(odd.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(ReasonOf(odd).has_value());
}

}  // namespace
}  // namespace lindungi::status

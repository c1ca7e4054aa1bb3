#include "lindungi/log/log.h"

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace lindungi::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactTest, MasksPhoneNumbersInEveryWrittenForm) {
  EXPECT_EQ(Redact("call +6281234567890 now"), "call +6281*****7890 now");
  EXPECT_EQ(Redact("0812-3456-7890"), "0812-****-7890");
  EXPECT_EQ(Redact("0812 3456 7890"), "0812 **** 7890");
  // Dotted numbers that are not IPv4 addresses stay masked.
  EXPECT_EQ(Redact("0812.3456.7890"), "0812.****.7890");
  EXPECT_EQ(Redact("081.234.567.890"), "081.2**.**7.890");
  EXPECT_EQ(Redact("62.81.234.56.78.90"), "62.81.***.**.78.90");
  EXPECT_EQ(Redact("phone=081234567890;"), "phone=0812****7890;");
}

TEST(RedactTest, LongNumbersAreMaskedEvenWhenLettersFollow) {
  // Found by redact_fuzz: a number with separators that ran into a letter escaped masking.
  EXPECT_EQ(Redact("1121121120059597251002-2-2y00"), "1121****************02-2-2y00");
  EXPECT_EQ(Redact("081234567890abc"), "0812****7890abc");
}

TEST(RedactTest, MasksNiksAndCodesEntirelyOrToTheDesignMask) {
  EXPECT_EQ(Redact("nik 3201234567890001 ok"), "nik 3201********0001 ok");
  EXPECT_EQ(Redact("your code is 123456."), "your code is ******.");
  EXPECT_EQ(Redact("kode:654321"), "kode:******");
}

TEST(RedactTest, RedactsTokens) {
  EXPECT_EQ(Redact("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer [REDACTED]");
  EXPECT_THAT(Redact("token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhMSJ9.c2ln"), Not(HasSubstr("eyJ")));
  EXPECT_THAT(Redact("wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzE0"), Not(HasSubstr("HBgLNjI4")));
}

TEST(RedactTest, LeavesOrdinaryTextAndSmallNumbersAlone) {
  EXPECT_EQ(Redact("at 20261128T151456Z"), "at 20261128T151456Z");
  EXPECT_EQ(Redact("listening on port 50051 after 12 ms"), "listening on port 50051 after 12 ms");
  EXPECT_EQ(Redact("request_id 9f86d081884c7d65"), "request_id 9f86d081884c7d65");
  EXPECT_EQ(Redact("dose 2 of 3"), "dose 2 of 3");
  EXPECT_EQ(Redact("identity at 127.0.0.1:50020"), "identity at 127.0.0.1:50020");
  EXPECT_EQ(Redact("peer ipv4:10.244.12.201:443"), "peer ipv4:10.244.12.201:443");
}

TEST(LogLineTest, IsOneJsonObjectWithRequestIdAndRedactedFields) {
  RequestIdScope scope("rid-1");
  const std::string line = FormatLine(Level::kInfo, "sent to 081234567890",
                                      {{"phone", "+6281234567890"},
                                       {"code", "123456"},
                                       {"attempts", 3},
                                       {"grpc_code", "OK"},
                                       {"note", "ref 3201234567890001"},
                                       {"ok", true}});
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line only";
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["request_id"], "rid-1");
  EXPECT_EQ(j["msg"], "sent to 0812****7890");
  EXPECT_EQ(j["phone"], "[REDACTED]");
  EXPECT_EQ(j["code"], "[REDACTED]");
  EXPECT_EQ(j["attempts"], 3);
  EXPECT_EQ(j["grpc_code"], "OK");
  EXPECT_EQ(j["note"], "ref 3201********0001");
  EXPECT_EQ(j["ok"], true);
  EXPECT_FALSE(j["ts"].get<std::string>().empty());
}

TEST(LogLineTest, EscapesControlCharactersAndQuotes) {
  auto j = nlohmann::json::parse(FormatLine(Level::kWarn, "a \"quoted\"\nline\t\x01", {}));
  EXPECT_EQ(j["msg"], "a \"quoted\"\nline\t\x01");
}

TEST(LogLineTest, RequestIdScopesNestAndRestore) {
  EXPECT_EQ(CurrentRequestId(), "");
  {
    RequestIdScope outer("a");
    {
      RequestIdScope inner("b");
      EXPECT_EQ(CurrentRequestId(), "b");
    }
    EXPECT_EQ(CurrentRequestId(), "a");
  }
  EXPECT_EQ(CurrentRequestId(), "");
  EXPECT_EQ(NewRequestId().size(), 16u);
  EXPECT_NE(NewRequestId(), NewRequestId());
}

TEST(LogWriteTest, HonoursTheLevelAndWritesWholeLines) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  SetOutputFd(fds[1]);
  Configure("test", Level::kWarn);
  Info("dropped");
  Warn("kept", {{"n", 1}});
  SetOutputFd(STDERR_FILENO);
  Configure("test", Level::kInfo);
  close(fds[1]);
  char buf[4096];
  const ssize_t n = read(fds[0], buf, sizeof(buf));
  close(fds[0]);
  const std::string out(buf, n > 0 ? n : 0);
  EXPECT_THAT(out, Not(HasSubstr("dropped")));
  EXPECT_THAT(out, HasSubstr("\"msg\":\"kept\""));
  EXPECT_THAT(out, HasSubstr("\"service\":\"test\""));
}

TEST(LevelTest, ParsesKnownNames) {
  Level l;
  EXPECT_TRUE(ParseLevel("DEBUG", &l));
  EXPECT_EQ(l, Level::kDebug);
  EXPECT_TRUE(ParseLevel("warn", &l));
  EXPECT_EQ(l, Level::kWarn);
  EXPECT_FALSE(ParseLevel("loud", &l));
}

}  // namespace
}  // namespace lindungi::log

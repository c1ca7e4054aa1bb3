// Every Lindungi binary answers --help with its own flags and exit status 0, and refuses what is
// not a flag with one line and exit status 2 (DESIGN.md "Contracts").
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "support/child_process.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class CommandLineTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CommandLineTest, HelpListsOurFlagsAndExitsZero) {
  const std::string program = GetParam();
  auto help = ChildProcess::Spawn({BinDir() + "/" + program, "--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ((*help)->Wait(), 0);
  const std::string out = (*help)->Output();
  EXPECT_THAT(out, StartsWith(program + ": "));
  EXPECT_THAT(out, HasSubstr("Usage: " + program));
  EXPECT_THAT(out, HasSubstr("--flagfile"));
  EXPECT_THAT(out, ::testing::ContainsRegex("Flags from (libs|services|tools|bench)/"));
}

TEST_P(CommandLineTest, WhatIsNotOurFlagIsRefusedInOneLine) {
  const std::string program = GetParam();
  auto unknown = ChildProcess::Spawn({BinDir() + "/" + program, "--no_such_flag_anywhere"});
  ASSERT_TRUE(unknown.ok());
  EXPECT_NE((*unknown)->Wait(), 0);  // absl's own exit status, 1
  EXPECT_THAT((*unknown)->Output(), HasSubstr("Unknown command line flag 'no_such_flag_anywhere'"));
  if (program == "lindungictl") return;  // its first word is a command
  auto stray = ChildProcess::Spawn({BinDir() + "/" + program, "stray"});
  ASSERT_TRUE(stray.ok());
  EXPECT_EQ((*stray)->Wait(), 2);
  EXPECT_EQ((*stray)->Output(), program +
                                    ": unexpected argument \"stray\" (flags look like "
                                    "--name=value; see --help)");
}

std::vector<const char*> Programs() {
  std::vector<const char*> programs = {
      "lindungi-otp",    "lindungi-identity", "lindungi-certificate",
      "lindungi-ticket", "lindungi-gateway",  "lindungictl",
      "fake-sms",        "fake-graph-api",    "lindungi-gen-data",
      "loadgen"};
#ifdef LINDUNGI_WITH_BENCH
  for (const char* bench : {"otp-bench", "identity-bench", "certificate-bench", "ticket-bench"}) {
    programs.push_back(bench);
  }
#endif
  return programs;
}

INSTANTIATE_TEST_SUITE_P(Binaries, CommandLineTest, ::testing::ValuesIn(Programs()),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace lindungi::testing

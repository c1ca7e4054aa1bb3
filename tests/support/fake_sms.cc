#include "support/fake_sms.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/test_env.h"

namespace lindungi::testing {

absl::StatusOr<std::unique_ptr<FakeSms>> FakeSms::Start(const std::string& dir,
                                                        const std::string& api_key) {
  WriteFile(dir + "/fake-sms.key", api_key + "\n");
  auto child = ChildProcess::Spawn(
      {BinDir() + "/fake-sms", "--port=0", "--api_key_file=" + dir + "/fake-sms.key"},
      dir + "/fake-sms.log");
  if (!child.ok()) return child.status();
  auto fake = std::unique_ptr<FakeSms>(new FakeSms());
  fake->process_ = std::move(*child);
  auto line = fake->process_->WaitForLine(
      [](const std::string& l) { return l.find("\"listening\"") != std::string::npos; });
  if (!line) return absl::UnavailableError("fake-sms did not start: " + fake->process_->Output());
  const int port = nlohmann::json::parse(*line).at("port").get<int>();
  fake->base_ = absl::StrCat("http://127.0.0.1:", port);
  return fake;
}

void FakeSms::Fail(int status, int count) {
  auto r =
      HttpPost(base_ + "/_fake/fail", nlohmann::json{{"status", status}, {"count", count}}.dump());
  EXPECT_TRUE(r.ok()) << r.status();
}

nlohmann::json FakeSms::Messages() {
  auto r = HttpGet(base_ + "/_fake/messages");
  return r.ok() ? nlohmann::json::parse(*r) : nlohmann::json::array();
}

nlohmann::json FakeSms::Stats() {
  auto r = HttpGet(base_ + "/_fake/stats");
  return r.ok() ? nlohmann::json::parse(*r) : nlohmann::json::object();
}

}  // namespace lindungi::testing

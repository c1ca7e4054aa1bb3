#include "support/fake_graph.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/test_env.h"

namespace lindungi::testing {

absl::StatusOr<std::unique_ptr<FakeGraph>> FakeGraph::Start(const std::string& dir,
                                                            const std::string& access_token) {
  WriteFile(dir + "/fake-graph.token", access_token + "\n");
  auto child = ChildProcess::Spawn({BinDir() + "/fake-graph-api", "--port=0",
                                    "--access_token_file=" + dir + "/fake-graph.token"},
                                   dir + "/fake-graph-api.log");
  if (!child.ok()) return child.status();
  auto fake = std::unique_ptr<FakeGraph>(new FakeGraph());
  fake->process_ = std::move(*child);
  auto line = fake->process_->WaitForLine(
      [](const std::string& l) { return l.find("\"listening\"") != std::string::npos; });
  if (!line) {
    return absl::UnavailableError("fake-graph-api did not start: " + fake->process_->Output());
  }
  const int port = nlohmann::json::parse(*line).at("port").get<int>();
  fake->base_ = absl::StrCat("http://127.0.0.1:", port);
  return fake;
}

void FakeGraph::Inject(const nlohmann::json& fault) {
  auto r = HttpPost(base_ + "/_control/inject", fault.dump());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(nlohmann::json::parse(*r).contains("pending_faults")) << *r;
}

nlohmann::json FakeGraph::Requests() {
  auto r = HttpGet(base_ + "/_control/requests");
  return r.ok() ? nlohmann::json::parse(*r) : nlohmann::json::array();
}

void FakeGraph::Reset() {
  auto r = HttpPost(base_ + "/_control/reset", "");
  EXPECT_TRUE(r.ok()) << r.status();
}

}  // namespace lindungi::testing

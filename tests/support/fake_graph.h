#pragma once

// tools/fake-graph-api as a child process, with its control API (tools/fake-graph-api/README.md).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "support/child_process.h"

namespace lindungi::testing {

class FakeGraph {
 public:
  // Starts build/bin/fake-graph-api on a free port expecting `access_token`.
  static absl::StatusOr<std::unique_ptr<FakeGraph>> Start(const std::string& dir,
                                                          const std::string& access_token);
  // http://127.0.0.1:<port>, the Graph API base URL (the version goes after it).
  std::string base_url() const { return base_; }
  // Queues faults (POST /_control/inject), e.g. {{"status",429},{"code",130429},{"count",2}}.
  void Inject(const nlohmann::json& fault);
  // Every Graph request received, in order (GET /_control/requests).
  nlohmann::json Requests();
  void Reset();

 private:
  std::string base_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace lindungi::testing

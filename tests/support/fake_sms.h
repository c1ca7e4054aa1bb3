#pragma once

// tools/fake-sms as a child process, with its control API.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "support/child_process.h"

namespace lindungi::testing {

class FakeSms {
 public:
  // Starts build/bin/fake-sms on a free port expecting `api_key`.
  static absl::StatusOr<std::unique_ptr<FakeSms>> Start(const std::string& dir,
                                                        const std::string& api_key);
  std::string url() const { return base_ + "/v1/messages"; }
  // Makes the next `count` sends fail with HTTP `status`.
  void Fail(int status, int count);
  nlohmann::json Messages();
  nlohmann::json Stats();

 private:
  std::string base_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace lindungi::testing

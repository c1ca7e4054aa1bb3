#pragma once

// lindungi-gateway as a child process for tests: its secrets in a temp directory, signed webhook
// deliveries, and webhook bodies built from a few fields.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lindungi/http/client.h"
#include "support/child_process.h"

namespace lindungi::testing {

inline constexpr char kGatewayAppSecret[] = "test_app_secret";
inline constexpr char kGatewayVerifyToken[] = "verify-me-please";
inline constexpr char kGraphAccessToken[] = "graph-test-token";
inline constexpr char kBusinessNumberId[] = "106540352242922";

// One inbound text message of a webhook body.
struct TextIn {
  std::string id;    // wamid
  std::string from;  // the citizen's wa_id
  int64_t timestamp = 1764000000;
  std::string text = "halo";
};

// A messages webhook as Meta sends it, with these messages in this order.
std::string WebhookBody(const std::vector<TextIn>& messages);

class GatewayProcess {
 public:
  // Starts build/bin/lindungi-gateway on free ports with `redis_url`, the test secrets (and the
  // Graph access token) in `dir`, plus `flags`; returns once the webhook listens.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(
      const std::string& dir, const std::string& redis_url, const std::vector<std::string>& flags);

  // POSTs `body` to the webhook, signed with the test app secret.
  http::Response PostSigned(const std::string& body);
  std::string Url(const std::string& path) const;
  int http_port() const { return http_port_; }
  int metrics_port() const { return service_.metrics_port; }
  ChildProcess& process() { return *service_.process; }

 private:
  ServiceProcess service_;
  int http_port_ = 0;
  http::HttpClient client_;
};

}  // namespace lindungi::testing

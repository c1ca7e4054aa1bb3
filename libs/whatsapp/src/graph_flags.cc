#include "lindungi/whatsapp/graph_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lindungi/config/config.h"

ABSL_FLAG(std::string, whatsapp_phone_number_id, "",
          "The WhatsApp business number's id that messages are sent from (Cloud API)");
ABSL_FLAG(std::string, whatsapp_access_token_file, "",
          "File with the Cloud API access token (a system user's permanent token)");
ABSL_FLAG(std::string, graph_api_base_url, "https://graph.facebook.com",
          "The Graph API's base URL (a fake's, in tests and development)");
ABSL_FLAG(std::string, graph_api_version, "v21.0", "The Graph API version in every request path");
ABSL_FLAG(double, graph_messages_per_second, 80,
          "The business number's send rate (Meta: 80/s by default, up to 1000 when upgraded)");
ABSL_FLAG(int, graph_max_attempts, 5,
          "HTTP attempts per Cloud API call, the first included (429, 5xx and throttling codes "
          "are retried with jittered backoff honouring Retry-After)");

namespace lindungi::whatsapp {

absl::StatusOr<GraphConfig> GraphConfigFromFlags(bool production) {
  GraphConfig g;
  g.phone_number_id = absl::GetFlag(FLAGS_whatsapp_phone_number_id);
  absl::StatusOr<std::string> token = config::ReadSecretFile(
      absl::GetFlag(FLAGS_whatsapp_access_token_file), "--whatsapp_access_token_file");
  if (!token.ok()) return token.status();
  g.access_token = *std::move(token);
  g.base_url = absl::GetFlag(FLAGS_graph_api_base_url);
  g.version = absl::GetFlag(FLAGS_graph_api_version);
  g.messages_per_second = absl::GetFlag(FLAGS_graph_messages_per_second);
  g.max_attempts = absl::GetFlag(FLAGS_graph_max_attempts);
  if (absl::Status valid = ValidateConfig(g); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(valid.message(), " (from --whatsapp_phone_number_id and --graph_api_*)"));
  }
  if (production && !absl::StartsWith(g.base_url, "https://")) {
    return absl::InvalidArgumentError(
        "--graph_api_base_url must be https:// with --env=production");
  }
  return g;
}

}  // namespace lindungi::whatsapp

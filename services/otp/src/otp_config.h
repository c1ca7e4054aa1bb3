#pragma once

// otp-service configuration: one validated struct, read from flags by OtpConfigFromFlags().

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/config/config.h"
#include "lindungi/whatsapp/graph_client.h"

namespace lindungi::otp {

// Every limit of DESIGN.md "One-time codes". Windows are fixed windows.
struct OtpLimits {
  absl::Duration code_ttl = absl::Minutes(5);              // a code's lifetime
  int max_wrong_attempts = 5;                              // wrong tries that kill a code
  absl::Duration resend_cooldown = absl::Seconds(60);      // wait after the first send to a number
  absl::Duration resend_cooldown_max = absl::Minutes(15);  // the cooldown doubles up to this
  int phone_limit = 5;                                     // codes per number per phone_window
  absl::Duration phone_window = absl::Hours(1);
  int requester_limit = 10;  // code requests per requester per window
  absl::Duration requester_window = absl::Hours(1);
  int global_limit = 1000;  // codes issued per global_window, all numbers
  absl::Duration global_window = absl::Minutes(1);
};

enum class Provider { kOutbox, kHttp, kWhatsApp };

struct DeliveryConfig {
  Provider provider = Provider::kOutbox;
  std::string outbox_file = "otp-outbox.jsonl";  // outbox: JSON lines appended here
  std::string sms_url;                           // http: POST target
  std::string sms_api_key;                       // http: bearer key (read from its file)
  absl::Duration sms_timeout = absl::Seconds(5);
  int sms_max_attempts = 3;  // tries per message (5xx, 429, network)
  absl::Duration sms_retry_backoff = absl::Milliseconds(200);  // doubles per retry, jittered
  whatsapp::GraphConfig graph;                     // whatsapp: the Cloud API (--graph_api_*, …)
  std::string whatsapp_template = "lindungi_otp";  // whatsapp: the authentication template
  std::string whatsapp_language = "id";            // whatsapp: its language code
  int threads = 4;                                 // concurrent deliveries
  int queue = 10000;                               // deliveries waiting before new ones are dropped
};

struct OtpConfig {
  config::Env env = config::Env::kDevelopment;
  std::string pepper;         // server secret keying every HMAC (from its file)
  std::string identity_addr;  // identity-service, asked whether a number is registered
  absl::Duration identity_timeout = absl::Milliseconds(500);  // deadline of that question
  std::string registered_phones_file;  // or: an allow-list of registered numbers (development)
  OtpLimits limits;
  DeliveryConfig delivery;
};

absl::StatusOr<OtpConfig> OtpConfigFromFlags(config::Env env);
absl::Status Validate(const OtpConfig& config);
absl::string_view ProviderName(Provider provider);

}  // namespace lindungi::otp

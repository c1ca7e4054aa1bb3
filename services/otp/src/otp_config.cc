#include "otp_config.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "lindungi/whatsapp/graph_flags.h"

ABSL_FLAG(std::string, otp_pepper_file, "",
          "Required. File with the server pepper (at least 32 bytes) that keys the code HMACs "
          "and the Redis key names");
ABSL_FLAG(std::string, identity_addr, "",
          "identity-service address (host:port or dns:///host:port); codes are delivered only to "
          "numbers it knows (IsRegisteredPhone). Give this or --registered_phones_file");
ABSL_FLAG(absl::Duration, identity_timeout, absl::Milliseconds(500),
          "Deadline of each IsRegisteredPhone call");
ABSL_FLAG(std::string, registered_phones_file, "",
          "Development alternative to --identity_addr: the registered numbers, one per line (any "
          "accepted format; # comments)");
ABSL_FLAG(absl::Duration, otp_ttl, absl::Minutes(5), "Lifetime of a code");
ABSL_FLAG(int, otp_max_attempts, 5, "Wrong tries after which a code dies");
ABSL_FLAG(absl::Duration, otp_resend_cooldown, absl::Seconds(60),
          "Wait after the first code to a number before another may be sent; doubles with each "
          "further code in --otp_phone_window");
ABSL_FLAG(absl::Duration, otp_resend_cooldown_max, absl::Minutes(15),
          "Upper bound of the growing resend cooldown");
ABSL_FLAG(int, otp_phone_limit, 5, "Codes per number per --otp_phone_window");
ABSL_FLAG(absl::Duration, otp_phone_window, absl::Hours(1), "Window of --otp_phone_limit");
ABSL_FLAG(int, otp_requester_limit, 10,
          "Code requests per requester (a WhatsApp sender, an agent) per --otp_requester_window");
ABSL_FLAG(absl::Duration, otp_requester_window, absl::Hours(1), "Window of --otp_requester_limit");
ABSL_FLAG(int, otp_global_limit, 1000,
          "Delivery budget: codes issued per --otp_global_window across all numbers");
ABSL_FLAG(absl::Duration, otp_global_window, absl::Minutes(1), "Window of --otp_global_limit");
ABSL_FLAG(std::string, sms_provider, "outbox",
          "How codes are delivered: http (SMS gateway), whatsapp (authentication template), or "
          "outbox (JSON lines in --outbox_file; development only, refused with --env=production)");
ABSL_FLAG(std::string, sms_url, "",
          "http provider: URL that receives POST {\"to\",\"message\"} with a bearer key");
ABSL_FLAG(std::string, sms_api_key_file, "", "http provider: file with the bearer key");
ABSL_FLAG(absl::Duration, sms_timeout, absl::Seconds(5), "http provider: timeout per attempt");
ABSL_FLAG(int, sms_max_attempts, 3,
          "http provider: attempts per message on 5xx, 429 or network errors");
ABSL_FLAG(absl::Duration, sms_retry_backoff, absl::Milliseconds(200),
          "http provider: first retry delay; doubles per retry, jittered, Retry-After honoured");
ABSL_FLAG(std::string, whatsapp_otp_template, "lindungi_otp",
          "whatsapp provider: the approved authentication template (its body's {{1}} and its "
          "copy-code button get the code)");
ABSL_FLAG(std::string, whatsapp_otp_language, "id", "whatsapp provider: the template's language");
ABSL_FLAG(std::string, outbox_file, "otp-outbox.jsonl", "outbox provider: file appended to");
ABSL_FLAG(int, delivery_threads, 4, "Deliveries in flight at once");
ABSL_FLAG(int, delivery_queue, 10000,
          "Deliveries that may wait; beyond that a delivery is dropped and counted as failed");

namespace lindungi::otp {
namespace {

absl::StatusOr<Provider> ParseProvider(absl::string_view name) {
  if (name == "outbox") return Provider::kOutbox;
  if (name == "http") return Provider::kHttp;
  if (name == "whatsapp") return Provider::kWhatsApp;
  return absl::InvalidArgumentError(
      absl::StrCat("--sms_provider must be http, whatsapp or outbox, not \"", name, "\""));
}

}  // namespace

absl::string_view ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kOutbox:
      return "outbox";
    case Provider::kHttp:
      return "http";
    case Provider::kWhatsApp:
      return "whatsapp";
  }
  return "unknown";
}

absl::StatusOr<OtpConfig> OtpConfigFromFlags(config::Env env) {
  OtpConfig c;
  c.env = env;
  absl::StatusOr<std::string> pepper =
      config::ReadSecretFile(absl::GetFlag(FLAGS_otp_pepper_file), "--otp_pepper_file");
  if (!pepper.ok()) return pepper.status();
  c.pepper = *pepper;
  c.identity_addr = absl::GetFlag(FLAGS_identity_addr);
  c.identity_timeout = absl::GetFlag(FLAGS_identity_timeout);
  c.registered_phones_file = absl::GetFlag(FLAGS_registered_phones_file);

  OtpLimits& l = c.limits;
  l.code_ttl = absl::GetFlag(FLAGS_otp_ttl);
  l.max_wrong_attempts = absl::GetFlag(FLAGS_otp_max_attempts);
  l.resend_cooldown = absl::GetFlag(FLAGS_otp_resend_cooldown);
  l.resend_cooldown_max = absl::GetFlag(FLAGS_otp_resend_cooldown_max);
  l.phone_limit = absl::GetFlag(FLAGS_otp_phone_limit);
  l.phone_window = absl::GetFlag(FLAGS_otp_phone_window);
  l.requester_limit = absl::GetFlag(FLAGS_otp_requester_limit);
  l.requester_window = absl::GetFlag(FLAGS_otp_requester_window);
  l.global_limit = absl::GetFlag(FLAGS_otp_global_limit);
  l.global_window = absl::GetFlag(FLAGS_otp_global_window);

  DeliveryConfig& d = c.delivery;
  absl::StatusOr<Provider> provider = ParseProvider(absl::GetFlag(FLAGS_sms_provider));
  if (!provider.ok()) return provider.status();
  d.provider = *provider;
  d.outbox_file = absl::GetFlag(FLAGS_outbox_file);
  d.sms_url = absl::GetFlag(FLAGS_sms_url);
  if (d.provider == Provider::kWhatsApp) {
    absl::StatusOr<whatsapp::GraphConfig> graph =
        whatsapp::GraphConfigFromFlags(env == config::Env::kProduction);
    if (!graph.ok()) return graph.status();
    d.graph = *std::move(graph);
    d.whatsapp_template = absl::GetFlag(FLAGS_whatsapp_otp_template);
    d.whatsapp_language = absl::GetFlag(FLAGS_whatsapp_otp_language);
  }
  if (d.provider == Provider::kHttp) {
    absl::StatusOr<std::string> key =
        config::ReadSecretFile(absl::GetFlag(FLAGS_sms_api_key_file), "--sms_api_key_file");
    if (!key.ok()) return key.status();
    d.sms_api_key = *key;
  }
  d.sms_timeout = absl::GetFlag(FLAGS_sms_timeout);
  d.sms_max_attempts = absl::GetFlag(FLAGS_sms_max_attempts);
  d.sms_retry_backoff = absl::GetFlag(FLAGS_sms_retry_backoff);
  d.threads = absl::GetFlag(FLAGS_delivery_threads);
  d.queue = absl::GetFlag(FLAGS_delivery_queue);
  if (absl::Status s = Validate(c); !s.ok()) return s;
  return c;
}

absl::Status Validate(const OtpConfig& c) {
  if (c.pepper.size() < 32) {
    return absl::InvalidArgumentError("--otp_pepper_file must hold at least 32 bytes");
  }
  if (c.identity_addr.empty() == c.registered_phones_file.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --identity_addr or --registered_phones_file (codes go only to "
        "registered numbers)");
  }
  if (c.identity_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--identity_timeout must be positive");
  }
  const OtpLimits& l = c.limits;
  if (l.code_ttl < absl::Seconds(30) || l.code_ttl > absl::Hours(1)) {
    return absl::InvalidArgumentError("--otp_ttl must be between 30s and 1h");
  }
  if (l.max_wrong_attempts < 1 || l.max_wrong_attempts > 20) {
    return absl::InvalidArgumentError("--otp_max_attempts must be between 1 and 20");
  }
  if (l.resend_cooldown < absl::ZeroDuration() || l.resend_cooldown_max < l.resend_cooldown) {
    return absl::InvalidArgumentError(
        "--otp_resend_cooldown must be >= 0 and <= --otp_resend_cooldown_max");
  }
  for (int limit : {l.phone_limit, l.requester_limit, l.global_limit}) {
    if (limit < 1) return absl::InvalidArgumentError("every --otp_*_limit must be at least 1");
  }
  for (absl::Duration w : {l.phone_window, l.requester_window, l.global_window}) {
    if (w < absl::Seconds(1)) {
      return absl::InvalidArgumentError("every --otp_*_window must be at least 1s");
    }
  }
  const DeliveryConfig& d = c.delivery;
  switch (d.provider) {
    case Provider::kOutbox:
      if (c.env == config::Env::kProduction) {
        return absl::InvalidArgumentError(
            "--sms_provider=outbox writes codes to a file and is refused with --env=production");
      }
      if (d.outbox_file.empty()) return absl::InvalidArgumentError("--outbox_file is empty");
      break;
    case Provider::kHttp:
      if (d.sms_url.rfind("http://", 0) != 0 && d.sms_url.rfind("https://", 0) != 0) {
        return absl::InvalidArgumentError("--sms_provider=http needs --sms_url=http(s)://...");
      }
      if (c.env == config::Env::kProduction && d.sms_url.rfind("https://", 0) != 0) {
        return absl::InvalidArgumentError("--sms_url must be https:// with --env=production");
      }
      break;
    case Provider::kWhatsApp:
      if (d.whatsapp_template.empty() || d.whatsapp_language.empty()) {
        return absl::InvalidArgumentError(
            "--sms_provider=whatsapp needs --whatsapp_otp_template and --whatsapp_otp_language");
      }
      break;
  }
  if (d.sms_max_attempts < 1 || d.threads < 1 || d.queue < 1) {
    return absl::InvalidArgumentError(
        "--sms_max_attempts, --delivery_threads and --delivery_queue must be at least 1");
  }
  return absl::OkStatus();
}

}  // namespace lindungi::otp

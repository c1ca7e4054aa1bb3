#include "code_delivery.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "lindungi/log/log.h"
#include "lindungi/status/status.h"
#include "nlohmann/json.hpp"

namespace lindungi::otp {
namespace {

constexpr absl::string_view kDomain = "otp.lindungi";
constexpr absl::Duration kMaxRetryWait = absl::Seconds(10);

constexpr status::ErrorDomain Failure{kDomain};

absl::Duration Jitter(absl::Duration d) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  return d * factor(rng);
}

}  // namespace

HttpSmsSender::HttpSmsSender(const DeliveryConfig& config, Sleeper sleep)
    : config_(config), sleep_(std::move(sleep)), client_(config.threads) {}

absl::Status HttpSmsSender::Send(const CodeMessage& message) {
  const std::string& e164 = message.e164;
  const std::string& text = message.text;
  http::Request request;
  request.method = "POST";
  request.url = config_.sms_url;
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", absl::StrCat("Bearer ", config_.sms_api_key)}};
  request.body = nlohmann::json{{"to", e164}, {"message", text}}.dump();
  request.timeout = config_.sms_timeout;

  absl::Status last;
  absl::Duration backoff = config_.sms_retry_backoff;
  for (int attempt = 1; attempt <= config_.sms_max_attempts; ++attempt) {
    absl::Duration wait = Jitter(backoff);
    absl::StatusOr<http::Response> response = client_.Send(request);
    if (!response.ok()) {
      last = Failure(absl::StatusCode::kUnavailable, "transport", response.status().message());
    } else if (response->status >= 200 && response->status < 300) {
      return absl::OkStatus();
    } else if (response->status == 429 || response->status >= 500) {
      last =
          Failure(absl::StatusCode::kUnavailable, response->status == 429 ? "http_429" : "http_5xx",
                  absl::StrCat("SMS provider answered HTTP ", response->status));
      wait = http::RetryAfter(*response, wait);
    } else {
      return Failure(absl::StatusCode::kFailedPrecondition, "http_4xx",
                     absl::StrCat("SMS provider refused the message: HTTP ", response->status));
    }
    if (attempt < config_.sms_max_attempts) sleep_(std::min(wait, kMaxRetryWait));
    backoff *= 2;
  }
  return last;
}

absl::StatusOr<std::unique_ptr<CodeSender>> MakeSender(const DeliveryConfig& config) {
  switch (config.provider) {
    case Provider::kHttp:
      return std::make_unique<HttpSmsSender>(config);
    case Provider::kOutbox: {
      absl::StatusOr<std::unique_ptr<OutboxSender>> outbox = OutboxSender::Open(config.outbox_file);
      if (!outbox.ok()) return outbox.status();
      return std::unique_ptr<CodeSender>(std::move(*outbox));
    }
    case Provider::kWhatsApp: {
      absl::StatusOr<std::unique_ptr<whatsapp::GraphClient>> graph =
          whatsapp::GraphClient::Create(config.graph);
      if (!graph.ok()) return graph.status();
      return std::make_unique<WhatsAppCodeSender>(*std::move(graph), config.whatsapp_template,
                                                  config.whatsapp_language);
    }
  }
  return absl::InternalError("unknown --sms_provider");
}

WhatsAppCodeSender::WhatsAppCodeSender(std::unique_ptr<whatsapp::GraphClient> graph,
                                       std::string template_name, std::string language)
    : graph_(std::move(graph)),
      template_name_(std::move(template_name)),
      language_(std::move(language)) {}

absl::Status WhatsAppCodeSender::Send(const CodeMessage& message) {
  whatsapp::TemplateMessage otp;
  otp.name = template_name_;
  otp.language = language_;
  otp.body_parameters = {message.code};
  otp.copy_code = message.code;
  const std::string to = absl::StrCat(absl::StripPrefix(message.e164, "+"));  // a wa_id
  absl::StatusOr<std::string> sent = graph_->SendTemplate(to, otp);
  if (sent.ok()) return absl::OkStatus();
  const std::optional<int> code = whatsapp::GraphCodeOf(sent.status());
  return Failure(sent.status().code(),
                 absl::StrCat("graph_", code ? whatsapp::GraphCodeLabel(*code) : "transport"),
                 "the WhatsApp Cloud API did not take the code");
}

absl::StatusOr<std::unique_ptr<OutboxSender>> OutboxSender::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("--outbox_file: cannot open ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<OutboxSender>(new OutboxSender(fd));
}

OutboxSender::~OutboxSender() { ::close(fd_); }

absl::Status OutboxSender::Send(const CodeMessage& message) {
  const std::string line =
      nlohmann::json{{"ts", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())},
                     {"to", message.e164},
                     {"message", message.text}}
          .dump() +
      "\n";
  std::lock_guard<std::mutex> lock(mu_);
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    return Failure(absl::StatusCode::kUnavailable, "write_failed", "cannot append to the outbox");
  }
  return absl::OkStatus();
}

DeliveryQueue::DeliveryQueue(CodeSender& sender, OtpMetrics& metrics, int threads, int capacity)
    : sender_(sender),
      metrics_(metrics),
      pool_("otp_delivery", threads, static_cast<size_t>(capacity)) {}

void DeliveryQueue::Dispatch(CodeMessage message) {
  std::string request_id = log::CurrentRequestId();
  const bool queued =
      pool_.TrySubmit([this, message = std::move(message), request_id = std::move(request_id)] {
        log::RequestIdScope scope(request_id);
        const absl::Status sent = sender_.Send(message);
        if (sent.ok()) {
          metrics_.Delivered(sender_.provider());
          log::Debug("code delivered", {{"provider", sender_.provider()}});
          return;
        }
        const std::string reason = status::ReasonOf(sent).value_or("unknown");
        metrics_.DeliveryFailed(sender_.provider(), reason);
        log::Warn("code delivery failed", {{"provider", sender_.provider()},
                                           {"reason", reason},
                                           {"error", std::string(sent.message())}});
      });
  if (!queued) {
    metrics_.DeliveryFailed(sender_.provider(), "queue_full");
    log::Warn("code delivery dropped: queue full", {{"provider", sender_.provider()}});
  }
}

}  // namespace lindungi::otp

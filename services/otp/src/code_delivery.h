#pragma once

// Getting a code to the citizen's phone. Delivery runs after RequestOtp has answered, so the
// answer takes as long for an unregistered number (nothing sent) as for a registered one.

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lindungi/http/client.h"
#include "lindungi/server/worker_pool.h"
#include "lindungi/whatsapp/graph_client.h"
#include "otp_config.h"
#include "otp_metrics.h"

namespace lindungi::otp {

// One code for one number: the digits (for a WhatsApp authentication template) and the text an
// SMS carries. Secret: never logged.
struct CodeMessage {
  std::string e164;
  std::string code;
  std::string text;
};

// Sends one code to one number. A failure carries its metrics reason as the ErrorInfo reason
// (status::ReasonOf): http_4xx, http_5xx, http_429, transport, write_failed, graph_<code>.
class CodeSender {
 public:
  virtual ~CodeSender() = default;
  virtual absl::Status Send(const CodeMessage& message) = 0;
  virtual std::string provider() const = 0;
};

// POST <url> {"to","message"} with Authorization: Bearer <key>. Retries 5xx, 429 and network
// errors with jittered exponential backoff, honouring Retry-After; other 4xx are permanent.
class HttpSmsSender final : public CodeSender {
 public:
  using Sleeper = std::function<void(absl::Duration)>;
  HttpSmsSender(const DeliveryConfig& config, Sleeper sleep = absl::SleepFor);
  absl::Status Send(const CodeMessage& message) override;
  std::string provider() const override { return "http"; }

 private:
  const DeliveryConfig config_;
  Sleeper sleep_;
  http::HttpClient client_;
};

// Development only: appends {"ts","to","message"} as one JSON line per code to a file.
class OutboxSender final : public CodeSender {
 public:
  static absl::StatusOr<std::unique_ptr<OutboxSender>> Open(const std::string& path);
  ~OutboxSender() override;
  absl::Status Send(const CodeMessage& message) override;
  std::string provider() const override { return "outbox"; }

 private:
  explicit OutboxSender(int fd) : fd_(fd) {}
  std::mutex mu_;
  int fd_;
};

// The WhatsApp Cloud API: an authentication template (--whatsapp_otp_template, approved by Meta
// in the "authentication" category) with the code as its body parameter and copy-code button.
// The client retries throttling and 5xx; a refusal's reason is graph_<code> (e.g. graph_131026
// for a number not on WhatsApp), or graph_transport.
class WhatsAppCodeSender final : public CodeSender {
 public:
  WhatsAppCodeSender(std::unique_ptr<whatsapp::GraphClient> graph, std::string template_name,
                     std::string language);
  absl::Status Send(const CodeMessage& message) override;
  std::string provider() const override { return "whatsapp"; }

 private:
  std::unique_ptr<whatsapp::GraphClient> graph_;
  const std::string template_name_;
  const std::string language_;
};

// Hands a message over for delivery without waiting for it.
class CodeDispatcher {
 public:
  virtual ~CodeDispatcher() = default;
  virtual void Dispatch(CodeMessage message) = 0;
};

// Delivers on a bounded pool of threads; a full queue drops the delivery (counted, logged), and
// the citizen asks again after the cooldown. Shutdown delivers what is queued.
class DeliveryQueue final : public CodeDispatcher {
 public:
  DeliveryQueue(CodeSender& sender, OtpMetrics& metrics, int threads, int capacity);
  void Dispatch(CodeMessage message) override;
  void Shutdown() { pool_.Shutdown(); }

 private:
  CodeSender& sender_;
  OtpMetrics& metrics_;
  server::WorkerPool pool_;
};

absl::StatusOr<std::unique_ptr<CodeSender>> MakeSender(const DeliveryConfig& config);

}  // namespace lindungi::otp

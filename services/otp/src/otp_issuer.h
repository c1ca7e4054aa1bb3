#pragma once

// The one-time code rules of DESIGN.md "One-time codes", free of gRPC: issue a code (limits,
// registry check, delivery) and verify it. Enumeration-safe: an unregistered number gets the same
// answer, the same Redis writes and the same timing as a registered one; its code is simply a
// random value that no one knows, and nothing is sent.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "code_delivery.h"
#include "lindungi/clock/clock.h"
#include "otp_config.h"
#include "otp_metrics.h"
#include "otp_store.h"
#include "phone_registry.h"

namespace lindungi::otp {

struct CodeRequest {
  std::string phone;      // as typed
  std::string requester;  // opaque, stable id of who asks
  std::string channel;    // metric label: whatsapp, call_center, email, operator, unspecified
};

struct CodeIssued {
  std::string masked_phone;     // 0812****7890
  absl::Duration expires_in;    // lifetime of the code
  absl::Duration resend_after;  // cooldown before the next request for this number
};

struct CodeCheck {
  std::string phone;  // as typed
  std::string code;   // as typed; must be 6 ASCII digits
};

struct CheckResult {
  VerifyVerdict verdict;
  int attempts_left = 0;
  std::string e164;  // the normalized number (returned to the caller only when verified)
};

class OtpIssuer {
 public:
  OtpIssuer(std::string pepper, OtpLimits limits, OtpStore& store, PhoneRegistry& registry,
            CodeDispatcher& dispatcher, clock::Clock& clock, OtpMetrics& metrics);

  // INVALID_ARGUMENT (BadRequest) for a bad phone or requester; RESOURCE_EXHAUSTED (RetryInfo,
  // ErrorInfo reason REQUESTER_LIMIT | GLOBAL_BUDGET | PHONE_COOLDOWN | PHONE_LIMIT) when a limit
  // refuses; UNAVAILABLE when Redis or the registry cannot be reached. A refused or failed
  // request leaves no code behind and gives back the quota it took.
  absl::StatusOr<CodeIssued> Request(const CodeRequest& request);
  // INVALID_ARGUMENT for a bad phone or code; UNAVAILABLE when Redis is down. `done` runs on
  // the calling thread for bad input, else on a Redis I/O thread: no blocking work in it.
  void VerifyAsync(const CodeCheck& check, std::function<void(absl::StatusOr<CheckResult>)> done);
  // The same, waiting for the answer.
  absl::StatusOr<CheckResult> Verify(const CodeCheck& check);

  // The message the citizen receives (Bahasa Indonesia).
  static std::string MessageText(const std::string& code, absl::Duration ttl);

 private:
  std::string KeyId(absl::string_view kind, absl::string_view value) const;
  std::string CodeMac(const std::string& e164, const std::string& code) const;
  void RefundAll(std::initializer_list<const QuotaTicket*> tickets);
  void CountVerdict(VerifyVerdict verdict);

  const std::string pepper_;
  const OtpLimits limits_;
  OtpStore& store_;
  PhoneRegistry& registry_;
  CodeDispatcher& dispatcher_;
  clock::Clock& clock_;
  OtpMetrics& metrics_;
};

}  // namespace lindungi::otp

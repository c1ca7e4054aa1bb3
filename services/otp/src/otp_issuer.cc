#include "otp_issuer.h"

#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/crypto/random.h"
#include "lindungi/log/log.h"
#include "lindungi/phone/phone.h"
#include "lindungi/status/status.h"

namespace lindungi::otp {
namespace {

constexpr absl::string_view kDomain = "otp.lindungi";
constexpr int kCodeDigits = 6;
constexpr size_t kMaxRequesterLength = 128;

absl::Status Limited(absl::string_view reason, absl::string_view what, absl::Duration wait) {
  // Round up: "try again in 0 s" would invite an immediate, refused retry.
  const absl::Duration seconds = absl::Ceil(std::max(wait, absl::Seconds(1)), absl::Seconds(1));
  absl::Status s = absl::ResourceExhaustedError(
      absl::StrCat(what, "; try again in ", absl::ToInt64Seconds(seconds), " s"));
  s = status::WithRetryAfter(std::move(s), seconds);
  return status::WithReason(std::move(s), reason, kDomain);
}

absl::StatusOr<std::string> ParsePhone(absl::string_view phone) {
  absl::StatusOr<std::string> e164 = phone::NormalizeMobile(phone);
  if (!e164.ok()) return status::InvalidField("phone", e164.status().message());
  return e164;
}

absl::Status CheckCode(absl::string_view code) {
  if (code.size() != kCodeDigits) {
    return status::InvalidField("code", "the code must be exactly 6 digits");
  }
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return status::InvalidField("code", "the code must be exactly 6 digits");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequester(absl::string_view requester) {
  if (requester.empty()) return status::InvalidField("requester", "the requester is missing");
  if (requester.size() > kMaxRequesterLength) {
    return status::InvalidField("requester", "the requester is longer than 128 characters");
  }
  for (char c : requester) {
    if (c < 0x21 || c > 0x7e) {
      return status::InvalidField("requester", "the requester must be printable ASCII");
    }
  }
  return absl::OkStatus();
}

}  // namespace

OtpIssuer::OtpIssuer(std::string pepper, OtpLimits limits, OtpStore& store, PhoneRegistry& registry,
                     CodeDispatcher& dispatcher, clock::Clock& clock, OtpMetrics& metrics)
    : pepper_(std::move(pepper)),
      limits_(limits),
      store_(store),
      registry_(registry),
      dispatcher_(dispatcher),
      clock_(clock),
      metrics_(metrics) {}

std::string OtpIssuer::KeyId(absl::string_view kind, absl::string_view value) const {
  return crypto::HexEncode(crypto::HmacSha256(pepper_, absl::StrCat("otp-", kind, ":", value)))
      .substr(0, 32);
}

std::string OtpIssuer::CodeMac(const std::string& e164, const std::string& code) const {
  return crypto::HexEncode(crypto::HmacSha256(pepper_, absl::StrCat(e164, code)));
}

std::string OtpIssuer::MessageText(const std::string& code, absl::Duration ttl) {
  const int64_t minutes = absl::ToInt64Minutes(absl::Ceil(ttl, absl::Minutes(1)));
  return absl::StrFormat(
      "Kode verifikasi Lindungi Anda: %s. Berlaku %d menit. JANGAN berikan kode ini kepada "
      "siapa pun, termasuk petugas.",
      code, minutes);
}

void OtpIssuer::RefundAll(std::initializer_list<const QuotaTicket*> tickets) {
  for (const QuotaTicket* t : tickets) {
    if (absl::Status s = store_.Refund(*t); !s.ok()) {
      log::Warn("quota refund failed", {{"error", std::string(s.message())}});
    }
  }
}

absl::StatusOr<CodeIssued> OtpIssuer::Request(const CodeRequest& request) {
  absl::StatusOr<std::string> e164 = ParsePhone(request.phone);
  if (!e164.ok()) return e164.status();
  if (absl::Status s = CheckRequester(request.requester); !s.ok()) return s;

  absl::StatusOr<bool> registered = registry_.IsRegistered(*e164);
  if (!registered.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the citizen registry is unavailable: ", registered.status().message()));
  }

  const absl::Time now = clock_.Now();
  absl::StatusOr<QuotaTicket> requester =
      store_.TakeRequesterQuota(KeyId("requester", request.requester), now, limits_.requester_limit,
                                limits_.requester_window);
  if (!requester.ok()) return requester.status();
  if (!requester->granted) {
    metrics_.RateLimited("requester");
    return Limited("REQUESTER_LIMIT", "too many code requests from this requester",
                   requester->wait);
  }
  absl::StatusOr<QuotaTicket> global =
      store_.TakeGlobalQuota(now, limits_.global_limit, limits_.global_window);
  if (!global.ok()) {
    RefundAll({&*requester});
    return global.status();
  }
  if (!global->granted) {
    RefundAll({&*requester});
    metrics_.RateLimited("global");
    return Limited("GLOBAL_BUDGET", "the service is sending too many codes right now",
                   global->wait);
  }

  absl::StatusOr<std::string> code = crypto::RandomDigits(kCodeDigits);
  absl::StatusOr<std::string> decoy = crypto::RandomBytes(32);
  if (!code.ok() || !decoy.ok()) {
    RefundAll({&*requester, &*global});
    return absl::InternalError("random number generator failed");
  }
  // An unregistered number gets a record like any other, keyed to a value no code can match.
  const std::string mac = *registered ? CodeMac(*e164, *code) : crypto::HexEncode(*decoy);
  absl::StatusOr<IssueResult> issued =
      store_.Issue(KeyId("phone", *e164), now, mac, limits_.code_ttl, limits_.resend_cooldown,
                   limits_.resend_cooldown_max, limits_.phone_limit, limits_.phone_window);
  if (!issued.ok()) {
    RefundAll({&*requester, &*global});
    return issued.status();
  }
  switch (issued->verdict) {
    case IssueVerdict::kPhoneCooldown:
      RefundAll({&*requester, &*global});
      metrics_.RateLimited("phone_cooldown");
      return Limited("PHONE_COOLDOWN", "a code was sent to this number moments ago", issued->wait);
    case IssueVerdict::kPhoneLimit:
      RefundAll({&*requester, &*global});
      metrics_.RateLimited("phone_window");
      return Limited("PHONE_LIMIT", "too many codes for this number", issued->wait);
    case IssueVerdict::kIssued:
      break;
  }
  metrics_.Issued(request.channel);
  if (*registered) dispatcher_.Dispatch({*e164, *code, MessageText(*code, limits_.code_ttl)});
  log::Info("code issued", {{"channel", request.channel}});
  return CodeIssued{phone::MaskPhone(*e164), limits_.code_ttl, issued->wait};
}

void OtpIssuer::VerifyAsync(const CodeCheck& check,
                            std::function<void(absl::StatusOr<CheckResult>)> done) {
  absl::StatusOr<std::string> e164 = ParsePhone(check.phone);
  if (!e164.ok()) return done(e164.status());
  if (absl::Status s = CheckCode(check.code); !s.ok()) return done(s);

  // Computed before the call: the callback below takes e164 over.
  const std::string phone_id = KeyId("phone", *e164);
  const std::string mac = CodeMac(*e164, check.code);
  store_.VerifyAsync(phone_id, clock_.Now(), mac, limits_.max_wrong_attempts,
                     [this, e164 = *std::move(e164),
                      done = std::move(done)](absl::StatusOr<VerifyResult> result) mutable {
                       if (!result.ok()) return done(result.status());
                       CountVerdict(result->verdict);
                       done(CheckResult{result->verdict, result->attempts_left, std::move(e164)});
                     });
}

absl::StatusOr<CheckResult> OtpIssuer::Verify(const CodeCheck& check) {
  std::promise<absl::StatusOr<CheckResult>> promise;
  std::future<absl::StatusOr<CheckResult>> future = promise.get_future();
  VerifyAsync(check,
              [&promise](absl::StatusOr<CheckResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void OtpIssuer::CountVerdict(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::kVerified:
      metrics_.verified.Increment();
      break;
    case VerifyVerdict::kWrongCode:
      metrics_.wrong.Increment();
      break;
    case VerifyVerdict::kExpired:
      metrics_.expired.Increment();
      break;
    case VerifyVerdict::kLocked:
      metrics_.locked.Increment();
      break;
    case VerifyVerdict::kNoActiveCode:
      metrics_.no_active_code.Increment();
      break;
  }
}

}  // namespace lindungi::otp

#include "otp_metrics.h"

#include "lindungi/metrics/metrics.h"

namespace lindungi::otp {

using metrics::CounterFamily;

OtpMetrics::OtpMetrics()
    : verified(
          CounterFamily("lindungi_otp_verified_total", "Codes verified (and consumed).").Add({})),
      wrong(CounterFamily("lindungi_otp_wrong_total", "Verification attempts with a wrong code.")
                .Add({})),
      expired(CounterFamily("lindungi_otp_expired_total",
                            "Verification attempts on a code past its lifetime.")
                  .Add({})),
      locked(CounterFamily("lindungi_otp_locked_total",
                           "Verification attempts on (or that caused) a code killed by too many "
                           "wrong tries.")
                 .Add({})),
      no_active_code(CounterFamily("lindungi_otp_no_active_code_total",
                                   "Verification attempts with no code outstanding.")
                         .Add({})),
      issued_(CounterFamily("lindungi_otp_issued_total", "Codes issued, by request channel.")),
      delivered_(CounterFamily("lindungi_otp_delivered_total",
                               "Codes accepted by the delivery provider.")),
      delivery_failures_(CounterFamily("lindungi_otp_delivery_failures_total",
                                       "Codes that could not be delivered, by reason.")),
      rate_limited_(CounterFamily("lindungi_otp_rate_limited_total",
                                  "Code requests refused, by the limit that refused them.")) {}

void OtpMetrics::Issued(const std::string& channel) {
  issued_.Add({{"channel", channel}}).Increment();
}

void OtpMetrics::Delivered(const std::string& provider) {
  delivered_.Add({{"provider", provider}}).Increment();
}

void OtpMetrics::DeliveryFailed(const std::string& provider, const std::string& reason) {
  delivery_failures_.Add({{"provider", provider}, {"reason", reason}}).Increment();
}

void OtpMetrics::RateLimited(const std::string& limit) {
  rate_limited_.Add({{"limit", limit}}).Increment();
}

}  // namespace lindungi::otp

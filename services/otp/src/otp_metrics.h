#pragma once

// otp-service's domain metrics (the gRPC ones come from the interceptor). No label carries a
// phone number, a requester or a code.

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace lindungi::otp {

class OtpMetrics {
 public:
  OtpMetrics();

  void Issued(const std::string& channel);  // a code was issued (registered or not)
  void Delivered(const std::string& provider);
  // reason: http_4xx, http_5xx, transport, queue_full, write_failed
  void DeliveryFailed(const std::string& provider, const std::string& reason);
  // limit: requester, global, phone_cooldown, phone_window
  void RateLimited(const std::string& limit);

  prometheus::Counter& verified;
  prometheus::Counter& wrong;
  prometheus::Counter& expired;
  prometheus::Counter& locked;
  prometheus::Counter& no_active_code;

 private:
  prometheus::Family<prometheus::Counter>& issued_;
  prometheus::Family<prometheus::Counter>& delivered_;
  prometheus::Family<prometheus::Counter>& delivery_failures_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
};

}  // namespace lindungi::otp

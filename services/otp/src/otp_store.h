#pragma once

// Where codes and counters live in Redis. Each decision that must be atomic is one Lua script on
// keys that share a hash tag, so the layout moves to Redis Cluster unchanged:
//   otp:{p:<id>}:code   hash  mac, wrong, exp[, state=locked]   one outstanding code per number
//   otp:{p:<id>}:sends  hash  n, start, next                     sends in the window, cooldown
//   otp:{r:<id>}:quota  hash  n, start                           requests by one requester
//   otp:{global}:quota  hash  n, start                           the global delivery budget
// <id> is an HMAC of the phone number or requester under the pepper: Redis holds no phone
// numbers and no codes, only HMAC-SHA256(pepper, phone || code). Times are milliseconds from
// the service's clock, passed in, so tests can move time; Redis TTLs only collect garbage.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/redis/pipeline.h"

namespace lindungi::otp {

enum class IssueVerdict { kIssued, kPhoneCooldown, kPhoneLimit };

struct IssueResult {
  IssueVerdict verdict;
  absl::Duration wait;  // kIssued: the new resend cooldown; otherwise: how long to wait
};

enum class VerifyVerdict { kVerified, kWrongCode, kExpired, kLocked, kNoActiveCode };

struct VerifyResult {
  VerifyVerdict verdict;
  int attempts_left = 0;  // after kWrongCode
};

// One taken unit of a fixed-window quota; give it back with Refund when the request fails later.
struct QuotaTicket {
  bool granted = false;
  absl::Duration wait;          // when refused: until the window ends
  std::string key;              // the counter
  std::string window_start_ms;  // the window the unit was taken from
};

class OtpStore {
 public:
  explicit OtpStore(redis::RedisPipeline& redis);

  // SCRIPT LOAD of every script (also done lazily on NOSCRIPT).
  absl::Status LoadScripts();

  // Checks the number's cooldown and window limit and, if allowed, replaces its code with `mac`.
  absl::StatusOr<IssueResult> Issue(const std::string& phone_id, absl::Time now,
                                    const std::string& mac, absl::Duration ttl,
                                    absl::Duration cooldown, absl::Duration cooldown_max,
                                    int phone_limit, absl::Duration phone_window);
  // Verify-and-consume with a constant-time comparison, in one script. `done` runs on a Redis
  // I/O thread.
  void VerifyAsync(const std::string& phone_id, absl::Time now, const std::string& mac,
                   int max_wrong, std::function<void(absl::StatusOr<VerifyResult>)> done);

  // Takes one unit of the requester's / the global quota.
  absl::StatusOr<QuotaTicket> TakeRequesterQuota(const std::string& requester_id, absl::Time now,
                                                 int limit, absl::Duration window);
  absl::StatusOr<QuotaTicket> TakeGlobalQuota(absl::Time now, int limit, absl::Duration window);
  // Returns a unit taken by a request that then failed (no-op if the window has moved on).
  absl::Status Refund(const QuotaTicket& ticket);

  // The verify-and-consume script, for benchmarking it on its own (bench/run-otp-bench).
  static const redis::Script& VerifyScript();

  static std::string CodeKey(const std::string& phone_id);
  static std::string SendsKey(const std::string& phone_id);

 private:
  absl::StatusOr<QuotaTicket> TakeQuota(std::string key, absl::Time now, int limit,
                                        absl::Duration window);

  redis::RedisPipeline& redis_;
};

}  // namespace lindungi::otp

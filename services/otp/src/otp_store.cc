#include "otp_store.h"

#include "absl/strings/str_cat.h"

namespace lindungi::otp {
namespace {

// KEYS: sends, code. ARGV: now, window, limit, cooldown, cooldown_max, mac, exp, code_ttl.
// Numbers that go back into Redis are written from ARGV strings or integers, never floats.
const redis::Script& IssueScript() {
  static const auto* s = new redis::Script("otp_issue", R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local base = tonumber(ARGV[4])
local cmax = tonumber(ARGV[5])
local v = redis.call('HMGET', KEYS[1], 'n', 'start', 'next')
local n = tonumber(v[1]) or 0
local start = v[2]
local nxt = tonumber(v[3]) or 0
if start == false or now >= tonumber(start) + window or now < tonumber(start) then
  n = 0
  start = ARGV[1]
end
if now < nxt then return {0, 'PHONE_COOLDOWN', nxt - now} end
if n >= limit then return {0, 'PHONE_LIMIT', tonumber(start) + window - now} end
local cooldown = base
for i = 1, n do cooldown = cooldown * 2 end
if cooldown > cmax then cooldown = cmax end
redis.call('HSET', KEYS[1], 'n', n + 1, 'start', start, 'next', string.format('%d', now + cooldown))
redis.call('PEXPIRE', KEYS[1], math.max(window, cooldown))
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'mac', ARGV[6], 'wrong', 0, 'exp', ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return {1, 'ISSUED', cooldown}
)lua");
  return *s;
}

// KEYS: code. ARGV: now, mac, max_wrong. The comparison looks at every byte whatever matches.
const redis::Script& VerifyCodeScript() {
  static const auto* s = new redis::Script("otp_verify", R"lua(
local h = redis.call('HMGET', KEYS[1], 'mac', 'wrong', 'exp', 'state')
if h[1] == false then return {'NO_ACTIVE_CODE', 0} end
if h[4] == 'locked' then return {'LOCKED', 0} end
if tonumber(ARGV[1]) >= tonumber(h[3]) then return {'EXPIRED', 0} end
local stored, given = h[1], ARGV[2]
local diff = 0
if #stored ~= #given then diff = 1 end
for i = 1, #stored do
  diff = bit.bor(diff, bit.bxor(string.byte(stored, i), string.byte(given, i) or 0))
end
if diff == 0 then
  redis.call('DEL', KEYS[1])
  return {'VERIFIED', 0}
end
local max = tonumber(ARGV[3])
local wrong = redis.call('HINCRBY', KEYS[1], 'wrong', 1)
if wrong >= max then
  redis.call('HSET', KEYS[1], 'state', 'locked')
  return {'LOCKED', 0}
end
return {'WRONG_CODE', max - wrong}
)lua");
  return *s;
}

// KEYS: counter. ARGV: now, window, limit. Fixed window: {granted, wait_ms, window_start}.
const redis::Script& QuotaScript() {
  static const auto* s = new redis::Script("otp_quota", R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'n', 'start')
local n = tonumber(v[1]) or 0
local start = v[2]
if start == false or now >= tonumber(start) + window or now < tonumber(start) then
  n = 0
  start = ARGV[1]
end
if n >= tonumber(ARGV[3]) then return {0, tonumber(start) + window - now, start} end
redis.call('HSET', KEYS[1], 'n', n + 1, 'start', start)
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0, start}
)lua");
  return *s;
}

// KEYS: counter. ARGV: window_start. Gives back one unit if the window is still the same.
const redis::Script& RefundScript() {
  static const auto* s = new redis::Script("otp_refund", R"lua(
local v = redis.call('HMGET', KEYS[1], 'n', 'start')
if v[2] == ARGV[1] and (tonumber(v[1]) or 0) > 0 then
  redis.call('HINCRBY', KEYS[1], 'n', -1)
  return 1
end
return 0
)lua");
  return *s;
}

std::string Ms(absl::Time t) { return absl::StrCat(absl::ToUnixMillis(t)); }
std::string Ms(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d)); }

absl::Status Malformed(const redis::Script& script) {
  return absl::InternalError(absl::StrCat("redis: unexpected reply from ", script.name()));
}

}  // namespace

OtpStore::OtpStore(redis::RedisPipeline& redis) : redis_(redis) {}

const redis::Script& OtpStore::VerifyScript() { return VerifyCodeScript(); }

std::string OtpStore::CodeKey(const std::string& phone_id) {
  return absl::StrCat("otp:{p:", phone_id, "}:code");
}

std::string OtpStore::SendsKey(const std::string& phone_id) {
  return absl::StrCat("otp:{p:", phone_id, "}:sends");
}

absl::Status OtpStore::LoadScripts() {
  for (const redis::Script* s :
       {&IssueScript(), &VerifyCodeScript(), &QuotaScript(), &RefundScript()}) {
    if (absl::Status st = redis_.Load(*s); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<IssueResult> OtpStore::Issue(const std::string& phone_id, absl::Time now,
                                            const std::string& mac, absl::Duration ttl,
                                            absl::Duration cooldown, absl::Duration cooldown_max,
                                            int phone_limit, absl::Duration phone_window) {
  // The code record outlives its lifetime by an hour so that a late try reads "expired".
  absl::StatusOr<redis::Reply> r =
      redis_.EvalSync(IssueScript(), {SendsKey(phone_id), CodeKey(phone_id)},
                      {Ms(now), Ms(phone_window), absl::StrCat(phone_limit), Ms(cooldown),
                       Ms(cooldown_max), mac, Ms(now + ttl), Ms(ttl + absl::Hours(1))});
  if (!r.ok()) return r.status();
  if (r->elements.size() != 3) return Malformed(IssueScript());
  IssueResult result;
  result.wait = absl::Milliseconds(r->elements[2].integer);
  const std::string& verdict = r->elements[1].str;
  if (verdict == "ISSUED") {
    result.verdict = IssueVerdict::kIssued;
  } else if (verdict == "PHONE_COOLDOWN") {
    result.verdict = IssueVerdict::kPhoneCooldown;
  } else if (verdict == "PHONE_LIMIT") {
    result.verdict = IssueVerdict::kPhoneLimit;
  } else {
    return Malformed(IssueScript());
  }
  return result;
}

namespace {

absl::StatusOr<VerifyResult> ParseVerify(const absl::StatusOr<redis::Reply>& r) {
  if (!r.ok()) return r.status();
  if (r->elements.size() != 2) return Malformed(VerifyCodeScript());
  const std::string& verdict = r->elements[0].str;
  VerifyResult result;
  result.attempts_left = static_cast<int>(r->elements[1].integer);
  if (verdict == "VERIFIED") {
    result.verdict = VerifyVerdict::kVerified;
  } else if (verdict == "WRONG_CODE") {
    result.verdict = VerifyVerdict::kWrongCode;
  } else if (verdict == "EXPIRED") {
    result.verdict = VerifyVerdict::kExpired;
  } else if (verdict == "LOCKED") {
    result.verdict = VerifyVerdict::kLocked;
  } else if (verdict == "NO_ACTIVE_CODE") {
    result.verdict = VerifyVerdict::kNoActiveCode;
  } else {
    return Malformed(VerifyCodeScript());
  }
  return result;
}

}  // namespace

void OtpStore::VerifyAsync(const std::string& phone_id, absl::Time now, const std::string& mac,
                           int max_wrong, std::function<void(absl::StatusOr<VerifyResult>)> done) {
  redis_.Eval(VerifyCodeScript(), {CodeKey(phone_id)}, {Ms(now), mac, absl::StrCat(max_wrong)},
              [done = std::move(done)](absl::StatusOr<redis::Reply> r) { done(ParseVerify(r)); });
}

absl::StatusOr<QuotaTicket> OtpStore::TakeQuota(std::string key, absl::Time now, int limit,
                                                absl::Duration window) {
  absl::StatusOr<redis::Reply> r =
      redis_.EvalSync(QuotaScript(), {key}, {Ms(now), Ms(window), absl::StrCat(limit)});
  if (!r.ok()) return r.status();
  if (r->elements.size() != 3) return Malformed(QuotaScript());
  QuotaTicket ticket;
  ticket.granted = r->elements[0].integer == 1;
  ticket.wait = absl::Milliseconds(r->elements[1].integer);
  ticket.key = std::move(key);
  ticket.window_start_ms = r->elements[2].str;
  return ticket;
}

absl::StatusOr<QuotaTicket> OtpStore::TakeRequesterQuota(const std::string& requester_id,
                                                         absl::Time now, int limit,
                                                         absl::Duration window) {
  return TakeQuota(absl::StrCat("otp:{r:", requester_id, "}:quota"), now, limit, window);
}

absl::StatusOr<QuotaTicket> OtpStore::TakeGlobalQuota(absl::Time now, int limit,
                                                      absl::Duration window) {
  return TakeQuota("otp:{global}:quota", now, limit, window);
}

absl::Status OtpStore::Refund(const QuotaTicket& ticket) {
  if (!ticket.granted) return absl::OkStatus();
  return redis_.EvalSync(RefundScript(), {ticket.key}, {ticket.window_start_ms}).status();
}

}  // namespace lindungi::otp

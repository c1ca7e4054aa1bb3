#include "webhook_ingest.h"

#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lindungi::gateway {
namespace {

// KEYS: the stream, then for each body one "seen" key per message and one status key per status.
// ARGV: ttl seconds, the body count, then for each body its message count, its status count, 3
// fields a message (phone_number_id, message JSON, received_ms) and one rank a status. Returns 4
// counts a body: new, duplicate, forward, stale. The message JSON already holds the id, sender and
// timestamp: repeating them as fields cost Redis a sixth of its time per webhook.
const redis::Script& IngestScript() {
  static const auto* s = new redis::Script("wa_ingest_batch", R"lua(
local ttl = ARGV[1]  -- a string: Redis reads it as is (a Lua number would be printed and parsed)
local counts = {}
local k, a = 2, 3
for b = 1, tonumber(ARGV[2]) do
  local m, n = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local fresh, dup, forward, stale = 0, 0, 0, 0
  for i = 1, m do
    if redis.call('SET', KEYS[k], '1', 'NX', 'EX', ttl) then
      redis.call('XADD', KEYS[1], '*', 'phone_number_id', ARGV[a], 'message', ARGV[a + 1],
                 'received_ms', ARGV[a + 2])
      fresh = fresh + 1
    else
      dup = dup + 1
    end
    k = k + 1
    a = a + 3
  end
  for i = 1, n do
    local rank = tonumber(ARGV[a])
    local current = tonumber(redis.call('GET', KEYS[k]) or '0')
    if rank > current then
      redis.call('SET', KEYS[k], ARGV[a], 'EX', ttl)
      forward = forward + 1
    else
      stale = stale + 1
    end
    k = k + 1
    a = a + 1
  end
  counts[#counts + 1] = fresh
  counts[#counts + 1] = dup
  counts[#counts + 1] = forward
  counts[#counts + 1] = stale
end
return counts
)lua");
  return *s;
}

}  // namespace

int StatusRank(absl::string_view status) {
  if (status == "sent") return 1;
  if (status == "delivered") return 2;
  if (status == "read") return 3;
  if (status == "failed") return 4;  // final: nothing moves it back to sent or delivered
  return 0;
}

void WebhookIngest::Accept(const whatsapp::Webhook& webhook, absl::Time received, Done done) {
  std::vector<std::string> keys;
  std::vector<std::string> args = {"", ""};  // message and status counts, set below
  const std::string received_ms = absl::StrCat(absl::ToUnixMillis(received));
  for (const whatsapp::InboundMessage& m : webhook.messages) {
    keys.push_back(absl::StrCat("wa:seen:", m.id));
    args.push_back(m.phone_number_id);
    args.push_back(m.json);
    args.push_back(received_ms);
  }
  int unknown = 0;
  for (const whatsapp::StatusUpdate& s : webhook.statuses) {
    const int rank = StatusRank(s.status);
    if (rank == 0 || s.id.empty()) {
      ++unknown;
      continue;
    }
    keys.push_back(absl::StrCat("wa:status:", s.id));
    args.push_back(absl::StrCat(rank));
  }
  if (keys.empty()) {  // nothing durable to write (e.g. only unknown status kinds)
    Result r;
    r.statuses_stale = unknown;
    done(r);
    return;
  }
  args[0] = absl::StrCat(webhook.messages.size());
  args[1] = absl::StrCat(keys.size() - webhook.messages.size());

  std::optional<Batch> ready;
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool first = batch_.waiting.empty();
    for (const std::string& arg : args) batch_.bytes += arg.size();
    std::move(keys.begin(), keys.end(), std::back_inserter(batch_.keys));
    std::move(args.begin(), args.end(), std::back_inserter(batch_.args));
    batch_.waiting.emplace_back(unknown, std::move(done));
    if (batch_.waiting.size() >= kMaxBodiesPerCall || batch_.bytes >= kMaxBytesPerCall) {
      ready = TakeBatch();
    } else {
      // With calls in flight up to the limit, the first answer to come back sends this batch.
      schedule = first && in_flight_ < kMaxCallsInFlight;
    }
  }
  if (ready) return Send(*std::move(ready));
  if (schedule) redis_.Later([this] { Flush(); });
}

WebhookIngest::Batch WebhookIngest::TakeBatch() {
  ++in_flight_;
  return std::exchange(batch_, Batch{});
}

void WebhookIngest::Flush() {
  std::optional<Batch> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!batch_.waiting.empty()) batch = TakeBatch();
  }
  if (batch) Send(*std::move(batch));
}

void WebhookIngest::Answered() {
  std::optional<Batch> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    if (!batch_.waiting.empty() && in_flight_ < kMaxCallsInFlight) next = TakeBatch();
  }
  if (next) Send(*std::move(next));
}

void WebhookIngest::Send(Batch batch) {
  std::vector<std::string> keys = {options_.stream};
  keys.reserve(1 + batch.keys.size());
  std::move(batch.keys.begin(), batch.keys.end(), std::back_inserter(keys));
  std::vector<std::string> args = {absl::StrCat(absl::ToInt64Seconds(options_.dedupe_ttl)),
                                   absl::StrCat(batch.waiting.size())};
  args.reserve(2 + batch.args.size());
  std::move(batch.args.begin(), batch.args.end(), std::back_inserter(args));
  redis_.Eval(IngestScript(), std::move(keys), std::move(args),
              [this, waiting = std::move(batch.waiting)](absl::StatusOr<redis::Reply> reply) {
                Answered();  // the next batch goes out before these bodies are answered
                if (reply.ok() && reply->elements.size() != 4 * waiting.size()) {
                  reply = absl::InternalError("the ingest script answered in an unknown shape");
                }
                for (size_t i = 0; i < waiting.size(); ++i) {
                  const auto& [unknown, done] = waiting[i];
                  if (!reply.ok()) {
                    done(reply.status());
                    continue;
                  }
                  const std::vector<redis::Reply>& counts = reply->elements;
                  Result r;
                  r.messages_new = static_cast<int>(counts[4 * i].integer);
                  r.messages_duplicate = static_cast<int>(counts[4 * i + 1].integer);
                  r.statuses_forward = static_cast<int>(counts[4 * i + 2].integer);
                  r.statuses_stale = static_cast<int>(counts[4 * i + 3].integer) + unknown;
                  done(r);
                }
              });
}

}  // namespace lindungi::gateway

#include "webhook_ingest.h"

#include "absl/strings/str_cat.h"

namespace lindungi::gateway {
namespace {

// KEYS: the stream, one "seen" key per message, one status key per status.
// ARGV: ttl seconds, message count, then 6 fields a message (id, from, phone_number_id,
// timestamp, message JSON, received_ms), then one rank a status.
const redis::Script& IngestScript() {
  static const auto* s = new redis::Script("wa_ingest", R"lua(
local ttl = tonumber(ARGV[1])
local m = tonumber(ARGV[2])
local fresh, dup, forward, stale = 0, 0, 0, 0
local a = 3
for k = 2, m + 1 do
  if redis.call('SET', KEYS[k], '1', 'NX', 'EX', ttl) then
    redis.call('XADD', KEYS[1], '*', 'id', ARGV[a], 'from', ARGV[a + 1],
               'phone_number_id', ARGV[a + 2], 'timestamp', ARGV[a + 3], 'message', ARGV[a + 4],
               'received_ms', ARGV[a + 5])
    fresh = fresh + 1
  else
    dup = dup + 1
  end
  a = a + 6
end
for k = m + 2, #KEYS do
  local rank = tonumber(ARGV[a])
  local current = tonumber(redis.call('GET', KEYS[k]) or '0')
  if rank > current then
    redis.call('SET', KEYS[k], rank, 'EX', ttl)
    forward = forward + 1
  else
    stale = stale + 1
  end
  a = a + 1
end
return {fresh, dup, forward, stale}
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
  std::vector<std::string> keys = {options_.stream};
  std::vector<std::string> args = {absl::StrCat(absl::ToInt64Seconds(options_.dedupe_ttl)),
                                   absl::StrCat(webhook.messages.size())};
  const std::string received_ms = absl::StrCat(absl::ToUnixMillis(received));
  for (const whatsapp::InboundMessage& m : webhook.messages) {
    keys.push_back(absl::StrCat("wa:seen:", m.id));
    for (const std::string* field : {&m.id, &m.from, &m.phone_number_id}) {
      args.push_back(*field);
    }
    args.push_back(absl::StrCat(m.timestamp));
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
  if (keys.size() == 1) {  // nothing durable to write (e.g. only unknown status kinds)
    Result r;
    r.statuses_stale = unknown;
    done(r);
    return;
  }
  redis_.Eval(IngestScript(), std::move(keys), std::move(args),
              [done = std::move(done), unknown](absl::StatusOr<redis::Reply> reply) {
                if (!reply.ok()) {
                  done(reply.status());
                  return;
                }
                if (reply->elements.size() != 4) {
                  done(absl::InternalError("the ingest script answered in an unknown shape"));
                  return;
                }
                Result r;
                r.messages_new = static_cast<int>(reply->elements[0].integer);
                r.messages_duplicate = static_cast<int>(reply->elements[1].integer);
                r.statuses_forward = static_cast<int>(reply->elements[2].integer);
                r.statuses_stale = static_cast<int>(reply->elements[3].integer) + unknown;
                done(r);
              });
}

}  // namespace lindungi::gateway

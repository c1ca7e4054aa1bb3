#include "inbound_queue.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace lindungi::gateway {
namespace {

// KEYS: done, lock, tries. ARGV: token, lock ttl ms, memory seconds.
// Answers {0, attempt} (go), {1, 0} (handled before) or {2, 0} (locked by another worker).
const redis::Script& BeginScript() {
  static const auto* s = new redis::Script("gw_begin", R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return {1, 0} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {2, 0} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local n = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return {0, n}
)lua");
  return *s;
}

// KEYS: done, lock, tries, stream. ARGV: token, memory seconds, group, entry id.
const redis::Script& FinishScript() {
  static const auto* s = new redis::Script("gw_finish", R"lua(
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('XACK', KEYS[4], ARGV[3], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
)lua");
  return *s;
}

// KEYS: lock. ARGV: token. Frees the lock only when it is still ours.
const redis::Script& ReleaseScript() {
  static const auto* s = new redis::Script("gw_release", R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");
  return *s;
}

// KEYS: dead marker, dead-letter stream. ARGV: memory seconds, then field/value pairs.
const redis::Script& DeadLetterScript() {
  static const auto* s = new redis::Script("gw_dead_letter", R"lua(
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
return 1
)lua");
  return *s;
}

std::string DoneKey(const QueuedMessage& m) { return absl::StrCat("gw:done:", m.message.id); }
std::string LockKey(const QueuedMessage& m) { return absl::StrCat("gw:lock:", m.message.from); }
std::string TriesKey(const QueuedMessage& m) { return absl::StrCat("gw:tries:", m.message.id); }
std::string ReplyKey(const QueuedMessage& m, const std::string& slot) {
  return absl::StrCat("gw:reply:", m.message.id, ":", slot);
}

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToInt64Seconds(d)); }

// The id, sender, timestamp, type, text and reply id of the message JSON the webhook stored, read
// by the webhook's own parser. When it cannot be read, type "unknown" and no id or sender: the
// worker then dead-letters it (InboundWorkers::SetAside) rather than dropping it.
void ReadStoredJson(const std::string& json, whatsapp::InboundMessage* m) {
  m->json = json;
  m->type = "unknown";
  absl::StatusOr<whatsapp::Webhook> parsed = whatsapp::ParseWebhook(absl::StrCat(
      R"({"entry":[{"changes":[{"field":"messages","value":{"messages":[)", json, "]}}]}]}"));
  if (!parsed.ok() || parsed->messages.size() != 1) return;
  const whatsapp::InboundMessage& stored = parsed->messages.front();
  m->id = stored.id;
  m->from = stored.from;
  m->timestamp = stored.timestamp;
  m->type = stored.type;
  m->text = stored.text;
  m->reply_id = stored.reply_id;
}

QueuedMessage FromFields(const std::string& entry_id, const redis::Reply& fields) {
  QueuedMessage q;
  q.entry_id = entry_id;
  int64_t received_ms = StreamIdMillis(entry_id);
  std::string json;
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& name = fields.elements[i].str;
    const std::string& value = fields.elements[i + 1].str;
    if (name == "phone_number_id") q.message.phone_number_id = value;
    if (name == "message") json = value;
    if (name == "received_ms") (void)absl::SimpleAtoi(value, &received_ms);
  }
  ReadStoredJson(json, &q.message);
  q.received = absl::FromUnixMillis(received_ms);
  return q;
}

// The value of `name` in XINFO's flat [name, value, …] reply.
const redis::Reply* Field(const redis::Reply& map, absl::string_view name) {
  for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == name) return &map.elements[i + 1];
  }
  return nullptr;
}

bool NoGroup(const absl::Status& s) { return absl::StrContains(s.message(), "NOGROUP"); }

// The earlier of two stream ids.
std::string MinStreamId(const std::string& a, const std::string& b) {
  return StreamIdParts(a) <= StreamIdParts(b) ? a : b;
}

// The smallest id after `id` (XTRIM MINID keeps ids at or above it).
std::string NextStreamId(const std::string& id) {
  const auto [ms, seq] = StreamIdParts(id);
  return absl::StrCat(ms, "-", seq + 1);
}

}  // namespace

int64_t StreamIdMillis(const std::string& id) {
  int64_t ms = 0;
  const size_t dash = id.find('-');
  return absl::SimpleAtoi(id.substr(0, dash), &ms) ? ms : 0;
}

std::pair<int64_t, int64_t> StreamIdParts(const std::string& id) {
  int64_t seq = 0;
  const size_t dash = id.find('-');
  if (dash != std::string::npos) (void)absl::SimpleAtoi(id.substr(dash + 1), &seq);
  return {StreamIdMillis(id), seq};
}

std::vector<QueuedMessage> ParseEntries(const redis::Reply& entries) {
  std::vector<QueuedMessage> out;
  for (const redis::Reply& e : entries.elements) {
    if (e.elements.size() != 2 || e.elements[1].type != redis::Reply::Type::kArray) continue;
    out.push_back(FromFields(e.elements[0].str, e.elements[1]));
  }
  return out;
}

absl::Status InboundQueue::EnsureGroup() {
  absl::StatusOr<redis::Reply> r =
      redis_.Command({"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
  if (!r.ok() && absl::StrContains(r.status().message(), "BUSYGROUP")) return absl::OkStatus();
  return r.status();
}

absl::StatusOr<std::vector<QueuedMessage>> InboundQueue::RemakeGroup() {
  // Redis restarted without its data, or someone deleted the stream: a new group, from the
  // stream's start, has nothing pending yet.
  if (absl::Status made = EnsureGroup(); !made.ok()) return made;
  return std::vector<QueuedMessage>{};
}

absl::StatusOr<redis::Reply> InboundQueue::Groups() {
  absl::StatusOr<redis::Reply> groups = redis_.Command({"XINFO", "GROUPS", options_.stream});
  if (!groups.ok() && absl::StrContains(groups.status().message(), "no such key")) {
    redis::Reply none;  // no stream yet: no groups
    none.type = redis::Reply::Type::kArray;
    return none;
  }
  return groups;
}

const redis::Reply* InboundQueue::OurGroup(const redis::Reply& groups) const {
  for (const redis::Reply& g : groups.elements) {
    const redis::Reply* name = Field(g, "name");
    if (name != nullptr && name->str == options_.group) return &g;
  }
  return nullptr;
}

absl::StatusOr<std::vector<QueuedMessage>> InboundQueue::Read(const std::string& consumer,
                                                              int count, absl::Duration block) {
  absl::StatusOr<redis::Reply> r =
      redis_.Command({"XREADGROUP", "GROUP", options_.group, consumer, "COUNT", absl::StrCat(count),
                      "BLOCK", absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(block))),
                      "STREAMS", options_.stream, ">"});
  if (!r.ok() && NoGroup(r.status())) return RemakeGroup();
  if (!r.ok()) return r.status();
  if (r->is_nil() || r->elements.empty()) return std::vector<QueuedMessage>{};
  const redis::Reply& stream = r->elements.front();
  if (stream.elements.size() != 2) return absl::InternalError("XREADGROUP: unknown reply shape");
  return ParseEntries(stream.elements[1]);
}

absl::StatusOr<std::vector<QueuedMessage>> InboundQueue::Claim(const std::string& consumer,
                                                               absl::Duration min_idle, int count) {
  std::vector<QueuedMessage> out;
  std::string cursor = "0-0";
  do {
    absl::StatusOr<redis::Reply> r =
        redis_.Command({"XAUTOCLAIM", options_.stream, options_.group, consumer,
                        absl::StrCat(absl::ToInt64Milliseconds(min_idle)), cursor, "COUNT",
                        absl::StrCat(count - static_cast<int>(out.size()))});
    if (!r.ok() && NoGroup(r.status())) return RemakeGroup();
    if (!r.ok()) return r.status();
    if (r->elements.size() < 2) return absl::InternalError("XAUTOCLAIM: unknown reply shape");
    cursor = r->elements[0].str;
    for (QueuedMessage& m : ParseEntries(r->elements[1])) out.push_back(std::move(m));
  } while (cursor != "0-0" && static_cast<int>(out.size()) < count);
  return out;
}

absl::StatusOr<InboundQueue::Begun> InboundQueue::Begin(const QueuedMessage& m,
                                                        const std::string& token) {
  absl::StatusOr<redis::Reply> r =
      redis_.Eval(BeginScript(), {DoneKey(m), LockKey(m), TriesKey(m)},
                  {token, absl::StrCat(absl::ToInt64Milliseconds(options_.lock_ttl)),
                   Seconds(options_.memory)});
  if (!r.ok()) return r.status();
  if (r->elements.size() != 2) return absl::InternalError("gw_begin: unknown reply shape");
  Begun b;
  b.start = static_cast<Start>(r->elements[0].integer);
  b.attempt = static_cast<int>(r->elements[1].integer);
  return b;
}

absl::Status InboundQueue::Finish(const QueuedMessage& m, const std::string& token) {
  return redis_
      .Eval(FinishScript(), {DoneKey(m), LockKey(m), TriesKey(m), options_.stream},
            {token, Seconds(options_.memory), options_.group, m.entry_id})
      .status();
}

absl::Status InboundQueue::Release(const QueuedMessage& m, const std::string& token) {
  return redis_.Eval(ReleaseScript(), {LockKey(m)}, {token}).status();
}

absl::Status InboundQueue::Acknowledge(const QueuedMessage& m) {
  return redis_.Command({"XACK", options_.stream, options_.group, m.entry_id}).status();
}

absl::StatusOr<bool> InboundQueue::TakeOnce(const std::string& key) {
  absl::StatusOr<redis::Reply> r =
      redis_.Command({"SET", key, "1", "NX", "EX", Seconds(options_.memory)});
  if (!r.ok()) return r.status();
  return !r->is_nil();
}

absl::StatusOr<bool> InboundQueue::TakeReplySlot(const QueuedMessage& m, const std::string& slot) {
  return TakeOnce(ReplyKey(m, slot));
}

absl::Status InboundQueue::FreeReplySlot(const QueuedMessage& m, const std::string& slot) {
  return redis_.Command({"DEL", ReplyKey(m, slot)}).status();
}

absl::StatusOr<bool> InboundQueue::DeadLetter(const QueuedMessage& m, const std::string& reason,
                                              int attempts) {
  absl::StatusOr<redis::Reply> r = redis_.Eval(
      DeadLetterScript(),
      {absl::StrCat("gw:dead:", m.message.id.empty() ? m.entry_id : m.message.id),
       options_.dead_letters},
      {Seconds(options_.memory), "id", m.message.id, "from", m.message.from, "phone_number_id",
       m.message.phone_number_id, "timestamp", absl::StrCat(m.message.timestamp), "message",
       m.message.json, "received_ms", absl::StrCat(absl::ToUnixMillis(m.received)), "entry",
       m.entry_id, "reason", reason, "attempts", absl::StrCat(attempts)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::StatusOr<InboundQueue::Stats> InboundQueue::Sample(absl::Time now) {
  absl::StatusOr<redis::Reply> groups = Groups();
  if (!groups.ok()) return groups.status();
  Stats stats;
  const redis::Reply* g = OurGroup(*groups);
  if (g == nullptr) return stats;
  if (const redis::Reply* pending = Field(*g, "pending")) stats.pending = pending->integer;
  if (const redis::Reply* lag = Field(*g, "lag")) stats.waiting = lag->integer;
  const redis::Reply* last = Field(*g, "last-delivered-id");
  if (last == nullptr) return stats;
  absl::StatusOr<redis::Reply> next =
      redis_.Command({"XRANGE", options_.stream, absl::StrCat("(", last->str), "+", "COUNT", "1"});
  if (!next.ok()) return next.status();
  std::vector<QueuedMessage> oldest = ParseEntries(*next);
  if (!oldest.empty()) {
    stats.oldest_waiting = std::max(absl::ZeroDuration(), now - oldest.front().received);
  }
  return stats;
}

absl::Status InboundQueue::Trim(absl::Time now) {
  std::string min_id = absl::StrCat(absl::ToUnixMillis(now - options_.retention), "-0");
  absl::StatusOr<redis::Reply> groups = Groups();
  if (!groups.ok()) return groups.status();
  if (OurGroup(*groups) == nullptr) return absl::OkStatus();  // what is there was never read
  for (const redis::Reply& g : groups->elements) {            // what any group has not read stays
    if (const redis::Reply* last = Field(g, "last-delivered-id")) {
      min_id = MinStreamId(min_id, NextStreamId(last->str));
    }
    const redis::Reply* name = Field(g, "name");
    if (name == nullptr) continue;
    absl::StatusOr<redis::Reply> pending = redis_.Command({"XPENDING", options_.stream, name->str});
    if (!pending.ok()) return pending.status();
    if (pending->elements.size() >= 2 && pending->elements[1].type == redis::Reply::Type::kString) {
      min_id = MinStreamId(min_id, pending->elements[1].str);  // nor what is pending
    }
  }
  return redis_.Command({"XTRIM", options_.stream, "MINID", min_id}).status();
}

}  // namespace lindungi::gateway

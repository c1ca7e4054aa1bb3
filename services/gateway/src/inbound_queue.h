#pragma once

// The workers' side of the inbound stream (DESIGN.md "The gateway pipeline"): a consumer group on
// the stream the webhook fills, and the Redis keys that make handling safe when a message is
// delivered twice, a worker dies, or two gateway replicas see one contact at once:
//
//   gw:lock:<wa_id>           one contact, one message at a time: a token, PX --contact_lock_ttl
//   gw:tries:<wamid>          attempts so far (INCR at each start; gone once handled)
//   gw:done:<wamid>           handled: a later delivery is only acknowledged
//   gw:reply:<wamid>:<slot>   SET NX before a reply goes out: each reply at most once
//   gw:dead:<wamid>           dead-lettered once; the dead-letter stream gets one entry (an
//                             entry without a wamid: gw:dead:<stream entry id>)
//
// These live --dedupe_ttl, like the webhook's wa:seen:<wamid>. Every call answers UNAVAILABLE when
// Redis cannot be reached; the message then stays pending in the group and is claimed again.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/redis/redis.h"
#include "lindungi/whatsapp/webhook.h"

namespace lindungi::gateway {

struct QueueOptions {
  std::string stream = "wa:inbound";            // what the webhook XADDs to
  std::string group = "gateway";                // the consumer group of every gateway replica
  std::string dead_letters = "wa:dead";         // messages given up on, for people to look at
  absl::Duration lock_ttl = absl::Seconds(60);  // a dead worker's contact lock frees after this
  absl::Duration memory = absl::Hours(7 * 24);  // the gw:* keys' lifetime
  absl::Duration retention = absl::Hours(24);   // handled entries are trimmed after this
};

// One stream entry.
struct QueuedMessage {
  std::string entry_id;              // the stream id, "<ms>-<seq>"
  whatsapp::InboundMessage message;  // type "unknown" when the stored JSON cannot be read
  absl::Time received;               // when the webhook delivering it arrived
};

class InboundQueue {
 public:
  InboundQueue(redis::RedisPool& redis, QueueOptions options)
      : redis_(redis), options_(std::move(options)) {}

  const QueueOptions& options() const { return options_; }

  // Creates the consumer group (and the stream) unless it exists. A new group starts at the
  // stream's beginning, so messages queued while no worker ran are handled too.
  absl::Status EnsureGroup();

  // New entries for `consumer` (XREADGROUP … >): at most `count`, waiting up to `block` for one.
  absl::StatusOr<std::vector<QueuedMessage>> Read(const std::string& consumer, int count,
                                                  absl::Duration block);
  // Entries pending longer than `min_idle` in any consumer (a dead or stuck worker, or an attempt
  // that failed), now `consumer`'s (XAUTOCLAIM): at most `count`.
  absl::StatusOr<std::vector<QueuedMessage>> Claim(const std::string& consumer,
                                                   absl::Duration min_idle, int count);

  enum class Start {
    kGo,       // the contact is locked for us; `attempt` counts this start
    kHandled,  // handled before: acknowledge it and move on
    kLocked,   // another worker holds the contact: try later
  };
  struct Begun {
    Start start = Start::kGo;
    int attempt = 0;
  };
  // One round trip: checks gw:done, takes the contact lock with `token`, counts the attempt.
  absl::StatusOr<Begun> Begin(const QueuedMessage& m, const std::string& token);
  // One round trip: marks the message handled, XACKs it, forgets its attempts, frees the lock.
  absl::Status Finish(const QueuedMessage& m, const std::string& token);
  // Frees the contact lock after a failed attempt (the entry stays pending for a retry).
  absl::Status Release(const QueuedMessage& m, const std::string& token);
  // XACK only (a message handled before).
  absl::Status Acknowledge(const QueuedMessage& m);

  // True when this reply slot of the message was free and is now taken: send the reply. False:
  // it went out (or is going out) already.
  absl::StatusOr<bool> TakeReplySlot(const QueuedMessage& m, const std::string& slot);
  // Frees a slot whose reply certainly did not go out, so that a retry may send it.
  absl::Status FreeReplySlot(const QueuedMessage& m, const std::string& slot);

  // Copies the message to the dead-letter stream with `reason` and `attempts`, once per message
  // id (per entry id when it has none; true when this call added it).
  absl::StatusOr<bool> DeadLetter(const QueuedMessage& m, const std::string& reason, int attempts);

  struct Stats {
    int64_t waiting = 0;  // in the stream, not yet read by any worker
    int64_t pending = 0;  // read, not yet acknowledged
    absl::Duration oldest_waiting = absl::ZeroDuration();  // age of the oldest waiting entry
  };
  absl::StatusOr<Stats> Sample(absl::Time now);
  // Drops entries older than `retention` that are acknowledged (never a waiting or pending one).
  absl::Status Trim(absl::Time now);

 private:
  absl::StatusOr<bool> TakeOnce(const std::string& key);
  // The group again after NOGROUP, and no entries.
  absl::StatusOr<std::vector<QueuedMessage>> RemakeGroup();
  // XINFO GROUPS of the stream (an empty list when there is no stream yet), and ours in it.
  absl::StatusOr<redis::Reply> Groups();
  const redis::Reply* OurGroup(const redis::Reply& groups) const;

  redis::RedisPool& redis_;
  const QueueOptions options_;
};

// The entries of an XREADGROUP or XAUTOCLAIM entry list ([[id, [field, value, …]], …]); entries
// without fields (deleted) are skipped.
std::vector<QueuedMessage> ParseEntries(const redis::Reply& entries);

// The milliseconds part of a stream id ("1700000000000-3" → 1700000000000); 0 when malformed.
int64_t StreamIdMillis(const std::string& id);
// A stream id as (milliseconds, sequence), for ordering ids: "5-10" comes after "5-9".
std::pair<int64_t, int64_t> StreamIdParts(const std::string& id);

}  // namespace lindungi::gateway

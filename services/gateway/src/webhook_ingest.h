#pragma once

// The durable half of the webhook: every message and status of one webhook body is made durable
// in ONE Redis round trip, one Lua script, atomic, before Meta gets its 200 (DESIGN.md "The
// gateway pipeline"). New message ids go to the inbound stream, ids seen in the last
// dedupe_ttl are skipped (Meta delivers at least once); a status is recorded only when it moves a
// message forward (sent < delivered < read; failed ends it), since statuses arrive out of order.
// Calls go through the pipelined Redis client, so concurrent webhooks share round trips.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/redis/pipeline.h"
#include "lindungi/whatsapp/webhook.h"

namespace lindungi::gateway {

struct IngestOptions {
  std::string stream = "wa:inbound";                // the inbound stream workers read
  absl::Duration dedupe_ttl = absl::Hours(7 * 24);  // how long a message id is remembered
};

// Where a delivery status stands: a status moves a message forward only to a higher rank.
// 0 for kinds this gateway does not know (they are counted, not stored).
int StatusRank(absl::string_view status);

class WebhookIngest {
 public:
  struct Result {
    int messages_new = 0;        // added to the stream
    int messages_duplicate = 0;  // seen before: skipped
    int statuses_forward = 0;    // moved a message forward
    int statuses_stale = 0;      // older than what is recorded (or unknown kinds)
  };
  using Done = std::function<void(absl::StatusOr<Result>)>;

  WebhookIngest(redis::RedisPipeline& redis, IngestOptions options)
      : redis_(redis), options_(std::move(options)) {}

  // `done` runs once, on a Redis I/O thread: the counts, or UNAVAILABLE when Redis cannot be
  // reached (then nothing was written: the script is atomic) and the webhook must answer 503.
  void Accept(const whatsapp::Webhook& webhook, absl::Time received, Done done);

 private:
  redis::RedisPipeline& redis_;
  const IngestOptions options_;
};

}  // namespace lindungi::gateway

#pragma once

// The durable half of the webhook: every message and status of one webhook body is made durable
// in one Redis round trip, one Lua script, atomic, before Meta gets its 200 (DESIGN.md "The
// gateway pipeline"). New message ids go to the inbound stream, ids seen in the last
// dedupe_ttl are skipped (Meta delivers at least once); a status is recorded only when it moves a
// message forward (sent < delivered < read; failed ends it), since statuses arrive out of order.
// The bodies that arrive in one turn of the Redis client's event loop share one script call (up to
// kMaxBodiesPerCall bodies or kMaxBytesPerCall bytes): Redis then runs one script per batch, not
// per body, which is what bounds throughput. A failure fails every body of the call and writes none
// of them (the script is atomic); each 200 still means that its own messages are durable. With
// redis::AsioRedis on the HTTP server's own loop a webhook is answered without a thread switch;
// with a client that has no loop (RedisPipeline) every body is its own call.

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/redis/async_redis.h"
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

  static constexpr size_t kMaxBodiesPerCall = 64;
  // A call also goes out once its arguments pass this size (Meta's bodies reach 3 MiB).
  static constexpr size_t kMaxBytesPerCall = 1 << 20;
  // Script calls waiting for Redis at once; bodies that arrive meanwhile wait for the first
  // answer and go out together (bigger batches: fewer calls for Redis to run, under load).
  static constexpr int kMaxCallsInFlight = 2;

  WebhookIngest(redis::AsyncRedis& redis, IngestOptions options)
      : redis_(redis), options_(std::move(options)) {}

  // `done` runs once, where the Redis client runs its callbacks: the counts, or UNAVAILABLE when
  // Redis cannot be reached (nothing was written: the script is atomic); the webhook answers 503.
  void Accept(const whatsapp::Webhook& webhook, absl::Time received, Done done);

 private:
  // The script's arguments for the bodies gathered so far, and who waits for them.
  struct Batch {
    std::vector<std::string> keys;
    std::vector<std::string> args;
    std::vector<std::pair<int, Done>> waiting;  // unknown status kinds of the body, its answer
    size_t bytes = 0;                           // of args
  };

  Batch TakeBatch();  // under mu_: the gathered batch, counted in flight
  void Flush();
  void Answered();  // a call came back: send what gathered meanwhile
  void Send(Batch batch);

  redis::AsyncRedis& redis_;
  const IngestOptions options_;
  std::mutex mu_;
  Batch batch_;        // under mu_
  int in_flight_ = 0;  // under mu_
};

}  // namespace lindungi::gateway

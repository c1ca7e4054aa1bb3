#pragma once

// The workers (DESIGN.md "The gateway pipeline"): read the inbound stream as one consumer of the
// group, hand each message to the conversation handler, send its replies through the Cloud API
// client, acknowledge it.
//
//   reader thread   XREADGROUP batches; every --claim_interval also XAUTOCLAIMs entries pending
//                   longer than --claim_idle (a dead replica's, or failed attempts); each message
//                   goes to the worker its contact hashes to, so one process never runs two
//                   messages of a contact at once, and a worker's queue is ordered by WhatsApp
//                   timestamp, so messages that arrive together are handled in the order sent
//   worker threads  per message: gw_begin (done? contact lock, attempt count) → mark read with the
//                   typing indicator → handler → each reply after taking its at-most-once slot →
//                   gw_finish (done, XACK, unlock). A failed attempt unlocks and leaves the entry
//                   pending, to be claimed again; past --max_attempts it is dead-lettered and the
//                   citizen gets an apology (never silence)
//   sampler thread  queue length and lag for the metrics, every second; trims handled entries
//
// The contact lock (gw:lock:<wa_id>) keeps replicas from running one contact at once; the reply
// slots keep a message handled twice (a worker died after replying, before XACK) from being
// answered twice. A reply is sent at most once: a worker killed between taking a slot and the
// Graph API's answer leaves that reply unsent, and the retry skips it (docs/GATEWAY.md).

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "conversation.h"
#include "inbound_queue.h"
#include "lindungi/clock/clock.h"
#include "lindungi/whatsapp/graph_client.h"

namespace lindungi::gateway {

struct WorkerOptions {
  int workers = 4;                                      // --workers
  int read_batch = 64;                                  // entries per XREADGROUP
  absl::Duration read_block = absl::Milliseconds(500);  // < the Redis command timeout
  absl::Duration claim_idle = absl::Seconds(30);        // --claim_idle
  absl::Duration claim_interval = absl::Seconds(5);     // --claim_interval
  int max_attempts = 5;                                 // --max_attempts
  absl::Duration shed_queue_lag = absl::Seconds(30);    // --shed_queue_lag
  bool mark_read = true;                                // --mark_read
  absl::Duration sample_interval = absl::Seconds(1);
  absl::Duration drain_timeout = absl::Seconds(10);  // on Stop(), to finish queued messages
  std::string consumer;                              // this process in the group
};

// The text the citizen gets when their message is dead-lettered.
inline constexpr char kApologyText[] =
    "Mohon maaf, pesan Anda belum dapat kami proses karena gangguan sistem. Silakan kirim ulang "
    "pesan Anda nanti, atau hubungi Call Center 119.";

// A consumer name unique to this process: <hostname>-<pid>-<start time>.
std::string DefaultConsumerName();

// Minutes a citizen is asked to wait when the queue lags by `lag`: the lag rounded, at least 1.
int RetryMinutes(absl::Duration lag);

class InboundWorkers {
 public:
  InboundWorkers(InboundQueue& queue, whatsapp::GraphClient& graph, ConversationHandler& handler,
                 WorkerOptions options, const clock::Clock& clock = clock::RealClock());
  ~InboundWorkers();

  // Creates the consumer group if needed (Redis down: retried by the reader) and starts the
  // threads.
  void Start();
  // Stops reading, lets the workers finish what they hold (up to drain_timeout; the rest stays
  // pending for a claim), joins the threads. Idempotent.
  void Stop();

 private:
  class Shard;
  void ReadLoop();
  void SampleLoop();
  void Dispatch(std::vector<QueuedMessage> batch, bool claimed);
  void Work(Shard& shard);
  void Process(const QueuedMessage& m);
  // Sends the handler's answer; false when a reply failed in a way worth another attempt.
  // Slots are named <slot_prefix><index>.
  bool SendReplies(const QueuedMessage& m, const Answer& answer, absl::string_view slot_prefix);
  void GiveUp(const QueuedMessage& m, int attempt, const std::string& token);
  // An entry without a message id or sender: dead-lettered and acknowledged, never answered.
  void SetAside(const QueuedMessage& m);
  size_t Held();
  // Waits up to `wait` for Stop(); true once it was called.
  bool Stopping(absl::Duration wait);

  InboundQueue& queue_;
  whatsapp::GraphClient& graph_;
  ConversationHandler& handler_;
  const WorkerOptions options_;
  const clock::Clock& clock_;
  std::vector<std::unique_ptr<Shard>> shards_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);  // entry ids in this process
  std::atomic<bool> started_{false};
  std::atomic<uint64_t> attempts_started_{0};
  std::atomic<bool> stop_{false};  // set after stop_deadline_
  absl::Time stop_deadline_;
  std::vector<std::thread> threads_;
};

}  // namespace lindungi::gateway

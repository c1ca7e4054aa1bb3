#include "inbound_workers.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <queue>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "gateway_metrics.h"
#include "lindungi/log/log.h"

namespace lindungi::gateway {
namespace {

// Earlier WhatsApp timestamps first; the stream order breaks ties (and orders equal seconds).
struct Later {
  bool operator()(const QueuedMessage& a, const QueuedMessage& b) const {
    const auto key = [](const QueuedMessage& m) {
      return std::make_pair(m.message.timestamp, StreamIdParts(m.entry_id));
    };
    return key(a) > key(b);
  }
};

// Errors after which the reply did not go out and may be sent by a later attempt.
bool Transient(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kResourceExhausted;
}

std::string StatusName(const absl::Status& s) { return absl::StatusCodeToString(s.code()); }

// Attempts the apology gets after --max_attempts, before a message is let go.
constexpr int kApologyAttempts = 3;

}  // namespace

std::string DefaultConsumerName() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof(host), "gateway");
  }
  // The start time too: containers sharing the host's network can share hostname and pid.
  return absl::StrCat(host, "-", getpid(), "-", absl::ToUnixMicros(absl::Now()) % 1000000000);
}

int RetryMinutes(absl::Duration lag) {
  return std::max(1, static_cast<int>(std::lround(absl::ToDoubleMinutes(lag))));
}

// One worker's queue: the messages of the contacts that hash to it, earliest timestamp first.
class InboundWorkers::Shard {
 public:
  // All at once, so that the worker orders them all before it takes the first.
  void Push(std::vector<QueuedMessage> batch) {
    absl::MutexLock lock(&mu_);
    for (QueuedMessage& m : batch) queue_.push(std::move(m));
  }
  // The next message; nothing once `stop` is set and the queue is empty or `deadline` passed.
  std::optional<QueuedMessage> Pop(const std::atomic<bool>& stop, const absl::Time& deadline) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stop.load(); };
    while (!ready()) mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(100));
    if (queue_.empty() || (stop.load() && absl::Now() > deadline)) return std::nullopt;
    QueuedMessage m = queue_.top();
    queue_.pop();
    return m;
  }

 private:
  absl::Mutex mu_;
  std::priority_queue<QueuedMessage, std::vector<QueuedMessage>, Later> queue_ ABSL_GUARDED_BY(mu_);
};

InboundWorkers::InboundWorkers(InboundQueue& queue, whatsapp::GraphClient& graph,
                               ConversationHandler& handler, WorkerOptions options,
                               const clock::Clock& clock)
    : queue_(queue), graph_(graph), handler_(handler), options_(std::move(options)), clock_(clock) {
  for (int i = 0; i < options_.workers; ++i) shards_.push_back(std::make_unique<Shard>());
}

InboundWorkers::~InboundWorkers() { Stop(); }

void InboundWorkers::Start() {
  if (started_.exchange(true)) return;
  if (absl::Status made = queue_.EnsureGroup(); !made.ok()) {
    log::Warn("consumer group not created yet; the reader retries",
              {{"grpc_code", StatusName(made)}});
  }
  threads_.emplace_back([this] { ReadLoop(); });
  threads_.emplace_back([this] { SampleLoop(); });
  for (auto& shard : shards_) threads_.emplace_back([this, s = shard.get()] { Work(*s); });
  log::Info("workers started", {{"workers", options_.workers}});
}

void InboundWorkers::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || !started_.load()) return;
    stopping_ = true;
  }
  // The reader (and the sampler) first, so that nothing is handed to a worker that has left.
  threads_[0].join();
  threads_[1].join();
  stop_deadline_ = absl::Now() + options_.drain_timeout;
  stop_.store(true);
  for (size_t i = 2; i < threads_.size(); ++i) threads_[i].join();
  threads_.clear();
  log::Info("workers stopped");
}

bool InboundWorkers::Stopping(absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&stopping), wait);
  return stopping_;
}

void InboundWorkers::ReadLoop() {
  const size_t in_flight_limit = options_.read_batch * std::max(2, options_.workers);
  absl::Time next_claim = absl::Now();
  absl::Duration backoff = absl::Milliseconds(100);
  while (!Stopping(absl::ZeroDuration())) {
    if (Held() >= in_flight_limit) {  // the workers are behind: leave the rest in Redis
      Stopping(absl::Milliseconds(20));
      continue;
    }
    const bool claim = absl::Now() >= next_claim;
    absl::StatusOr<std::vector<QueuedMessage>> batch =
        claim ? queue_.Claim(options_.consumer, options_.claim_idle, options_.read_batch)
              : queue_.Read(options_.consumer, options_.read_batch, options_.read_block);
    if (claim) next_claim = absl::Now() + options_.claim_interval;  // failed or not: read between
    if (!batch.ok()) {
      log::Warn("reading the inbound stream failed; retrying",
                {{"grpc_code", StatusName(batch.status())},
                 {"backoff_ms", absl::ToInt64Milliseconds(backoff)}});
      Stopping(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
      continue;
    }
    backoff = absl::Milliseconds(100);
    Dispatch(*std::move(batch), claim);
  }
}

size_t InboundWorkers::Held() {
  absl::MutexLock lock(&mu_);
  return held_.size();
}

void InboundWorkers::Dispatch(std::vector<QueuedMessage> batch, bool claimed) {
  std::vector<QueuedMessage> fresh;
  {
    absl::MutexLock lock(&mu_);
    for (QueuedMessage& m : batch) {  // a claim also returns entries still queued here
      if (held_.insert(m.entry_id).second) fresh.push_back(std::move(m));
    }
  }
  if (claimed && !fresh.empty()) {
    GatewayMetrics::Get().Claimed(static_cast<int>(fresh.size()));
    log::Info("claimed pending messages", {{"messages", fresh.size()}});
  }
  std::vector<std::vector<QueuedMessage>> by_shard(shards_.size());
  for (QueuedMessage& m : fresh) {
    by_shard[absl::HashOf(m.message.from) % shards_.size()].push_back(std::move(m));
  }
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (!by_shard[i].empty()) shards_[i]->Push(std::move(by_shard[i]));
  }
}

void InboundWorkers::Work(Shard& shard) {
  while (std::optional<QueuedMessage> m = shard.Pop(stop_, stop_deadline_)) {
    Process(*m);
    absl::MutexLock lock(&mu_);
    held_.erase(m->entry_id);
  }
}

void InboundWorkers::Process(const QueuedMessage& m) {
  GatewayMetrics& metrics = GatewayMetrics::Get();
  if (m.message.id.empty() || m.message.from.empty()) return SetAside(m);
  // Unique to this attempt: the consumer name is unique to the process.
  const std::string token = absl::StrCat(options_.consumer, ":", ++attempts_started_);
  absl::StatusOr<InboundQueue::Begun> begun;
  for (absl::Duration wait = absl::Milliseconds(50);; wait *= 2) {
    begun = queue_.Begin(m, token);
    if (!begun.ok() || begun->start != InboundQueue::Start::kLocked) break;
    if (wait > absl::Milliseconds(400) || Stopping(wait)) break;  // later, by a claim
  }
  if (!begun.ok()) {
    // The script may have run before the answer was lost: give back a lock it may have taken.
    (void)queue_.Release(m, token);
    log::Warn("could not start a message; it stays queued",
              {{"grpc_code", StatusName(begun.status())}});
    metrics.Handled("retry");
    return;
  }
  if (begun->start == InboundQueue::Start::kLocked) {
    metrics.Handled("contact_busy");
    return;
  }
  if (begun->start == InboundQueue::Start::kHandled) {
    (void)queue_.Acknowledge(m);
    metrics.Handled("already_handled");
    return;
  }
  if (begun->attempt > options_.max_attempts) {
    GiveUp(m, begun->attempt, token);
    return;
  }
  Turn turn;
  turn.message = m.message;
  turn.attempt = begun->attempt;
  turn.queue_wait = std::max(absl::ZeroDuration(), clock_.Now() - m.received);
  turn.busy = turn.queue_wait > options_.shed_queue_lag;
  turn.retry_minutes = turn.busy ? RetryMinutes(turn.queue_wait) : 0;
  metrics.QueueWait(turn.queue_wait, turn.busy);
  if (options_.mark_read && turn.attempt == 1) {
    (void)graph_.MarkRead(m.message.id, /*typing_indicator=*/true);  // counted by the client
  }
  absl::StatusOr<Answer> answer = handler_.Handle(turn);
  if (!answer.ok()) {
    log::Warn("the conversation handler failed; the message will be retried",
              {{"grpc_code", StatusName(answer.status())}, {"attempt", turn.attempt}});
  }
  if (!answer.ok() || !SendReplies(m, *answer, "")) {
    (void)queue_.Release(m, token);
    metrics.Handled("retry");
    return;
  }
  if (absl::Status finished = queue_.Finish(m, token); !finished.ok()) {
    // Replies went out; a later claim finds them sent and only acknowledges.
    log::Warn("could not acknowledge a handled message", {{"grpc_code", StatusName(finished)}});
  }
  metrics.Handled("answered");
}

bool InboundWorkers::SendReplies(const QueuedMessage& m, const Answer& answer,
                                 absl::string_view slot_prefix) {
  GatewayMetrics& metrics = GatewayMetrics::Get();
  for (size_t k = 0; k < answer.replies.size(); ++k) {
    const std::string slot = absl::StrCat(slot_prefix, k);
    absl::StatusOr<bool> mine = queue_.TakeReplySlot(m, slot);
    if (!mine.ok()) return false;
    if (!*mine) {  // this reply went out on an earlier attempt
      metrics.Reply("skipped");
      continue;
    }
    absl::StatusOr<std::string> sent = SendOutbound(graph_, m.message.from, answer.replies[k]);
    if (sent.ok()) {
      metrics.Reply("sent");
      if (k == 0) metrics.ReplyLatency(answer.flow, clock_.Now() - m.received);
      continue;
    }
    const std::optional<int> graph_code = whatsapp::GraphCodeOf(sent.status());
    log::Warn("a reply was not accepted by the Cloud API",
              {{"kind", OutboundKind(answer.replies[k])},
               {"grpc_code", StatusName(sent.status())},
               {"graph_error", graph_code.value_or(0)}});
    if (Transient(sent.status())) {  // not sent: free the slot for the next attempt
      metrics.Reply("retry");
      (void)queue_.FreeReplySlot(m, slot);
      return false;
    }
    // Permanent (131026 undeliverable, 131047 window closed, a bad request), or timed out or cut
    // off after the request went out (it may have gone out): never retried.
    metrics.Reply("failed");
  }
  return true;
}

void InboundWorkers::SetAside(const QueuedMessage& m) {
  // No id or no sender (an entry not written by our webhook, or a message Meta sent without a
  // `from`): nobody to answer and nothing to retry. Kept in the dead-letter stream for a person
  // to look at.
  absl::StatusOr<bool> added = queue_.DeadLetter(m, "unreadable", 0);
  if (!added.ok()) return;  // stays pending; a claim brings it back
  if (*added) GatewayMetrics::Get().DeadLetter();
  log::Error("a stream entry without a message id or sender was dead-lettered unanswered",
             {{"entry", m.entry_id}, {"stream", queue_.options().dead_letters}});
  (void)queue_.Acknowledge(m);
  GatewayMetrics::Get().Handled("unreadable");
}

void InboundWorkers::GiveUp(const QueuedMessage& m, int attempt, const std::string& token) {
  GatewayMetrics& metrics = GatewayMetrics::Get();
  absl::StatusOr<bool> added = queue_.DeadLetter(m, "max_attempts", attempt - 1);
  if (!added.ok()) {
    (void)queue_.Release(m, token);
    return;
  }
  if (*added) {
    metrics.DeadLetter();
    log::Error("a message was dead-lettered after repeated failures",
               {{"attempts", attempt - 1}, {"stream", queue_.options().dead_letters}});
  }
  Answer apology;
  apology.flow = "apology";
  whatsapp::TextMessage text;
  text.body = kApologyText;
  apology.replies.emplace_back(std::move(text));
  // The apology itself gets a few more attempts; after that the message is let go.
  // Its own slot: a reply of the handler's that never went out must not stand in for it.
  if (!SendReplies(m, apology, "apology") && attempt <= options_.max_attempts + kApologyAttempts) {
    (void)queue_.Release(m, token);
    return;
  }
  (void)queue_.Finish(m, token);
  metrics.Handled("dead_letter");
}

void InboundWorkers::SampleLoop() {
  int samples = 0;
  while (!Stopping(options_.sample_interval)) {
    const absl::Time now = clock_.Now();
    absl::StatusOr<InboundQueue::Stats> stats = queue_.Sample(now);
    if (stats.ok()) GatewayMetrics::Get().Queue(*stats);
    if (++samples % 60 == 0) (void)queue_.Trim(now);
  }
}

}  // namespace lindungi::gateway

#include "lindungi/redis/pipeline.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "redis_internal.h"

namespace lindungi::redis {

// One connection and the thread that drives it.
class RedisPipeline::Lane {
 public:
  explicit Lane(const RedisOptions& options) : options_(options), thread_([this] { Loop(); }) {}

  ~Lane() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    has_work_.notify_one();
    thread_.join();
    if (ctx_ != nullptr) redisFree(ctx_);
  }

  void Submit(Pending p) {
    bool wake;
    {
      std::lock_guard<std::mutex> lock(mu_);
      wake = queue_.empty();
      queue_.push_back(std::move(p));
    }
    if (wake) has_work_.notify_one();
  }

 private:
  void Loop() {
    std::vector<Pending> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued was answered
        batch.swap(queue_);
      }
      RoundTrip(batch);
      batch.clear();
    }
  }

  void FailFrom(std::vector<Pending>& batch, size_t first, const absl::Status& status) {
    for (size_t i = first; i < batch.size(); ++i) batch[i].done(status);
  }

  // Writes the batch and reads its replies. A connection the server closed while idle (Redis
  // restarted) fails before any reply; the batch is then sent once more on a fresh connection.
  void RoundTrip(std::vector<Pending>& batch) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (ctx_ == nullptr) {
        absl::StatusOr<redisContext*> ctx = internal::Connect(options_);
        if (!ctx.ok()) return FailFrom(batch, 0, ctx.status());
        ctx_ = *ctx;
        used_ = false;
      }
      for (const Pending& p : batch) internal::Append(ctx_, p.args);
      int written = 0;
      while (!written) {
        if (redisBufferWrite(ctx_, &written) != REDIS_OK) break;
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        void* raw = nullptr;
        if (!written || redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
          const int err = errno;
          const absl::Status status = internal::ConnectionError(ctx_, err);
          const bool stale = used_ && i == 0 && attempt == 0 && internal::ClosedByPeer(ctx_, err);
          redisFree(ctx_);
          ctx_ = nullptr;
          if (stale) break;  // retry the whole batch on a new connection
          return FailFrom(batch, i, status);
        }
        auto* reply = static_cast<redisReply*>(raw);
        absl::StatusOr<Reply> result = internal::ToResult(reply);
        freeReplyObject(reply);
        used_ = true;
        batch[i].done(std::move(result));
        if (i + 1 == batch.size()) return;
      }
      if (ctx_ != nullptr) return;  // every reply read (empty batch)
    }
  }

  const RedisOptions options_;
  std::mutex mu_;
  std::condition_variable has_work_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  redisContext* ctx_ = nullptr;  // only the lane's thread touches it
  bool used_ = false;
  std::thread thread_;
};

RedisPipeline::RedisPipeline(RedisOptions options) : options_(std::move(options)) {
  const int lanes = std::max(1, options_.pool_size);
  for (int i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>(options_));
}

RedisPipeline::~RedisPipeline() = default;

void RedisPipeline::Command(std::vector<std::string> args, Callback done) {
  lanes_[next_lane_.fetch_add(1, std::memory_order_relaxed) % lanes_.size()]->Submit(
      Pending{std::move(args), std::move(done)});
}

void RedisPipeline::Eval(const Script& script, std::vector<std::string> keys,
                         std::vector<std::string> args, Callback done) {
  std::vector<std::string> cmd = internal::EvalCommand("EVALSHA", script.sha1(), keys, args);
  Command(std::move(cmd), [this, &script, keys = std::move(keys), args = std::move(args),
                           done = std::move(done)](absl::StatusOr<Reply> reply) mutable {
    if (!reply.ok() && internal::IsNoScript(reply.status())) {
      Command(internal::EvalCommand("EVAL", script.source(), keys, args), std::move(done));
      return;
    }
    done(std::move(reply));
  });
}

absl::StatusOr<Reply> RedisPipeline::CommandSync(std::vector<std::string> args) {
  std::promise<absl::StatusOr<Reply>> promise;
  std::future<absl::StatusOr<Reply>> future = promise.get_future();
  Command(std::move(args),
          [&promise](absl::StatusOr<Reply> r) { promise.set_value(std::move(r)); });
  return future.get();
}

absl::StatusOr<Reply> RedisPipeline::EvalSync(const Script& script, std::vector<std::string> keys,
                                              std::vector<std::string> args) {
  std::promise<absl::StatusOr<Reply>> promise;
  std::future<absl::StatusOr<Reply>> future = promise.get_future();
  Eval(script, std::move(keys), std::move(args),
       [&promise](absl::StatusOr<Reply> r) { promise.set_value(std::move(r)); });
  return future.get();
}

absl::Status RedisPipeline::Load(const Script& script) {
  return internal::CheckLoaded(script, CommandSync({"SCRIPT", "LOAD", script.source()}));
}

absl::Status RedisPipeline::Ping() { return CommandSync({"PING"}).status(); }

}  // namespace lindungi::redis

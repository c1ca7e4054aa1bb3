#pragma once

// A fixed set of threads for blocking work (Redis, SQLite, signing) so that gRPC's reactor threads
// never block. The queue is bounded: when it is full, TrySubmit refuses and the caller answers
// UNAVAILABLE at once instead of letting latency grow without limit.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace prometheus {
class Gauge;
class Counter;
}  // namespace prometheus

namespace lindungi::server {

class WorkerPool {
 public:
  // `name` labels the pool's metrics (lindungi_worker_queue_depth{pool}, ..._rejected_total).
  WorkerPool(std::string name, int threads, size_t max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the queue is full or the pool is shutting down.
  bool TrySubmit(std::function<void()> task);
  // Runs every queued task, then stops the threads. Idempotent.
  void Shutdown();
  size_t queued() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();

  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable has_work_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  prometheus::Gauge* depth_;
  prometheus::Counter* rejected_;
};

}  // namespace lindungi::server

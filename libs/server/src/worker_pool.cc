#include "lindungi/server/worker_pool.h"

#include "lindungi/metrics/metrics.h"

namespace lindungi::server {

WorkerPool::WorkerPool(std::string name, int threads, size_t max_queue) : max_queue_(max_queue) {
  depth_ =
      &metrics::GaugeFamily("lindungi_worker_queue_depth", "Tasks waiting for a worker thread.")
           .Add({{"pool", name}});
  rejected_ = &metrics::CounterFamily("lindungi_worker_rejected_total",
                                      "Tasks refused because the worker queue was full.")
                   .Add({{"pool", name}});
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) {
      rejected_->Increment();
      return false;
    }
    queue_.push_back(std::move(task));
    depth_->Set(static_cast<double>(queue_.size()));
  }
  has_work_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  has_work_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void WorkerPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      depth_->Set(static_cast<double>(queue_.size()));
    }
    task();
  }
}

}  // namespace lindungi::server

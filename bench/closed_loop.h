#pragma once

// A closed-loop load driver for benchmarks: keeps `concurrency` asynchronous calls in flight
// until `limit` calls were made or the deadline passed, and records each call's latency.
//
//   ClosedLoop loop(limit, deadline);
//   loop.Run(64, [&](uint64_t n, ClosedLoop::Done done) {
//     stub->async()->Method(&ctx, &req, &resp, [done](grpc::Status s) { done(s.error_code()); });
//   });
//   loop.Report("Method");

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lindungi::bench {

class ClosedLoop {
 public:
  // Called with the call's status code (0 = OK) when it completes.
  using Done = std::function<void(int code)>;
  // Starts call number `n`; must call `done` exactly once, from any thread.
  using Start = std::function<void(uint64_t n, Done done)>;

  ClosedLoop(uint64_t limit, absl::Time deadline) : limit_(limit), deadline_(deadline) {}

  void Run(int concurrency, Start start) {
    start_call_ = std::move(start);
    started_ = absl::Now();
    for (int i = 0; i < concurrency; ++i) Next();
    std::unique_lock<std::mutex> lock(done_mu_);
    done_cv_.wait(lock, [this] { return in_flight_ == 0 && stopped_; });
    elapsed_ = absl::Now() - started_;
  }

  // One line: calls, ops/s and latency percentiles; then any non-OK status counts.
  void Report(const char* what) {
    std::lock_guard<std::mutex> lock(mu_);
    std::sort(micros_.begin(), micros_.end());
    auto pct = [&](double p) -> double {
      if (micros_.empty()) return 0;
      return micros_[std::min(micros_.size() - 1, static_cast<size_t>(p * micros_.size()))] /
             1000.0;
    };
    const double secs = absl::ToDoubleSeconds(elapsed_);
    std::printf("%s\t%zu calls\t%.0f ops/s\tp50 %.3f ms\tp99 %.3f ms\tp99.9 %.3f ms\n", what,
                micros_.size(), micros_.size() / secs, pct(0.50), pct(0.99), pct(0.999));
    for (const auto& [code, n] : codes_) {
      if (code != 0) std::printf("  status %d: %ld calls\n", code, static_cast<long>(n));
    }
  }

 private:
  void Next() {
    const uint64_t n = issued_.fetch_add(1);
    if (n >= limit_ || absl::Now() >= deadline_) {
      std::lock_guard<std::mutex> lock(done_mu_);
      stopped_ = true;
      done_cv_.notify_all();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      ++in_flight_;
    }
    const absl::Time t0 = absl::Now();
    start_call_(n, [this, t0](int code) {
      const auto us = static_cast<uint32_t>(absl::ToInt64Microseconds(absl::Now() - t0));
      {
        std::lock_guard<std::mutex> lock(mu_);
        micros_.push_back(us);
        ++codes_[code];
      }
      Next();
      std::lock_guard<std::mutex> lock(done_mu_);
      if (--in_flight_ == 0) done_cv_.notify_all();
    });
  }

  const uint64_t limit_;
  const absl::Time deadline_;
  Start start_call_;
  std::atomic<uint64_t> issued_{0};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  int in_flight_ = 0;
  bool stopped_ = false;
  absl::Time started_;
  absl::Duration elapsed_;
  std::mutex mu_;
  std::vector<uint32_t> micros_;
  std::map<int, int64_t> codes_;
};

}  // namespace lindungi::bench

#include "event_feed.h"

#include <vector>

namespace lindungi::ticket {

int64_t EventFeed::latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

void EventFeed::Published(int64_t event_id) {
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (event_id <= latest_) return;
    latest_ = event_id;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.after < latest_) {
        woken.push_back(std::move(it->second.wake));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& wake : woken) wake();
}

std::optional<uint64_t> EventFeed::Wait(int64_t after, std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || latest_ > after) return std::nullopt;
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, Waiter{after, std::move(wake)});
  return id;
}

bool EventFeed::Cancel(uint64_t waiter) {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_.erase(waiter) > 0;
}

void EventFeed::Close() {
  std::map<uint64_t, Waiter> woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    woken.swap(waiters_);
  }
  for (auto& [id, waiter] : woken) waiter.wake();
}

bool EventFeed::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

}  // namespace lindungi::ticket

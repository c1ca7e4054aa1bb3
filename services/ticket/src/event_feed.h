#pragma once

// Tells WatchTicketEvents streams that new events were committed, so that they read the store
// again instead of polling it. The store stays the source of truth: a woken stream reads every
// event above its position, so a missed or early wake-up can delay an event but never lose or
// repeat one. Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace lindungi::ticket {

class EventFeed {
 public:
  // `latest` is the newest committed event id at start.
  explicit EventFeed(int64_t latest) : latest_(latest) {}

  int64_t latest() const;
  // After a commit: events up to `event_id` exist. Wakes the waiters below it.
  void Published(int64_t event_id);
  // Registers `wake` to run once (on the publishing or closing thread) when an event above
  // `after` is published or the feed closes. Returns nullopt, registering nothing, when that is
  // already so: the caller goes on at once.
  std::optional<uint64_t> Wait(int64_t after, std::function<void()> wake);
  // Removes a waiter; false when it has already been woken (its wake runs or ran).
  bool Cancel(uint64_t waiter);
  // Server drain: wakes everyone; streams see closed() and end.
  void Close();
  bool closed() const;

 private:
  struct Waiter {
    int64_t after;
    std::function<void()> wake;
  };
  mutable std::mutex mu_;
  int64_t latest_;
  bool closed_ = false;
  uint64_t next_waiter_ = 1;
  std::map<uint64_t, Waiter> waiters_;
};

}  // namespace lindungi::ticket

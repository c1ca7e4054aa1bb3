#include "watch_reactor.h"

#include "absl/strings/str_cat.h"
#include "desk_support.h"
#include "lindungi/log/log.h"
#include "lindungi/status/status.h"

namespace lindungi::ticket {

WatchReactor::WatchReactor(TicketDesk& desk, server::WorkerPool& workers,
                           const v1::WatchTicketEventsRequest& request)
    : desk_(desk), workers_(workers), filter_(request), position_(request.after_event_id()) {
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = TicketDesk::CheckWatchFilter(filter_); !s.ok()) {
    End(lock, status::ToGrpc(s));
    return;
  }
  lock.unlock();
  Fetch();
}

void WatchReactor::Fetch() {
  if (!workers_.TrySubmit([this] { ReadNext(); })) {
    std::unique_lock<std::mutex> lock(mu_);
    End(lock, grpc::Status(grpc::StatusCode::UNAVAILABLE, "server busy; reconnect and resume"));
  }
}

void WatchReactor::ReadNext() {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) return End(lock, grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  if (desk_.feed().closed()) {
    return End(lock, grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                  "the server is shutting down; reconnect and resume after the "
                                  "last event id received"));
  }
  const int64_t from = position_;
  lock.unlock();
  absl::StatusOr<TicketDesk::EventBatch> batch = desk_.ReadEvents(filter_, from, kBatch);
  lock.lock();
  if (!batch.ok()) {
    log::Warn("event stream failed", {{"error", std::string(batch.status().message())}});
    return End(lock, status::ToGrpc(batch.status()));
  }
  // Checked against the store, not the feed: an event a stream delivered may be committed but
  // not yet published, and a client resuming after it at once must not be refused.
  if (first_read_ && filter_.after_event_id() > batch->newest) {
    return End(lock, status::ToGrpc(desk_support::Failure(
                         absl::StatusCode::kOutOfRange, "AFTER_EVENT_ID_AHEAD",
                         "after_event_id is above the newest event; resume from an id you received",
                         {{"latest_event_id", absl::StrCat(batch->newest)}})));
  }
  first_read_ = false;
  position_ = batch->resume_after;
  if (!batch->events.empty()) {
    for (auto& e : batch->events) queue_.push_back(std::move(e));
    return WriteNext(lock);
  }
  // Caught up: sleep until a commit (or the drain) wakes us.
  waiter_ = desk_.feed().Wait(position_, [this] { Wake(); });
  if (!waiter_) {
    lock.unlock();
    return Fetch();
  }
  if (cancelled_ && desk_.feed().Cancel(*waiter_)) {
    return End(lock, grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
}

void WatchReactor::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    waiter_.reset();
  }
  Fetch();
}

void WatchReactor::WriteNext(std::unique_lock<std::mutex>& lock) {
  *out_.mutable_event() = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  StartWrite(&out_);
}

void WatchReactor::OnWriteDone(bool ok) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!ok || cancelled_) {
    return End(lock, grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
  }
  if (!queue_.empty()) return WriteNext(lock);
  lock.unlock();
  Fetch();
}

void WatchReactor::OnCancel() {
  std::unique_lock<std::mutex> lock(mu_);
  cancelled_ = true;
  // Waiting on the feed: nothing else will run, so end here. Otherwise the read or write in
  // flight sees cancelled_ and ends.
  if (waiter_ && desk_.feed().Cancel(*waiter_)) {
    waiter_.reset();
    End(lock, grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
}

void WatchReactor::End(std::unique_lock<std::mutex>& lock, const grpc::Status& status) {
  if (ended_) return;
  ended_ = true;
  lock.unlock();
  Finish(status);
}

}  // namespace lindungi::ticket

#pragma once

// WatchTicketEvents: a server stream that reads the event log from the client's position on the
// worker pool, writes the events one by one, and, once caught up, waits on the EventFeed until a
// commit wakes it. The position moves only past events read from the store, so a stream resumed
// with the last event id it saw misses and repeats nothing, across restarts too. Ends with
// UNAVAILABLE when the server drains (the feed closes), CANCELLED when the client goes.

#include <deque>
#include <mutex>
#include <optional>

#include "grpcpp/grpcpp.h"
#include "lindungi/server/worker_pool.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "ticket_desk.h"

namespace lindungi::ticket {

class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchTicketEventsResponse> {
 public:
  static constexpr int kBatch = 200;  // events read per store query

  WatchReactor(TicketDesk& desk, server::WorkerPool& workers,
               const v1::WatchTicketEventsRequest& request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override { delete this; }

 private:
  void Fetch();     // queue a read of the next batch on the worker pool
  void ReadNext();  // on a worker: read, then write or wait
  void WriteNext(std::unique_lock<std::mutex>& lock);
  void Wake();
  // Ends the call once; unlocks first (OnDone may delete this at once).
  void End(std::unique_lock<std::mutex>& lock, const grpc::Status& status);

  TicketDesk& desk_;
  server::WorkerPool& workers_;
  const v1::WatchTicketEventsRequest filter_;

  std::mutex mu_;
  int64_t position_;  // the last event id read (delivered or filtered out)
  std::deque<v1::TicketEvent> queue_;
  v1::WatchTicketEventsResponse out_;
  std::optional<uint64_t> waiter_;
  bool first_read_ = true;
  bool cancelled_ = false;
  bool ended_ = false;
};

}  // namespace lindungi::ticket

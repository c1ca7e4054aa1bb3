#include "lindungi/server/health_service.h"

namespace lindungi::server {

using grpc::health::v1::HealthCheckResponse;

// One Watch stream: writes the latest status whenever it changes, one write at a time.
class HealthStatusTable::Watcher final : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  Watcher(HealthStatusTable& table, std::string name) : table_(table), name_(std::move(name)) {
    table_.AddWatcher(this);  // sends the current status
  }

  // Called with the table's mutex held.
  void Push(Status status, bool last) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    pending_ = status;
    finish_after_write_ |= last;
    if (!writing_) WriteLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status::CANCELLED);
    } else if (pending_.has_value()) {
      WriteLocked();
    } else if (finish_after_write_) {
      FinishLocked(grpc::Status::OK);
    }
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    table_.RemoveWatcher(this);
    delete this;
  }

 private:
  void WriteLocked() {
    if (!pending_.has_value()) return;
    if (sent_.has_value() && *sent_ == *pending_) {
      pending_.reset();
      if (finish_after_write_) FinishLocked(grpc::Status::OK);
      return;
    }
    response_.set_status(*pending_);
    sent_ = pending_;
    pending_.reset();
    writing_ = true;
    StartWrite(&response_);
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  HealthStatusTable& table_;
  const std::string name_;
  std::mutex mu_;
  HealthCheckResponse response_;
  std::optional<Status> pending_;
  std::optional<Status> sent_;
  bool writing_ = false;
  bool finished_ = false;
  bool finish_after_write_ = false;

  friend class HealthStatusTable;
};

void HealthStatusTable::Set(const std::string& name, bool serving) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return;
  const Status status = serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  statuses_[name] = status;
  for (Watcher* w : watchers_) {
    if (w->name_ == name) w->Push(status, /*last=*/false);
  }
}

void HealthStatusTable::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  for (auto& [name, status] : statuses_) status = HealthCheckResponse::NOT_SERVING;
  for (Watcher* w : watchers_) w->Push(HealthCheckResponse::NOT_SERVING, /*last=*/true);
}

HealthStatusTable::Status HealthStatusTable::Get(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = statuses_.find(name);
  return it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second;
}

void HealthStatusTable::AddWatcher(Watcher* w) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.insert(w);
  auto it = statuses_.find(w->name_);
  w->Push(it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second, shut_down_);
}

void HealthStatusTable::RemoveWatcher(Watcher* w) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.erase(w);
}

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* ctx,
                                               const grpc::health::v1::HealthCheckRequest* request,
                                               HealthCheckResponse* response) {
  auto* reactor = ctx->DefaultReactor();
  const HealthStatusTable::Status status = table_.Get(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
  } else {
    response->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext*, const grpc::health::v1::HealthCheckRequest* request) {
  return new HealthStatusTable::Watcher(table_, request->service());
}

}  // namespace lindungi::server

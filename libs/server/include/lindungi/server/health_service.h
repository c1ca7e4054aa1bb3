#pragma once

// grpc.health.v1 (Check and Watch) on the callback API, backed by one status table that the main
// port and the plaintext health port share. Unknown names answer NOT_FOUND (Check) or
// SERVICE_UNKNOWN (Watch). After Shutdown() every name is NOT_SERVING, further changes are
// ignored, and open Watch streams end so that they do not hold up the server's drain.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace lindungi::server {

class HealthStatusTable {
 public:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void Set(const std::string& name, bool serving);
  void Shutdown();
  // The status of `name`, or SERVICE_UNKNOWN.
  Status Get(const std::string& name);

 private:
  friend class HealthService;
  class Watcher;
  void AddWatcher(Watcher* w);
  void RemoveWatcher(Watcher* w);

  std::mutex mu_;
  std::map<std::string, Status> statuses_;
  std::set<Watcher*> watchers_;
  bool shut_down_ = false;
};

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit HealthService(HealthStatusTable& table) : table_(table) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* ctx,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* ctx,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  HealthStatusTable& table_;
};

}  // namespace lindungi::server

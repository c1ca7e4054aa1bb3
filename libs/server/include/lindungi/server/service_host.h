#pragma once

// Runs one Lindungi service: the gRPC server on --grpc_port (callback API, reflection, health,
// the metrics interceptor, mTLS with a caller allow-list), grpc.health.v1 alone and in plaintext
// on --health_port for Kubernetes probes, Prometheus on --metrics_port, and a worker pool for
// blocking work. On SIGTERM it reports NOT_SERVING, lets calls in flight finish within
// --drain_timeout, and returns exit code 0.
//
// Health names: "" and each service name follow readiness (SetServing / the readiness check);
// "liveness" stays SERVING until shutdown begins, so a dependency outage takes the pod out of
// the load balancer without restarting it.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/metrics/metrics.h"
#include "lindungi/server/health_service.h"
#include "lindungi/server/worker_pool.h"

namespace lindungi::server {

struct ServerOptions {
  std::string bind_host = "0.0.0.0";       // address the gRPC, health and metrics ports bind
  int grpc_port = 0;                       // 0 picks a free port
  int health_port = 0;                     // plaintext grpc.health.v1 only; 0 picks a free port
  int metrics_port = 0;                    // Prometheus /metrics; 0 picks a free port
  grpcclient::TlsFiles tls;                // mTLS on the gRPC port when set
  std::vector<std::string> allowed_peers;  // with mTLS: certificate names allowed to call
  int worker_threads = 16;                 // threads for blocking work
  size_t worker_queue = 4096;              // queued tasks before UNAVAILABLE
  absl::Duration drain_timeout = absl::Seconds(20);      // SIGTERM: wait this long for calls
  absl::Duration max_connection_age = absl::Minutes(5);  // so clients rebalance to new pods
  // Calls in flight when a connection reaches its age may finish: a 5-minute age must not cut
  // a 10-minute import stream. Infinite, as gRPC's own default.
  absl::Duration max_connection_age_grace = absl::InfiniteDuration();
};

// Reads the shared flags: --grpc_port, --health_port, --metrics_port, --bind_host, --tls_*,
// --tls_allowed_peers, --worker_threads, --worker_queue, --drain_timeout, --max_connection_age.
absl::StatusOr<ServerOptions> ServerOptionsFromFlags();

class ServiceHost {
 public:
  explicit ServiceHost(ServerOptions options);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Registers a service before Start(); `full_name` (e.g. "lindungi.otp.v1.OtpService") is the
  // name health checks answer for.
  void AddService(grpc::Service* service, const std::string& full_name);
  // Binds every port and starts serving; logs one "listening" line with the bound ports.
  absl::Status Start();

  int grpc_port() const { return grpc_port_; }
  int health_port() const { return health_port_; }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  WorkerPool& workers() { return *workers_; }

  // Marks the service ready (SERVING) or not on both health endpoints.
  void SetServing(bool serving);
  // Runs `check` every `interval` and sets readiness from its result (e.g. "is Redis up?").
  void SetReadinessCheck(std::function<absl::Status()> check, absl::Duration interval);

  // Runs `hook` once when shutdown begins, after health turns NOT_SERVING and before the drain:
  // where long-lived server streams are told to end (they would otherwise hold the drain for its
  // whole timeout). Register before Start().
  void OnDrain(std::function<void()> hook);

  // Blocks until SIGTERM or SIGINT, then shuts down. Returns the process exit code.
  int Run();
  // NOT_SERVING, drain within drain_timeout, stop. Idempotent; safe from any thread.
  void Shutdown();

 private:
  void SetHealth(const std::string& name, bool serving);
  void ReadinessLoop(std::function<absl::Status()> check, absl::Duration interval);

  const ServerOptions options_;
  HealthStatusTable health_table_;
  HealthService main_health_{health_table_};  // on the gRPC port
  HealthService port_health_{health_table_};  // alone on the plaintext health port
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<void()>> drain_hooks_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  std::unique_ptr<metrics::MetricsServer> metrics_;
  int grpc_port_ = 0;
  int health_port_ = 0;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool stopped_ = false;
  bool ready_ = true;
  std::thread readiness_thread_;
};

}  // namespace lindungi::server

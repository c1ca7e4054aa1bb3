#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "lindungi/grpcclient/tls_flags.h"
#include "lindungi/server/service_host.h"

ABSL_FLAG(int, grpc_port, 50051, "gRPC port (0 picks a free port, logged at start)");
ABSL_FLAG(
    int, health_port, 50052,
    "Plaintext port serving only grpc.health.v1, for Kubernetes probes (0 picks a free port)");
ABSL_FLAG(int, metrics_port, 9464, "Prometheus /metrics HTTP port (0 picks a free port)");
ABSL_FLAG(std::string, bind_host, "0.0.0.0", "Address the gRPC, health and metrics ports bind");
ABSL_FLAG(std::string, tls_allowed_peers, "",
          "With mTLS: comma-separated certificate names (SAN DNS or CN) allowed to call; empty "
          "allows any certificate signed by --tls_ca_file");
ABSL_FLAG(int, worker_threads, 16, "Threads for blocking work (Redis, SQL, signing)");
ABSL_FLAG(int, worker_queue, 4096,
          "Calls that may wait for a worker; beyond that calls fail fast with UNAVAILABLE");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "On SIGTERM: how long calls in flight may take to finish before they are cancelled");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(5),
          "Clients reconnect after this long, so new pods receive traffic");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::InfiniteDuration(),
          "After --max_connection_age, how long calls in flight on the old connection may still "
          "run (imports and event streams can last much longer than the age)");

namespace lindungi::server {

absl::StatusOr<ServerOptions> ServerOptionsFromFlags() {
  ServerOptions o;
  o.bind_host = absl::GetFlag(FLAGS_bind_host);
  o.grpc_port = absl::GetFlag(FLAGS_grpc_port);
  o.health_port = absl::GetFlag(FLAGS_health_port);
  o.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  for (int port : {o.grpc_port, o.health_port, o.metrics_port}) {
    if (port < 0 || port > 65535) {
      return absl::InvalidArgumentError("ports must be between 0 and 65535");
    }
  }
  absl::StatusOr<grpcclient::TlsFiles> tls = grpcclient::TlsFilesFromFlags();
  if (!tls.ok()) return tls.status();
  o.tls = *tls;
  for (absl::string_view peer :
       absl::StrSplit(absl::GetFlag(FLAGS_tls_allowed_peers), ',', absl::SkipWhitespace())) {
    o.allowed_peers.emplace_back(peer);
  }
  if (!o.allowed_peers.empty() && !o.tls.enabled()) {
    return absl::InvalidArgumentError("--tls_allowed_peers needs mTLS (--tls_cert_file ...)");
  }
  o.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  if (o.worker_threads < 1) return absl::InvalidArgumentError("--worker_threads must be >= 1");
  const int queue = absl::GetFlag(FLAGS_worker_queue);
  if (queue < 1) return absl::InvalidArgumentError("--worker_queue must be >= 1");
  o.worker_queue = static_cast<size_t>(queue);
  o.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  o.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  o.max_connection_age_grace = absl::GetFlag(FLAGS_max_connection_age_grace);
  if (o.drain_timeout < absl::ZeroDuration() || o.max_connection_age <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain_timeout and --max_connection_age must be positive");
  }
  return o;
}

}  // namespace lindungi::server

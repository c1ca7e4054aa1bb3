#pragma once

// The gateway's object graph (issue 6): Redis, the webhook ingest and its HTTP server on
// --http_port, the workers with the WhatsApp Cloud API client and the conversation handler
// (AcknowledgeHandler, scaffolding until issue 7), plus the ServiceHost (gRPC health on
// --health_port for Kubernetes probes, Prometheus on --metrics_port). main() builds it from
// flags; tests build it in-process.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "conversation.h"
#include "inbound_queue.h"
#include "inbound_workers.h"
#include "lindungi/config/config.h"
#include "lindungi/httpserver/server.h"
#include "lindungi/redis/asio_redis.h"
#include "lindungi/redis/redis.h"
#include "lindungi/server/service_host.h"
#include "shared_send_rate.h"
#include "webhook_http.h"
#include "webhook_ingest.h"

namespace lindungi::gateway {

struct GatewayConfig {
  WebhookSecrets secrets;  // from --whatsapp_app_secret_file, --whatsapp_verify_token_file
  int http_port = 8080;    // --http_port; 0 picks a free port
  int http_threads = 2;    // --http_threads
  size_t max_body_bytes = 4 * 1024 * 1024;          // --max_webhook_body_kb (≥ 3 MiB)
  absl::Duration read_timeout = absl::Seconds(10);  // --http_read_timeout (slow-loris)
  absl::Duration idle_timeout = absl::Seconds(75);  // --http_idle_timeout (keep-alive)
  IngestOptions ingest;                             // --dedupe_ttl
  QueueOptions queue;                               // --contact_lock_ttl, --dedupe_ttl
  WorkerOptions workers;        // --workers (0: ingest only), --claim_idle, --max_attempts, …
  whatsapp::GraphConfig graph;  // --graph_api_*, --whatsapp_phone_number_id, …; unused at 0
};

absl::StatusOr<GatewayConfig> GatewayConfigFromFlags(config::Env env);

class GatewayServer {
 public:
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(const GatewayConfig& config,
                                                              const server::ServerOptions& options,
                                                              const redis::RedisOptions& redis);
  ~GatewayServer();
  int http_port() const { return http_->port(); }
  server::ServiceHost& host() { return *host_; }
  void Shutdown();

 private:
  GatewayServer() = default;
  absl::Status StartWorkers(const GatewayConfig& config, const redis::RedisOptions& redis);
  std::unique_ptr<redis::RedisPool> redis_;       // the readiness probe's
  std::unique_ptr<redis::AsioRedis> loop_redis_;  // the webhook's, on the HTTP server's loop
  std::unique_ptr<WebhookIngest> ingest_;
  std::unique_ptr<redis::RedisPool> worker_redis_;  // blocking reads need their own connections
  std::unique_ptr<InboundQueue> queue_;
  std::unique_ptr<SharedSendRate> send_rate_;
  std::unique_ptr<whatsapp::GraphClient> graph_;
  std::unique_ptr<ConversationHandler> handler_;
  std::unique_ptr<InboundWorkers> workers_;
  std::unique_ptr<WebhookHttp> webhook_;
  std::unique_ptr<httpserver::Server> http_;
  std::unique_ptr<server::ServiceHost> host_;
};

}  // namespace lindungi::gateway

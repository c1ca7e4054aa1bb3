#include "gateway_server.h"

#include "absl/flags/flag.h"
#include "ack_handler.h"
#include "lindungi/config/config.h"
#include "lindungi/log/log.h"
#include "lindungi/whatsapp/graph_flags.h"

ABSL_FLAG(int, http_port, 8080,
          "Port of the WhatsApp webhook (GET|POST /webhooks/whatsapp, /healthz, /readyz); 0 "
          "picks a free port, logged as http_port");
ABSL_FLAG(int, http_threads, 2, "Threads serving HTTP");
ABSL_FLAG(std::string, whatsapp_app_secret_file, "",
          "Required. File with the Meta app secret that signs every webhook body "
          "(X-Hub-Signature-256)");
ABSL_FLAG(std::string, whatsapp_verify_token_file, "",
          "Required. File with the token Meta sends in the webhook verification handshake");
ABSL_FLAG(int, max_webhook_body_kb, 4096,
          "Largest webhook body accepted, in KiB (at least 3072: Meta batches up to 3 MiB); "
          "larger ones get 413");
ABSL_FLAG(absl::Duration, http_read_timeout, absl::Seconds(10),
          "Time to receive one whole request; slower clients are cut off (slow-loris)");
ABSL_FLAG(absl::Duration, http_idle_timeout, absl::Seconds(75),
          "How long an idle keep-alive connection stays open");
ABSL_FLAG(absl::Duration, dedupe_ttl, absl::Hours(7 * 24),
          "How long a WhatsApp message id is remembered, so that Meta's redeliveries are not "
          "handled twice");

ABSL_FLAG(int, workers, 4,
          "Worker threads answering queued messages; 0 runs the webhook only (then no Cloud API "
          "flags are needed)");
ABSL_FLAG(absl::Duration, claim_idle, absl::Seconds(30),
          "A message pending this long in a consumer (dead replica, failed attempt) is claimed "
          "and tried again");
ABSL_FLAG(absl::Duration, claim_interval, absl::Seconds(5),
          "How often the workers look for messages to claim");
ABSL_FLAG(int, max_attempts, 5,
          "Attempts per message; after that it goes to the dead-letter stream wa:dead and the "
          "citizen gets an apology");
ABSL_FLAG(absl::Duration, shed_queue_lag, absl::Seconds(30),
          "When a message waited longer than this in the queue, the conversation handler is told "
          "the service is busy (new conversations get \"sedang ramai, coba lagi dalam N "
          "menit\")");
ABSL_FLAG(absl::Duration, contact_lock_ttl, absl::Seconds(60),
          "One contact's messages run one at a time under a lock that expires after this (a "
          "dead worker's lock frees itself); longer than one message's handling");
ABSL_FLAG(bool, mark_read, true,
          "Mark each message read, with the typing indicator, when a worker starts it");

namespace lindungi::gateway {
namespace {

absl::Status ReadWorkerFlags(bool production, GatewayConfig& c) {
  WorkerOptions& w = c.workers;
  w.workers = absl::GetFlag(FLAGS_workers);
  if (w.workers < 0 || w.workers > 256) {
    return absl::InvalidArgumentError("--workers must be between 0 and 256");
  }
  w.claim_idle = absl::GetFlag(FLAGS_claim_idle);
  w.claim_interval = absl::GetFlag(FLAGS_claim_interval);
  w.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  w.shed_queue_lag = absl::GetFlag(FLAGS_shed_queue_lag);
  w.mark_read = absl::GetFlag(FLAGS_mark_read);
  w.consumer = DefaultConsumerName();
  c.queue.lock_ttl = absl::GetFlag(FLAGS_contact_lock_ttl);
  c.queue.memory = c.ingest.dedupe_ttl;
  c.queue.stream = c.ingest.stream;
  if (w.claim_idle < absl::Milliseconds(100) || w.claim_interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("--claim_idle must be at least 100ms, --claim_interval 10ms");
  }
  if (w.max_attempts < 1) return absl::InvalidArgumentError("--max_attempts must be at least 1");
  if (w.shed_queue_lag <= absl::ZeroDuration() || c.queue.lock_ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--shed_queue_lag must be positive and --contact_lock_ttl at least 1s");
  }
  if (w.workers == 0) return absl::OkStatus();
  absl::StatusOr<whatsapp::GraphConfig> graph = whatsapp::GraphConfigFromFlags(production);
  if (!graph.ok()) {
    return absl::Status(graph.status().code(), absl::StrCat(graph.status().message(),
                                                            "; or run the webhook alone with "
                                                            "--workers=0"));
  }
  c.graph = *std::move(graph);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GatewayConfig> GatewayConfigFromFlags(config::Env env) {
  GatewayConfig c;
  absl::StatusOr<std::string> secret = config::ReadSecretFile(
      absl::GetFlag(FLAGS_whatsapp_app_secret_file), "--whatsapp_app_secret_file");
  if (!secret.ok()) return secret.status();
  c.secrets.app_secret = *std::move(secret);
  absl::StatusOr<std::string> token = config::ReadSecretFile(
      absl::GetFlag(FLAGS_whatsapp_verify_token_file), "--whatsapp_verify_token_file");
  if (!token.ok()) return token.status();
  c.secrets.verify_token = *std::move(token);
  c.http_port = absl::GetFlag(FLAGS_http_port);
  if (c.http_port < 0 || c.http_port > 65535) {
    return absl::InvalidArgumentError("--http_port must be between 0 and 65535");
  }
  c.http_threads = absl::GetFlag(FLAGS_http_threads);
  if (c.http_threads < 1 || c.http_threads > 64) {
    return absl::InvalidArgumentError("--http_threads must be between 1 and 64");
  }
  const int body_kb = absl::GetFlag(FLAGS_max_webhook_body_kb);
  if (body_kb < 3072 || body_kb > 64 * 1024) {
    return absl::InvalidArgumentError(
        "--max_webhook_body_kb must be between 3072 (Meta's 3 MiB batches) and 65536");
  }
  c.max_body_bytes = static_cast<size_t>(body_kb) * 1024;
  c.read_timeout = absl::GetFlag(FLAGS_http_read_timeout);
  c.idle_timeout = absl::GetFlag(FLAGS_http_idle_timeout);
  if (c.read_timeout <= absl::ZeroDuration() || c.idle_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--http_read_timeout and --http_idle_timeout must be > 0");
  }
  c.ingest.dedupe_ttl = absl::GetFlag(FLAGS_dedupe_ttl);
  if (c.ingest.dedupe_ttl < absl::Hours(1)) {
    return absl::InvalidArgumentError("--dedupe_ttl must be at least 1h (Meta redelivers late)");
  }
  if (absl::Status workers = ReadWorkerFlags(env == config::Env::kProduction, c); !workers.ok())
    return workers;
  return c;
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const GatewayConfig& config, const server::ServerOptions& options,
    const redis::RedisOptions& redis) {
  auto s = std::unique_ptr<GatewayServer>(new GatewayServer());
  redis::RedisOptions probe = redis;
  probe.pool_size = 1;  // only the readiness check's blocking PING uses it: no I/O thread needed
  s->redis_ = std::make_unique<redis::RedisPool>(probe);
  httpserver::Options http;
  http.bind = options.bind_host;
  http.port = config.http_port;
  http.threads = config.http_threads;
  http.max_body_bytes = config.max_body_bytes;
  http.read_timeout = config.read_timeout;
  http.idle_timeout = config.idle_timeout;
  absl::StatusOr<std::unique_ptr<httpserver::Server>> server = httpserver::Server::Listen(http);
  if (!server.ok()) return server.status();
  s->http_ = *std::move(server);
  // The webhook's Redis runs on the HTTP server's own event loop: a webhook is verified,
  // scripted (batched with the bodies that arrived in the same turn) and answered on one thread.
  s->loop_redis_ =
      std::make_unique<redis::AsioRedis>(s->http_->io_context(), redis, config.http_threads);
  s->ingest_ = std::make_unique<WebhookIngest>(*s->loop_redis_, config.ingest);
  s->webhook_ = std::make_unique<WebhookHttp>(config.secrets, *s->ingest_, *s->loop_redis_);
  WebhookHttp* webhook = s->webhook_.get();
  s->http_->Serve([webhook](httpserver::Request&& request, httpserver::Respond respond) {
    webhook->Handle(std::move(request), std::move(respond));
  });
  log::Info("webhook listening", {{"http_port", s->http_->port()}});
  s->host_ = std::make_unique<server::ServiceHost>(options);
  // On SIGTERM stop taking webhooks first: Meta retries what is not answered, elsewhere.
  s->host_->OnDrain([http = s->http_.get()] { http->Stop(); });
  if (config.workers.workers > 0) {
    if (absl::Status started = s->StartWorkers(config, redis); !started.ok()) return started;
  }
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  redis::RedisPool* probe_pool = s->redis_.get();
  s->host_->SetReadinessCheck([probe_pool] { return probe_pool->Ping(); }, absl::Seconds(2));
  return s;
}

absl::Status GatewayServer::StartWorkers(const GatewayConfig& config,
                                         const redis::RedisOptions& redis) {
  redis::RedisOptions pool = redis;
  pool.pool_size = config.workers.workers + 3;  // the reader, the sampler, the workers, spare
  worker_redis_ = std::make_unique<redis::RedisPool>(pool);
  // Every replica sending from this number shares its rate through Redis.
  send_rate_ = std::make_unique<SharedSendRate>(*worker_redis_, config.graph.phone_number_id,
                                                config.graph.messages_per_second,
                                                whatsapp::BurstOf(config.graph));
  whatsapp::GraphConfig graph_config = config.graph;
  graph_config.shared_rate = [rate = send_rate_.get()] { return rate->Reserve(); };
  absl::StatusOr<std::unique_ptr<whatsapp::GraphClient>> graph =
      whatsapp::GraphClient::Create(std::move(graph_config));
  if (!graph.ok()) return graph.status();
  graph_ = *std::move(graph);
  queue_ = std::make_unique<InboundQueue>(*worker_redis_, config.queue);
  handler_ = std::make_unique<AcknowledgeHandler>();  // scaffolding until issue 7
  WorkerOptions options = config.workers;
  // A blocking read must come back well inside one Redis round trip's timeout.
  options.read_block = std::min(options.read_block, redis.command_timeout / 2);
  workers_ = std::make_unique<InboundWorkers>(*queue_, *graph_, *handler_, options);
  workers_->Start();
  // Webhooks stop first (Meta retries them elsewhere), then the workers finish what they hold.
  host_->OnDrain([workers = workers_.get()] { workers->Stop(); });
  return absl::OkStatus();
}

void GatewayServer::Shutdown() {
  if (host_) host_->Shutdown();
  if (http_) http_->Stop();
  if (workers_) workers_->Stop();
}

GatewayServer::~GatewayServer() { Shutdown(); }

}  // namespace lindungi::gateway

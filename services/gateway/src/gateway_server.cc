#include "gateway_server.h"

#include "absl/flags/flag.h"
#include "lindungi/config/config.h"
#include "lindungi/log/log.h"

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

namespace lindungi::gateway {

absl::StatusOr<GatewayConfig> GatewayConfigFromFlags() {
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
  return c;
}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const GatewayConfig& config, const server::ServerOptions& options,
    const redis::RedisOptions& redis) {
  auto s = std::unique_ptr<GatewayServer>(new GatewayServer());
  s->redis_ = std::make_unique<redis::RedisPipeline>(redis);
  s->ingest_ = std::make_unique<WebhookIngest>(*s->redis_, config.ingest);
  s->webhook_ = std::make_unique<WebhookHttp>(config.secrets, *s->ingest_, *s->redis_);
  httpserver::Options http;
  http.bind = options.bind_host;
  http.port = config.http_port;
  http.threads = config.http_threads;
  http.max_body_bytes = config.max_body_bytes;
  http.read_timeout = config.read_timeout;
  http.idle_timeout = config.idle_timeout;
  WebhookHttp* webhook = s->webhook_.get();
  absl::StatusOr<std::unique_ptr<httpserver::Server>> server = httpserver::Server::Start(
      http, [webhook](httpserver::Request&& request, httpserver::Respond respond) {
        webhook->Handle(std::move(request), std::move(respond));
      });
  if (!server.ok()) return server.status();
  s->http_ = *std::move(server);
  log::Info("webhook listening", {{"http_port", s->http_->port()}});
  s->host_ = std::make_unique<server::ServiceHost>(options);
  // On SIGTERM stop taking webhooks first: Meta retries what is not answered, elsewhere.
  s->host_->OnDrain([http = s->http_.get()] { http->Stop(); });
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  redis::RedisPipeline* pipeline = s->redis_.get();
  s->host_->SetReadinessCheck([pipeline] { return pipeline->Ping(); }, absl::Seconds(2));
  return s;
}

void GatewayServer::Shutdown() {
  if (host_) host_->Shutdown();
  if (http_) http_->Stop();
}

GatewayServer::~GatewayServer() { Shutdown(); }

}  // namespace lindungi::gateway

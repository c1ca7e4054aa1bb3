#pragma once

// The WhatsApp webhook over HTTP (DESIGN.md "The gateway pipeline", "Contracts"):
//
//   GET  /webhooks/whatsapp   Meta's verification handshake: hub.mode=subscribe and the right
//                             hub.verify_token → 200 with hub.challenge as text/plain; else 403
//   POST /webhooks/whatsapp   X-Hub-Signature-256 over the raw body (missing or wrong → 401),
//                             JSON (malformed → 400), then durable in Redis before 200 (Redis
//                             unreachable → 503 so that Meta retries); nothing is enqueued on
//                             any error
//   GET  /healthz             the process is alive
//   GET  /readyz              Redis answers (503 otherwise)
//
// Bodies over the server's limit get 413 from libs/httpserver. Answers never echo the body.

#include <string>

#include "lindungi/httpserver/server.h"
#include "lindungi/redis/async_redis.h"
#include "lindungi/whatsapp/webhook.h"
#include "webhook_ingest.h"

namespace lindungi::gateway {

struct WebhookSecrets {
  std::string app_secret;    // --whatsapp_app_secret_file: signs every webhook body
  std::string verify_token;  // --whatsapp_verify_token_file: the handshake's token
};

class WebhookHttp {
 public:
  WebhookHttp(WebhookSecrets secrets, WebhookIngest& ingest, redis::AsyncRedis& redis)
      : secrets_(std::move(secrets)),
        verifier_(secrets_.app_secret),
        ingest_(ingest),
        redis_(redis) {}

  // The httpserver::Handler.
  void Handle(httpserver::Request&& request, httpserver::Respond respond);

 private:
  void Verify(const httpserver::Request& request, httpserver::Respond respond);
  void Receive(httpserver::Request&& request, httpserver::Respond respond);
  void Ready(httpserver::Respond respond);

  const WebhookSecrets secrets_;
  const whatsapp::SignatureVerifier verifier_;  // keyed once with secrets_.app_secret
  WebhookIngest& ingest_;
  redis::AsyncRedis& redis_;
};

}  // namespace lindungi::gateway

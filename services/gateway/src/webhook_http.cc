#include "webhook_http.h"

#include "absl/strings/str_cat.h"
#include "gateway_metrics.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/log/log.h"
#include "lindungi/whatsapp/webhook.h"

namespace lindungi::gateway {
namespace {

constexpr absl::string_view kWebhookPath = "/webhooks/whatsapp";

httpserver::Response Answer(int status, std::string body) {
  httpserver::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Counts the answer and its latency from the request's arrival, then sends it.
httpserver::Respond Measured(absl::Time received, httpserver::Respond respond) {
  return [received, respond = std::move(respond)](httpserver::Response r) {
    GatewayMetrics::Get().Webhook(r.status, absl::Now() - received);
    respond(std::move(r));
  };
}

}  // namespace

void WebhookHttp::Handle(httpserver::Request&& request, httpserver::Respond respond) {
  if (request.path == kWebhookPath) {
    if (request.method == "POST") return Receive(std::move(request), std::move(respond));
    if (request.method == "GET") return Verify(request, std::move(respond));
    httpserver::Response r = Answer(405, "use GET (verification) or POST (events)\n");
    r.headers.emplace_back("Allow", "GET, POST");
    return respond(std::move(r));
  }
  if (request.path == "/healthz") return respond(Answer(200, "ok\n"));
  if (request.path == "/readyz") return Ready(std::move(respond));
  respond(Answer(404, "not found\n"));
}

void WebhookHttp::Verify(const httpserver::Request& request, httpserver::Respond respond) {
  const std::optional<std::string> mode = httpserver::QueryParam(request, "hub.mode");
  const std::optional<std::string> token = httpserver::QueryParam(request, "hub.verify_token");
  const std::optional<std::string> challenge = httpserver::QueryParam(request, "hub.challenge");
  if (mode != "subscribe" || !token || !challenge ||
      !crypto::ConstantTimeEquals(*token, secrets_.verify_token)) {
    log::Warn("webhook verification refused");
    return respond(Answer(403, "verification refused\n"));
  }
  log::Info("webhook verified");
  respond(Answer(200, *challenge));
}

void WebhookHttp::Receive(httpserver::Request&& request, httpserver::Respond respond) {
  respond = Measured(request.received_at, std::move(respond));
  const std::optional<std::string> signature = request.Header("X-Hub-Signature-256");
  if (!signature || !verifier_.Verify(request.body, *signature)) {
    return respond(Answer(401, "missing or invalid X-Hub-Signature-256\n"));
  }
  absl::StatusOr<whatsapp::Webhook> webhook = whatsapp::ParseWebhook(request.body);
  if (!webhook.ok()) return respond(Answer(400, absl::StrCat(webhook.status().message(), "\n")));
  for (const whatsapp::StatusUpdate& s : webhook->statuses) {
    GatewayMetrics::Get().Status(s.status);
  }
  ingest_.Accept(*webhook, request.received_at,
                 [respond](absl::StatusOr<WebhookIngest::Result> result) {
                   if (!result.ok()) {
                     log::Warn("webhook not stored; Meta will retry",
                               {{"error", std::string(result.status().message())}});
                     httpserver::Response r = Answer(503, "try again later\n");
                     r.headers.emplace_back("Retry-After", "1");
                     return respond(std::move(r));
                   }
                   GatewayMetrics::Get().Ingested(*result);
                   respond(Answer(200, "EVENT_RECEIVED"));
                 });
}

void WebhookHttp::Ready(httpserver::Respond respond) {
  redis_.Command({"PING"}, [respond](absl::StatusOr<redis::Reply> reply) {
    respond(reply.ok() ? Answer(200, "ready\n") : Answer(503, "redis unreachable\n"));
  });
}

}  // namespace lindungi::gateway

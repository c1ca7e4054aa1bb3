#include "gateway_metrics.h"

#include "absl/strings/str_cat.h"
#include "lindungi/metrics/metrics.h"

namespace lindungi::gateway {

GatewayMetrics& GatewayMetrics::Get() {
  static auto* metrics = new GatewayMetrics();
  return *metrics;
}

GatewayMetrics::GatewayMetrics()
    : webhooks_(metrics::CounterFamily("lindungi_webhook_requests_total",
                                       "POST /webhooks/whatsapp answers, by HTTP status code.")),
      ingest_latency_(metrics::HistogramFamily(
          "lindungi_webhook_ingest_seconds",
          "From a webhook's arrival to its answer (durable in Redis for a 200).")),
      statuses_(metrics::CounterFamily(
          "lindungi_whatsapp_statuses_total",
          "Delivery statuses received, by kind (sent, delivered, read, failed, other).")),
      messages_(metrics::CounterFamily(
          "lindungi_whatsapp_messages_total",
          "Inbound messages, by result: queued (new) or duplicate (delivered again by Meta).")),
      status_moves_(metrics::CounterFamily(
          "lindungi_whatsapp_status_updates_total",
          "Statuses by effect: forward (recorded) or stale (older than what is recorded).")),
      latency_(ingest_latency_.Add({}, metrics::LatencyBuckets())),
      ok_(webhooks_.Add({{"code", "200"}})),
      queued_(messages_.Add({{"result", "queued"}})),
      duplicate_(messages_.Add({{"result", "duplicate"}})) {}

void GatewayMetrics::Webhook(int code, absl::Duration latency) {
  (code == 200 ? ok_ : webhooks_.Add({{"code", absl::StrCat(code)}})).Increment();
  latency_.Observe(absl::ToDoubleSeconds(latency));
}

void GatewayMetrics::Status(const std::string& kind) {
  const bool known = kind == "sent" || kind == "delivered" || kind == "read" || kind == "failed";
  statuses_.Add({{"status", known ? kind : "other"}}).Increment();
}

void GatewayMetrics::Ingested(const WebhookIngest::Result& r) {
  if (r.messages_new > 0) queued_.Increment(r.messages_new);
  if (r.messages_duplicate > 0) duplicate_.Increment(r.messages_duplicate);
  if (r.statuses_forward > 0)
    status_moves_.Add({{"effect", "forward"}}).Increment(r.statuses_forward);
  if (r.statuses_stale > 0) status_moves_.Add({{"effect", "stale"}}).Increment(r.statuses_stale);
}

}  // namespace lindungi::gateway

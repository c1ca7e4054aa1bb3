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
      handled_(metrics::CounterFamily(
          "lindungi_gateway_messages_handled_total",
          "Inbound messages by what a worker did: answered, already_handled (delivered again), "
          "retry (left queued after a failure), contact_busy (another worker held the contact), "
          "dead_letter, unreadable (an entry without id or sender, dead-lettered).")),
      replies_(metrics::CounterFamily(
          "lindungi_gateway_replies_total",
          "Replies by result: sent, skipped (sent on an earlier attempt), retry (not sent, to be "
          "tried again), failed (refused for good or timed out).")),
      reply_latency_(metrics::HistogramFamily(
          "lindungi_reply_latency_seconds",
          "From the webhook's arrival to the first reply accepted by the Graph API, by flow.")),
      queue_wait_(
          metrics::HistogramFamily("lindungi_gateway_queue_wait_seconds",
                                   "From the webhook's arrival to a worker starting the message.")
              .Add({}, metrics::LatencyBuckets())),
      shed_(metrics::CounterFamily("lindungi_gateway_shed_total",
                                   "Messages handled as \"busy\": the queue lagged past "
                                   "--shed_queue_lag.")
                .Add({})),
      claims_(metrics::CounterFamily(
                  "lindungi_gateway_claims_total",
                  "Pending messages claimed (XAUTOCLAIM) from a dead or failed consumer.")
                  .Add({})),
      dead_letters_(
          metrics::CounterFamily("lindungi_gateway_dead_letters_total",
                                 "Messages moved to the dead-letter stream after --max_attempts.")
              .Add({})),
      queue_length_(metrics::GaugeFamily(
          "lindungi_gateway_queue_messages",
          "Inbound stream entries by state: waiting (not read by a worker), pending (read, not "
          "acknowledged). Sampled every second.")),
      queue_lag_(metrics::GaugeFamily("lindungi_gateway_queue_lag_seconds",
                                      "Age of the oldest message no worker has read yet (0 when "
                                      "none waits). Sampled every second.")
                     .Add({})),
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

void GatewayMetrics::Handled(const char* result) { handled_.Add({{"result", result}}).Increment(); }

void GatewayMetrics::Reply(const char* result) { replies_.Add({{"result", result}}).Increment(); }

void GatewayMetrics::ReplyLatency(const std::string& flow, absl::Duration latency) {
  reply_latency_.Add({{"flow", flow}}, metrics::LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(latency));
}

void GatewayMetrics::QueueWait(absl::Duration wait, bool shed) {
  queue_wait_.Observe(absl::ToDoubleSeconds(wait));
  if (shed) shed_.Increment();
}

void GatewayMetrics::Claimed(int messages) { claims_.Increment(messages); }

void GatewayMetrics::DeadLetter() { dead_letters_.Increment(); }

void GatewayMetrics::Queue(const InboundQueue::Stats& stats) {
  queue_length_.Add({{"state", "waiting"}}).Set(static_cast<double>(stats.waiting));
  queue_length_.Add({{"state", "pending"}}).Set(static_cast<double>(stats.pending));
  queue_lag_.Set(absl::ToDoubleSeconds(stats.oldest_waiting));
}

}  // namespace lindungi::gateway

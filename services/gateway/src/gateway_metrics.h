#pragma once

// The gateway's webhook metrics (DESIGN.md "Observability"). Labels are small fixed sets: HTTP
// status codes, status kinds, results; never a wa_id, message id or text.

#include <string>

#include "absl/time/time.h"
#include "inbound_queue.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "webhook_ingest.h"

namespace lindungi::gateway {

class GatewayMetrics {
 public:
  static GatewayMetrics& Get();

  // A POST /webhooks/whatsapp answered with `code`, `latency` after it arrived whole.
  void Webhook(int code, absl::Duration latency);
  // A delivery status received, by kind (sent, delivered, read, failed; anything else "other").
  void Status(const std::string& kind);
  void Ingested(const WebhookIngest::Result& result);

  // The workers.
  // A message's outcome: answered, already_handled, retry, contact_busy, dead_letter.
  void Handled(const char* result);
  // A reply's outcome: sent, skipped (sent before), retry (not sent, tried again), failed.
  void Reply(const char* result);
  // Webhook arrival → the first reply accepted by the Graph API, by the handler's flow.
  void ReplyLatency(const std::string& flow, absl::Duration latency);
  // Webhook arrival → a worker starting the message; `shed` when the handler was told "busy".
  void QueueWait(absl::Duration wait, bool shed);
  void Claimed(int messages);
  void DeadLetter();
  void Queue(const InboundQueue::Stats& stats);

 private:
  GatewayMetrics();
  prometheus::Family<prometheus::Counter>& webhooks_;
  prometheus::Family<prometheus::Histogram>& ingest_latency_;
  prometheus::Family<prometheus::Counter>& statuses_;
  prometheus::Family<prometheus::Counter>& messages_;
  prometheus::Family<prometheus::Counter>& status_moves_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& replies_;
  prometheus::Family<prometheus::Histogram>& reply_latency_;
  prometheus::Histogram& queue_wait_;
  prometheus::Counter& shed_;
  prometheus::Counter& claims_;
  prometheus::Counter& dead_letters_;
  prometheus::Family<prometheus::Gauge>& queue_length_;
  prometheus::Gauge& queue_lag_;
  // The hot path's series, looked up once (a family lookup hashes labels under a mutex).
  prometheus::Histogram& latency_;
  prometheus::Counter& ok_;
  prometheus::Counter& queued_;
  prometheus::Counter& duplicate_;
};

}  // namespace lindungi::gateway

#pragma once

// The gateway's webhook metrics (DESIGN.md "Observability"). Labels are small fixed sets: HTTP
// status codes, status kinds, results; never a wa_id, message id or text.

#include <string>

#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
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

 private:
  GatewayMetrics();
  prometheus::Family<prometheus::Counter>& webhooks_;
  prometheus::Family<prometheus::Histogram>& ingest_latency_;
  prometheus::Family<prometheus::Counter>& statuses_;
  prometheus::Family<prometheus::Counter>& messages_;
  prometheus::Family<prometheus::Counter>& status_moves_;
  // The hot path's series, looked up once (a family lookup hashes labels under a mutex).
  prometheus::Histogram& latency_;
  prometheus::Counter& ok_;
  prometheus::Counter& queued_;
  prometheus::Counter& duplicate_;
};

}  // namespace lindungi::gateway

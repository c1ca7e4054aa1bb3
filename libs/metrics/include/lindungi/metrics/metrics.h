#pragma once

// Prometheus metrics: one registry per process, served on --metrics_port at /metrics.
// Labels never carry personal data or unbounded values (DESIGN.md "Observability").

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace lindungi::metrics {

// The process-wide registry every metric is registered in.
prometheus::Registry& Registry();
std::shared_ptr<prometheus::Registry> RegistryPtr();

// Latency buckets in seconds from 100 µs to 10 s, dense around the 1 s reply SLO.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

prometheus::Family<prometheus::Counter>& CounterFamily(const std::string& name,
                                                       const std::string& help);
prometheus::Family<prometheus::Gauge>& GaugeFamily(const std::string& name,
                                                   const std::string& help);
prometheus::Family<prometheus::Histogram>& HistogramFamily(const std::string& name,
                                                           const std::string& help);

// Serves the registry over HTTP at /metrics.
class MetricsServer {
 public:
  // Binds host:port (port 0 picks a free port).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port);
  ~MetricsServer();
  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace lindungi::metrics

#pragma once

// ticket-service's domain metrics (the gRPC ones come from the interceptor). Labels are small
// fixed sets (channel, category, status, outcome): no ticket id, code, citizen or agent.

#include <cstdint>
#include <map>

#include "absl/time/time.h"
#include "lindungi/ticket/v1/ticket.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace lindungi::ticket {

namespace v1 = lindungi::ticket::v1;

class TicketMetrics {
 public:
  // The process-wide instance.
  static TicketMetrics& Get();

  void Opened(const v1::Ticket& ticket);
  // A ticket reached RESOLVED or REJECTED `after` its creation.
  void Resolved(const v1::Ticket& ticket, absl::Duration after);
  // The open-tickets gauge follows a status change (UNSPECIFIED `from` for a new ticket).
  void Moved(v1::TicketStatus from, v1::TicketStatus to);
  void SlaBreached(v1::TicketCategory category);
  // Sets the open-tickets gauge from the store's counts (at start).
  void SetOpen(const std::map<v1::TicketStatus, int64_t>& counts);

 private:
  TicketMetrics();
  prometheus::Gauge* OpenGauge(v1::TicketStatus status);

  prometheus::Family<prometheus::Counter>& opened_;
  prometheus::Family<prometheus::Counter>& resolved_;
  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Family<prometheus::Counter>& breaches_;
  prometheus::Family<prometheus::Histogram>& resolution_;
};

}  // namespace lindungi::ticket

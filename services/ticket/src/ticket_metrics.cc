#include "ticket_metrics.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "lindungi/common/v1/common.pb.h"
#include "lindungi/metrics/metrics.h"
#include "sla_policy.h"
#include "status_machine.h"

namespace lindungi::ticket {
namespace {

std::string ChannelName(lindungi::common::v1::Channel channel) {
  return absl::AsciiStrToLower(
      absl::StripPrefix(lindungi::common::v1::Channel_Name(channel), "CHANNEL_"));
}

// Hours to a month: tickets resolve in hours or days, not milliseconds.
const prometheus::Histogram::BucketBoundaries& ResolutionBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      600,       1800,      3600,       4 * 3600,  8 * 3600,   24 * 3600,
      48 * 3600, 72 * 3600, 120 * 3600, 7 * 86400, 14 * 86400, 30 * 86400};
  return *buckets;
}

constexpr v1::TicketStatus kNotClosed[] = {v1::TICKET_STATUS_OPEN, v1::TICKET_STATUS_IN_PROGRESS,
                                           v1::TICKET_STATUS_WAITING_CITIZEN,
                                           v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_REJECTED};

}  // namespace

TicketMetrics& TicketMetrics::Get() {
  static auto* metrics = new TicketMetrics();
  return *metrics;
}

TicketMetrics::TicketMetrics()
    : opened_(metrics::CounterFamily("lindungi_tickets_opened_total",
                                     "Tickets opened, by channel and category.")),
      resolved_(metrics::CounterFamily(
          "lindungi_tickets_resolved_total",
          "Tickets resolved or rejected, by channel, category and outcome (resolved, rejected).")),
      open_(metrics::GaugeFamily("lindungi_tickets_open", "Tickets not yet closed, by status.")),
      breaches_(metrics::CounterFamily(
          "lindungi_ticket_sla_breaches_total",
          "Tickets that passed their SLA due time unresolved, by category (once per ticket).")),
      resolution_(
          metrics::HistogramFamily("lindungi_ticket_resolution_seconds",
                                   "Time from opening to resolved or rejected, by category.")) {
  for (v1::TicketStatus s : kNotClosed) {
    OpenGauge(s);  // every status is exported, 0 included
  }
}

prometheus::Gauge* TicketMetrics::OpenGauge(v1::TicketStatus status) {
  if (status == v1::TICKET_STATUS_UNSPECIFIED || status == v1::TICKET_STATUS_CLOSED) {
    return nullptr;
  }
  return &open_.Add({{"status", StatusName(status)}});
}

void TicketMetrics::Opened(const v1::Ticket& ticket) {
  opened_
      .Add({{"channel", ChannelName(ticket.channel())},
            {"category", CategoryName(ticket.category())}})
      .Increment();
}

void TicketMetrics::Resolved(const v1::Ticket& ticket, absl::Duration after) {
  resolved_
      .Add({{"channel", ChannelName(ticket.channel())},
            {"category", CategoryName(ticket.category())},
            {"outcome", StatusName(ticket.status())}})
      .Increment();
  resolution_.Add({{"category", CategoryName(ticket.category())}}, ResolutionBuckets())
      .Observe(absl::ToDoubleSeconds(after));
}

void TicketMetrics::Moved(v1::TicketStatus from, v1::TicketStatus to) {
  if (prometheus::Gauge* g = OpenGauge(from)) g->Decrement();
  if (prometheus::Gauge* g = OpenGauge(to)) g->Increment();
}

void TicketMetrics::SlaBreached(v1::TicketCategory category) {
  breaches_.Add({{"category", CategoryName(category)}}).Increment();
}

void TicketMetrics::SetOpen(const std::map<v1::TicketStatus, int64_t>& counts) {
  for (v1::TicketStatus s : kNotClosed) {
    auto it = counts.find(s);
    OpenGauge(s)->Set(it == counts.end() ? 0 : static_cast<double>(it->second));
  }
}

}  // namespace lindungi::ticket

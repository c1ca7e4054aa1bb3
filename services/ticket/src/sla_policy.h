#pragma once

// How long a ticket may stay unresolved (its SLA), by category and priority, and which priority a
// category gets when the caller does not say. Built-in defaults, overridden by a file
// (--sla_file), one rule per line:
//
//   # <category|*> <priority|*> <due in: 90m, 4h, 3d>
//   *                    urgent  4h
//   certificate_missing  normal  48h
//   default_priority otp_problem high
//
// Names are the enum names in lower case without their prefix (certificate_missing, normal).
// The most specific rule wins: category and priority, then category with *, then * with the
// priority, then * *.

#include <array>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/ticket/v1/ticket.pb.h"

namespace lindungi::ticket {

namespace v1 = lindungi::ticket::v1;

class SlaPolicy {
 public:
  // The built-in policy (docs/TICKET.md): urgent 4 h, high 24 h, normal 72 h, low 120 h; OTP
  // problems and phone changes default to high priority, "other" to low, the rest to normal.
  static SlaPolicy Defaults();
  // The defaults with the rules in `text` applied; INVALID_ARGUMENT naming the line otherwise.
  static absl::StatusOr<SlaPolicy> Parse(absl::string_view text);
  static absl::StatusOr<SlaPolicy> FromFile(const std::string& path);

  // The priority of a ticket created without one.
  v1::TicketPriority DefaultPriority(v1::TicketCategory category) const;
  // How long after opening (or reopening) a ticket is due.
  absl::Duration DueIn(v1::TicketCategory category, v1::TicketPriority priority) const;

 private:
  // Keys: (category, priority), 0 standing for *.
  std::map<std::pair<int, int>, absl::Duration> due_;
  std::map<int, v1::TicketPriority> default_priority_;
};

// Lower-case names without the enum prefix, e.g. "certificate_missing", "in_progress";
// what metrics labels and the SLA file use.
std::string CategoryName(v1::TicketCategory category);
std::string PriorityName(v1::TicketPriority priority);
std::string StatusName(v1::TicketStatus status);

}  // namespace lindungi::ticket

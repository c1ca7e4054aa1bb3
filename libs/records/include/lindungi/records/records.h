#pragma once

// How services record who did something and when, the same way in every store and proto:
// an Actor as three columns (id, role, channel), instants as Unix milliseconds.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "lindungi/common/v1/common.pb.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/status/status.h"
#include "lindungi/store/store.h"

namespace lindungi::records {

using lindungi::common::v1::Actor;

// Agents, supervisors and admins (not the chatbot's SYSTEM role).
bool IsAgent(lindungi::common::v1::Role role);
// INVALID_ARGUMENT (field actor.id or actor.role) unless the actor is named with printable ASCII
// (1 to 64 characters) and has a role.
absl::Status CheckActor(const Actor& actor);

// Appends id, role and channel to `params`, for three consecutive columns.
void ActorColumns(const Actor& a, std::vector<store::Value>* params);
// The actor stored in three consecutive columns starting at `col`.
Actor ActorFrom(const store::Row& row, int col);

void SetTime(int64_t ms, google::protobuf::Timestamp* out);
int64_t ToMs(const google::protobuf::Timestamp& t);

// Page tokens for keyset pagination: the cursor (e.g. the last row's sort key) bound to the
// query's kind and filters and tagged with the vault's token key, so a caller can neither forge
// one nor reuse it with other filters. ParsePageToken returns the cursor, or INVALID_ARGUMENT
// (field page_token) for a token that is altered or belongs to another query.
std::string PageToken(const crypto::PiiVault& vault, absl::string_view kind,
                      absl::string_view filters, absl::string_view cursor);
absl::StatusOr<std::string> ParsePageToken(const crypto::PiiVault& vault, absl::string_view token,
                                           absl::string_view kind, absl::string_view filters);

// Import streams (citizens, vaccinations): rows per stream message, and how many rejected rows
// a summary lists (the rest are counted).
inline constexpr int kMaxRowsPerMessage = 1000;
inline constexpr int kDefaultMaxRejects = 10000;
inline constexpr int kMaxMaxRejects = 100000;

// The rejects a summary lists for a requested max_rejects (0 or less: the default).
inline int MaxRejects(int requested) {
  return requested <= 0 ? kDefaultMaxRejects : std::min(requested, kMaxMaxRejects);
}

// Counts the rows of one import message in `counts` (an Import*Response); INVALID_ARGUMENT
// (field rows) for more than kMaxRowsPerMessage, counting nothing.
template <typename Counts>
absl::Status CountRows(Counts& counts, int rows) {
  if (rows > kMaxRowsPerMessage) {
    return status::InvalidField("rows", "at most 1,000 rows per message");
  }
  counts.set_rows_received(counts.rows_received() + rows);
  return absl::OkStatus();
}

// Counts a rejected import row in `counts` (an Import*Response: rows_rejected, rejects,
// rejects_truncated) and keeps its line, reason and description while fewer than `max_rejects`
// are kept.
template <typename Counts, typename Reason>
void AddReject(Counts& counts, int max_rejects, int64_t line, Reason reason,
               std::string description) {
  counts.set_rows_rejected(counts.rows_rejected() + 1);
  if (counts.rejects_size() >= max_rejects) {
    counts.set_rejects_truncated(true);
    return;
  }
  auto* r = counts.add_rejects();
  r->set_line_number(line);
  r->set_reason(reason);
  r->set_description(std::move(description));
}

}  // namespace lindungi::records

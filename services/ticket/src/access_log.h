#pragma once

// The PII access audit log (UU PDP 27/2022): one event per agent read of a citizen's data,
// appended before the data is shown, and listed for a citizen's "who looked at my data" request
// or to review one agent. Append-only: this class (and so the service) has no way to change or
// delete an event. Calls block; run them on the worker pool.

#include "absl/status/status.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/store/store.h"
#include "lindungi/ticket/v1/ticket.pb.h"

namespace lindungi::ticket {

namespace v1 = lindungi::ticket::v1;

class AccessLog {
 public:
  static constexpr size_t kMaxReason = 500;
  static constexpr size_t kMaxQuery = 64;

  AccessLog(store::Database& db, const crypto::PiiVault& vault, clock::Clock& clock)
      : db_(db), vault_(vault), clock_(clock) {}

  // Appends one event. The request id defaults to the calling request's (x-request-id).
  absl::Status RecordAccess(const v1::RecordAccessRequest& request,
                            v1::RecordAccessResponse* response);
  absl::Status ListAccess(const v1::ListAccessRequest& request, v1::ListAccessResponse* response);

 private:
  store::Database& db_;
  const crypto::PiiVault& vault_;
  clock::Clock& clock_;
};

}  // namespace lindungi::ticket

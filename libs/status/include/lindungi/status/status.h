#pragma once

// Errors inside Lindungi are absl::Status; at the gRPC edge they become grpc::Status with the
// standard google.rpc details (RetryInfo, ErrorInfo, BadRequest) in grpc-status-details-bin, so
// callers in any language can read why a call failed and how long to wait.

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace lindungi::status {

// Attaches a retry delay (google.rpc.RetryInfo).
absl::Status WithRetryAfter(absl::Status status, absl::Duration delay);
// Attaches a machine-readable reason (google.rpc.ErrorInfo), with optional metadata such as
// {{"current_status", "resolved"}} (never personal data).
absl::Status WithReason(
    absl::Status status, absl::string_view reason, absl::string_view domain,
    std::initializer_list<std::pair<absl::string_view, absl::string_view>> metadata = {});
// A service's errors with reasons: `inline constexpr status::ErrorDomain Failure{"x.lindungi"};`
// then `Failure(absl::StatusCode::kNotFound, "CITIZEN_NOT_FOUND", "no citizen with that id")`
// is the status with that message and an ErrorInfo of that reason in the service's domain.
class ErrorDomain {
 public:
  constexpr explicit ErrorDomain(absl::string_view domain) : domain_(domain) {}
  absl::Status operator()(
      absl::StatusCode code, absl::string_view reason, absl::string_view message,
      std::initializer_list<std::pair<absl::string_view, absl::string_view>> metadata = {}) const {
    return WithReason(absl::Status(code, message), reason, domain_, metadata);
  }
  constexpr absl::string_view domain() const { return domain_; }

 private:
  absl::string_view domain_;
};

// Attaches one invalid field (google.rpc.BadRequest); the description is safe to show a user.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description);

std::optional<absl::Duration> RetryAfterOf(const absl::Status& status);
std::optional<std::string> ReasonOf(const absl::Status& status);
// One ErrorInfo metadata value.
std::optional<std::string> MetadataOf(const absl::Status& status, absl::string_view key);
// The first field violation as {field, description}.
std::optional<std::pair<std::string, std::string>> FieldViolationOf(const absl::Status& status);

// An InvalidArgument error for one field, with its BadRequest detail.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// absl::Status -> grpc::Status, carrying every detail above.
grpc::Status ToGrpc(const absl::Status& status);
// grpc::Status -> absl::Status, restoring the details.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace lindungi::status

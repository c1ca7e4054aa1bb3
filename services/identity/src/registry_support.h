#pragma once

// Checks and conversions shared by the registry's read, write and import paths.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "lindungi/clock/clock.h"
#include "lindungi/identity/v1/identity.pb.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "lindungi/store/store.h"

namespace lindungi::identity::registry_support {

namespace v1 = lindungi::identity::v1;
using lindungi::common::v1::Actor;
using lindungi::common::v1::Role;

inline constexpr absl::string_view kDomain = "identity.lindungi";
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
inline constexpr size_t kMaxReason = 500;
inline constexpr size_t kMaxEvidence = 2000;
inline constexpr size_t kMaxClientRequestId = 128;
inline constexpr int kMaxResolve = 1000;

// Registry dates are calendar days in Indonesia's western time zone (WIB, UTC+7).
using clock::Jakarta;

// An error with an ErrorInfo reason in the identity.lindungi domain.
inline constexpr status::ErrorDomain Failure{kDomain};
absl::Status NotFound(absl::string_view reason, absl::string_view what);

using records::ActorColumns;
using records::ActorFrom;
using records::CheckActor;
using records::IsAgent;
using records::SetTime;
using records::ToMs;

absl::Status CheckReason(absl::string_view reason, absl::string_view field = "reason");
absl::Status CheckCitizenId(absl::string_view id);
// FULL view needs an agent and a reason.
absl::Status CheckView(v1::CitizenView view, const Actor& actor, absl::string_view reason);
absl::StatusOr<std::string> ParsePhoneField(absl::string_view phone, absl::string_view field);
// Spaces allowed; returns the 16 digits.
absl::StatusOr<std::string> ParseNikField(absl::string_view nik, absl::string_view field);
int PageSize(int requested);

std::string DateText(const lindungi::common::v1::Date& d);
lindungi::common::v1::Date DateProto(absl::string_view text);
v1::CitizenField FieldOf(const v1::FieldValue& value);
bool SameValue(const v1::FieldValue& a, const v1::FieldValue& b);

}  // namespace lindungi::identity::registry_support

#include "registry_support.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "citizen_row.h"
#include "lindungi/ids/ids.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"
#include "lindungi/status/status.h"

namespace lindungi::identity::registry_support {

using lindungi::common::v1::Actor;
using lindungi::common::v1::Role;

absl::Status NotFound(absl::string_view reason, absl::string_view what) {
  return Failure(absl::StatusCode::kNotFound, reason, what);
}

absl::Status CheckReason(absl::string_view reason, absl::string_view field) {
  if (absl::StripAsciiWhitespace(reason).empty()) {
    return status::InvalidField(field, "a reason is required");
  }
  if (reason.size() > kMaxReason) {
    return status::InvalidField(field, "the reason is longer than 500 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckCitizenId(absl::string_view id) {
  if (!ids::IsId(id, "c")) return status::InvalidField("citizen_id", "not a citizen id");
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParsePhoneField(absl::string_view phone, absl::string_view field) {
  absl::StatusOr<std::string> e164 = phone::NormalizeMobile(phone);
  if (!e164.ok()) return status::InvalidField(field, e164.status().message());
  return e164;
}

absl::StatusOr<std::string> ParseNikField(absl::string_view nik, absl::string_view field) {
  std::string digits;
  for (char c : nik) {
    if (c != ' ') digits.push_back(c);
  }
  absl::StatusOr<nik::NikInfo> info = nik::ParseNik(digits);
  if (!info.ok()) return status::InvalidField(field, info.status().message());
  return digits;
}

int PageSize(int requested) {
  if (requested <= 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

std::string DateText(const lindungi::common::v1::Date& d) {
  return FormatDate(absl::CivilDay(d.year(), d.month(), d.day()));
}

lindungi::common::v1::Date DateProto(absl::string_view text) {
  lindungi::common::v1::Date d;
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, day = 0;
  if (parts.size() == 3 && absl::SimpleAtoi(parts[0], &y) && absl::SimpleAtoi(parts[1], &m) &&
      absl::SimpleAtoi(parts[2], &day)) {
    d.set_year(y);
    d.set_month(m);
    d.set_day(day);
  }
  return d;
}

v1::CitizenField FieldOf(const v1::FieldValue& value) {
  switch (value.value_case()) {
    case v1::FieldValue::kFullName:
      return v1::CITIZEN_FIELD_FULL_NAME;
    case v1::FieldValue::kBirthDate:
      return v1::CITIZEN_FIELD_BIRTH_DATE;
    case v1::FieldValue::kNik:
      return v1::CITIZEN_FIELD_NIK;
    case v1::FieldValue::kPhone:
      return v1::CITIZEN_FIELD_PHONE;
    case v1::FieldValue::kSex:
      return v1::CITIZEN_FIELD_SEX;
    default:
      return v1::CITIZEN_FIELD_UNSPECIFIED;
  }
}

bool SameValue(const v1::FieldValue& a, const v1::FieldValue& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

// FULL view needs an agent (or admin/supervisor) and a reason.
absl::Status CheckView(v1::CitizenView view, const Actor& actor, absl::string_view reason) {
  if (view != v1::CITIZEN_VIEW_FULL) return absl::OkStatus();
  if (absl::Status a = CheckActor(actor); !a.ok()) return a;
  if (!IsAgent(actor.role())) {
    return Failure(absl::StatusCode::kPermissionDenied, "FULL_VIEW_NOT_ALLOWED",
                   "only agents may read a citizen's full NIK and phone number");
  }
  return CheckReason(reason);
}

}  // namespace lindungi::identity::registry_support

#pragma once

// One row of citizens.csv, checked field by field (DESIGN.md "Data"): a valid row becomes a
// CitizenData, a bad one a reject with its reason. Descriptions never contain a full NIK or
// phone number: they are echoed to operators and logs.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lindungi/identity/v1/identity.pb.h"

namespace lindungi::identity {

// A citizen's registry data, validated and normalized.
struct CitizenData {
  std::string nik;        // 16 digits
  std::string full_name;  // trimmed, inner whitespace collapsed
  absl::CivilDay birth_date;
  lindungi::common::v1::Sex sex = lindungi::common::v1::SEX_UNSPECIFIED;
  std::string phone;  // E.164

  bool operator==(const CitizenData& o) const {
    return nik == o.nik && full_name == o.full_name && birth_date == o.birth_date && sex == o.sex &&
           phone == o.phone;
  }
};

struct RowProblem {
  lindungi::identity::v1::RowRejectReason reason;
  std::string description;
};

// `today` bounds birth dates (none in the future).
absl::StatusOr<CitizenData> CheckCitizenRow(const lindungi::identity::v1::CitizenRow& row,
                                            absl::CivilDay today, RowProblem* problem);

// Field checks shared with corrections (RequestCorrection validates new values the same way).
bool NormalizeName(absl::string_view in, std::string* out, std::string* why);
bool ParseBirthDate(absl::string_view in, absl::CivilDay today, absl::CivilDay* out,
                    std::string* why);
bool ParseSex(absl::string_view in, lindungi::common::v1::Sex* out);

std::string FormatDate(absl::CivilDay day);

}  // namespace lindungi::identity

#include "citizen_row.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"

namespace lindungi::identity {
namespace {

namespace v1 = lindungi::identity::v1;
using lindungi::common::v1::Sex;

constexpr size_t kMaxNameBytes = 200;  // the longest registry names are ~120 characters

absl::Status Reject(RowProblem* problem, v1::RowRejectReason reason, std::string description) {
  problem->reason = reason;
  problem->description = description;
  return absl::InvalidArgumentError(description);
}

}  // namespace

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

bool NormalizeName(absl::string_view in, std::string* out, std::string* why) {
  out->clear();
  bool space = false;
  for (unsigned char c : absl::StripAsciiWhitespace(in)) {
    if (c < 0x20 || c == 0x7f) {
      *why = "the name contains control characters";
      return false;
    }
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out->push_back(' ');
    space = false;
    out->push_back(static_cast<char>(c));
  }
  if (out->empty()) {
    *why = "the name is empty";
    return false;
  }
  if (out->size() > kMaxNameBytes) {
    *why = "the name is longer than 200 bytes";
    return false;
  }
  return true;
}

bool ParseBirthDate(absl::string_view in, absl::CivilDay today, absl::CivilDay* out,
                    std::string* why) {
  in = absl::StripAsciiWhitespace(in);
  int y = 0, m = 0, d = 0;
  if (in.size() != 10 || in[4] != '-' || in[7] != '-' || !absl::SimpleAtoi(in.substr(0, 4), &y) ||
      !absl::SimpleAtoi(in.substr(5, 2), &m) || !absl::SimpleAtoi(in.substr(8, 2), &d)) {
    *why = "the birth date is not in the form YYYY-MM-DD";
    return false;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    *why = "the birth date does not exist";
    return false;
  }
  if (y < 1900 || day > today) {
    *why = "the birth date is before 1900 or in the future";
    return false;
  }
  *out = day;
  return true;
}

bool ParseSex(absl::string_view in, Sex* out) {
  const std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(in));
  if (s == "l" || s == "m" || s == "male" || s == "laki-laki" || s == "pria") {
    *out = lindungi::common::v1::SEX_MALE;
  } else if (s == "p" || s == "f" || s == "female" || s == "perempuan" || s == "wanita") {
    *out = lindungi::common::v1::SEX_FEMALE;
  } else {
    return false;
  }
  return true;
}

absl::StatusOr<CitizenData> CheckCitizenRow(const v1::CitizenRow& row, absl::CivilDay today,
                                            RowProblem* problem) {
  struct Column {
    const char* name;
    const std::string& value;
  };
  for (const Column& c : {Column{"nik", row.nik()}, Column{"full_name", row.full_name()},
                          Column{"birth_date", row.birth_date()}, Column{"sex", row.sex()},
                          Column{"phone", row.phone()}}) {
    if (absl::StripAsciiWhitespace(c.value).empty()) {
      return Reject(problem, v1::ROW_REJECT_REASON_MISSING_FIELD,
                    absl::StrCat("the ", c.name, " column is empty"));
    }
  }
  CitizenData data;
  data.nik = std::string(absl::StripAsciiWhitespace(row.nik()));
  absl::StatusOr<nik::NikInfo> info = nik::ParseNik(data.nik);
  if (!info.ok()) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_NIK, std::string(info.status().message()));
  }
  std::string why;
  if (!NormalizeName(row.full_name(), &data.full_name, &why)) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_NAME, why);
  }
  if (!ParseBirthDate(row.birth_date(), today, &data.birth_date, &why)) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_BIRTH_DATE, why);
  }
  if (!ParseSex(row.sex(), &data.sex)) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_SEX,
                  "the sex must be L or P (also M/F, male/female)");
  }
  absl::StatusOr<std::string> phone = phone::NormalizeMobile(row.phone());
  if (!phone.ok()) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_PHONE,
                  std::string(phone.status().message()));
  }
  data.phone = *std::move(phone);
  const nik::Sex nik_sex =
      data.sex == lindungi::common::v1::SEX_FEMALE ? nik::Sex::kFemale : nik::Sex::kMale;
  if (!nik::ConsistentWith(*info, data.birth_date, nik_sex)) {
    return Reject(problem, v1::ROW_REJECT_REASON_NIK_MISMATCH,
                  "the NIK's birth date or sex digits disagree with the birth_date or sex column");
  }
  return data;
}

}  // namespace lindungi::identity

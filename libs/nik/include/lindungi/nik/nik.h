#pragma once

// Syntax of the NIK (Nomor Induk Kependudukan), the 16-digit civil registry number:
//   PP RR DD ddmmyy SSSS
//   PP     province code, one of the Kemendagri codes listed under ProvinceName
//   RR     regency/city code 01–99 (01–69 kabupaten, 71–99 kota; not checked further)
//   DD     district (kecamatan) code 01–99
//   ddmmyy date of birth; women add 40 to the day (41–71)
//   SSSS   serial 0001–9999
// Only the syntax is checked: a NIK that parses may still not exist. The date must exist in
// 19yy or 20yy; since 1900 is not a leap year but 2000 is, 29 February is accepted exactly when
// yy is a multiple of 4 (yy = 00 counts as 2000). Dates in the future are not rejected (no
// clock here); compare with a claimed birth date through ConsistentWith. Surrounding
// whitespace is not accepted: callers trim.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace lindungi::nik {

enum class Sex { kMale, kFemale };

enum class NikError {
  kEmpty,            // the empty string
  kWrongLength,      // only digits, but not 16 of them
  kNotDigits,        // a character other than ASCII 0–9 (checked before the length)
  kUnknownProvince,  // PP is not a province code
  kBadRegency,       // RR is 00
  kBadDistrict,      // DD is 00
  kBadBirthDate,     // ddmmyy is not a date (after removing the +40 for women)
  kBadSerial,        // SSSS is 0000
};

struct NikInfo {
  int province;     // 11–96, see ProvinceName
  int regency;      // 1–99
  int district;     // 1–99
  int birth_day;    // 1–31, the calendar day (the +40 for women already removed)
  int birth_month;  // 1–12
  int birth_yy;     // 0–99, year of birth modulo 100
  Sex sex;          // kFemale when the encoded day is 41–71
  int serial;       // 1–9999
};

// Parses a NIK. On failure returns InvalidArgument whose message is a short English reason fit
// to show the citizen; it never contains the input.
absl::StatusOr<NikInfo> ParseNik(absl::string_view nik);

// The reason ParseNik failed (carried as a status payload), or nullopt for any other status,
// including OK.
std::optional<NikError> NikErrorOf(const absl::Status& s);

// A stable snake_case name for metric labels and logs, e.g. "bad_birth_date".
absl::string_view NikErrorName(NikError error);

// Whether a claimed birth date and sex match what the NIK encodes: same sex, day, month and
// year modulo 100 (the NIK cannot tell 1945 from 2045).
bool ConsistentWith(const NikInfo& info, absl::CivilDay birth_date, Sex sex);

// "3201234567890001" -> "3201********0001". Anything that is not 16 ASCII digits becomes
// "****************" so that a malformed value is never echoed.
std::string MaskNik(absl::string_view nik);

// Province name for a NIK province code, e.g. 32 -> "Jawa Barat"; "" if unknown. Codes follow
// Kemendagri, including the 2022 Papua provinces (93–96); NIKs issued before a split keep the
// old province's code.
absl::string_view ProvinceName(int code);

}  // namespace lindungi::nik

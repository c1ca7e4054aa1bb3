#include "lindungi/nik/nik.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "lindungi/status/error_table.h"

namespace lindungi::nik {
namespace {

constexpr size_t kNikLength = 16;
constexpr int kFemaleDayOffset = 40;
constexpr absl::string_view kPayloadUrl = "lindungi.nik.NikError";

constexpr status::ErrorText<NikError> kErrorTexts[] = {
    {NikError::kEmpty, "empty", "Please enter your NIK."},
    {NikError::kWrongLength, "wrong_length", "A NIK has exactly 16 digits."},
    {NikError::kNotDigits, "not_digits", "A NIK contains only the digits 0-9."},
    {NikError::kUnknownProvince, "unknown_province",
     "This NIK does not start with a valid province code."},
    {NikError::kBadRegency, "bad_regency", "This NIK has an invalid regency code."},
    {NikError::kBadDistrict, "bad_district", "This NIK has an invalid district code."},
    {NikError::kBadBirthDate, "bad_birth_date", "This NIK does not contain a valid birth date."},
    {NikError::kBadSerial, "bad_serial", "This NIK has an invalid serial number."},
};

struct Province {
  int code;
  absl::string_view name;
};

constexpr Province kProvinces[] = {
    {11, "Aceh"},
    {12, "Sumatera Utara"},
    {13, "Sumatera Barat"},
    {14, "Riau"},
    {15, "Jambi"},
    {16, "Sumatera Selatan"},
    {17, "Bengkulu"},
    {18, "Lampung"},
    {19, "Kepulauan Bangka Belitung"},
    {21, "Kepulauan Riau"},
    {31, "DKI Jakarta"},
    {32, "Jawa Barat"},
    {33, "Jawa Tengah"},
    {34, "DI Yogyakarta"},
    {35, "Jawa Timur"},
    {36, "Banten"},
    {51, "Bali"},
    {52, "Nusa Tenggara Barat"},
    {53, "Nusa Tenggara Timur"},
    {61, "Kalimantan Barat"},
    {62, "Kalimantan Tengah"},
    {63, "Kalimantan Selatan"},
    {64, "Kalimantan Timur"},
    {65, "Kalimantan Utara"},
    {71, "Sulawesi Utara"},
    {72, "Sulawesi Tengah"},
    {73, "Sulawesi Selatan"},
    {74, "Sulawesi Tenggara"},
    {75, "Gorontalo"},
    {76, "Sulawesi Barat"},
    {81, "Maluku"},
    {82, "Maluku Utara"},
    {91, "Papua"},
    {92, "Papua Barat"},
    {93, "Papua Selatan"},
    {94, "Papua Tengah"},
    {95, "Papua Pegunungan"},
    {96, "Papua Barat Daya"},
};

constexpr status::ErrorTable kErrors(kPayloadUrl, kErrorTexts);

absl::Status ErrorStatus(NikError error) { return kErrors.Make(error); }

bool AllAsciiDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The number formed by the two ASCII digits at `pos`.
int TwoDigits(absl::string_view s, size_t pos) { return (s[pos] - '0') * 10 + (s[pos + 1] - '0'); }

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

}  // namespace

absl::StatusOr<NikInfo> ParseNik(absl::string_view nik) {
  if (nik.empty()) return ErrorStatus(NikError::kEmpty);
  if (!AllAsciiDigits(nik)) return ErrorStatus(NikError::kNotDigits);
  if (nik.size() != kNikLength) return ErrorStatus(NikError::kWrongLength);

  NikInfo info;
  info.province = TwoDigits(nik, 0);
  info.regency = TwoDigits(nik, 2);
  info.district = TwoDigits(nik, 4);
  const int encoded_day = TwoDigits(nik, 6);
  info.birth_month = TwoDigits(nik, 8);
  info.birth_yy = TwoDigits(nik, 10);
  info.serial = TwoDigits(nik, 12) * 100 + TwoDigits(nik, 14);

  if (ProvinceName(info.province).empty()) return ErrorStatus(NikError::kUnknownProvince);
  if (info.regency == 0) return ErrorStatus(NikError::kBadRegency);
  if (info.district == 0) return ErrorStatus(NikError::kBadDistrict);

  info.sex = encoded_day > kFemaleDayOffset ? Sex::kFemale : Sex::kMale;
  info.birth_day = info.sex == Sex::kFemale ? encoded_day - kFemaleDayOffset : encoded_day;
  if (info.birth_day < 1 || info.birth_month < 1 || info.birth_month > 12) {
    return ErrorStatus(NikError::kBadBirthDate);
  }
  // 29 February needs a leap year in one of the two centuries (see the header).
  const int max_day = std::max(DaysInMonth(1900 + info.birth_yy, info.birth_month),
                               DaysInMonth(2000 + info.birth_yy, info.birth_month));
  if (info.birth_day > max_day) return ErrorStatus(NikError::kBadBirthDate);

  if (info.serial == 0) return ErrorStatus(NikError::kBadSerial);
  return info;
}

std::optional<NikError> NikErrorOf(const absl::Status& s) { return kErrors.Of(s); }

absl::string_view NikErrorName(NikError error) { return kErrors.Name(error); }

bool ConsistentWith(const NikInfo& info, absl::CivilDay birth_date, Sex sex) {
  const int yy = static_cast<int>(((birth_date.year() % 100) + 100) % 100);
  return info.sex == sex && info.birth_day == birth_date.day() &&
         info.birth_month == birth_date.month() && info.birth_yy == yy;
}

std::string MaskNik(absl::string_view nik) {
  if (nik.size() != kNikLength || !AllAsciiDigits(nik)) return std::string(kNikLength, '*');
  return absl::StrCat(nik.substr(0, 4), std::string(kNikLength - 8, '*'), nik.substr(12));
}

absl::string_view ProvinceName(int code) {
  for (const Province& p : kProvinces) {
    if (p.code == code) return p.name;
  }
  return "";
}

}  // namespace lindungi::nik

#include "vaccination_row.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lindungi/nik/nik.h"

namespace lindungi::certificate {
namespace {

constexpr size_t kMaxTextBytes = 200;

absl::Status Reject(DoseProblem* problem, v1::RowRejectReason reason, std::string description) {
  problem->reason = reason;
  problem->description = description;
  return absl::InvalidArgumentError(description);
}

bool ParseDate(absl::string_view in, absl::CivilDay* out) {
  int y = 0, m = 0, d = 0;
  if (in.size() != 10 || in[4] != '-' || in[7] != '-' || !absl::SimpleAtoi(in.substr(0, 4), &y) ||
      !absl::SimpleAtoi(in.substr(5, 2), &m) || !absl::SimpleAtoi(in.substr(8, 2), &d)) {
    return false;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return false;
  *out = day;
  return true;
}

// ISO 3166-1 alpha-2 (Debian's iso-codes) and XK, which the EU DCC value set adds for Kosovo.
constexpr absl::string_view kCountryCodes =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCA"
    "CCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGA"
    "GBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJP"
    "KEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMS"
    "MTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORS"
    "RURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTW"
    "TZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

bool IsCountryCode(absl::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i + 2 <= kCountryCodes.size(); i += 2) {
    if (kCountryCodes.substr(i, 2) == code) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Dose> CheckVaccinationRow(const v1::VaccinationRow& row, absl::CivilDay today,
                                         std::string* nik, DoseProblem* problem) {
  struct Column {
    const char* name;
    const std::string& value;
  };
  for (const Column& c :
       {Column{"nik", row.nik()}, Column{"dose_number", row.dose_number()},
        Column{"vaccine_code", row.vaccine_code()},
        Column{"manufacturer_code", row.manufacturer_code()},
        Column{"vaccinated_on", row.vaccinated_on()}, Column{"batch", row.batch()},
        Column{"facility", row.facility()}, Column{"country", row.country()}}) {
    if (absl::StripAsciiWhitespace(c.value).empty()) {
      return Reject(problem, v1::ROW_REJECT_REASON_MISSING_FIELD,
                    absl::StrCat("the ", c.name, " column is empty"));
    }
    if (c.value.size() > kMaxTextBytes) {
      return Reject(problem, v1::ROW_REJECT_REASON_FIELD_TOO_LONG,
                    absl::StrCat("the ", c.name, " column is longer than 200 bytes"));
    }
  }
  *nik = std::string(absl::StripAsciiWhitespace(row.nik()));
  if (absl::StatusOr<nik::NikInfo> info = nik::ParseNik(*nik); !info.ok()) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_NIK, std::string(info.status().message()));
  }
  Dose dose;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(row.dose_number()), &dose.dose_number) ||
      dose.dose_number < 1 || dose.dose_number > 9) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_DOSE_NUMBER,
                  "the dose number must be a whole number from 1 to 9");
  }
  dose.vaccine_code = std::string(absl::StripAsciiWhitespace(row.vaccine_code()));
  const vaccines::VaccineProduct* product = vaccines::FindByCode(dose.vaccine_code);
  if (product == nullptr) {
    return Reject(problem, v1::ROW_REJECT_REASON_UNKNOWN_VACCINE,
                  absl::StrCat("unknown vaccine code \"", dose.vaccine_code, "\""));
  }
  dose.manufacturer_code = std::string(absl::StripAsciiWhitespace(row.manufacturer_code()));
  if (dose.manufacturer_code != product->manufacturer_code) {
    if (!vaccines::IsKnownManufacturer(dose.manufacturer_code)) {
      return Reject(
          problem, v1::ROW_REJECT_REASON_UNKNOWN_MANUFACTURER,
          absl::StrCat("unknown manufacturer code \"", dose.manufacturer_code, "\" (expected ",
                       product->manufacturer_code, " for ", product->name, ")"));
    }
    return Reject(problem, v1::ROW_REJECT_REASON_MANUFACTURER_MISMATCH,
                  absl::StrCat("\"", dose.manufacturer_code, "\" does not make ", product->name,
                               " (expected ", product->manufacturer_code, ")"));
  }
  if (!ParseDate(absl::StripAsciiWhitespace(row.vaccinated_on()), &dose.vaccinated_on) ||
      dose.vaccinated_on < kProgrammeStart || dose.vaccinated_on > today) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_DATE,
                  "the vaccination date must be YYYY-MM-DD, from 2021-01-13 and not in the future");
  }
  dose.country = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(row.country()));
  if (!IsCountryCode(dose.country)) {
    return Reject(problem, v1::ROW_REJECT_REASON_INVALID_COUNTRY,
                  "the country must be a two-letter ISO 3166-1 code such as ID");
  }
  dose.batch = std::string(absl::StripAsciiWhitespace(row.batch()));
  dose.facility = std::string(absl::StripAsciiWhitespace(row.facility()));
  return dose;
}

}  // namespace lindungi::certificate

#pragma once

// One row of vaccinations.csv, checked field by field (DESIGN.md "Data"). Descriptions never
// contain a full NIK.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lindungi/certificate/v1/certificate.pb.h"
#include "lindungi/vaccines/catalogue.h"

namespace lindungi::certificate {

namespace v1 = lindungi::certificate::v1;

// A dose as stored, validated and normalized.
struct Dose {
  int dose_number = 0;
  std::string vaccine_code;
  std::string manufacturer_code;
  absl::CivilDay vaccinated_on;
  std::string batch;
  std::string facility;
  std::string country;  // ISO 3166-1 alpha-2, upper case

  bool operator==(const Dose& o) const {
    return dose_number == o.dose_number && vaccine_code == o.vaccine_code &&
           manufacturer_code == o.manufacturer_code && vaccinated_on == o.vaccinated_on &&
           batch == o.batch && facility == o.facility && country == o.country;
  }
};

struct DoseProblem {
  v1::RowRejectReason reason = v1::ROW_REJECT_REASON_UNSPECIFIED;
  std::string description;
};

// Checks every column but the NIK's registration (the caller resolves it). `today` bounds dates.
absl::StatusOr<Dose> CheckVaccinationRow(const v1::VaccinationRow& row, absl::CivilDay today,
                                         std::string* nik, DoseProblem* problem);

// The first day of Indonesia's programme; no dose is dated earlier.
inline constexpr absl::CivilDay kProgrammeStart(2021, 1, 13);

}  // namespace lindungi::certificate

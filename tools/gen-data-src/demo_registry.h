#pragma once

// The small fixed demo registry for `tools/suite up` and for trying the chatbot by hand:
// `tools/gen-data --demo --out tools/demo` writes it; tools/demo/README.md lists every citizen.
// The three numbers in tools/demo/registered-phones.txt are in it:
//   081234567890  a family of three: BUDI SANTOSO (3 doses), SITI RAHAYU (2), AQILA PUTRI
//                 RAMADHANI (a child under six, 0 doses)
//   081298765432  I WAYAN SUDARSANA (3 doses)
//   085711112222  ROSMAWATI BR SIMANJUNTAK (2 doses)

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gen-data-src/registry_generator.h"
#include "gen-data-src/vaccines.h"

namespace lindungi::gendata {

struct DemoDose {
  Vaccine vaccine;
  absl::CivilDay date;
  absl::string_view batch;
  absl::string_view facility;
};

struct DemoCitizen {
  absl::string_view nik;
  absl::string_view full_name;
  absl::CivilDay birth_date;
  char sex;                 // 'L' or 'P'
  absl::string_view phone;  // as written in citizens.csv (formats vary on purpose)
  std::vector<DemoDose> doses;
};

// The demo citizens, in file order.
const std::vector<DemoCitizen>& DemoCitizens();

// Writes citizens.csv and vaccinations.csv for the demo set into `out_dir`.
absl::StatusOr<RegistryStats> WriteDemoRegistry(const std::string& out_dir);

}  // namespace lindungi::gendata

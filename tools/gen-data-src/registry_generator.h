#pragma once

// The synthetic national registry for `lindungictl import`: citizens.csv and vaccinations.csv
// in the formats of DESIGN.md ("Data"), deterministic for a seed and a snapshot date.
//
// What it models (details in the .cc files):
//   - households of 1–6 in one province, with a head, often a spouse, children and sometimes a
//     grandparent; ages follow Indonesia's 2020 population pyramid (0–95);
//   - names in the naming traditions of the household's province (names.h), UPPER CASE;
//   - NIKs: real province codes, regency 01..kabupaten / 71..70+kota, district 01–30, birth
//     date with +40 for women, serial 0001.. per (district, encoded date): every NIK parses,
//     matches the birth date and sex, and is unique;
//   - mobile numbers with real operator prefixes, unique per subscriber, written as 08…, 628…
//     or +628…, sometimes with spaces or dashes; children and often spouses and grandparents
//     share the household's number, so one number has 1–6 citizens;
//   - 0–4 doses (vaccines.h) following Indonesia's programme: health workers from 2021-01-13,
//     the elderly from February 2021, adults from mid-2021, 12–17 from July 2021, 6–11 from
//     December 2021, boosters from January 2022 (health workers from August 2021), second
//     boosters from 2023; intervals per product; facilities from the citizen's province.
// The normal output has no bad rows. With bad_rows_per_million > 0, malformed or invalid rows
// are mixed into citizens.csv (as extra rows: the good rows stay exactly what they would be
// without them) and listed in expected-rejects.csv:
//   file,line,reason,detail
//   citizens.csv,1234,invalid_nik,bad_birth_date
// reason is one of wrong_column_count, bad_quoting, invalid_nik, invalid_birth_date,
// landline_phone, duplicate_nik; detail is the field count, the CSV reader's error, the NIK
// error name (lindungi::nik::NikErrorName), the bad date, the phone error name, or the line of
// the first row with that NIK. Each bad row has exactly one thing wrong with it.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace lindungi::gendata {

inline constexpr char kCitizensFile[] = "citizens.csv";
inline constexpr char kVaccinationsFile[] = "vaccinations.csv";
inline constexpr char kRejectsFile[] = "expected-rejects.csv";
inline constexpr char kCitizensHeader[] = "nik,full_name,birth_date,sex,phone";
inline constexpr char kVaccinationsHeader[] =
    "nik,dose_number,vaccine_code,manufacturer_code,vaccinated_on,batch,facility,country";
inline constexpr char kRejectsHeader[] = "file,line,reason,detail";

// Indonesia's first COVID-19 vaccination (the President's, 2021-01-13): no dose is earlier.
inline constexpr absl::CivilDay kFirstVaccinationDay(2021, 1, 13);
// The default snapshot date: fixed so that a seed gives the same bytes on any day.
inline constexpr absl::CivilDay kDefaultAsOf(2024, 6, 30);

inline constexpr int64_t kMaxCitizens = 100'000'000;
inline constexpr int kMaxDosesPerCitizen = 6;

struct RegistryOptions {
  int64_t citizens = 1000;               // good rows in citizens.csv, 1..kMaxCitizens
  uint64_t seed = 1;                     // same seed and options -> byte-identical files
  int vaccinations_per_citizen_max = 4;  // 0..6; doses 5 and 6 are further boosters
  int64_t bad_rows_per_million = 0;      // 0..100000 bad rows per million good citizens
  absl::CivilDay as_of = kDefaultAsOf;   // snapshot date: ages and the last possible dose
  // Called after each 100,000 citizens and once at the end, with the citizens written so far.
  std::function<void(int64_t)> progress;
};

struct RegistryStats {
  int64_t citizens = 0;      // good citizen rows
  int64_t households = 0;    // households (one registered number each, at least)
  int64_t phones = 0;        // distinct mobile numbers
  int64_t vaccinations = 0;  // rows in vaccinations.csv
  int64_t bad_rows = 0;      // rows listed in expected-rejects.csv
  int64_t bytes = 0;         // bytes written, all files
};

// InvalidArgument with a one-line reason for options out of range.
absl::Status ValidateOptions(const RegistryOptions& options);

// Writes citizens.csv, vaccinations.csv and, when bad_rows_per_million > 0,
// expected-rejects.csv into `out_dir` (created if missing; existing files are replaced).
absl::StatusOr<RegistryStats> WriteRegistry(const RegistryOptions& options,
                                            const std::string& out_dir);

}  // namespace lindungi::gendata

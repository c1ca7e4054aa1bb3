#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/signing_certificate.h"

namespace lindungi::dcc {

inline constexpr char kDccSchemaVersion[] = "1.3.0";
inline constexpr char kCovid19TargetDisease[] = "840539006";  // SNOMED CT, value set disease-agent
inline constexpr char kCovid19VaccineProphylaxis[] = "J07BX03";  // ATC, COVID-19 vaccines

// CWT claim keys (RFC 8392) and the EU health certificate claim.
inline constexpr int64_t kClaimIssuer = 1;
inline constexpr int64_t kClaimExpiration = 4;
inline constexpr int64_t kClaimIssuedAt = 6;
inline constexpr int64_t kClaimHcert = -260;
inline constexpr int64_t kHcertDccV1 = 1;

// The plain data of a vaccination certificate with one "v" entry. The standardized names
// (fnt, gnt) are derived with IcaoStandardize.
struct VaccinationCertificateData {
  std::string family_name;                             // nam.fn, required (see SplitIndonesianName)
  std::string given_name;                              // nam.gn, "" to omit
  std::string date_of_birth;                           // dob: YYYY-MM-DD, YYYY-MM or YYYY
  std::string target_disease = kCovid19TargetDisease;  // v.tg
  std::string vaccine_prophylaxis = kCovid19VaccineProphylaxis;  // v.vp
  std::string vaccine_code;                                      // v.mp, e.g. EU/1/20/1528
  std::string manufacturer_code;                                 // v.ma, e.g. ORG-100030215
  int dose_number = 0;                                           // v.dn, 1..9
  int series_doses = 0;                                          // v.sd, 1..9
  std::string vaccinated_on;                                     // v.dt, YYYY-MM-DD
  std::string country;                                           // v.co, ISO 3166-1 alpha-2
  std::string certificate_issuer;  // v.is, e.g. Ministry of Health Republic of Indonesia
  std::string certificate_id;      // v.ci, the UVCI (see MakeUvci)
  std::string schema_version = kDccSchemaVersion;  // ver
};

// The DCC payload as CBOR (text keys; dn and sd integers, everything else text), built
// directly without JSON. InvalidArgument naming the field for a missing or malformed value:
// empty fn or fn without any A-Z in its standardized form, a name or text over 80 characters,
// invalid UTF-8, a bad date, dn/sd outside 1..9, a country that is not two letters A-Z.
absl::StatusOr<CborValue> BuildVaccinationDcc(const VaccinationCertificateData& data);

struct CwtClaims {
  std::string issuer;     // iss, ISO 3166-1 alpha-2 of the issuing country, e.g. ID
  absl::Time issued_at;   // iat (whole seconds are encoded)
  absl::Time expires_at;  // exp, after issued_at
};

// The deterministic CBOR of {1: iss, 4: exp, 6: iat, -260: {1: dcc}}.
absl::StatusOr<std::string> EncodeCwtClaims(const CwtClaims& claims, const CborValue& dcc);

// The claims and DCC fields of a decoded certificate (proto DecodedCertificate). Entry fields
// come from the first entry of whichever of v, t or r is present; the vaccination-only ones
// stay empty for tests and recoveries.
struct DecodedDcc {
  std::string issuer;  // iss, "" when absent
  absl::Time issued_at;
  absl::Time expires_at;
  DccType type = DccType::kUnknown;
  std::string schema_version;
  std::string family_name;
  std::string given_name;
  std::string family_name_standardized;
  std::string given_name_standardized;
  std::string date_of_birth;
  std::string certificate_id;
  std::string target_disease;
  std::string country;
  std::string certificate_issuer;
  std::string vaccine_prophylaxis;
  std::string vaccine_code;
  std::string manufacturer_code;
  int dose_number = 0;
  int series_doses = 0;
  std::string vaccinated_on;                        // as written
  std::optional<absl::CivilDay> vaccinated_on_day;  // when vaccinated_on is YYYY-MM-DD
  CborValue dcc;                                    // the hcert v1 item as decoded
  std::string dcc_json;                             // the same as compact JSON, for diagnostics
};

// Parses the COSE payload as CWT claims with an hcert v1 map. InvalidArgument when it is not
// CBOR, not a map, lacks a numeric iat or exp, has a non-text iss, or lacks -260 {1: map}.
// Fields of unexpected types are left empty rather than rejected (CheckDccStructure judges).
absl::StatusOr<DecodedDcc> ParseCwtClaims(absl::string_view payload, const CborLimits& limits = {});

// The structural part of the DCC JSON schema a verifier relies on: text "ver", "nam" with a
// text "fnt", text "dob", and exactly one of "v", "t", "r" holding exactly one entry with text
// "tg", "co", "is", "ci" plus per type: v - "vp", "mp", "ma", "dt" and integers "dn", "sd";
// t - "tt", "sc"; r - "fr", "df", "du". InvalidArgument naming the first problem.
absl::Status CheckDccStructure(const CborValue& dcc);

// The type of a DCC from which of v, t or r it holds (kUnknown for none or several).
DccType DccTypeOf(const CborValue& dcc);

}  // namespace lindungi::dcc

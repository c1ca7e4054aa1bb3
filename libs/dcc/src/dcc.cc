#include "lindungi/dcc/dcc.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/names.h"
#include "utf8.h"

namespace lindungi::dcc {
namespace {

constexpr size_t kMaxTextLength = 80;  // schema maxLength for names, is, ci, ...

absl::Status FieldError(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("DCC ", field, ": ", what));
}

absl::Status CheckText(absl::string_view field, absl::string_view value, bool required = true) {
  if (value.empty()) {
    return required ? FieldError(field, "missing") : absl::OkStatus();
  }
  if (!IsValidUtf8(value)) return FieldError(field, "not valid UTF-8");
  if (CodePointCount(value) > kMaxTextLength) {
    return FieldError(field, absl::StrCat("longer than ", kMaxTextLength, " characters"));
  }
  return absl::OkStatus();
}

bool ParseNumber(absl::string_view s, size_t digits, int* out) {
  if (s.size() != digits) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(s, out);
}

// YYYY-MM-DD as a real calendar day.
std::optional<absl::CivilDay> ParseDay(absl::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ParseNumber(s.substr(0, 4), 4, &y) ||
      !ParseNumber(s.substr(5, 2), 2, &m) || !ParseNumber(s.substr(8, 2), 2, &d)) {
    return std::nullopt;
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;  // 2021-02-30
  return day;
}

// dob: YYYY-MM-DD, YYYY-MM or YYYY (schema 1.3.0 allows the day or month to be unknown).
bool IsValidBirthDate(absl::string_view s) {
  int y, m;
  if (s.size() == 4) return ParseNumber(s, 4, &y) && y >= 1900;
  if (s.size() == 7) {
    return s[4] == '-' && ParseNumber(s.substr(0, 4), 4, &y) && y >= 1900 &&
           ParseNumber(s.substr(5, 2), 2, &m) && m >= 1 && m <= 12;
  }
  std::optional<absl::CivilDay> day = ParseDay(s);
  return day.has_value() && day->year() >= 1900;
}

CborValue Text(absl::string_view s) { return CborValue::Text(std::string(s)); }

std::string TextOf(const CborValue* map, absl::string_view key) {
  if (map == nullptr) return "";
  const CborValue* v = map->Find(key);
  return v != nullptr && v->is_text() ? v->string_value() : "";
}

int IntOf(const CborValue* map, absl::string_view key) {
  if (map == nullptr) return 0;
  const CborValue* v = map->Find(key);
  if (v == nullptr) return 0;
  std::optional<int64_t> i = v->AsInt64();
  return i.has_value() && *i >= INT32_MIN && *i <= INT32_MAX ? static_cast<int>(*i) : 0;
}

// NumericDate (RFC 8392): an integer or a float of seconds since the epoch.
std::optional<absl::Time> NumericDate(const CborValue* v) {
  if (v == nullptr) return std::nullopt;
  if (std::optional<int64_t> i = v->AsInt64()) return absl::FromUnixSeconds(*i);
  if (v->type() == CborValue::Type::kFloat && std::isfinite(v->float_value()) &&
      std::fabs(v->float_value()) < 1e15) {
    return absl::UnixEpoch() + absl::Seconds(v->float_value());
  }
  return std::nullopt;
}

constexpr const char* kEntryKeys[] = {"v", "t", "r"};
constexpr DccType kEntryTypes[] = {DccType::kVaccination, DccType::kTest, DccType::kRecovery};

// The shortest-form encoding of an unsigned integer.
std::string EncodeUnsigned(uint64_t value) { return *EncodeCbor(CborValue::Unsigned(value)); }

}  // namespace

absl::StatusOr<CborValue> BuildVaccinationDcc(const VaccinationCertificateData& data) {
  if (absl::Status s = CheckText("nam.fn", data.family_name); !s.ok()) return s;
  if (absl::Status s = CheckText("nam.gn", data.given_name, /*required=*/false); !s.ok()) {
    return s;
  }
  const std::string fnt = IcaoStandardize(data.family_name);
  if (fnt.empty()) return FieldError("nam.fnt", "family name has no Latin letters");
  std::string gnt;
  if (!data.given_name.empty()) {
    gnt = IcaoStandardize(data.given_name);
    if (gnt.empty()) return FieldError("nam.gnt", "given name has no Latin letters");
  }
  if (!IsValidBirthDate(data.date_of_birth)) {
    return FieldError("dob", "not YYYY-MM-DD, YYYY-MM or YYYY");
  }
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"ver", data.schema_version},
        {"v.tg", data.target_disease},
        {"v.vp", data.vaccine_prophylaxis},
        {"v.mp", data.vaccine_code},
        {"v.ma", data.manufacturer_code},
        {"v.is", data.certificate_issuer},
        {"v.ci", data.certificate_id}}) {
    if (absl::Status s = CheckText(field, value); !s.ok()) return s;
  }
  if (data.dose_number < 1 || data.dose_number > 9) return FieldError("v.dn", "not 1..9");
  if (data.series_doses < 1 || data.series_doses > 9) return FieldError("v.sd", "not 1..9");
  if (!ParseDay(data.vaccinated_on).has_value()) return FieldError("v.dt", "not YYYY-MM-DD");
  const std::string& co = data.country;
  if (co.size() != 2 || co[0] < 'A' || co[0] > 'Z' || co[1] < 'A' || co[1] > 'Z') {
    return FieldError("v.co", "not two letters A-Z");
  }

  // Entries are added in deterministic key order so that the encoder need not sort.
  CborValue entry = CborValue::Map();
  entry.Add("ci", Text(data.certificate_id));
  entry.Add("co", Text(co));
  entry.Add("dn", CborValue::Int(data.dose_number));
  entry.Add("dt", Text(data.vaccinated_on));
  entry.Add("is", Text(data.certificate_issuer));
  entry.Add("ma", Text(data.manufacturer_code));
  entry.Add("mp", Text(data.vaccine_code));
  entry.Add("sd", CborValue::Int(data.series_doses));
  entry.Add("tg", Text(data.target_disease));
  entry.Add("vp", Text(data.vaccine_prophylaxis));

  CborValue nam = CborValue::Map();
  nam.Add("fn", Text(data.family_name));
  if (!data.given_name.empty()) nam.Add("gn", Text(data.given_name));
  nam.Add("fnt", Text(fnt));
  if (!data.given_name.empty()) nam.Add("gnt", Text(gnt));

  std::vector<CborValue> entries;
  entries.push_back(std::move(entry));
  CborValue dcc = CborValue::Map();
  dcc.Add("v", CborValue::Array(std::move(entries)));
  dcc.Add("dob", Text(data.date_of_birth));
  dcc.Add("nam", std::move(nam));
  dcc.Add("ver", Text(data.schema_version));
  return dcc;
}

absl::StatusOr<std::string> EncodeCwtClaims(const CwtClaims& claims, const CborValue& dcc) {
  if (!dcc.is_map()) return absl::InvalidArgumentError("CWT: the DCC must be a map");
  if (absl::Status s = CheckText("iss", claims.issuer, /*required=*/false); !s.ok()) return s;
  const int64_t iat = absl::ToUnixSeconds(claims.issued_at);
  const int64_t exp = absl::ToUnixSeconds(claims.expires_at);
  if (iat < 0) return absl::InvalidArgumentError("CWT: iat before 1970");
  if (exp <= iat) return absl::InvalidArgumentError("CWT: exp must be after iat");
  absl::StatusOr<std::string> dcc_bytes = EncodeCbor(dcc);
  if (!dcc_bytes.ok()) return dcc_bytes.status();

  // {1: iss, 4: exp, 6: iat, -260: {1: dcc}} - keys already in deterministic order.
  std::string out;
  out.reserve(dcc_bytes->size() + claims.issuer.size() + 32);
  out.push_back(claims.issuer.empty() ? '\xA3' : '\xA4');
  if (!claims.issuer.empty()) {
    out.push_back('\x01');
    out.append(*EncodeCbor(Text(claims.issuer)));
  }
  out.push_back('\x04');
  out.append(EncodeUnsigned(static_cast<uint64_t>(exp)));
  out.push_back('\x06');
  out.append(EncodeUnsigned(static_cast<uint64_t>(iat)));
  out.append("\x39\x01\x03\xA1\x01", 5);  // -260: {1:
  out.append(*dcc_bytes);
  return out;
}

DccType DccTypeOf(const CborValue& dcc) {
  DccType type = DccType::kUnknown;
  for (size_t i = 0; i < 3; ++i) {
    if (dcc.Find(kEntryKeys[i]) != nullptr) {
      if (type != DccType::kUnknown) return DccType::kUnknown;
      type = kEntryTypes[i];
    }
  }
  return type;
}

absl::StatusOr<DecodedDcc> ParseCwtClaims(absl::string_view payload, const CborLimits& limits) {
  absl::StatusOr<CborValue> root = DecodeCbor(payload, limits);
  if (!root.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("CWT payload: ", root.status().message()));
  }
  if (!root->is_map()) return absl::InvalidArgumentError("CWT payload is not a map");
  DecodedDcc out;
  if (const CborValue* iss = root->Find(kClaimIssuer)) {
    if (!iss->is_text()) return absl::InvalidArgumentError("CWT iss (1) is not text");
    out.issuer = iss->string_value();
  }
  std::optional<absl::Time> exp = NumericDate(root->Find(kClaimExpiration));
  std::optional<absl::Time> iat = NumericDate(root->Find(kClaimIssuedAt));
  if (!exp.has_value()) return absl::InvalidArgumentError("CWT exp (4) missing or not a date");
  if (!iat.has_value()) return absl::InvalidArgumentError("CWT iat (6) missing or not a date");
  out.expires_at = *exp;
  out.issued_at = *iat;

  // Move the DCC out of the decoded tree rather than copying it.
  CborValue* hcert = nullptr;
  for (size_t i = 0; i < root->map_size(); ++i) {
    if (root->map_key(i).AsInt64() == kClaimHcert) hcert = &root->mutable_items()[2 * i + 1];
  }
  if (hcert == nullptr || !hcert->is_map()) {
    return absl::InvalidArgumentError("CWT hcert (-260) missing or not a map");
  }
  CborValue* dcc = nullptr;
  for (size_t i = 0; i < hcert->map_size(); ++i) {
    if (hcert->map_key(i).AsInt64() == kHcertDccV1) dcc = &hcert->mutable_items()[2 * i + 1];
  }
  if (dcc == nullptr || !dcc->is_map()) {
    return absl::InvalidArgumentError("CWT hcert has no DCC map under key 1");
  }
  out.dcc = std::move(*dcc);
  const CborValue& d = out.dcc;

  out.type = DccTypeOf(d);
  out.schema_version = TextOf(&d, "ver");
  out.date_of_birth = TextOf(&d, "dob");
  const CborValue* nam = d.Find("nam");
  out.family_name = TextOf(nam, "fn");
  out.given_name = TextOf(nam, "gn");
  out.family_name_standardized = TextOf(nam, "fnt");
  out.given_name_standardized = TextOf(nam, "gnt");

  const CborValue* entry = nullptr;
  for (const char* key : kEntryKeys) {
    const CborValue* list = d.Find(key);
    if (list != nullptr && list->is_array() && !list->items().empty() &&
        list->items().front().is_map()) {
      entry = &list->items().front();
      break;
    }
  }
  out.certificate_id = TextOf(entry, "ci");
  out.target_disease = TextOf(entry, "tg");
  out.country = TextOf(entry, "co");
  out.certificate_issuer = TextOf(entry, "is");
  if (out.type == DccType::kVaccination) {
    out.vaccine_prophylaxis = TextOf(entry, "vp");
    out.vaccine_code = TextOf(entry, "mp");
    out.manufacturer_code = TextOf(entry, "ma");
    out.dose_number = IntOf(entry, "dn");
    out.series_doses = IntOf(entry, "sd");
    out.vaccinated_on = TextOf(entry, "dt");
    out.vaccinated_on_day = ParseDay(out.vaccinated_on);
  }
  out.dcc_json = CborToJson(d).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out;
}

absl::Status CheckDccStructure(const CborValue& dcc) {
  auto require_text = [](const CborValue* map, absl::string_view path,
                         absl::string_view key) -> absl::Status {
    const CborValue* v = map->Find(key);
    if (v == nullptr || !v->is_text()) {
      return absl::InvalidArgumentError(absl::StrCat("DCC ", path, key, ": missing or not text"));
    }
    return absl::OkStatus();
  };
  if (!dcc.is_map()) return absl::InvalidArgumentError("DCC is not a map");
  if (absl::Status s = require_text(&dcc, "", "ver"); !s.ok()) return s;
  if (absl::Status s = require_text(&dcc, "", "dob"); !s.ok()) return s;
  const CborValue* nam = dcc.Find("nam");
  if (nam == nullptr || !nam->is_map()) return absl::InvalidArgumentError("DCC nam: not a map");
  if (absl::Status s = require_text(nam, "nam.", "fnt"); !s.ok()) return s;

  size_t present = 0;
  size_t which = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (dcc.Find(kEntryKeys[i]) != nullptr) {
      ++present;
      which = i;
    }
  }
  if (present != 1) {
    return absl::InvalidArgumentError("DCC must hold exactly one of v, t, r");
  }
  const CborValue* list = dcc.Find(kEntryKeys[which]);
  if (!list->is_array() || list->items().size() != 1 || !list->items().front().is_map()) {
    return absl::InvalidArgumentError(
        absl::StrCat("DCC ", kEntryKeys[which], ": not an array of exactly one entry"));
  }
  const CborValue* entry = &list->items().front();
  const std::string path = absl::StrCat(kEntryKeys[which], "[0].");
  for (const char* key : {"tg", "co", "is", "ci"}) {
    if (absl::Status s = require_text(entry, path, key); !s.ok()) return s;
  }
  switch (kEntryTypes[which]) {
    case DccType::kVaccination:
      for (const char* key : {"vp", "mp", "ma", "dt"}) {
        if (absl::Status s = require_text(entry, path, key); !s.ok()) return s;
      }
      for (const char* key : {"dn", "sd"}) {
        const CborValue* v = entry->Find(key);
        if (v == nullptr || !v->is_int()) {
          return absl::InvalidArgumentError(
              absl::StrCat("DCC ", path, key, ": missing or not an integer"));
        }
      }
      break;
    case DccType::kTest:
      for (const char* key : {"tt", "sc"}) {
        if (absl::Status s = require_text(entry, path, key); !s.ok()) return s;
      }
      break;
    case DccType::kRecovery:
      for (const char* key : {"fr", "df", "du"}) {
        if (absl::Status s = require_text(entry, path, key); !s.ok()) return s;
      }
      break;
    case DccType::kUnknown:
      break;
  }
  return absl::OkStatus();
}

}  // namespace lindungi::dcc

#include "vaccination_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "certificate_metrics.h"
#include "certificate_schema.h"
#include "lindungi/ids/ids.h"
#include "lindungi/nik/nik.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "lindungi/vaccines/catalogue.h"

namespace lindungi::certificate {
namespace {

std::string DateText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::CivilDay ParseStoredDate(absl::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() == 10) {
    y = std::atoi(std::string(text.substr(0, 4)).c_str());
    m = std::atoi(std::string(text.substr(5, 2)).c_str());
    d = std::atoi(std::string(text.substr(8, 2)).c_str());
  }
  return absl::CivilDay(y, m, d);
}

lindungi::common::v1::Date DateProto(absl::CivilDay d) {
  lindungi::common::v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// The primary series: the length of the first dose's product (heterologous series follow the
// product they started with).
int PrimaryDoses(const std::vector<Dose>& all) {
  for (const Dose& d : all) {
    if (d.dose_number == 1) {
      const vaccines::VaccineProduct* p = vaccines::FindByCode(d.vaccine_code);
      return p != nullptr ? p->primary_doses : 2;
    }
  }
  if (!all.empty()) {
    const vaccines::VaccineProduct* p = vaccines::FindByCode(all.front().vaccine_code);
    if (p != nullptr) return p->primary_doses;
  }
  return 2;
}

std::string Describe(const Dose& d) {
  return absl::StrCat(d.vaccine_code, "|", d.manufacturer_code, "|", DateText(d.vaccinated_on), "|",
                      d.batch, "|", d.facility, "|", d.country);
}

}  // namespace

VaccinationRegistry::VaccinationRegistry(store::Database& db, CitizenDirectory& directory,
                                         clock::Clock& clock, DuePolicy policy)
    : db_(db), directory_(directory), clock_(clock), policy_(policy) {}

absl::StatusOr<std::vector<Dose>> VaccinationRegistry::LoadDoses(store::Transaction& tx,
                                                                 const std::string& citizen_id) {
  std::vector<Dose> doses;
  absl::Status s = tx.Query(
      "SELECT dose_number, vaccine_code, manufacturer_code, vaccinated_on, batch, facility, "
      "country FROM vaccinations WHERE citizen_id = ? ORDER BY dose_number",
      {citizen_id}, [&doses](const store::Row& r) {
        Dose d;
        d.dose_number = static_cast<int>(r.Int(0));
        d.vaccine_code = r.Text(1);
        d.manufacturer_code = r.Text(2);
        d.vaccinated_on = ParseStoredDate(r.TextView(3));
        d.batch = r.Text(4);
        d.facility = r.Text(5);
        d.country = r.Text(6);
        doses.push_back(std::move(d));
        return true;
      });
  if (!s.ok()) return s;
  return doses;
}

int VaccinationRegistry::SeriesDoses(const Dose& dose, const std::vector<Dose>& all) {
  const int primary = PrimaryDoses(all);
  return dose.dose_number <= primary ? primary : dose.dose_number;
}

v1::VaccinationRecord VaccinationRegistry::ToRecord(const Dose& dose,
                                                    const std::vector<Dose>& all) {
  v1::VaccinationRecord r;
  r.set_dose_number(dose.dose_number);
  r.set_series_doses(SeriesDoses(dose, all));
  r.set_kind(dose.dose_number <= PrimaryDoses(all) ? v1::DOSE_KIND_PRIMARY : v1::DOSE_KIND_BOOSTER);
  r.set_vaccine_code(dose.vaccine_code);
  r.set_manufacturer_code(dose.manufacturer_code);
  if (const vaccines::VaccineProduct* p = vaccines::FindByCode(dose.vaccine_code)) {
    r.set_vaccine_name(std::string(p->name));
    r.set_manufacturer_name(std::string(p->manufacturer));
  }
  *r.mutable_vaccinated_on() = DateProto(dose.vaccinated_on);
  r.set_batch(dose.batch);
  r.set_facility(dose.facility);
  r.set_country(dose.country);
  return r;
}

absl::Status VaccinationRegistry::GetVaccinationStatus(
    const v1::GetVaccinationStatusRequest& request, v1::GetVaccinationStatusResponse* response) {
  if (request.citizen_id().empty() || request.citizen_id().size() > 64) {
    return status::InvalidField("citizen_id", "the citizen id is missing or too long");
  }
  std::vector<Dose> doses;
  absl::Status s = db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::vector<Dose>> loaded = LoadDoses(tx, request.citizen_id());
    if (!loaded.ok()) return loaded.status();
    doses = *std::move(loaded);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  v1::VaccinationStatus* out = response->mutable_status();
  out->set_citizen_id(request.citizen_id());
  for (const Dose& d : doses) *out->add_records() = ToRecord(d, doses);
  if (doses.empty()) {
    out->set_stage(v1::VACCINATION_STAGE_NONE);
    v1::NextDose* next = out->mutable_next_dose();
    next->set_dose_number(1);
    next->set_kind(v1::DOSE_KIND_PRIMARY);
    *next->mutable_eligible_from() = DateProto(kProgrammeStart);
    next->set_eligible_now(true);
    return absl::OkStatus();
  }
  const int primary = PrimaryDoses(doses);
  const int highest = doses.back().dose_number;
  int expected = 1;
  for (const Dose& d : doses) {
    for (; expected < d.dose_number; ++expected) out->add_missing_dose_numbers(expected);
    expected = d.dose_number + 1;
  }
  // A gap among boosters (doses 1, 2 and 4 of a two-dose series) leaves the primary complete.
  const bool primary_complete = highest >= primary && (out->missing_dose_numbers_size() == 0 ||
                                                       out->missing_dose_numbers(0) > primary);
  if (!primary_complete) {
    out->set_stage(v1::VACCINATION_STAGE_PRIMARY_INCOMPLETE);
  } else {
    out->set_stage(highest > primary ? v1::VACCINATION_STAGE_BOOSTED
                                     : v1::VACCINATION_STAGE_PRIMARY_COMPLETE);
  }

  // The next dose: a missing primary dose first, else the next in line while boosters remain.
  const Dose& last = doses.back();
  const vaccines::VaccineProduct* product = vaccines::FindByCode(last.vaccine_code);
  int next_number = 0;
  absl::CivilDay eligible;
  if (out->missing_dose_numbers_size() > 0 && out->missing_dose_numbers(0) <= primary) {
    next_number = out->missing_dose_numbers(0);
    eligible = last.vaccinated_on;
  } else if (highest < primary) {
    next_number = highest + 1;
    eligible = last.vaccinated_on + (product != nullptr ? product->interval_days : 28);
  } else if (highest - primary < policy_.max_boosters) {
    next_number = highest + 1;
    eligible = last.vaccinated_on + absl::ToInt64Hours(policy_.booster_interval) / 24;
  }
  if (next_number > 0) {
    v1::NextDose* next = out->mutable_next_dose();
    next->set_dose_number(next_number);
    next->set_kind(next_number <= primary ? v1::DOSE_KIND_PRIMARY : v1::DOSE_KIND_BOOSTER);
    *next->mutable_eligible_from() = DateProto(eligible);
    next->set_eligible_now(absl::ToCivilDay(clock_.Now(), clock::Jakarta()) >= eligible);
  }
  return absl::OkStatus();
}

void VaccinationRegistry::Import::Rejected(int64_t line, v1::RowRejectReason reason,
                                           std::string description) {
  records::AddReject(counts_, max_rejects_, line, reason, std::move(description));
}

absl::Status VaccinationRegistry::Import::Add(const v1::ImportVaccinationsRequest& message) {
  VaccinationRegistry& reg = registry_;
  if (!started_) {
    if (message.actor().id().empty()) {
      return status::InvalidField("actor.id", "who imports must be named");
    }
    actor_ = message.actor().id();
    source_name_ = message.source_name().empty() ? "unnamed import" : message.source_name();
    update_existing_ = message.update_existing();
    max_rejects_ = records::MaxRejects(message.max_rejects());
  }
  if (absl::Status s = records::CountRows(counts_, message.rows_size()); !s.ok()) return s;

  const absl::Time now = reg.clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(now, clock::Jakarta());
  struct Valid {
    int64_t line;
    std::string nik;
    Dose dose;
    std::string citizen_id;
  };
  std::vector<Valid> rows;
  std::vector<std::string> niks;
  for (const v1::VaccinationRow& row : message.rows()) {
    DoseProblem problem;
    std::string nik;
    absl::StatusOr<Dose> dose = CheckVaccinationRow(row, today, &nik, &problem);
    if (!dose.ok()) {
      Rejected(row.line_number(), problem.reason, problem.description);
      continue;
    }
    niks.push_back(nik);
    rows.push_back({row.line_number(), std::move(nik), *std::move(dose), ""});
  }
  if (!niks.empty()) {
    absl::StatusOr<std::vector<std::string>> ids = reg.directory_.ResolveNiks(niks);
    if (!ids.ok()) return ids.status();
    for (size_t i = 0; i < rows.size(); ++i) rows[i].citizen_id = (*ids)[i];
  }

  const int64_t now_ms = absl::ToUnixMillis(now);
  int64_t created = 0, updated = 0, unchanged = 0;
  int superseded_certificates = 0;
  struct Conflict {
    int64_t line;
    v1::RowRejectReason reason;
    std::string description;
  };
  std::vector<Conflict> conflicts;
  absl::Status written = reg.db_.Write([&](store::Transaction& tx) -> absl::Status {
    created = updated = unchanged = 0;
    conflicts.clear();
    if (!started_) {
      import_id_ = ids::NewId("imp", now);
      absl::StatusOr<int64_t> n = tx.Execute(
          "INSERT INTO import_runs (import_id, source_name, actor_id, started_at) "
          "VALUES (?, ?, ?, ?)",
          {import_id_, source_name_, actor_, now_ms});
      if (!n.ok()) return n.status();
    }
    for (const Valid& v : rows) {
      if (v.citizen_id.empty()) {
        conflicts.push_back(
            {v.line, v1::ROW_REJECT_REASON_UNKNOWN_NIK,
             absl::StrCat("no citizen has NIK ", nik::MaskNik(v.nik), " (import citizens first)")});
        continue;
      }
      const Dose& d = v.dose;
      absl::StatusOr<int64_t> inserted = tx.Execute(
          "INSERT INTO vaccinations (citizen_id, dose_number, vaccine_code, manufacturer_code, "
          "vaccinated_on, batch, facility, country, import_id, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (citizen_id, dose_number) DO NOTHING",
          {v.citizen_id, d.dose_number, d.vaccine_code, d.manufacturer_code,
           DateText(d.vaccinated_on), d.batch, d.facility, d.country, import_id_, now_ms});
      if (!inserted.ok()) return inserted.status();
      if (*inserted == 1) {
        ++created;
        continue;
      }
      std::optional<Dose> stored;
      std::string stored_import;
      absl::Status q = tx.Query(
          "SELECT vaccine_code, manufacturer_code, vaccinated_on, batch, facility, country, "
          "import_id FROM vaccinations WHERE citizen_id = ? AND dose_number = ?",
          {v.citizen_id, d.dose_number}, [&](const store::Row& r) {
            Dose s;
            s.dose_number = d.dose_number;
            s.vaccine_code = r.Text(0);
            s.manufacturer_code = r.Text(1);
            s.vaccinated_on = ParseStoredDate(r.TextView(2));
            s.batch = r.Text(3);
            s.facility = r.Text(4);
            s.country = r.Text(5);
            stored_import = r.IsNull(6) ? "" : r.Text(6);
            stored = std::move(s);
            return false;
          });
      if (!q.ok()) return q;
      if (!stored.has_value()) return absl::InternalError("a dose vanished during the import");
      if (*stored == d) {
        ++unchanged;
        continue;
      }
      if (stored_import == import_id_) {
        conflicts.push_back({v.line, v1::ROW_REJECT_REASON_DUPLICATE_IN_IMPORT,
                             absl::StrCat("dose ", d.dose_number, " of NIK ", nik::MaskNik(v.nik),
                                          " appears earlier in this import with other data")});
        continue;
      }
      if (!update_existing_) {
        conflicts.push_back(
            {v.line, v1::ROW_REJECT_REASON_CONFLICTS_WITH_EXISTING,
             absl::StrCat("dose ", d.dose_number, " of NIK ", nik::MaskNik(v.nik),
                          " is recorded with other data (", Describe(*stored), ")")});
        continue;
      }
      absl::StatusOr<int64_t> n = tx.Execute(
          "UPDATE vaccinations SET vaccine_code = ?, manufacturer_code = ?, vaccinated_on = ?, "
          "batch = ?, facility = ?, country = ?, import_id = ?, updated_at = ? "
          "WHERE citizen_id = ? AND dose_number = ?",
          {d.vaccine_code, d.manufacturer_code, DateText(d.vaccinated_on), d.batch, d.facility,
           d.country, import_id_, now_ms, v.citizen_id, d.dose_number});
      if (!n.ok()) return n.status();
      // Certificates of the old data must not keep verifying.
      absl::StatusOr<std::vector<std::string>> superseded =
          SupersedeCertificates(tx, v.citizen_id, d.dose_number, "", now_ms);
      if (!superseded.ok()) return superseded.status();
      superseded_certificates += static_cast<int>(superseded->size());
      ++updated;
    }
    return absl::OkStatus();
  });
  if (!written.ok()) {
    return absl::Status(absl::StatusCode::kUnavailable,
                        absl::StrCat("import stopped: ", written.message()));
  }
  started_ = true;
  CertificateMetrics::Get().Revoked("superseded", superseded_certificates);
  counts_.set_rows_created(counts_.rows_created() + created);
  counts_.set_rows_updated(counts_.rows_updated() + updated);
  counts_.set_rows_unchanged(counts_.rows_unchanged() + unchanged);
  for (Conflict& c : conflicts) Rejected(c.line, c.reason, std::move(c.description));
  return absl::OkStatus();
}

absl::Status VaccinationRegistry::Import::Finish(v1::ImportVaccinationsResponse* response) {
  std::sort(counts_.mutable_rejects()->begin(), counts_.mutable_rejects()->end(),
            [](const v1::RowReject& a, const v1::RowReject& b) {
              return a.line_number() < b.line_number();
            });
  *response = counts_;
  return absl::OkStatus();
}

}  // namespace lindungi::certificate

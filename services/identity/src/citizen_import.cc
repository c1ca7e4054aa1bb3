// Registry imports (ImportCitizens): validate rows, then write each message in one transaction.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "citizen_registry.h"
#include "citizen_row.h"
#include "lindungi/ids/ids.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "registry_support.h"

namespace lindungi::identity {

using namespace registry_support;  // NOLINT: the registry's own vocabulary

void CitizenRegistry::Import::Rejected(int64_t line, v1::RowRejectReason reason,
                                       std::string description) {
  records::AddReject(counts_, max_rejects_, line, reason, std::move(description));
}

absl::Status CitizenRegistry::Import::Add(const v1::ImportCitizensRequest& message) {
  CitizenRegistry& reg = registry_;
  if (!started_) {
    if (absl::Status s = CheckActor(message.actor()); !s.ok()) return s;
    actor_ = message.actor();
    source_name_ = message.source_name().empty() ? "unnamed import" : message.source_name();
    if (source_name_.size() > 200) source_name_.resize(200);
    update_existing_ = message.update_existing();
    max_rejects_ = records::MaxRejects(message.max_rejects());
  }
  if (absl::Status s = records::CountRows(counts_, message.rows_size()); !s.ok()) return s;

  // Validation and blind indexes need no lock: done before the write transaction.
  const absl::Time now = reg.clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(now, Jakarta());
  pending_.reserve(pending_.size() + message.rows_size());
  for (const v1::CitizenRow& row : message.rows()) {
    RowProblem problem;
    absl::StatusOr<CitizenData> data = CheckCitizenRow(row, today, &problem);
    if (!data.ok()) {
      Rejected(row.line_number(), problem.reason, problem.description);
      continue;
    }
    // Everything but the SQL happens here, outside the single writer's transaction, so that
    // several import streams validate and encrypt in parallel.
    Pending v;
    v.line = row.line_number();
    v.data = *std::move(data);
    v.citizen_id = ids::NewId("c", now);
    v.nik_index = reg.vault_.BlindIndex("nik", v.data.nik);
    v.phone_index = reg.vault_.BlindIndex("phone", v.data.phone);
    absl::StatusOr<std::string> nik_sealed = reg.vault_.Seal(NikContext(v.citizen_id), v.data.nik);
    absl::StatusOr<std::string> phone_sealed =
        reg.vault_.Seal(PhoneContext(v.citizen_id), v.data.phone);
    if (!nik_sealed.ok() || !phone_sealed.ok()) return absl::InternalError("sealing failed");
    v.nik_sealed = *std::move(nik_sealed);
    v.phone_sealed = *std::move(phone_sealed);
    pending_.push_back(std::move(v));
  }
  if (static_cast<int>(pending_.size()) >= reg.import_batch_rows_ || !started_) return Flush();
  return absl::OkStatus();
}

absl::Status CitizenRegistry::Import::Flush() {
  CitizenRegistry& reg = registry_;
  if (pending_.empty() && started_) return absl::OkStatus();
  // Neighbouring index keys share B-tree pages: inserting in key order touches each page once.
  // (Stable: of two rows with one NIK, the earlier line is written first.)
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Pending& a, const Pending& b) { return a.nik_index < b.nik_index; });
  const absl::Time now = reg.clock_.Now();
  const int64_t now_ms = absl::ToUnixMillis(now);
  int64_t created = 0, updated = 0, unchanged = 0;
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
      std::vector<store::Value> params = {import_id_, source_name_};
      ActorColumns(actor_, &params);
      params.emplace_back(now_ms);
      absl::StatusOr<int64_t> n = tx.Execute(
          "INSERT INTO import_runs (import_id, source_name, actor_id, actor_role, actor_channel, "
          "started_at) VALUES (?, ?, ?, ?, ?, ?)",
          params);
      if (!n.ok()) return n.status();
    }
    for (const Pending& v : pending_) {
      absl::StatusOr<int64_t> inserted = tx.Execute(
          "INSERT INTO citizens (citizen_id, nik_index, nik_sealed, masked_nik, full_name, "
          "birth_date, sex, phone_index, phone_sealed, masked_phone, version, created_at, "
          "updated_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
          "ON CONFLICT (nik_index) DO NOTHING",
          {v.citizen_id, store::Blob{v.nik_index}, store::Blob{v.nik_sealed},
           nik::MaskNik(v.data.nik), v.data.full_name, FormatDate(v.data.birth_date),
           static_cast<int64_t>(v.data.sex), store::Blob{v.phone_index},
           store::Blob{v.phone_sealed}, phone::MaskPhone(v.data.phone), now_ms, now_ms,
           import_id_});
      if (!inserted.ok()) return inserted.status();
      if (*inserted == 1) {
        ++created;
        continue;
      }
      // Known NIK: identical data is a re-run; other data is a conflict unless the registry wins.
      absl::StatusOr<std::optional<Stored>> stored =
          reg.Load(tx, "nik_index = ?", {store::Blob{v.nik_index}});
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) return absl::InternalError("a NIK vanished during the import");
      const Stored& s = **stored;
      std::vector<std::pair<v1::CitizenField, v1::FieldValue>> changes;
      if (s.full_name != v.data.full_name) {
        v1::FieldValue f;
        f.set_full_name(v.data.full_name);
        changes.emplace_back(v1::CITIZEN_FIELD_FULL_NAME, f);
      }
      if (s.birth_date != FormatDate(v.data.birth_date)) {
        v1::FieldValue f;
        *f.mutable_birth_date() = DateProto(FormatDate(v.data.birth_date));
        changes.emplace_back(v1::CITIZEN_FIELD_BIRTH_DATE, f);
      }
      if (s.sex != v.data.sex) {
        v1::FieldValue f;
        f.set_sex(v.data.sex);
        changes.emplace_back(v1::CITIZEN_FIELD_SEX, f);
      }
      if (s.phone_index != v.phone_index) {
        v1::FieldValue f;
        f.set_phone(v.data.phone);
        changes.emplace_back(v1::CITIZEN_FIELD_PHONE, f);
      }
      if (changes.empty()) {
        ++unchanged;
        continue;
      }
      if (s.import_id == import_id_) {
        // Written by this very import: the file holds this NIK twice, with different data.
        conflicts.push_back({v.line, v1::ROW_REJECT_REASON_DUPLICATE_IN_IMPORT,
                             absl::StrCat("NIK ", s.masked_nik,
                                          " appears earlier in this import with other data")});
        continue;
      }
      if (!update_existing_) {
        std::vector<std::string> names;
        for (const auto& [field, value] : changes) {
          names.push_back(absl::AsciiStrToLower(
              v1::CitizenField_Name(field).substr(sizeof("CITIZEN_FIELD_") - 1)));
        }
        conflicts.push_back({v.line, v1::ROW_REJECT_REASON_CONFLICTS_WITH_EXISTING,
                             absl::StrCat("NIK ", s.masked_nik, " is registered with another ",
                                          absl::StrJoin(names, ", "))});
        continue;
      }
      for (const auto& [field, value] : changes) {
        absl::StatusOr<v1::FieldValue> old_value = reg.CurrentValue(s, field);
        if (!old_value.ok()) return old_value.status();
        if (field == v1::CITIZEN_FIELD_SEX) {
          absl::StatusOr<int64_t> n = tx.Execute(
              "UPDATE citizens SET sex = ?, version = version + 1, updated_at = ? "
              "WHERE citizen_id = ?",
              {static_cast<int64_t>(value.sex()), now_ms, s.citizen_id});
          if (!n.ok()) return n.status();
        } else if (absl::Status a = reg.ApplyCorrection(tx, s, value, now_ms); !a.ok()) {
          return a;
        }
        if (absl::Status h = reg.AddHistory(
                tx, s.citizen_id, v1::HISTORY_KIND_IMPORT_UPDATED, field, &*old_value, &value,
                actor_, absl::StrCat("registry import ", source_name_), "", nullptr);
            !h.ok()) {
          return h;
        }
      }
      ++updated;
    }
    return absl::OkStatus();
  });
  pending_.clear();
  if (!written.ok()) {
    // Nothing of the pending rows was written; the caller may send them again.
    return absl::Status(written.code() == absl::StatusCode::kInternal
                            ? absl::StatusCode::kInternal
                            : absl::StatusCode::kUnavailable,
                        absl::StrCat("import stopped: ", written.message()));
  }
  started_ = true;
  counts_.set_rows_created(counts_.rows_created() + created);
  counts_.set_rows_updated(counts_.rows_updated() + updated);
  counts_.set_rows_unchanged(counts_.rows_unchanged() + unchanged);
  for (Conflict& c : conflicts) Rejected(c.line, c.reason, std::move(c.description));
  return absl::OkStatus();
}

absl::Status CitizenRegistry::Import::Finish(v1::ImportCitizensResponse* response) {
  if (absl::Status s = Flush(); !s.ok()) return s;
  std::sort(counts_.mutable_rejects()->begin(), counts_.mutable_rejects()->end(),
            [](const v1::RowReject& a, const v1::RowReject& b) {
              return a.line_number() < b.line_number();
            });
  *response = counts_;
  return absl::OkStatus();
}

}  // namespace lindungi::identity

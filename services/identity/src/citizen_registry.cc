#include "citizen_registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "citizen_row.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/ids/ids.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"
#include "lindungi/status/status.h"
#include "registry_support.h"

namespace lindungi::identity {
using lindungi::common::v1::Actor;
using namespace registry_support;

namespace {

constexpr absl::string_view kCitizenColumns =
    "citizen_id, nik_sealed, masked_nik, full_name, birth_date, sex, phone_index, phone_sealed, "
    "masked_phone, version, created_at, updated_at, import_id";

}  // namespace

std::string CitizenRegistry::NikContext(absl::string_view citizen_id) {
  return absl::StrCat("nik:", citizen_id);
}

std::string CitizenRegistry::PhoneContext(absl::string_view citizen_id) {
  return absl::StrCat("phone:", citizen_id);
}

CitizenRegistry::CitizenRegistry(store::Database& db, const crypto::PiiVault& vault,
                                 clock::Clock& clock, int import_batch_rows)
    : db_(db), vault_(vault), clock_(clock), import_batch_rows_(std::max(1, import_batch_rows)) {}

absl::StatusOr<std::optional<CitizenRegistry::Stored>> CitizenRegistry::Load(
    store::Transaction& tx, absl::string_view where, const std::vector<store::Value>& params) {
  std::optional<Stored> found;
  absl::Status s =
      tx.Query(absl::StrCat("SELECT ", kCitizenColumns, " FROM citizens WHERE ", where), params,
               [&found](const store::Row& r) {
                 Stored c;
                 c.citizen_id = r.Text(0);
                 c.nik_sealed = r.Bytes(1);
                 c.masked_nik = r.Text(2);
                 c.full_name = r.Text(3);
                 c.birth_date = r.Text(4);
                 c.sex = r.Int(5);
                 c.phone_index = r.Bytes(6);
                 c.phone_sealed = r.Bytes(7);
                 c.masked_phone = r.Text(8);
                 c.version = r.Int(9);
                 c.created_at = r.Int(10);
                 c.updated_at = r.Int(11);
                 c.import_id = r.IsNull(12) ? "" : r.Text(12);
                 found = std::move(c);
                 return false;
               });
  if (!s.ok()) return s;
  return found;
}

absl::Status CitizenRegistry::ToProto(store::Transaction& tx, const Stored& row, bool full,
                                      v1::Citizen* out) {
  out->set_citizen_id(row.citizen_id);
  out->set_full_name(row.full_name);
  *out->mutable_birth_date() = DateProto(row.birth_date);
  out->set_sex(static_cast<lindungi::common::v1::Sex>(row.sex));
  out->set_masked_nik(row.masked_nik);
  out->set_masked_phone(row.masked_phone);
  out->set_version(row.version);
  SetTime(row.created_at, out->mutable_created_at());
  SetTime(row.updated_at, out->mutable_updated_at());
  if (full) {
    absl::StatusOr<std::string> nik = vault_.Open(NikContext(row.citizen_id), row.nik_sealed);
    absl::StatusOr<std::string> phone = vault_.Open(PhoneContext(row.citizen_id), row.phone_sealed);
    if (!nik.ok() || !phone.ok()) {
      return absl::DataLossError("a sealed value does not open: wrong --pii_key_file?");
    }
    out->set_nik(*nik);
    out->set_phone(*phone);
  }
  return tx.Query(
      "SELECT change_request_id FROM change_requests WHERE citizen_id = ? AND status = ? "
      "ORDER BY change_request_id",
      {row.citizen_id, static_cast<int64_t>(v1::CHANGE_REQUEST_STATUS_PENDING)},
      [out](const store::Row& r) {
        out->add_pending_change_request_ids(r.Text(0));
        return true;
      });
}

absl::StatusOr<v1::FieldValue> CitizenRegistry::CurrentValue(const Stored& row,
                                                             v1::CitizenField field) {
  v1::FieldValue value;
  switch (field) {
    case v1::CITIZEN_FIELD_FULL_NAME:
      value.set_full_name(row.full_name);
      break;
    case v1::CITIZEN_FIELD_BIRTH_DATE:
      *value.mutable_birth_date() = DateProto(row.birth_date);
      break;
    case v1::CITIZEN_FIELD_SEX:
      value.set_sex(static_cast<lindungi::common::v1::Sex>(row.sex));
      break;
    case v1::CITIZEN_FIELD_NIK: {
      absl::StatusOr<std::string> nik = vault_.Open(NikContext(row.citizen_id), row.nik_sealed);
      if (!nik.ok()) return absl::DataLossError("the stored NIK does not open");
      value.set_nik(*nik);
      break;
    }
    case v1::CITIZEN_FIELD_PHONE: {
      absl::StatusOr<std::string> phone =
          vault_.Open(PhoneContext(row.citizen_id), row.phone_sealed);
      if (!phone.ok()) return absl::DataLossError("the stored phone number does not open");
      value.set_phone(*phone);
      break;
    }
    default:
      return absl::InvalidArgumentError("unknown field");
  }
  return value;
}

absl::StatusOr<std::string> CitizenRegistry::SealValue(absl::string_view context,
                                                       const v1::FieldValue& value) {
  return vault_.Seal(context, value.SerializeAsString());
}

absl::StatusOr<v1::FieldValue> CitizenRegistry::OpenValue(absl::string_view context,
                                                          const std::string& sealed) {
  absl::StatusOr<std::string> bytes = vault_.Open(context, sealed);
  v1::FieldValue value;
  if (!bytes.ok() || !value.ParseFromString(*bytes)) {
    return absl::DataLossError("a stored value does not open");
  }
  return value;
}

absl::Status CitizenRegistry::AddHistory(store::Transaction& tx, const std::string& citizen_id,
                                         v1::HistoryKind kind, v1::CitizenField field,
                                         const v1::FieldValue* old_value,
                                         const v1::FieldValue* new_value, const Actor& actor,
                                         const std::string& reason,
                                         const std::string& change_request_id,
                                         std::string* history_id) {
  const absl::Time now = clock_.Now();
  const std::string id = ids::NewId("h", now);
  std::vector<store::Value> params = {id, citizen_id, static_cast<int64_t>(kind),
                                      static_cast<int64_t>(field)};
  for (const auto& [value, side] : {std::pair{old_value, "old"}, std::pair{new_value, "new"}}) {
    if (value == nullptr) {
      params.emplace_back(std::monostate());
      continue;
    }
    absl::StatusOr<std::string> sealed = SealValue(absl::StrCat("history:", id, ":", side), *value);
    if (!sealed.ok()) return sealed.status();
    params.emplace_back(store::Blob{*std::move(sealed)});
  }
  ActorColumns(actor, &params);
  params.emplace_back(reason);
  params.emplace_back(change_request_id);
  params.emplace_back(absl::ToUnixMillis(now));
  absl::StatusOr<int64_t> n = tx.Execute(
      "INSERT INTO citizen_history (history_id, citizen_id, kind, field, old_sealed, new_sealed, "
      "actor_id, actor_role, actor_channel, reason, change_request_id, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params);
  if (!n.ok()) return n.status();
  if (history_id != nullptr) *history_id = id;
  return absl::OkStatus();
}

std::string CitizenRegistry::PageToken(absl::string_view kind, absl::string_view filters,
                                       absl::string_view cursor) const {
  return records::PageToken(vault_, kind, filters, cursor);
}

absl::StatusOr<std::string> CitizenRegistry::ParsePageToken(absl::string_view token,
                                                            absl::string_view kind,
                                                            absl::string_view filters) const {
  return records::ParsePageToken(vault_, token, kind, filters);
}

absl::Status CitizenRegistry::IsRegisteredPhone(const v1::IsRegisteredPhoneRequest& request,
                                                v1::IsRegisteredPhoneResponse* response) {
  absl::StatusOr<std::string> e164 = ParsePhoneField(request.phone(), "phone");
  if (!e164.ok()) return e164.status();
  bool found = false;
  absl::Status s = db_.Read([&](store::Transaction& tx) {
    return tx.Query("SELECT 1 FROM citizens WHERE phone_index = ? LIMIT 1",
                    {store::Blob{vault_.BlindIndex("phone", *e164)}}, [&found](const store::Row&) {
                      found = true;
                      return false;
                    });
  });
  if (!s.ok()) return s;
  response->set_registered(found);
  response->set_phone_e164(*e164);
  return absl::OkStatus();
}

absl::Status CitizenRegistry::FindByPhone(const v1::FindByPhoneRequest& request,
                                          v1::FindByPhoneResponse* response) {
  absl::StatusOr<std::string> e164 = ParsePhoneField(request.phone(), "phone");
  if (!e164.ok()) return e164.status();
  const std::string index = vault_.BlindIndex("phone", *e164);
  const int limit = PageSize(request.page_size());
  std::string sql = "SELECT citizen_id, full_name, masked_nik FROM citizens WHERE phone_index = ?";
  std::vector<store::Value> params = {store::Blob{index}};
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> cursor = ParsePageToken(request.page_token(), "phone", index);
    if (!cursor.ok()) return cursor.status();
    std::vector<std::string> parts = absl::StrSplit(*cursor, absl::MaxSplits('\n', 1));
    if (parts.size() != 2) return absl::InvalidArgumentError("bad page token");
    absl::StrAppend(&sql, " AND (full_name, citizen_id) > (?, ?)");
    params.emplace_back(parts[0]);
    params.emplace_back(parts[1]);
  }
  absl::StrAppend(&sql, " ORDER BY full_name, citizen_id LIMIT ?");
  params.emplace_back(static_cast<int64_t>(limit + 1));
  absl::Status s = db_.Read([&](store::Transaction& tx) {
    return tx.Query(sql, params, [response](const store::Row& r) {
      v1::CitizenSummary* c = response->add_citizens();
      c->set_citizen_id(r.Text(0));
      c->set_full_name(r.Text(1));
      c->set_masked_nik(r.Text(2));
      return true;
    });
  });
  if (!s.ok()) return s;
  if (response->citizens_size() > limit) {
    response->mutable_citizens()->RemoveLast();
    const v1::CitizenSummary& last = response->citizens(limit - 1);
    response->set_next_page_token(
        PageToken("phone", index, absl::StrCat(last.full_name(), "\n", last.citizen_id())));
  }
  return absl::OkStatus();
}

absl::Status CitizenRegistry::GetCitizen(const v1::GetCitizenRequest& request,
                                         v1::GetCitizenResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  if (absl::Status s = CheckView(request.view(), request.actor(), request.reason()); !s.ok()) {
    return s;
  }
  return db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Stored>> row = Load(tx, "citizen_id = ?", {request.citizen_id()});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "no citizen with this id");
    return ToProto(tx, **row, request.view() == v1::CITIZEN_VIEW_FULL, response->mutable_citizen());
  });
}

absl::Status CitizenRegistry::FindByNik(const v1::FindByNikRequest& request,
                                        v1::FindByNikResponse* response) {
  absl::StatusOr<std::string> nik = ParseNikField(request.nik(), "nik");
  if (!nik.ok()) return nik.status();
  if (absl::Status s = CheckActor(request.actor()); !s.ok()) return s;
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return s;
  if (absl::Status s = CheckView(request.view(), request.actor(), request.reason()); !s.ok()) {
    return s;
  }
  return db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Stored>> row =
        Load(tx, "nik_index = ?", {store::Blob{vault_.BlindIndex("nik", *nik)}});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "no citizen with this NIK");
    return ToProto(tx, **row, request.view() == v1::CITIZEN_VIEW_FULL, response->mutable_citizen());
  });
}

absl::Status CitizenRegistry::ResolveNiks(const v1::ResolveNiksRequest& request,
                                          v1::ResolveNiksResponse* response) {
  if (request.niks_size() > kMaxResolve) {
    return status::InvalidField("niks", "at most 1,000 NIKs per call");
  }
  std::vector<std::string> indexes(request.niks_size());
  for (int i = 0; i < request.niks_size(); ++i) {
    if (nik::ParseNik(request.niks(i)).ok()) indexes[i] = vault_.BlindIndex("nik", request.niks(i));
  }
  absl::flat_hash_map<std::string, std::string> found;
  absl::Status s = db_.Read([&](store::Transaction& tx) -> absl::Status {
    for (const std::string& index : indexes) {
      if (index.empty() || found.contains(index)) continue;
      absl::Status q = tx.Query("SELECT citizen_id FROM citizens WHERE nik_index = ?",
                                {store::Blob{index}}, [&](const store::Row& r) {
                                  found[index] = r.Text(0);
                                  return false;
                                });
      if (!q.ok()) return q;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (const std::string& index : indexes) {
    auto it = index.empty() ? found.end() : found.find(index);
    response->add_citizen_ids(it == found.end() ? "" : it->second);
  }
  return absl::OkStatus();
}

}  // namespace lindungi::identity

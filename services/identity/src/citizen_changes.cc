// Changes to citizens: phone changes, corrections and their review, and histories.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "citizen_registry.h"
#include "citizen_row.h"
#include "lindungi/ids/ids.h"
#include "lindungi/nik/nik.h"
#include "lindungi/phone/phone.h"
#include "lindungi/status/status.h"
#include "registry_support.h"

namespace lindungi::identity {

using namespace registry_support;  // NOLINT: the registry's own vocabulary

absl::Status CitizenRegistry::ChangePhone(const v1::ChangePhoneRequest& request,
                                          v1::ChangePhoneResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  absl::StatusOr<std::string> new_phone = ParsePhoneField(request.new_phone(), "new_phone");
  if (!new_phone.ok()) return new_phone.status();
  std::string expected_current;
  if (!request.expected_current_phone().empty()) {
    absl::StatusOr<std::string> e =
        ParsePhoneField(request.expected_current_phone(), "expected_current_phone");
    if (!e.ok()) return e.status();
    expected_current = *e;
  }
  if (absl::Status s = CheckActor(request.actor()); !s.ok()) return s;
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return s;

  return db_.Write([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Stored>> row = Load(tx, "citizen_id = ?", {request.citizen_id()});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "no citizen with this id");
    const Stored& c = **row;
    if (request.expected_version() != 0 && request.expected_version() != c.version) {
      return Failure(absl::StatusCode::kAborted, "VERSION_MISMATCH",
                     "the citizen changed since it was read; read it again");
    }
    absl::StatusOr<v1::FieldValue> current = CurrentValue(c, v1::CITIZEN_FIELD_PHONE);
    if (!current.ok()) return current.status();
    if (!expected_current.empty() && current->phone() != expected_current) {
      return Failure(absl::StatusCode::kFailedPrecondition, "CURRENT_PHONE_MISMATCH",
                     "the registered number is no longer the one expected");
    }
    if (current->phone() == *new_phone) {
      response->set_changed(false);
      return ToProto(tx, c, /*full=*/false, response->mutable_citizen());
    }
    absl::StatusOr<std::string> sealed = vault_.Seal(PhoneContext(c.citizen_id), *new_phone);
    if (!sealed.ok()) return sealed.status();
    const int64_t now = absl::ToUnixMillis(clock_.Now());
    absl::StatusOr<int64_t> n = tx.Execute(
        "UPDATE citizens SET phone_index = ?, phone_sealed = ?, masked_phone = ?, "
        "version = version + 1, updated_at = ? WHERE citizen_id = ? AND version = ?",
        {store::Blob{vault_.BlindIndex("phone", *new_phone)}, store::Blob{*sealed},
         phone::MaskPhone(*new_phone), now, c.citizen_id, c.version});
    if (!n.ok()) return n.status();
    v1::FieldValue next;
    next.set_phone(*new_phone);
    std::string history_id;
    if (absl::Status h =
            AddHistory(tx, c.citizen_id, v1::HISTORY_KIND_PHONE_CHANGED, v1::CITIZEN_FIELD_PHONE,
                       &*current, &next, request.actor(), request.reason(), "", &history_id);
        !h.ok()) {
      return h;
    }
    absl::StatusOr<std::optional<Stored>> after = Load(tx, "citizen_id = ?", {c.citizen_id});
    if (!after.ok()) return after.status();
    response->set_changed(true);
    response->set_history_entry_id(history_id);
    return ToProto(tx, **after, /*full=*/false, response->mutable_citizen());
  });
}

namespace {

// Checks a requested new value and returns it normalized.
absl::StatusOr<v1::FieldValue> CheckNewValue(const v1::FieldValue& value, const Actor& actor,
                                             absl::CivilDay today) {
  v1::FieldValue out;
  std::string why;
  switch (value.value_case()) {
    case v1::FieldValue::kFullName: {
      std::string name;
      if (!NormalizeName(value.full_name(), &name, &why)) {
        return status::InvalidField("new_value.full_name", why);
      }
      out.set_full_name(name);
      return out;
    }
    case v1::FieldValue::kBirthDate: {
      absl::CivilDay day;
      if (!ParseBirthDate(DateText(value.birth_date()), today, &day, &why)) {
        return status::InvalidField("new_value.birth_date", why);
      }
      *out.mutable_birth_date() = DateProto(FormatDate(day));
      return out;
    }
    case v1::FieldValue::kNik: {
      absl::StatusOr<std::string> nik = ParseNikField(value.nik(), "new_value.nik");
      if (!nik.ok()) return nik.status();
      out.set_nik(*nik);
      return out;
    }
    case v1::FieldValue::kPhone: {
      if (actor.channel() == lindungi::common::v1::CHANNEL_WHATSAPP) {
        return status::InvalidField("new_value.phone",
                                    "on WhatsApp the citizen changes the number with ChangePhone "
                                    "(after a code to the new number)");
      }
      absl::StatusOr<std::string> phone = ParsePhoneField(value.phone(), "new_value.phone");
      if (!phone.ok()) return phone.status();
      out.set_phone(*phone);
      return out;
    }
    case v1::FieldValue::kSex:
      return status::InvalidField("new_value", "sex is not corrected through change requests");
    default:
      return status::InvalidField("new_value", "the value to correct is missing");
  }
}

}  // namespace

absl::Status CitizenRegistry::RequestCorrection(const v1::RequestCorrectionRequest& request,
                                                v1::RequestCorrectionResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  if (absl::Status s = CheckActor(request.actor()); !s.ok()) return s;
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), Jakarta());
  absl::StatusOr<v1::FieldValue> value = CheckNewValue(request.new_value(), request.actor(), today);
  if (!value.ok()) return value.status();
  if (request.evidence_note().size() > kMaxEvidence) {
    return status::InvalidField("evidence_note",
                                "the evidence note is longer than 2,000 characters");
  }
  if (request.client_request_id().size() > kMaxClientRequestId) {
    return status::InvalidField("client_request_id", "longer than 128 characters");
  }
  const v1::CitizenField field = FieldOf(*value);

  return db_.Write([&](store::Transaction& tx) -> absl::Status {
    // A retry with the same client_request_id gets the request filed the first time.
    if (!request.client_request_id().empty()) {
      bool found = false;
      absl::Status q = tx.Query(
          "SELECT change_request_id, field, requested_at, citizen_id FROM change_requests "
          "WHERE client_request_id = ?",
          {request.client_request_id()}, [&](const store::Row& r) {
            found = true;
            response->set_change_request_id(r.Text(0));
            response->set_field(static_cast<v1::CitizenField>(r.Int(1)));
            SetTime(r.Int(2), response->mutable_requested_at());
            return false;
          });
      if (!q.ok()) return q;
      if (found) return absl::OkStatus();
    }
    absl::StatusOr<std::optional<Stored>> row = Load(tx, "citizen_id = ?", {request.citizen_id()});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "no citizen with this id");
    absl::StatusOr<v1::FieldValue> current = CurrentValue(**row, field);
    if (!current.ok()) return current.status();
    if (SameValue(*current, *value)) {
      return Failure(absl::StatusCode::kFailedPrecondition, "NO_CHANGE",
                     "the requested value is already the one on record");
    }
    std::string pending;
    absl::Status q = tx.Query("SELECT change_request_id FROM change_requests WHERE pending_key = ?",
                              {absl::StrCat(request.citizen_id(), ":", static_cast<int>(field))},
                              [&](const store::Row& r) {
                                pending = r.Text(0);
                                return false;
                              });
    if (!q.ok()) return q;
    if (!pending.empty()) {
      absl::Status s =
          Failure(absl::StatusCode::kFailedPrecondition, "CHANGE_REQUEST_PENDING",
                  absl::StrCat("a correction of this field is already waiting: ", pending));
      return s;
    }
    const absl::Time now = clock_.Now();
    const std::string id = ids::NewId("cr", now);
    absl::StatusOr<std::string> old_sealed = SealValue(absl::StrCat("cr:", id, ":old"), *current);
    absl::StatusOr<std::string> new_sealed = SealValue(absl::StrCat("cr:", id, ":new"), *value);
    if (!old_sealed.ok() || !new_sealed.ok()) return absl::InternalError("sealing failed");
    std::vector<store::Value> params = {id,
                                        request.citizen_id(),
                                        static_cast<int64_t>(field),
                                        store::Blob{*old_sealed},
                                        store::Blob{*new_sealed},
                                        static_cast<int64_t>(v1::CHANGE_REQUEST_STATUS_PENDING),
                                        request.evidence_note()};
    ActorColumns(request.actor(), &params);
    params.emplace_back(absl::ToUnixMillis(now));
    params.emplace_back(request.client_request_id().empty()
                            ? store::Value(std::monostate())
                            : store::Value(request.client_request_id()));
    params.emplace_back(absl::StrCat(request.citizen_id(), ":", static_cast<int>(field)));
    absl::StatusOr<int64_t> n = tx.Execute(
        "INSERT INTO change_requests (change_request_id, citizen_id, field, old_sealed, "
        "new_sealed, "
        "status, evidence_note, requested_by_id, requested_by_role, requested_by_channel, "
        "requested_at, decision_reason, client_request_id, pending_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
        params);
    if (!n.ok()) return n.status();
    if (absl::Status h =
            AddHistory(tx, request.citizen_id(), v1::HISTORY_KIND_CORRECTION_REQUESTED, field,
                       &*current, &*value, request.actor(), request.evidence_note(), id, nullptr);
        !h.ok()) {
      return h;
    }
    response->set_change_request_id(id);
    response->set_field(field);
    SetTime(absl::ToUnixMillis(now), response->mutable_requested_at());
    return absl::OkStatus();
  });
}

namespace {

constexpr absl::string_view kChangeRequestColumns =
    "cr.change_request_id, cr.citizen_id, c.full_name, cr.field, cr.old_sealed, cr.new_sealed, "
    "cr.status, cr.evidence_note, cr.requested_by_id, cr.requested_by_role, "
    "cr.requested_by_channel, cr.requested_at, cr.decided_by_id, cr.decided_by_role, "
    "cr.decided_by_channel, cr.decided_at, cr.decision_reason";

}  // namespace

absl::StatusOr<v1::ChangeRequest> CitizenRegistry::LoadChangeRequest(store::Transaction& tx,
                                                                     const std::string& id) {
  std::vector<v1::ChangeRequest> found;
  absl::Status s = QueryChangeRequests(tx, "cr.change_request_id = ?", {id}, &found);
  if (!s.ok()) return s;
  if (found.empty()) return NotFound("CHANGE_REQUEST_NOT_FOUND", "no change request with this id");
  return found[0];
}

absl::Status CitizenRegistry::QueryChangeRequests(store::Transaction& tx, absl::string_view where,
                                                  const std::vector<store::Value>& params,
                                                  std::vector<v1::ChangeRequest>* out) {
  absl::Status opened;
  absl::Status s = tx.Query(
      absl::StrCat(
          "SELECT ", kChangeRequestColumns,
          " FROM change_requests cr JOIN citizens c ON c.citizen_id = cr.citizen_id WHERE ", where),
      params, [&](const store::Row& r) {
        v1::ChangeRequest cr;
        cr.set_change_request_id(r.Text(0));
        cr.set_citizen_id(r.Text(1));
        cr.set_citizen_full_name(r.Text(2));
        cr.set_field(static_cast<v1::CitizenField>(r.Int(3)));
        absl::StatusOr<v1::FieldValue> old_value =
            OpenValue(absl::StrCat("cr:", cr.change_request_id(), ":old"), r.Bytes(4));
        absl::StatusOr<v1::FieldValue> new_value =
            OpenValue(absl::StrCat("cr:", cr.change_request_id(), ":new"), r.Bytes(5));
        if (!old_value.ok() || !new_value.ok()) {
          opened = absl::DataLossError("a change request's values do not open");
          return false;
        }
        *cr.mutable_old_value() = *old_value;
        *cr.mutable_new_value() = *new_value;
        cr.set_status(static_cast<v1::ChangeRequestStatus>(r.Int(6)));
        cr.set_evidence_note(r.Text(7));
        *cr.mutable_requested_by() = ActorFrom(r, 8);
        SetTime(r.Int(11), cr.mutable_requested_at());
        if (!r.IsNull(12)) {
          *cr.mutable_decided_by() = ActorFrom(r, 12);
          SetTime(r.Int(15), cr.mutable_decided_at());
        }
        cr.set_decision_reason(r.Text(16));
        out->push_back(std::move(cr));
        return true;
      });
  return s.ok() ? opened : s;
}

absl::Status CitizenRegistry::ListChangeRequests(const v1::ListChangeRequestsRequest& request,
                                                 v1::ListChangeRequestsResponse* response) {
  std::vector<std::string> where = {"1 = 1"};
  std::vector<store::Value> params;
  std::string filters;
  if (request.statuses_size() > 0) {
    std::vector<std::string> marks;
    for (int st : request.statuses()) {
      if (st <= v1::CHANGE_REQUEST_STATUS_UNSPECIFIED || !v1::ChangeRequestStatus_IsValid(st)) {
        return status::InvalidField("statuses", "unknown status");
      }
      marks.push_back("?");
      params.emplace_back(static_cast<int64_t>(st));
      absl::StrAppend(&filters, "s", st, ";");
    }
    where.push_back(absl::StrCat("cr.status IN (", absl::StrJoin(marks, ", "), ")"));
  }
  if (!request.citizen_id().empty()) {
    if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
    where.push_back("cr.citizen_id = ?");
    params.emplace_back(request.citizen_id());
    absl::StrAppend(&filters, "c", request.citizen_id(), ";");
  }
  if (request.field() != v1::CITIZEN_FIELD_UNSPECIFIED) {
    if (!v1::CitizenField_IsValid(request.field())) {
      return status::InvalidField("field", "unknown field");
    }
    where.push_back("cr.field = ?");
    params.emplace_back(static_cast<int64_t>(request.field()));
    absl::StrAppend(&filters, "f", request.field(), ";");
  }
  if (request.has_requested()) {
    if (request.requested().has_start()) {
      where.push_back("cr.requested_at >= ?");
      params.emplace_back(ToMs(request.requested().start()));
      absl::StrAppend(&filters, "a", ToMs(request.requested().start()), ";");
    }
    if (request.requested().has_end()) {
      where.push_back("cr.requested_at < ?");
      params.emplace_back(ToMs(request.requested().end()));
      absl::StrAppend(&filters, "b", ToMs(request.requested().end()), ";");
    }
  }
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> after = ParsePageToken(request.page_token(), "cr", filters);
    if (!after.ok()) return after.status();
    where.push_back("cr.change_request_id > ?");
    params.emplace_back(*after);
  }
  const int limit = PageSize(request.page_size());
  params.emplace_back(static_cast<int64_t>(limit + 1));
  std::vector<v1::ChangeRequest> found;
  absl::Status s = db_.Read([&](store::Transaction& tx) {
    return QueryChangeRequests(
        tx, absl::StrCat(absl::StrJoin(where, " AND "), " ORDER BY cr.change_request_id LIMIT ?"),
        params, &found);
  });
  if (!s.ok()) return s;
  for (int i = 0; i < static_cast<int>(found.size()) && i < limit; ++i) {
    *response->add_change_requests() = std::move(found[i]);
  }
  if (static_cast<int>(found.size()) > limit) {
    response->set_next_page_token(
        PageToken("cr", filters, response->change_requests(limit - 1).change_request_id()));
  }
  return absl::OkStatus();
}

absl::Status CitizenRegistry::ApplyCorrection(store::Transaction& tx, const Stored& row,
                                              const v1::FieldValue& value, int64_t now_ms) {
  absl::StatusOr<int64_t> n;
  switch (value.value_case()) {
    case v1::FieldValue::kFullName:
      n = tx.Execute(
          "UPDATE citizens SET full_name = ?, version = version + 1, updated_at = ? "
          "WHERE citizen_id = ?",
          {value.full_name(), now_ms, row.citizen_id});
      break;
    case v1::FieldValue::kBirthDate:
      n = tx.Execute(
          "UPDATE citizens SET birth_date = ?, version = version + 1, updated_at = ? "
          "WHERE citizen_id = ?",
          {DateText(value.birth_date()), now_ms, row.citizen_id});
      break;
    case v1::FieldValue::kNik: {
      absl::StatusOr<std::string> sealed = vault_.Seal(NikContext(row.citizen_id), value.nik());
      if (!sealed.ok()) return sealed.status();
      n = tx.Execute(
          "UPDATE citizens SET nik_index = ?, nik_sealed = ?, masked_nik = ?, "
          "version = version + 1, updated_at = ? WHERE citizen_id = ?",
          {store::Blob{vault_.BlindIndex("nik", value.nik())}, store::Blob{*sealed},
           nik::MaskNik(value.nik()), now_ms, row.citizen_id});
      if (n.status().code() == absl::StatusCode::kAlreadyExists) {
        return Failure(absl::StatusCode::kFailedPrecondition, "NIK_IN_USE",
                       "the corrected NIK already belongs to another citizen");
      }
      break;
    }
    case v1::FieldValue::kPhone: {
      absl::StatusOr<std::string> sealed = vault_.Seal(PhoneContext(row.citizen_id), value.phone());
      if (!sealed.ok()) return sealed.status();
      n = tx.Execute(
          "UPDATE citizens SET phone_index = ?, phone_sealed = ?, masked_phone = ?, "
          "version = version + 1, updated_at = ? WHERE citizen_id = ?",
          {store::Blob{vault_.BlindIndex("phone", value.phone())}, store::Blob{*sealed},
           phone::MaskPhone(value.phone()), now_ms, row.citizen_id});
      break;
    }
    default:
      return absl::InternalError("a change request holds no value");
  }
  return n.status();
}

absl::Status CitizenRegistry::DecideChangeRequest(const v1::DecideChangeRequestRequest& request,
                                                  v1::DecideChangeRequestResponse* response) {
  if (!ids::IsId(request.change_request_id(), "cr")) {
    return status::InvalidField("change_request_id", "not a change request id");
  }
  if (request.decision() != v1::DECISION_APPROVE && request.decision() != v1::DECISION_REJECT) {
    return status::InvalidField("decision", "approve or reject");
  }
  if (absl::Status s = CheckActor(request.actor()); !s.ok()) return s;
  const Role role = request.actor().role();
  if (role != lindungi::common::v1::ROLE_SUPERVISOR && role != lindungi::common::v1::ROLE_ADMIN) {
    return Failure(absl::StatusCode::kPermissionDenied, "SUPERVISOR_REQUIRED",
                   "only a supervisor decides change requests");
  }
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return s;

  return db_.Write([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::ChangeRequest> cr = LoadChangeRequest(tx, request.change_request_id());
    if (!cr.ok()) return cr.status();
    if (cr->status() != v1::CHANGE_REQUEST_STATUS_PENDING) {
      absl::Status s =
          Failure(absl::StatusCode::kFailedPrecondition, "ALREADY_DECIDED",
                  absl::StrCat("the request was already ",
                               cr->status() == v1::CHANGE_REQUEST_STATUS_APPROVED ? "approved"
                                                                                  : "rejected"));
      return s;
    }
    absl::StatusOr<std::optional<Stored>> row = Load(tx, "citizen_id = ?", {cr->citizen_id()});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "the citizen no longer exists");
    const int64_t now = absl::ToUnixMillis(clock_.Now());
    const bool approve = request.decision() == v1::DECISION_APPROVE;
    if (approve) {
      absl::StatusOr<v1::FieldValue> current = CurrentValue(**row, cr->field());
      if (!current.ok()) return current.status();
      if (!SameValue(*current, cr->old_value())) {
        return Failure(absl::StatusCode::kFailedPrecondition, "VALUE_CHANGED",
                       "the field changed since the request was filed; file it again");
      }
      if (absl::Status a = ApplyCorrection(tx, **row, cr->new_value(), now); !a.ok()) return a;
    }
    const auto status =
        approve ? v1::CHANGE_REQUEST_STATUS_APPROVED : v1::CHANGE_REQUEST_STATUS_REJECTED;
    std::vector<store::Value> params = {static_cast<int64_t>(status)};
    ActorColumns(request.actor(), &params);
    params.emplace_back(now);
    params.emplace_back(request.reason());
    params.emplace_back(request.change_request_id());
    params.emplace_back(static_cast<int64_t>(v1::CHANGE_REQUEST_STATUS_PENDING));
    absl::StatusOr<int64_t> n = tx.Execute(
        "UPDATE change_requests SET status = ?, decided_by_id = ?, decided_by_role = ?, "
        "decided_by_channel = ?, decided_at = ?, decision_reason = ?, pending_key = NULL "
        "WHERE change_request_id = ? AND status = ?",
        params);
    if (!n.ok()) return n.status();
    if (*n != 1) return Failure(absl::StatusCode::kAborted, "ALREADY_DECIDED", "decided meanwhile");
    if (absl::Status h = AddHistory(
            tx, cr->citizen_id(),
            approve ? v1::HISTORY_KIND_CORRECTION_APPROVED : v1::HISTORY_KIND_CORRECTION_REJECTED,
            cr->field(), &cr->old_value(), &cr->new_value(), request.actor(), request.reason(),
            cr->change_request_id(), nullptr);
        !h.ok()) {
      return h;
    }
    absl::StatusOr<v1::ChangeRequest> decided = LoadChangeRequest(tx, request.change_request_id());
    if (!decided.ok()) return decided.status();
    *response->mutable_change_request() = *decided;
    absl::StatusOr<std::optional<Stored>> after = Load(tx, "citizen_id = ?", {cr->citizen_id()});
    if (!after.ok()) return after.status();
    return ToProto(tx, **after, /*full=*/false, response->mutable_citizen());
  });
}

absl::Status CitizenRegistry::GetCitizenHistory(const v1::GetCitizenHistoryRequest& request,
                                                v1::GetCitizenHistoryResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  if (absl::Status s = CheckActor(request.actor()); !s.ok()) return s;
  if (!IsAgent(request.actor().role())) {
    return Failure(absl::StatusCode::kPermissionDenied, "AGENT_REQUIRED",
                   "only agents read a citizen's history");
  }
  if (absl::Status s = CheckReason(request.reason()); !s.ok()) return s;
  const int limit = PageSize(request.page_size());
  std::string before;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> cursor =
        ParsePageToken(request.page_token(), "history", request.citizen_id());
    if (!cursor.ok()) return cursor.status();
    before = *cursor;
  }
  return db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Stored>> row = Load(tx, "citizen_id = ?", {request.citizen_id()});
    if (!row.ok()) return row.status();
    if (!row->has_value()) return NotFound("CITIZEN_NOT_FOUND", "no citizen with this id");
    // Newest first; the import that created the citizen is the oldest entry, made from its
    // import run (imports write no history row per citizen: 10 million of them would double
    // the import's work). Its cursor is "~", which sorts after every id.
    std::vector<v1::HistoryEntry> entries;
    absl::Status opened;
    if (before != "~") {
      std::string sql =
          "SELECT history_id, kind, field, old_sealed, new_sealed, actor_id, actor_role, "
          "actor_channel, reason, change_request_id, at FROM citizen_history WHERE citizen_id = ?";
      std::vector<store::Value> params = {request.citizen_id()};
      if (!before.empty()) {
        absl::StrAppend(&sql, " AND history_id < ?");
        params.emplace_back(before);
      }
      absl::StrAppend(&sql, " ORDER BY history_id DESC LIMIT ?");
      params.emplace_back(static_cast<int64_t>(limit + 1));
      absl::Status q = tx.Query(sql, params, [&](const store::Row& r) {
        v1::HistoryEntry e;
        e.set_history_entry_id(r.Text(0));
        e.set_kind(static_cast<v1::HistoryKind>(r.Int(1)));
        e.set_field(static_cast<v1::CitizenField>(r.Int(2)));
        for (int col : {3, 4}) {
          if (r.IsNull(col)) continue;
          absl::StatusOr<v1::FieldValue> v =
              OpenValue(absl::StrCat("history:", e.history_entry_id(), col == 3 ? ":old" : ":new"),
                        r.Bytes(col));
          if (!v.ok()) {
            opened = v.status();
            return false;
          }
          *(col == 3 ? e.mutable_old_value() : e.mutable_new_value()) = *v;
        }
        *e.mutable_actor() = ActorFrom(r, 5);
        e.set_reason(r.Text(8));
        e.set_change_request_id(r.Text(9));
        SetTime(r.Int(10), e.mutable_at());
        entries.push_back(std::move(e));
        return true;
      });
      if (!q.ok()) return q;
      if (!opened.ok()) return opened;
    }
    if (static_cast<int>(entries.size()) <= limit && !(*row)->import_id.empty()) {
      absl::Status q = tx.Query(
          "SELECT import_id, source_name, actor_id, actor_role, actor_channel, started_at "
          "FROM import_runs WHERE import_id = ?",
          {(*row)->import_id}, [&](const store::Row& r) {
            v1::HistoryEntry e;
            e.set_history_entry_id(r.Text(0));
            e.set_kind(v1::HISTORY_KIND_IMPORTED);
            *e.mutable_actor() = ActorFrom(r, 2);
            e.set_reason(absl::StrCat("imported from ", r.Text(1)));
            SetTime((*row)->created_at, e.mutable_at());
            entries.push_back(std::move(e));
            return false;
          });
      if (!q.ok()) return q;
    }
    for (int i = 0; i < static_cast<int>(entries.size()) && i < limit; ++i) {
      *response->add_entries() = entries[i];
    }
    if (static_cast<int>(entries.size()) > limit) {
      const v1::HistoryEntry& last = response->entries(limit - 1);
      response->set_next_page_token(
          PageToken("history", request.citizen_id(),
                    last.kind() == v1::HISTORY_KIND_IMPORTED ? "~" : last.history_entry_id()));
    }
    return absl::OkStatus();
  });
}

}  // namespace lindungi::identity

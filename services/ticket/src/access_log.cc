#include "access_log.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "desk_support.h"
#include "lindungi/ids/ids.h"
#include "lindungi/log/log.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"

namespace lindungi::ticket {

using namespace desk_support;  // NOLINT: the desk's own vocabulary
using records::SetTime;
using records::ToMs;

namespace {

// Masked look-ups keep at most the first and last four digits (0812****7890,
// 3201********0001): a longer run of digits is an unmasked number or NIK.
bool LooksUnmasked(absl::string_view query) {
  int run = 0;
  for (char c : query) {
    run = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run > 6) return true;
  }
  return false;
}

absl::Status CheckRecord(const v1::RecordAccessRequest& r) {
  if (absl::Status s = records::CheckActor(r.actor()); !s.ok()) return s;
  if (r.action() == v1::ACCESS_ACTION_UNSPECIFIED || !v1::AccessAction_IsValid(r.action())) {
    return status::InvalidField("action", "what the agent did is required");
  }
  if (r.result() == v1::ACCESS_RESULT_UNSPECIFIED || !v1::AccessResult_IsValid(r.result())) {
    return status::InvalidField("result", "what came of the access is required");
  }
  if (absl::Status s = CheckText(r.reason(), "reason", true, AccessLog::kMaxReason); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckIdField(r.citizen_id(), "citizen_id", 64); !s.ok()) return s;
  if (r.citizen_id().empty() && r.masked_query().empty()) {
    return status::InvalidField("citizen_id",
                                "name the citizen, or the masked query that found "
                                "nobody");
  }
  if (CodePoints(r.masked_query()) > AccessLog::kMaxQuery) {
    return status::InvalidField("masked_query", "is longer than 64 characters");
  }
  if (LooksUnmasked(r.masked_query())) {
    return status::InvalidField("masked_query",
                                "must be masked (e.g. 0812****7890): the audit log never holds a "
                                "full phone number or NIK");
  }
  return CheckIdField(r.request_id(), "request_id", 128);
}

}  // namespace

absl::Status AccessLog::RecordAccess(const v1::RecordAccessRequest& request,
                                     v1::RecordAccessResponse* response) {
  if (absl::Status s = CheckRecord(request); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  const std::string id = ids::NewId("acc", now);
  const std::string& request_id =
      request.request_id().empty() ? log::CurrentRequestId() : request.request_id();
  std::vector<store::Value> params = {id, absl::ToUnixMillis(now)};
  records::ActorColumns(request.actor(), &params);
  for (store::Value v :
       {store::Value(static_cast<int64_t>(request.action())), store::Value(request.citizen_id()),
        store::Value(request.masked_query()), store::Value(request.reason()),
        store::Value(static_cast<int64_t>(request.result())), store::Value(request_id)}) {
    params.push_back(std::move(v));
  }
  absl::Status s = db_.Write([&](store::Transaction& tx) {
    return tx
        .Execute(
            "INSERT INTO access_events (access_id, at, actor_id, actor_role, actor_channel, "
            "action, citizen_id, masked_query, reason, result, request_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params)
        .status();
  });
  if (!s.ok()) return s;
  response->set_access_id(id);
  SetTime(absl::ToUnixMillis(now), response->mutable_recorded_at());
  return absl::OkStatus();
}

absl::Status AccessLog::ListAccess(const v1::ListAccessRequest& request,
                                   v1::ListAccessResponse* response) {
  absl::StatusOr<int> limit = PageSize(request.page_size(), 100, 1000);
  if (!limit.ok()) return limit.status();
  std::string column;
  std::string subject;
  switch (request.subject_case()) {
    case v1::ListAccessRequest::kCitizenId:
      column = "citizen_id";
      subject = request.citizen_id();
      break;
    case v1::ListAccessRequest::kActorId:
      column = "actor_id";
      subject = request.actor_id();
      break;
    default:
      break;
  }
  if (subject.empty()) {
    return status::InvalidField("subject", "give a citizen_id or an actor_id");
  }
  if (absl::Status s = CheckIdField(subject, column, 64); !s.ok()) return s;
  const int64_t start =
      request.time_range().has_start() ? ToMs(request.time_range().start()) : INT64_MIN;
  const int64_t end = request.time_range().has_end() ? ToMs(request.time_range().end()) : INT64_MAX;
  if (end < start) return status::InvalidField("time_range", "the range ends before it starts");
  v1::ListAccessRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  std::string sql = absl::StrCat(
      "SELECT access_id, at, actor_id, actor_role, actor_channel, action, citizen_id, "
      "masked_query, reason, result, request_id FROM access_events WHERE ",
      column, " = ? AND at >= ? AND at < ?");
  std::vector<store::Value> params = {subject, start, end};
  if (absl::Status k =
          AppendKeyset(vault_, request.page_token(), "access", filters.SerializeAsString(), "at",
                       "access_id", *limit, &sql, &params);
      !k.ok()) {
    return k;
  }
  absl::StatusOr<bool> more =
      ReadPageIn(db_, sql, params, *limit, [&](const store::Row& r) -> absl::StatusOr<size_t> {
        v1::AccessEvent* e = response->add_events();
        e->set_access_id(r.Text(0));
        SetTime(r.Int(1), e->mutable_at());
        *e->mutable_actor() = records::ActorFrom(r, 2);
        e->set_action(static_cast<v1::AccessAction>(r.Int(5)));
        e->set_citizen_id(r.Text(6));
        e->set_masked_query(r.Text(7));
        e->set_reason(r.Text(8));
        e->set_result(static_cast<v1::AccessResult>(r.Int(9)));
        e->set_request_id(r.Text(10));
        return e->ByteSizeLong();
      });
  if (!more.ok()) return more.status();
  if (*more && response->events_size() > 0) {
    const v1::AccessEvent& last = response->events(response->events_size() - 1);
    response->set_next_page_token(KeysetToken(vault_, "access", filters.SerializeAsString(),
                                              ToMs(last.at()), last.access_id()));
  }
  return absl::OkStatus();
}

}  // namespace lindungi::ticket

#include "desk_support.h"

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"

namespace lindungi::ticket::desk_support {

size_t CodePoints(absl::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // count every byte that is not a continuation byte
  }
  return n;
}

absl::Status CheckText(absl::string_view text, absl::string_view field, bool required, size_t max) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return status::InvalidField(field, "is required");
  }
  if (CodePoints(text) > max) {
    return status::InvalidField(field, absl::StrCat("is longer than ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckIdField(absl::string_view id, absl::string_view field, size_t max) {
  if (id.size() > max) {
    return status::InvalidField(field, absl::StrCat("is longer than ", max, " characters"));
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return status::InvalidField(field, "must be printable ASCII");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int requested, int fallback, int max) {
  if (requested < 0) return status::InvalidField("page_size", "must not be negative");
  if (requested == 0) return fallback;
  return std::min(requested, max);
}

absl::StatusOr<bool> ReadPage(store::Transaction& tx, absl::string_view sql, store::Params params,
                              int limit,
                              absl::FunctionRef<absl::StatusOr<size_t>(const store::Row&)> add) {
  int rows = 0;
  size_t bytes = 0;
  bool more = false;
  absl::Status failed;
  absl::Status s = tx.Query(sql, params, [&](const store::Row& r) {
    if (rows == limit || bytes >= kMaxPageBytes) {
      more = true;
      return false;
    }
    absl::StatusOr<size_t> added = add(r);
    if (!added.ok()) {
      failed = added.status();
      return false;
    }
    bytes += *added;
    ++rows;
    return true;
  });
  if (!s.ok()) return s;
  if (!failed.ok()) return failed;
  return more;
}

absl::StatusOr<bool> ReadPageIn(store::Database& db, absl::string_view sql, store::Params params,
                                int limit,
                                absl::FunctionRef<absl::StatusOr<size_t>(const store::Row&)> add) {
  bool more = false;
  absl::Status s = db.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<bool> m = ReadPage(tx, sql, params, limit, add);
    if (!m.ok()) return m.status();
    more = *m;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return more;
}

absl::Status AppendKeyset(const crypto::PiiVault& vault, absl::string_view token,
                          absl::string_view kind, absl::string_view filters,
                          absl::string_view time_column, absl::string_view id_column, int limit,
                          std::string* sql, std::vector<store::Value>* params) {
  if (!token.empty()) {
    absl::StatusOr<std::string> cursor = records::ParsePageToken(vault, token, kind, filters);
    if (!cursor.ok()) return cursor.status();
    std::vector<std::string> parts = absl::StrSplit(*cursor, absl::MaxSplits('\n', 1));
    int64_t ms = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &ms)) {
      return status::InvalidField("page_token", "not a page token");
    }
    absl::StrAppend(sql, " AND (", time_column, ", ", id_column, ") > (?, ?)");
    params->emplace_back(ms);
    params->emplace_back(parts[1]);
  }
  absl::StrAppend(sql, " ORDER BY ", time_column, ", ", id_column, " LIMIT ?");
  params->emplace_back(static_cast<int64_t>(limit + 1));
  return absl::OkStatus();
}

std::string KeysetToken(const crypto::PiiVault& vault, absl::string_view kind,
                        absl::string_view filters, int64_t ms, absl::string_view id) {
  return records::PageToken(vault, kind, filters, absl::StrCat(ms, "\n", id));
}

}  // namespace lindungi::ticket::desk_support

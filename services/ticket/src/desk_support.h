#pragma once

// Checks and errors shared by the ticket desk and the access log.

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/status/status.h"
#include "lindungi/store/store.h"

namespace lindungi::ticket::desk_support {

inline constexpr absl::string_view kDomain = "ticket.lindungi";

// An error with an ErrorInfo reason in the ticket.lindungi domain.
inline constexpr status::ErrorDomain Failure{kDomain};

// Unicode code points in UTF-8 text (what "characters" means in every limit).
size_t CodePoints(absl::string_view utf8);
// INVALID_ARGUMENT naming `field` when the text is blank (and `required`) or over `max`
// characters.
absl::Status CheckText(absl::string_view text, absl::string_view field, bool required, size_t max);
// INVALID_ARGUMENT naming `field` for an id over `max` bytes or with characters other than
// printable ASCII.
absl::Status CheckIdField(absl::string_view id, absl::string_view field, size_t max);

// Page sizes: 0 = `fallback`, capped at `max`; negative is INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int requested, int fallback, int max);

// Keeps responses well under gRPC's 4 MiB message limit whatever the texts' lengths: a page ends
// early once it holds this much (the page token then continues from there).
inline constexpr size_t kMaxPageBytes = 2 * 1024 * 1024;

// Runs `sql` (which must return at least limit + 1 rows when more exist) and hands rows to `add`,
// which returns the bytes it added to the page, until the page holds `limit` rows or
// kMaxPageBytes. Returns whether rows are left over (a next page).
absl::StatusOr<bool> ReadPage(store::Transaction& tx, absl::string_view sql, store::Params params,
                              int limit,
                              absl::FunctionRef<absl::StatusOr<size_t>(const store::Row&)> add);

// ReadPage in a read transaction of its own.
absl::StatusOr<bool> ReadPageIn(store::Database& db, absl::string_view sql, store::Params params,
                                int limit,
                                absl::FunctionRef<absl::StatusOr<size_t>(const store::Row&)> add);

// Keyset pagination over (time column, id column): appends to `sql` the condition that starts
// after the page token's cursor (when `token` is set; INVALID_ARGUMENT when it is not one of
// `kind` for these `filters`), then ORDER BY both columns and LIMIT limit + 1.
absl::Status AppendKeyset(const crypto::PiiVault& vault, absl::string_view token,
                          absl::string_view kind, absl::string_view filters,
                          absl::string_view time_column, absl::string_view id_column, int limit,
                          std::string* sql, std::vector<store::Value>* params);
// The token that continues after the row (ms, id).
std::string KeysetToken(const crypto::PiiVault& vault, absl::string_view kind,
                        absl::string_view filters, int64_t ms, absl::string_view id);

}  // namespace lindungi::ticket::desk_support

#pragma once

// Rewriting portable SQL for a backend. Internal to libs/store.

#include <string>

#include "absl/strings/string_view.h"

namespace lindungi::store::internal {

// `sql` with every bare word equal to `word` (ASCII case-insensitive) replaced by `replacement`.
// Words inside '...' literals, "..." identifiers and -- or /* */ comments are left alone, as are
// parts of longer words (BYTES_USED) and of numbers.
std::string ReplaceWord(absl::string_view sql, absl::string_view word,
                        absl::string_view replacement);

// Whether the statement starts with BEGIN, START, COMMIT, END, ROLLBACK, SAVEPOINT or RELEASE
// (after spaces and comments): transactions are controlled through the API, never in SQL.
bool IsTransactionControl(absl::string_view sql);

// `sql` collapsed to one line and cut to about `max_chars`, for error messages.
std::string Abbreviate(absl::string_view sql, size_t max_chars = 120);

}  // namespace lindungi::store::internal

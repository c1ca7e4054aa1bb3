#include "portable_sql.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace lindungi::store::internal {
namespace {

bool IsWordStart(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

}  // namespace

std::string ReplaceWord(absl::string_view sql, absl::string_view word,
                        absl::string_view replacement) {
  std::string out;
  out.reserve(sql.size());
  const size_t n = sql.size();
  size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    size_t j = i + 1;
    if (c == '\'' || c == '"') {  // a quoted literal or identifier; a doubled quote escapes
      while (j < n) {
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
    } else if (c == '-' && j < n && sql[j] == '-') {
      j = sql.find('\n', i);
      j = j == absl::string_view::npos ? n : j;
    } else if (c == '/' && j < n && sql[j] == '*') {
      j = sql.find("*/", i + 2);
      j = j == absl::string_view::npos ? n : j + 2;
    } else if (IsWordStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      while (j < n && IsWordChar(sql[j])) ++j;
      const absl::string_view token = sql.substr(i, j - i);
      if (IsWordStart(c) && absl::EqualsIgnoreCase(token, word)) {
        out.append(replacement.data(), replacement.size());
        i = j;
        continue;
      }
    }
    out.append(sql.data() + i, j - i);
    i = j;
  }
  return out;
}

bool IsTransactionControl(absl::string_view sql) {
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    if (absl::ascii_isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == absl::string_view::npos) return false;
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == absl::string_view::npos) return false;
      i += 2;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < n && IsWordChar(sql[j])) ++j;
  const absl::string_view word = sql.substr(i, j - i);
  for (absl::string_view control :
       {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}) {
    if (absl::EqualsIgnoreCase(word, control)) return true;
  }
  return false;
}

std::string Abbreviate(absl::string_view sql, size_t max_chars) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    if (out.size() >= max_chars) {
      out.append("...");
      break;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace lindungi::store::internal

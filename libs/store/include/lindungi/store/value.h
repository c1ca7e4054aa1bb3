#pragma once

// A value bound to a `?` placeholder: NULL, a 64-bit integer, a double, UTF-8 text or bytes.
// Converts implicitly from what callers have at hand, so parameters read naturally:
//   tx.Execute("INSERT INTO citizens(id, name, nik_index, phone) VALUES (?, ?, ?, ?)",
//              {id, name, Blob{index}, std::optional<std::string>()});

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/base/config.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace lindungi::store {

// Binary data (BLOB in SQLite, BYTEA in PostgreSQL); any bytes, NUL included.
struct Blob {
  std::string bytes;
};
inline bool operator==(const Blob& a, const Blob& b) { return a.bytes == b.bytes; }
inline bool operator!=(const Blob& a, const Blob& b) { return !(a == b); }

class Value {
 public:
  // monostate is SQL NULL; std::string is TEXT (UTF-8); Blob is binary.
  using Variant = std::variant<std::monostate, int64_t, double, std::string, Blob>;

  Value() = default;  // NULL
  Value(std::monostate) {}
  Value(std::nullopt_t) {}
  Value(std::nullptr_t) {}
  // Any integer type (bool becomes 0/1). Unsigned values above INT64_MAX wrap: do not bind them.
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  Value(T v) : v_(static_cast<int64_t>(v)) {}
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Value(T v) : v_(static_cast<double>(v)) {}
  Value(const char* text) {  // a null pointer is NULL
    if (text != nullptr) v_ = std::string(text);
  }
  Value(std::string text) : v_(std::move(text)) {}
  Value(absl::string_view text) : v_(std::string(text)) {}
#ifndef ABSL_USES_STD_STRING_VIEW
  Value(std::string_view text) : v_(std::string(text)) {}
#endif
  Value(Blob blob) : v_(std::move(blob)) {}
  // An empty optional is NULL.
  template <typename T>
  Value(const std::optional<T>& v) {
    if (v.has_value()) *this = Value(*v);
  }

  const Variant& variant() const { return v_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  Variant v_;
};

// The values for a statement's `?` placeholders, in order. A braced list works and allocates no
// vector: tx.Execute(sql, {a, b, c}). The values are read only during the call.
using Params = absl::Span<const Value>;

}  // namespace lindungi::store

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace lindungi::dcc {

// One CBOR data item (RFC 8949). Maps keep their entries in insertion (or decoded) order; the
// encoder sorts them. Cheap to move; copies are deep.
class CborValue {
 public:
  enum class Type : uint8_t {
    kUnsigned,   // major type 0
    kNegative,   // major type 1: the value is -1 - argument
    kBytes,      // major type 2
    kText,       // major type 3, valid UTF-8
    kArray,      // major type 4
    kMap,        // major type 5
    kTag,        // major type 6, one content item
    kBool,       // simple 20/21
    kNull,       // simple 22
    kUndefined,  // simple 23
    kSimple,     // any other simple value
    kFloat,      // half, single or double precision
  };

  CborValue() = default;  // null

  static CborValue Unsigned(uint64_t value);
  // -1 - n: covers the whole range down to -2^64.
  static CborValue NegativeFromArgument(uint64_t n);
  static CborValue Int(int64_t value);
  static CborValue Bytes(std::string bytes);
  static CborValue Text(std::string text);
  static CborValue Array(std::vector<CborValue> items = {});
  static CborValue Map();
  static CborValue Tag(uint64_t tag, CborValue content);
  static CborValue Bool(bool value);
  static CborValue Null();
  static CborValue Undefined();
  static CborValue Simple(uint8_t value);
  static CborValue Float(double value);

  Type type() const { return type_; }
  bool is_int() const { return type_ == Type::kUnsigned || type_ == Type::kNegative; }
  bool is_text() const { return type_ == Type::kText; }
  bool is_bytes() const { return type_ == Type::kBytes; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_map() const { return type_ == Type::kMap; }

  // The integer value, or nullopt if this is not an integer or it does not fit an int64_t.
  std::optional<int64_t> AsInt64() const;
  // Unsigned: the value; negative: n in -1 - n; tag: the tag number; simple/bool: the value.
  uint64_t argument() const { return argument_; }
  double float_value() const { return float_; }
  bool bool_value() const { return argument_ == 21; }
  // Bytes or text content.
  const std::string& string_value() const { return string_; }

  // Array items, or a tag's single content item.
  const std::vector<CborValue>& items() const { return children_; }
  std::vector<CborValue>& mutable_items() { return children_; }
  const CborValue& tag_content() const { return children_.front(); }

  // Maps: entries are stored as key, value, key, value, ...
  size_t map_size() const { return children_.size() / 2; }
  const CborValue& map_key(size_t i) const { return children_[2 * i]; }
  const CborValue& map_value(size_t i) const { return children_[2 * i + 1]; }
  // Appends an entry (no duplicate check here: EncodeCbor rejects duplicates).
  CborValue& Add(CborValue key, CborValue value);
  CborValue& Add(int64_t key, CborValue value) { return Add(Int(key), std::move(value)); }
  CborValue& Add(absl::string_view key, CborValue value) {
    return Add(Text(std::string(key)), std::move(value));
  }
  // The value for an integer or text key, nullptr when absent (or this is not a map).
  const CborValue* Find(int64_t key) const;
  const CborValue* Find(absl::string_view key) const;

  // Structural equality: same types, values and (for maps) the same entry order. For
  // order-insensitive comparison compare the deterministic encodings.
  bool operator==(const CborValue& other) const;
  bool operator!=(const CborValue& other) const { return !(*this == other); }

 private:
  static CborValue Of(Type type, uint64_t argument) {
    CborValue v;
    v.type_ = type;
    v.argument_ = argument;
    return v;
  }

  Type type_ = Type::kNull;
  uint64_t argument_ = 22;
  double float_ = 0;
  std::string string_;
  std::vector<CborValue> children_;
};

// Deterministic encoding (RFC 8949 section 4.2.1): shortest-form heads, definite lengths only,
// map keys sorted by their encoded bytes, floats in the shortest form that keeps the value.
// InvalidArgument for a map with two equal keys (or a tag without content), which have no
// deterministic encoding.
absl::StatusOr<std::string> EncodeCbor(const CborValue& value);

struct CborLimits {
  int max_depth = 32;        // nested arrays, maps and tags
  size_t max_items = 16384;  // data items in the whole input
};

// Decodes exactly one well-formed item that spans all of `data`. Accepts non-deterministic
// forms (indefinite lengths, long-form heads, any map order, half floats, tags). Fails with
// InvalidArgument, naming the offset, for: truncation, reserved additional information (28-30),
// a break outside an indefinite item, indefinite strings with chunks of another type, invalid
// UTF-8 in text, a declared length larger than the remaining input (checked before anything is
// allocated), duplicate map keys, trailing bytes, and more nesting or items than `limits`.
absl::StatusOr<CborValue> DecodeCbor(absl::string_view data, const CborLimits& limits = {});

// For diagnostics: maps become objects (integer keys in decimal, byte string keys in base64url,
// other keys as "cbor:" and the hex of their encoding), byte strings unpadded base64url, tags
// are dropped in favour of their content, undefined becomes null, and non-finite floats null.
// The JSON text stays within a small multiple of the CBOR's size.
nlohmann::json CborToJson(const CborValue& value);

}  // namespace lindungi::dcc

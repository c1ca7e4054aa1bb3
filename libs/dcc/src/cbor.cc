#include "lindungi/dcc/cbor.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/hash.h"
#include "utf8.h"

namespace lindungi::dcc {

// --- CborValue ---------------------------------------------------------------------------------

CborValue CborValue::Unsigned(uint64_t value) { return Of(Type::kUnsigned, value); }

CborValue CborValue::NegativeFromArgument(uint64_t n) { return Of(Type::kNegative, n); }

CborValue CborValue::Int(int64_t value) {
  if (value >= 0) return Unsigned(static_cast<uint64_t>(value));
  // -1 - n = value  =>  n = -(value + 1), which cannot overflow.
  return NegativeFromArgument(static_cast<uint64_t>(-(value + 1)));
}

CborValue CborValue::Bytes(std::string bytes) {
  CborValue v = Of(Type::kBytes, 0);
  v.string_ = std::move(bytes);
  return v;
}

CborValue CborValue::Text(std::string text) {
  CborValue v = Of(Type::kText, 0);
  v.string_ = std::move(text);
  return v;
}

CborValue CborValue::Array(std::vector<CborValue> items) {
  CborValue v = Of(Type::kArray, 0);
  v.children_ = std::move(items);
  return v;
}

CborValue CborValue::Map() { return Of(Type::kMap, 0); }

CborValue CborValue::Tag(uint64_t tag, CborValue content) {
  CborValue v = Of(Type::kTag, tag);
  v.children_.push_back(std::move(content));
  return v;
}

CborValue CborValue::Bool(bool value) { return Of(Type::kBool, value ? 21 : 20); }

CborValue CborValue::Null() { return CborValue(); }

CborValue CborValue::Undefined() { return Of(Type::kUndefined, 23); }

CborValue CborValue::Simple(uint8_t value) {
  switch (value) {
    case 20:
    case 21:
      return Bool(value == 21);
    case 22:
      return Null();
    case 23:
      return Undefined();
    default:
      break;
  }
  return Of(Type::kSimple, value);
}

CborValue CborValue::Float(double value) {
  CborValue v = Of(Type::kFloat, 0);
  v.float_ = value;
  return v;
}

std::optional<int64_t> CborValue::AsInt64() const {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (type_ == Type::kUnsigned && argument_ <= kMax) return static_cast<int64_t>(argument_);
  if (type_ == Type::kNegative && argument_ <= kMax) return -1 - static_cast<int64_t>(argument_);
  return std::nullopt;
}

CborValue& CborValue::Add(CborValue key, CborValue value) {
  children_.push_back(std::move(key));
  children_.push_back(std::move(value));
  return *this;
}

const CborValue* CborValue::Find(int64_t key) const {
  if (type_ != Type::kMap) return nullptr;
  for (size_t i = 0; i + 1 < children_.size(); i += 2) {
    if (children_[i].AsInt64() == key) return &children_[i + 1];
  }
  return nullptr;
}

const CborValue* CborValue::Find(absl::string_view key) const {
  if (type_ != Type::kMap) return nullptr;
  for (size_t i = 0; i + 1 < children_.size(); i += 2) {
    if (children_[i].type_ == Type::kText && children_[i].string_ == key) {
      return &children_[i + 1];
    }
  }
  return nullptr;
}

bool CborValue::operator==(const CborValue& other) const {
  if (type_ != other.type_ || argument_ != other.argument_) return false;
  // Bitwise, so that equality stays reflexive for NaN.
  if (type_ == Type::kFloat) return std::memcmp(&float_, &other.float_, sizeof(float_)) == 0;
  return string_ == other.string_ && children_ == other.children_;
}

// --- Encoder -----------------------------------------------------------------------------------

namespace {

constexpr int kMaxEncodeDepth = 256;

enum Major : uint8_t {
  kMajorUnsigned = 0,
  kMajorNegative = 1,
  kMajorBytes = 2,
  kMajorText = 3,
  kMajorArray = 4,
  kMajorMap = 5,
  kMajorTag = 6,
  kMajorSimple = 7,
};

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void AppendHead(std::string* out, uint8_t major, uint64_t argument) {
  const uint8_t mt = static_cast<uint8_t>(major << 5);
  if (argument < 24) {
    out->push_back(static_cast<char>(mt | argument));
  } else if (argument <= 0xFF) {
    out->push_back(static_cast<char>(mt | 24));
    AppendBigEndian(out, argument, 1);
  } else if (argument <= 0xFFFF) {
    out->push_back(static_cast<char>(mt | 25));
    AppendBigEndian(out, argument, 2);
  } else if (argument <= 0xFFFFFFFFu) {
    out->push_back(static_cast<char>(mt | 26));
    AppendBigEndian(out, argument, 4);
  } else {
    out->push_back(static_cast<char>(mt | 27));
    AppendBigEndian(out, argument, 8);
  }
}

// The half-precision bits of `f` when the conversion is exact.
std::optional<uint16_t> ExactHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  const int exponent = static_cast<int>((bits >> 23) & 0xFF);
  const uint32_t mantissa = bits & 0x7FFFFF;
  if (exponent == 0xFF) {  // infinities (NaN is handled by the caller)
    return static_cast<uint16_t>(sign | 0x7C00);
  }
  if (exponent == 0) {
    if (mantissa == 0) return sign;  // +-0
    return std::nullopt;             // float subnormals are far below half's range
  }
  const int e = exponent - 127;
  if (e >= -14 && e <= 15) {
    if ((mantissa & 0x1FFF) != 0) return std::nullopt;
    return static_cast<uint16_t>(sign | ((e + 15) << 10) | (mantissa >> 13));
  }
  if (e >= -24 && e < -14) {  // half subnormal: m * 2^-24
    const uint32_t significand = mantissa | 0x800000;
    const int shift = -(e + 1);  // significand * 2^(e + 1) = m
    if ((significand & ((1u << shift) - 1)) != 0) return std::nullopt;
    return static_cast<uint16_t>(sign | (significand >> shift));
  }
  return std::nullopt;
}

// Preferred serialization (RFC 8949 section 4.1): the shortest of half, single and double that
// keeps the value; NaN as the canonical f97e00.
void AppendFloat(std::string* out, double d) {
  if (std::isnan(d)) {
    out->append("\xF9\x7E\x00", 3);
    return;
  }
  if (std::isinf(d) || std::fabs(d) <= FLT_MAX) {
    const float f = static_cast<float>(d);
    if (static_cast<double>(f) == d) {
      if (std::optional<uint16_t> half = ExactHalf(f)) {
        out->push_back(static_cast<char>(0xF9));
        AppendBigEndian(out, *half, 2);
        return;
      }
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      out->push_back(static_cast<char>(0xFA));
      AppendBigEndian(out, bits, 4);
      return;
    }
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  out->push_back(static_cast<char>(0xFB));
  AppendBigEndian(out, bits, 8);
}

absl::Status Encode(const CborValue& value, std::string* out, int depth) {
  if (depth > kMaxEncodeDepth) {
    return absl::InvalidArgumentError("CBOR encode: nesting too deep");
  }
  using Type = CborValue::Type;
  switch (value.type()) {
    case Type::kUnsigned:
      AppendHead(out, kMajorUnsigned, value.argument());
      return absl::OkStatus();
    case Type::kNegative:
      AppendHead(out, kMajorNegative, value.argument());
      return absl::OkStatus();
    case Type::kBytes:
    case Type::kText:
      AppendHead(out, value.type() == Type::kBytes ? kMajorBytes : kMajorText,
                 value.string_value().size());
      out->append(value.string_value());
      return absl::OkStatus();
    case Type::kArray:
      AppendHead(out, kMajorArray, value.items().size());
      for (const CborValue& item : value.items()) {
        if (absl::Status s = Encode(item, out, depth + 1); !s.ok()) return s;
      }
      return absl::OkStatus();
    case Type::kMap: {
      const size_t n = value.map_size();
      AppendHead(out, kMajorMap, n);
      // Keys sort by their encoded bytes (RFC 8949 section 4.2.1).
      std::vector<std::string> keys(n);
      std::vector<size_t> order(n);
      bool sorted = true;
      for (size_t i = 0; i < n; ++i) {
        if (absl::Status s = Encode(value.map_key(i), &keys[i], depth + 1); !s.ok()) return s;
        order[i] = i;
        if (i > 0 && !(keys[i - 1] < keys[i])) sorted = false;
      }
      if (!sorted) {
        std::sort(order.begin(), order.end(),
                  [&keys](size_t a, size_t b) { return keys[a] < keys[b]; });
        for (size_t i = 1; i < n; ++i) {
          if (keys[order[i - 1]] == keys[order[i]]) {
            return absl::InvalidArgumentError("CBOR encode: duplicate map key");
          }
        }
      }
      for (size_t i : order) {
        out->append(keys[i]);
        if (absl::Status s = Encode(value.map_value(i), out, depth + 1); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case Type::kTag:
      if (value.items().size() != 1) {
        return absl::InvalidArgumentError("CBOR encode: a tag needs exactly one content item");
      }
      AppendHead(out, kMajorTag, value.argument());
      return Encode(value.tag_content(), out, depth + 1);
    case Type::kBool:
    case Type::kNull:
    case Type::kUndefined:
    case Type::kSimple:
      AppendHead(out, kMajorSimple, value.argument());
      return absl::OkStatus();
    case Type::kFloat:
      AppendFloat(out, value.float_value());
      return absl::OkStatus();
  }
  return absl::InternalError("CBOR encode: unknown type");
}

// --- Decoder -----------------------------------------------------------------------------------

double HalfToDouble(uint16_t half) {
  const int exponent = (half >> 10) & 0x1F;
  const int mantissa = half & 0x3FF;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent != 31) {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  } else {
    value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) ? -value : value;
}

class Decoder {
 public:
  static constexpr uint64_t kMaxReserve = 64;

  Decoder(absl::string_view data, const CborLimits& limits)
      : data_(reinterpret_cast<const uint8_t*>(data.data())), size_(data.size()), limits_(limits) {}

  absl::StatusOr<CborValue> DecodeAll() {
    CborValue value;
    if (absl::Status s = Decode(&value, 0); !s.ok()) return s;
    if (pos_ != size_) return Error(absl::StrCat(size_ - pos_, " trailing bytes"));
    return value;
  }

 private:
  size_t remaining() const { return size_ - pos_; }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("CBOR: ", what, " at offset ", pos_));
  }

  absl::Status CountItem() {
    if (++items_ > limits_.max_items) {
      return Error(absl::StrCat("more than ", limits_.max_items, " data items"));
    }
    return absl::OkStatus();
  }

  // Reads the argument that follows an initial byte with additional information `ai` < 28.
  absl::Status ReadArgument(uint8_t ai, uint64_t* argument) {
    if (ai < 24) {
      *argument = ai;
      return absl::OkStatus();
    }
    const size_t bytes = size_t{1} << (ai - 24);
    if (remaining() < bytes) return Error("truncated argument");
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i) value = (value << 8) | data_[pos_ + i];
    pos_ += bytes;
    *argument = value;
    return absl::OkStatus();
  }

  absl::Status ReadString(uint8_t major, uint64_t length, std::string* out) {
    if (length > remaining()) {
      return Error(
          absl::StrCat("declared length ", length, " exceeds the ", remaining(), " bytes left"));
    }
    const char* start = reinterpret_cast<const char*>(data_ + pos_);
    if (major == kMajorText && !IsValidUtf8(absl::string_view(start, length))) {
      return Error("text string is not valid UTF-8");
    }
    out->append(start, length);
    pos_ += length;
    return absl::OkStatus();
  }

  bool AtBreak() const { return pos_ < size_ && data_[pos_] == 0xFF; }

  absl::Status Decode(CborValue* out, int depth) {
    if (depth > limits_.max_depth) {
      return Error(absl::StrCat("nesting deeper than ", limits_.max_depth));
    }
    if (absl::Status s = CountItem(); !s.ok()) return s;
    if (pos_ >= size_) return Error("truncated: item expected");
    const uint8_t initial = data_[pos_];
    const uint8_t major = initial >> 5;
    const uint8_t ai = initial & 0x1F;
    if (ai >= 28 && ai <= 30) return Error("reserved additional information");
    ++pos_;
    if (ai == 31) return DecodeIndefinite(major, out, depth);

    uint64_t argument = 0;
    if (absl::Status s = ReadArgument(ai, &argument); !s.ok()) return s;
    switch (major) {
      case kMajorUnsigned:
        *out = CborValue::Unsigned(argument);
        return absl::OkStatus();
      case kMajorNegative:
        *out = CborValue::NegativeFromArgument(argument);
        return absl::OkStatus();
      case kMajorBytes:
      case kMajorText: {
        std::string s;
        if (absl::Status st = ReadString(major, argument, &s); !st.ok()) return st;
        *out =
            major == kMajorBytes ? CborValue::Bytes(std::move(s)) : CborValue::Text(std::move(s));
        return absl::OkStatus();
      }
      case kMajorArray: {
        // Every item takes at least one byte: a count beyond the input is a lie, refused before
        // anything is allocated for it.
        if (argument > remaining() || argument > limits_.max_items - items_) {
          return Error(absl::StrCat("array of ", argument, " items in ", remaining(), " bytes"));
        }
        // Grown as items arrive rather than sized up front, so that memory follows the items
        // actually decoded (bounded by max_items), not what nested headers promise.
        std::vector<CborValue> items;
        items.reserve(std::min<uint64_t>(argument, kMaxReserve));
        for (uint64_t i = 0; i < argument; ++i) {
          items.emplace_back();
          if (absl::Status s = Decode(&items.back(), depth + 1); !s.ok()) return s;
        }
        *out = CborValue::Array(std::move(items));
        return absl::OkStatus();
      }
      case kMajorMap: {
        if (argument > remaining() / 2 || argument > (limits_.max_items - items_) / 2) {
          return Error(absl::StrCat("map of ", argument, " entries in ", remaining(), " bytes"));
        }
        CborValue map = CborValue::Map();
        std::vector<CborValue>& children = map.mutable_items();
        children.reserve(std::min<uint64_t>(argument * 2, kMaxReserve));
        for (uint64_t i = 0; i < argument * 2; ++i) {
          children.emplace_back();
          if (absl::Status s = Decode(&children.back(), depth + 1); !s.ok()) return s;
        }
        if (absl::Status s = CheckUniqueKeys(map); !s.ok()) return s;
        *out = std::move(map);
        return absl::OkStatus();
      }
      case kMajorTag: {
        CborValue content;
        if (absl::Status s = Decode(&content, depth + 1); !s.ok()) return s;
        *out = CborValue::Tag(argument, std::move(content));
        return absl::OkStatus();
      }
      default:  // kMajorSimple
        break;
    }
    switch (ai) {
      case 24:
        if (argument < 32) return Error("two-byte encoding of a simple value below 32");
        *out = CborValue::Simple(static_cast<uint8_t>(argument));
        return absl::OkStatus();
      case 25:
        *out = CborValue::Float(HalfToDouble(static_cast<uint16_t>(argument)));
        return absl::OkStatus();
      case 26: {
        const uint32_t bits = static_cast<uint32_t>(argument);
        float f;
        std::memcpy(&f, &bits, sizeof(f));
        *out = CborValue::Float(f);
        return absl::OkStatus();
      }
      case 27: {
        double d;
        std::memcpy(&d, &argument, sizeof(d));
        *out = CborValue::Float(d);
        return absl::OkStatus();
      }
      default:
        *out = CborValue::Simple(static_cast<uint8_t>(argument));
        return absl::OkStatus();
    }
  }

  absl::Status DecodeIndefinite(uint8_t major, CborValue* out, int depth) {
    switch (major) {
      case kMajorBytes:
      case kMajorText: {
        std::string s;
        while (true) {
          if (pos_ >= size_) return Error("truncated indefinite-length string");
          if (AtBreak()) {
            ++pos_;
            break;
          }
          const uint8_t initial = data_[pos_];
          if ((initial >> 5) != major || (initial & 0x1F) >= 28) {
            return Error("indefinite-length string chunk of the wrong type");
          }
          if (absl::Status st = CountItem(); !st.ok()) return st;
          ++pos_;
          uint64_t length = 0;
          if (absl::Status st = ReadArgument(initial & 0x1F, &length); !st.ok()) return st;
          if (absl::Status st = ReadString(major, length, &s); !st.ok()) return st;
        }
        *out =
            major == kMajorBytes ? CborValue::Bytes(std::move(s)) : CborValue::Text(std::move(s));
        return absl::OkStatus();
      }
      case kMajorArray: {
        std::vector<CborValue> items;
        while (true) {
          if (pos_ >= size_) return Error("truncated indefinite-length array");
          if (AtBreak()) {
            ++pos_;
            break;
          }
          items.emplace_back();
          if (absl::Status s = Decode(&items.back(), depth + 1); !s.ok()) return s;
        }
        *out = CborValue::Array(std::move(items));
        return absl::OkStatus();
      }
      case kMajorMap: {
        CborValue map = CborValue::Map();
        while (true) {
          if (pos_ >= size_) return Error("truncated indefinite-length map");
          if (AtBreak()) {
            ++pos_;
            break;
          }
          CborValue key;
          CborValue value;
          if (absl::Status s = Decode(&key, depth + 1); !s.ok()) return s;
          if (AtBreak()) return Error("break between a map key and its value");
          if (absl::Status s = Decode(&value, depth + 1); !s.ok()) return s;
          map.Add(std::move(key), std::move(value));
        }
        if (absl::Status s = CheckUniqueKeys(map); !s.ok()) return s;
        *out = std::move(map);
        return absl::OkStatus();
      }
      case kMajorSimple:
        --pos_;
        return Error("break outside an indefinite-length item");
      default:
        --pos_;
        return Error("indefinite length for an integer or tag");
    }
  }

  // Two keys that are the same value (1 and 0x1801 too) would let two readers of one
  // certificate see different data: refused.
  absl::Status CheckUniqueKeys(const CborValue& map) {
    const size_t n = map.map_size();
    if (n < 2) return absl::OkStatus();
    std::vector<std::string> keys(n);
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<std::string> key = EncodeCbor(map.map_key(i));
      if (!key.ok()) return Error(key.status().message());
      keys[i] = *std::move(key);
    }
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
      return Error("duplicate map key");
    }
    return absl::OkStatus();
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t items_ = 0;
  CborLimits limits_;
};

}  // namespace

absl::StatusOr<std::string> EncodeCbor(const CborValue& value) {
  std::string out;
  if (absl::Status s = Encode(value, &out, 0); !s.ok()) return s;
  return out;
}

absl::StatusOr<CborValue> DecodeCbor(absl::string_view data, const CborLimits& limits) {
  return Decoder(data, limits).DecodeAll();
}

namespace {

// Object member names for map keys. Never a nested JSON dump: escaping would compound at every
// level of keys inside keys and blow a few hundred bytes up to gigabytes.
std::string JsonKey(const CborValue& key) {
  if (key.is_text()) return key.string_value();
  if (std::optional<int64_t> i = key.AsInt64()) return absl::StrCat(*i);
  if (key.type() == CborValue::Type::kUnsigned) return absl::StrCat(key.argument());
  if (key.is_bytes()) return crypto::Base64UrlEncode(key.string_value());
  absl::StatusOr<std::string> encoded = EncodeCbor(key);
  return absl::StrCat("cbor:", crypto::HexEncode(encoded.ok() ? *encoded : ""));
}

}  // namespace

nlohmann::json CborToJson(const CborValue& value) {
  using Type = CborValue::Type;
  switch (value.type()) {
    case Type::kUnsigned:
      return value.argument();
    case Type::kNegative:
      if (std::optional<int64_t> v = value.AsInt64()) return *v;
      return -1.0 - static_cast<double>(value.argument());
    case Type::kBytes:
      return crypto::Base64UrlEncode(value.string_value());
    case Type::kText:
      return value.string_value();
    case Type::kArray: {
      nlohmann::json array = nlohmann::json::array();
      for (const CborValue& item : value.items()) array.push_back(CborToJson(item));
      return array;
    }
    case Type::kMap: {
      nlohmann::json object = nlohmann::json::object();
      for (size_t i = 0; i < value.map_size(); ++i) {
        object[JsonKey(value.map_key(i))] = CborToJson(value.map_value(i));
      }
      return object;
    }
    case Type::kTag:
      return CborToJson(value.tag_content());
    case Type::kBool:
      return value.bool_value();
    case Type::kFloat:
      if (!std::isfinite(value.float_value())) return nullptr;
      return value.float_value();
    case Type::kSimple:
      return value.argument();
    case Type::kNull:
    case Type::kUndefined:
      break;
  }
  return nullptr;
}

}  // namespace lindungi::dcc

#include "lindungi/dcc/base45.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lindungi::dcc {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 45; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

std::string Base45Encode(absl::string_view bytes) {
  std::string out;
  out.resize(bytes.size() / 2 * 3 + (bytes.size() % 2) * 2);
  char* p = out.data();
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    uint32_t n =
        static_cast<unsigned char>(bytes[i]) * 256u + static_cast<unsigned char>(bytes[i + 1]);
    *p++ = kAlphabet[n % 45];
    n /= 45;
    *p++ = kAlphabet[n % 45];
    *p++ = kAlphabet[n / 45];
  }
  if (i < bytes.size()) {
    const uint32_t n = static_cast<unsigned char>(bytes[i]);
    *p++ = kAlphabet[n % 45];
    *p++ = kAlphabet[n / 45];
  }
  return out;
}

absl::StatusOr<std::string> Base45Decode(absl::string_view text) {
  if (text.size() % 3 == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Base45: length ", text.size(), " leaves a single character"));
  }
  std::string out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    const size_t group = std::min<size_t>(3, text.size() - i);
    uint32_t n = 0;
    uint32_t weight = 1;
    for (size_t j = 0; j < group; ++j) {
      const int8_t digit = kDecode[static_cast<unsigned char>(text[i + j])];
      if (digit < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("Base45: invalid character at offset ", i + j));
      }
      n += static_cast<uint32_t>(digit) * weight;
      weight *= 45;
    }
    if (group == 3) {
      if (n > 0xFFFF) {
        return absl::InvalidArgumentError(
            absl::StrCat("Base45: group at offset ", i, " encodes ", n, " > 65535"));
      }
      out.push_back(static_cast<char>(n >> 8));
      out.push_back(static_cast<char>(n & 0xFF));
    } else {
      if (n > 0xFF) {
        return absl::InvalidArgumentError(
            absl::StrCat("Base45: final pair at offset ", i, " encodes ", n, " > 255"));
      }
      out.push_back(static_cast<char>(n));
    }
  }
  return out;
}

}  // namespace lindungi::dcc

#include "lindungi/crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::crypto {
namespace {

using internal::NonNullBytes;

[[noreturn]] void DieOnBrokenOpenSsl(absl::string_view what) {
  const absl::Status status = internal::OpenSslError(absl::StatusCode::kInternal, what);
  std::fprintf(stderr, "lindungi::crypto: %s\n", status.ToString().c_str());
  std::abort();
}

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each byte's value as a hex digit, or -1. A table, not branches: the digits of a MAC or a
// digest are random, so branches on them mispredict (2 % of the gateway's webhook CPU).
constexpr std::array<int8_t, 256> HexValues() {
  std::array<int8_t, 256> values{};
  for (int c = 0; c < 256; ++c) {
    values[c] = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
  }
  return values;
}
constexpr std::array<int8_t, 256> kHexValues = HexValues();

int HexValue(char c) { return kHexValues[static_cast<unsigned char>(c)]; }

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string Sha256(absl::string_view data) {
  std::string digest(kSha256Size, '\0');
  unsigned int size = 0;
  if (EVP_Digest(NonNullBytes(data), data.size(), reinterpret_cast<unsigned char*>(digest.data()),
                 &size, EVP_sha256(), nullptr) != 1 ||
      size != kSha256Size) {
    DieOnBrokenOpenSsl("EVP_Digest(SHA-256)");
  }
  return digest;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  std::string mac(kSha256Size, '\0');
  size_t size = 0;
  // EVP_Q_mac takes a size_t key length, unlike HMAC() whose int would truncate huge keys.
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, NonNullBytes(key), key.size(),
                NonNullBytes(data), data.size(), reinterpret_cast<unsigned char*>(mac.data()),
                mac.size(), &size) == nullptr ||
      size != kSha256Size) {
    DieOnBrokenOpenSsl("EVP_Q_mac(HMAC-SHA256)");
  }
  return mac;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(NonNullBytes(a), NonNullBytes(b), a.size()) == 0;
}

std::string HexEncode(absl::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    hex.push_back(kHexDigits[b >> 4]);
    hex.push_back(kHexDigits[b & 0x0f]);
  }
  return hex;
}

absl::StatusOr<std::string> HexDecode(absl::string_view hex) {
  if (hex.size() % 2 != 0) return absl::InvalidArgumentError("hex input has odd length");
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("hex input has a non-hex character");
    bytes.push_back(static_cast<char>((hi << 4) | lo));
  }
  return bytes;
}

std::string Base64UrlEncode(absl::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    text.push_back(kBase64UrlAlphabet[(v >> 18) & 63]);
    text.push_back(kBase64UrlAlphabet[(v >> 12) & 63]);
    text.push_back(kBase64UrlAlphabet[(v >> 6) & 63]);
    text.push_back(kBase64UrlAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    text.push_back(kBase64UrlAlphabet[(v >> 18) & 63]);
    text.push_back(kBase64UrlAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    const uint32_t v =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    text.push_back(kBase64UrlAlphabet[(v >> 18) & 63]);
    text.push_back(kBase64UrlAlphabet[(v >> 12) & 63]);
    text.push_back(kBase64UrlAlphabet[(v >> 6) & 63]);
  }
  return text;
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  if (text.size() % 4 == 1) return absl::InvalidArgumentError("base64url input has bad length");
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = Base64UrlValue(c);
    if (v < 0) {
      return absl::InvalidArgumentError(
          "base64url input has a character outside [A-Za-z0-9_-] (padding is not accepted)");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits (2 or 4) must be zero, or two different strings would decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) {
    return absl::InvalidArgumentError("base64url input has non-zero trailing bits");
  }
  return bytes;
}

}  // namespace lindungi::crypto

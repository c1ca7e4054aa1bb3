#include "lindungi/ids/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace lindungi::ids {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford: no I, L, O, U
constexpr size_t kEncodedLength = 26;

struct Generator {
  std::mutex mu;
  uint64_t last_ms = 0;
  uint64_t hi = 0;  // 16 high bits of the random part
  uint64_t lo = 0;  // 64 low bits
};

Generator& generator() {
  static auto* g = new Generator();
  return *g;
}

void Fresh(Generator& g) {
  unsigned char bytes[10];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Uniqueness, not secrecy, is what matters here; the counter below keeps ids distinct.
    for (unsigned char& b : bytes) b = 0;
  }
  g.hi = (uint64_t{bytes[0]} << 8) | bytes[1];
  g.lo = 0;
  for (int i = 2; i < 10; ++i) g.lo = (g.lo << 8) | bytes[i];
}

}  // namespace

std::string NewId(absl::string_view prefix, absl::Time now) {
  Generator& g = generator();
  uint64_t ms, hi, lo;
  {
    std::lock_guard<std::mutex> lock(g.mu);
    ms = static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMillis(now)));
    if (ms > g.last_ms) {
      g.last_ms = ms;
      Fresh(g);
    } else {
      // Same (or an earlier) millisecond: keep the last one and count up, as monotonic ULIDs do.
      ms = g.last_ms;
      if (++g.lo == 0) g.hi = (g.hi + 1) & 0xffff;
    }
    hi = g.hi;
    lo = g.lo;
  }
  // 128 bits: ms (48) | hi (16) | lo (64), written as 26 base32 digits (130 bits, top 2 zero).
  char out[kEncodedLength];
  uint64_t high = (ms << 16) | hi;  // the top 64 bits
  uint64_t low = lo;
  for (int i = kEncodedLength - 1; i >= 0; --i) {
    out[i] = kAlphabet[low & 31];
    low = (low >> 5) | ((high & 31) << 59);
    high >>= 5;
  }
  return absl::StrCat(prefix, "_", absl::string_view(out, kEncodedLength));
}

bool IsId(absl::string_view id, absl::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kEncodedLength) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    bool ok = false;
    for (const char* a = kAlphabet; *a; ++a) ok |= (c == *a);
    if (!ok) return false;
  }
  return true;
}

}  // namespace lindungi::ids

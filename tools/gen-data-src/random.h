#pragma once

// The generator's randomness: xoshiro256** seeded through splitmix64, with its own integer
// distributions. The standard library's distributions differ between implementations, and the
// generator promises the same bytes for the same seed everywhere. For the same reason, never
// draw twice within one function call's arguments (f(r.Below(2), r.Below(3))): the order in
// which arguments are evaluated differs between GCC and Clang.

#include <cstdint>

namespace lindungi::gendata {

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix(&seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-and-reject).
  uint32_t Below(uint32_t n) {
    uint64_t m = static_cast<uint64_t>(static_cast<uint32_t>(Next() >> 32)) * n;
    if (static_cast<uint32_t>(m) < n) {
      const uint32_t threshold = static_cast<uint32_t>(-n) % n;
      while (static_cast<uint32_t>(m) < threshold) {
        m = static_cast<uint64_t>(static_cast<uint32_t>(Next() >> 32)) * n;
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

  // Uniform in [lo, hi], lo <= hi.
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(hi - lo + 1)); }

  // True with probability percent / 100.
  bool Percent(uint32_t percent) { return Below(100) < percent; }
  // True with probability per_million / 1,000,000.
  bool PerMillion(uint32_t per_million) { return Below(1000000) < per_million; }

  // One element of a non-empty array, uniformly.
  template <typename T, int N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

// A stable 64-bit mix of a value, for choices that must not consume random numbers (e.g. how
// many districts a regency has).
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Picks an index by integer weight (weights[i] >= 0, some > 0).
inline int PickWeighted(Random& random, const int* weights, int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += weights[i];
  int r = static_cast<int>(random.Below(static_cast<uint32_t>(total)));
  for (int i = 0; i < n; ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return n - 1;
}

template <int N>
int PickWeighted(Random& random, const int (&weights)[N]) {
  return PickWeighted(random, weights, N);
}

}  // namespace lindungi::gendata

#include "lindungi/certpdf/qr.h"

#include <qrencode.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

// libqrencode's QRcode_encodeInput tries all eight masks with a slow penalty evaluation: 87% of
// its ~600 us for a version 18 symbol. QRcode_encodeMask (exported by Debian's build, absent from
// qrencode.h) encodes with one given mask in ~35 us; we derive the other seven from it and score
// them with the bit-parallel evaluation below. Weak, so that a libqrencode built without it still
// links: we then fall back to QRcode_encodeInput.
extern "C" QRcode* QRcode_encodeMask(QRinput* input, int mask) __attribute__((weak));

namespace lindungi::certpdf {
namespace {

constexpr int kMaxWidth = 177;          // version 40
constexpr int kMaxAlphanumeric = 2420;  // version 40, level Q
// One row or column of a symbol in W 64-bit words: bit j is module j, set for dark. W = 2 covers
// versions up to 26 with the 8 quiet modules N3 needs, W = 3 all of them.
template <int W>
struct Line {
  std::array<uint64_t, W> w{};

  bool Get(int j) const { return (w[j >> 6] >> (j & 63)) & 1; }
  void Set(int j) { w[j >> 6] |= uint64_t{1} << (j & 63); }
  void Flip(int j) { w[j >> 6] ^= uint64_t{1} << (j & 63); }
};

template <int W>
Line<W> operator&(const Line<W>& a, const Line<W>& b) {
  Line<W> r;
  for (int i = 0; i < W; ++i) r.w[i] = a.w[i] & b.w[i];
  return r;
}
template <int W>
Line<W> operator^(const Line<W>& a, const Line<W>& b) {
  Line<W> r;
  for (int i = 0; i < W; ++i) r.w[i] = a.w[i] ^ b.w[i];
  return r;
}
template <int W>
Line<W> AndNot(const Line<W>& a, const Line<W>& b) {  // a & ~b
  Line<W> r;
  for (int i = 0; i < W; ++i) r.w[i] = a.w[i] & ~b.w[i];
  return r;
}
// Bit j of the result is bit j + k of `a` (0 < k < 64).
template <int W>
Line<W> Down(const Line<W>& a, int k) {
  Line<W> r;
  for (int i = 0; i < W; ++i) {
    r.w[i] = a.w[i] >> k;
    if (i + 1 < W) r.w[i] |= a.w[i + 1] << (64 - k);
  }
  return r;
}
// Bit j of the result is bit j - k of `a` (0 < k < 64).
template <int W>
Line<W> Up(const Line<W>& a, int k) {
  Line<W> r;
  for (int i = 0; i < W; ++i) {
    r.w[i] = a.w[i] << k;
    if (i > 0) r.w[i] |= a.w[i - 1] >> (64 - k);
  }
  return r;
}
// Without -mpopcnt __builtin_popcountll is a libgcc call; this is several times faster.
inline int PopCount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}
template <int W>
int Count(const Line<W>& a) {
  int n = 0;
  for (uint64_t x : a.w) n += x == 0 ? 0 : PopCount(x);
  return n;
}
template <int W>
Line<W> FirstBits(int n) {
  Line<W> r;
  for (int j = 0; j < n; ++j) r.Set(j);
  return r;
}

// ISO/IEC 18004 Table 10: whether mask pattern `m` inverts the module at row i, column j.
bool MaskInverts(int m, int i, int j) {
  switch (m) {
    case 0:
      return (i + j) % 2 == 0;
    case 1:
      return i % 2 == 0;
    case 2:
      return j % 3 == 0;
    case 3:
      return (i + j) % 3 == 0;
    case 4:
      return (i / 2 + j / 3) % 2 == 0;
    case 5:
      return (i * j) % 2 + (i * j) % 3 == 0;
    case 6:
      return ((i * j) % 2 + (i * j) % 3) % 2 == 0;
    default:
      return ((i * j) % 3 + (i + j) % 2) % 2 == 0;
  }
}

// Every mask pattern repeats every 12 rows and 12 columns, so 12 lines per mask describe it:
// rows[m][i % 12] over the columns and columns[m][j % 12] over the rows.
struct MaskLines {
  Line<3> rows[8][12];
  Line<3> columns[8][12];
};

const MaskLines& Masks() {
  static const MaskLines* const masks = [] {
    auto* t = new MaskLines;
    for (int m = 0; m < 8; ++m) {
      for (int r = 0; r < 12; ++r) {
        for (int k = 0; k < kMaxWidth; ++k) {
          if (MaskInverts(m, r, k)) t->rows[m][r].Set(k);
          if (MaskInverts(m, k, r)) t->columns[m][r].Set(k);
        }
      }
    }
    return t;
  }();
  return *masks;
}

template <int W>
Line<W> Narrow(const Line<3>& a) {
  Line<W> r;
  for (int i = 0; i < W; ++i) r.w[i] = a.w[i];
  return r;
}

// The 15-bit format information for level Q (indicator 11) and mask `m`: BCH(15,5), masked.
int FormatBits(int m) {
  const int data = (0b11 << 3) | m;
  int rem = data << 10;
  for (int i = 14; i >= 10; --i) {
    if (rem & (1 << i)) rem ^= 0x537 << (i - 10);
  }
  return ((data << 10) | rem) ^ 0x5412;
}

struct Position {
  int row, column;
};
// Both places of format bit k (0 = least significant), as ISO/IEC 18004 Figure 25 puts them.
std::array<Position, 2> FormatPositions(int k, int width) {
  if (k < 8) {
    return {Position{8, width - 1 - k}, Position{k < 6 ? k : k + 1, 8}};
  }
  const int i = k - 8;
  return {Position{width - 7 + i, 8}, Position{8, i == 0 ? 7 : 6 - i}};
}

// N1 (runs of five or more) and N3 (1:1:3:1:1 finder-like patterns) of one line.
template <int W>
int LinePenalty(const Line<W>& dark, const Line<W>& valid, const Line<W>& valid_padded) {
  int penalty = 0;
  const Line<W> light = AndNot(valid, dark);
  for (const Line<W>* c : {&dark, &light}) {
    // Bit j: modules j..j+4 share the colour. A run of n >= 5 has n - 4 such bits and costs
    // 3 + (n - 5) = (n - 4) + 2.
    const Line<W> two = *c & Down(*c, 1);
    const Line<W> five = two & Down(two, 2) & Down(*c, 4);
    penalty += Count(five) + 2 * Count(AndNot(five, Up(five, 1)));
  }
  // Dark-light-dark-dark-dark-light-dark with four light modules before or after it, the quiet
  // zone counting as light: bit j + 4 of d is module j.
  const Line<W> d = Up(dark, 4);
  const Line<W> l = AndNot(valid_padded, d);
  const Line<W> d2 = Down(d, 2);
  const Line<W> core = d & Down(l, 1) & d2 & Down(d2, 1) & Down(d2, 2) & Down(l, 5) & Down(d, 6);
  const Line<W> l2 = l & Down(l, 1);
  const Line<W> l4 = l2 & Down(l2, 2);  // bit j: modules j..j+3 light
  return penalty + 40 * (Count(core & Down(l4, 7)) + Count(core & Up(l4, 4)));
}

template <int W>
int Penalty(const Line<W>* rows, const Line<W>* columns, int width) {
  const Line<W> valid = FirstBits<W>(width);
  const Line<W> valid_padded = FirstBits<W>(width + 8);
  const Line<W> pair_valid = FirstBits<W>(width - 1);
  int penalty = 0;
  int dark = 0;
  for (int i = 0; i < width; ++i) {
    penalty += LinePenalty(rows[i], valid, valid_padded);
    penalty += LinePenalty(columns[i], valid, valid_padded);
    dark += Count(rows[i]);
    if (i + 1 < width) {  // N2: 2x2 blocks of one colour
      const Line<W> same_below = AndNot(valid, rows[i] ^ rows[i + 1]);
      const Line<W> same_right = AndNot(pair_valid, rows[i] ^ Down(rows[i], 1));
      penalty += 3 * Count(same_below & Down(same_below, 1) & same_right);
    }
  }
  const int total = width * width;
  penalty += 10 * (std::abs(dark * 2 - total) * 10 / total);  // N4
  return penalty;
}

// Derives the symbol for `mask` (-1: the one of lowest penalty) from `base`, libqrencode's
// symbol with any mask, into `code`. Bit 0x80 of a libqrencode module marks modules that masks
// leave alone (function patterns, format and version information).
template <int W>
absl::Status Derive(const QRcode& base, int mask, QrCode* code) {
  const int width = base.width;
  Line<W> rows[kMaxWidth], columns[kMaxWidth], data_rows[kMaxWidth], data_columns[kMaxWidth];
  for (int i = 0; i < width; ++i) {
    const unsigned char* row = base.data + static_cast<size_t>(i) * width;
    for (int j = 0; j < width; ++j) {
      if (row[j] & 1) {
        rows[i].Set(j);
        columns[j].Set(i);
      }
      if (!(row[j] & 0x80)) {
        data_rows[i].Set(j);
        data_columns[j].Set(i);
      }
    }
  }
  int format = 0;  // the base's mask, read back from its format information
  for (int k = 0; k < 15; ++k) {
    const Position p = FormatPositions(k, width)[0];
    if (rows[p.row].Get(p.column)) format |= 1 << k;
  }
  const int base_mask = ((format ^ 0x5412) >> 10) & 7;
  if (FormatBits(base_mask) != format) {
    return absl::InternalError("libqrencode symbol has unexpected format information");
  }

  const MaskLines& masks = Masks();
  Line<W> out_rows[kMaxWidth], out_columns[kMaxWidth];
  auto apply = [&](int m) {
    for (int i = 0; i < width; ++i) {
      const int r = i % 12;
      out_rows[i] =
          rows[i] ^ (Narrow<W>(masks.rows[base_mask][r] ^ masks.rows[m][r]) & data_rows[i]);
      out_columns[i] = columns[i] ^ (Narrow<W>(masks.columns[base_mask][r] ^ masks.columns[m][r]) &
                                     data_columns[i]);
    }
    const int delta = FormatBits(base_mask) ^ FormatBits(m);
    for (int k = 0; k < 15; ++k) {
      if (!(delta & (1 << k))) continue;
      for (const Position& p : FormatPositions(k, width)) {
        out_rows[p.row].Flip(p.column);
        out_columns[p.column].Flip(p.row);
      }
    }
  };
  if (mask < 0) {
    int best = 0;
    for (int m = 0; m < 8; ++m) {
      apply(m);
      const int penalty = Penalty(out_rows, out_columns, width);
      if (m == 0 || penalty < best) {
        best = penalty;
        mask = m;
      }
    }
  }
  apply(mask);

  code->version = base.version;
  code->width = width;
  code->mask = mask;
  code->modules.resize(static_cast<size_t>(width) * width);
  for (int i = 0; i < width; ++i) {
    for (int j = 0; j < width; ++j) {
      code->modules[static_cast<size_t>(i) * width + j] = out_rows[i].Get(j);
    }
  }
  return absl::OkStatus();
}

template <int W>
int PenaltyOf(const QrCode& code) {
  Line<W> rows[kMaxWidth], columns[kMaxWidth];
  for (int i = 0; i < code.width; ++i) {
    for (int j = 0; j < code.width; ++j) {
      if (code.Dark(j, i)) {
        rows[i].Set(j);
        columns[j].Set(i);
      }
    }
  }
  return Penalty(rows, columns, code.width);
}

struct QrcodeDeleter {
  void operator()(QRcode* c) const { QRcode_free(c); }
};
struct QrinputDeleter {
  void operator()(QRinput* i) const { QRinput_free(i); }
};

bool Alphanumeric(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && std::strchr(" $%*+-./:", c) != nullptr);
}

}  // namespace

absl::StatusOr<QrCode> EncodeQrWithMask(absl::string_view text, int mask) {
  if (mask < -1 || mask > 7) return absl::InvalidArgumentError("QR mask must be -1..7");
  if (text.empty()) return absl::InvalidArgumentError("nothing to encode in the QR code");
  if (text.size() > kMaxAlphanumeric) {
    return absl::InvalidArgumentError(
        absl::StrCat("QR text of ", text.size(), " characters exceeds ", kMaxAlphanumeric));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!Alphanumeric(text[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("QR text has a character outside the alphanumeric set at offset ", i));
    }
  }
  std::unique_ptr<QRinput, QrinputDeleter> input(QRinput_new2(0, QR_ECLEVEL_Q));
  if (input == nullptr) return absl::ResourceExhaustedError("QRinput_new2 failed");
  // One alphanumeric segment for the whole string (QRcode_encodeString would pick the modes).
  if (QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(text.size()),
                     reinterpret_cast<const unsigned char*>(text.data())) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("QRinput_append: ", std::strerror(errno)));
  }
  std::unique_ptr<QRcode, QrcodeDeleter> base(QRcode_encodeMask != nullptr
                                                  ? QRcode_encodeMask(input.get(), 0)
                                                  : QRcode_encodeInput(input.get()));
  if (base == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("libqrencode: ", std::strerror(errno)));
  }
  if (base->width < 21 || base->width > kMaxWidth) {
    return absl::InternalError("libqrencode returned a symbol of unexpected size");
  }
  QrCode code;
  const absl::Status derived =
      base->width + 8 <= 128 ? Derive<2>(*base, mask, &code) : Derive<3>(*base, mask, &code);
  if (!derived.ok()) return derived;
  return code;
}

absl::StatusOr<QrCode> EncodeQr(absl::string_view text) { return EncodeQrWithMask(text, -1); }

int QrPenalty(const QrCode& code) {
  if (code.width < 2 || code.width > kMaxWidth ||
      code.modules.size() != static_cast<size_t>(code.width) * code.width) {
    return 0;
  }
  return code.width + 8 <= 128 ? PenaltyOf<2>(code) : PenaltyOf<3>(code);
}

}  // namespace lindungi::certpdf

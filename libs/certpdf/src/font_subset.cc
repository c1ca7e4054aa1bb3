#include "lindungi/certpdf/font_subset.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace lindungi::certpdf {
namespace {

// A bounds-checked big-endian view of a byte range; reads past the end yield 0 and set `bad`.
struct View {
  const uint8_t* p = nullptr;
  size_t n = 0;
  mutable bool bad = false;

  bool Has(size_t off, size_t len) const { return off <= n && len <= n - off; }
  uint8_t U8(size_t off) const {
    if (!Has(off, 1)) return bad = true, 0;
    return p[off];
  }
  uint16_t U16(size_t off) const {
    if (!Has(off, 2)) return bad = true, 0;
    return static_cast<uint16_t>(p[off] << 8 | p[off + 1]);
  }
  int16_t S16(size_t off) const { return static_cast<int16_t>(U16(off)); }
  uint32_t U32(size_t off) const {
    if (!Has(off, 4)) return bad = true, 0;
    return uint32_t{p[off]} << 24 | uint32_t{p[off + 1]} << 16 | uint32_t{p[off + 2]} << 8 |
           p[off + 3];
  }
  View Sub(size_t off, size_t len) const {
    if (!Has(off, len)) {
      bad = true;
      return View{};
    }
    return View{p + off, len};
  }
  absl::string_view Bytes(size_t off, size_t len) const {
    if (!Has(off, len)) return bad = true, absl::string_view();
    return absl::string_view(reinterpret_cast<const char*>(p + off), len);
  }
};

void Put16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
void Put32(std::string* out, uint32_t v) {
  Put16(out, v >> 16);
  Put16(out, v);
}
void Set16(std::string* s, size_t off, uint32_t v) {
  (*s)[off] = static_cast<char>(v >> 8);
  (*s)[off + 1] = static_cast<char>(v);
}
void Set32(std::string* s, size_t off, uint32_t v) {
  Set16(s, off, v >> 16);
  Set16(s, off + 2, v);
}

uint32_t Checksum(absl::string_view data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 4) {
    uint32_t word = 0;
    for (size_t k = 0; k < 4; ++k) {
      word = word << 8 | (i + k < data.size() ? static_cast<uint8_t>(data[i + k]) : 0);
    }
    sum += word;
  }
  return sum;
}

constexpr uint16_t kArgsAreWords = 0x0001;
constexpr uint16_t kHaveScale = 0x0008;
constexpr uint16_t kMoreComponents = 0x0020;
constexpr uint16_t kHaveXYScale = 0x0040;
constexpr uint16_t kHaveTwoByTwo = 0x0080;
constexpr uint16_t kHaveInstructions = 0x0100;

size_t ComponentArgsSize(uint16_t flags) {
  size_t size = (flags & kArgsAreWords) ? 4 : 2;
  if (flags & kHaveScale) {
    size += 2;
  } else if (flags & kHaveXYScale) {
    size += 4;
  } else if (flags & kHaveTwoByTwo) {
    size += 8;
  }
  return size;
}

// `glyph` without its hinting instructions and with its components renumbered.
std::string StripGlyph(const View& glyph, const std::map<uint16_t, uint16_t>& renumber) {
  if (glyph.n < 10) return std::string();
  const int16_t contours = glyph.S16(0);
  std::string out;
  if (contours >= 0) {
    const size_t end_points = 10 + 2 * size_t(contours);
    const size_t instructions = glyph.U16(end_points);
    const size_t rest = end_points + 2 + instructions;
    if (rest > glyph.n) return std::string();
    absl::StrAppend(&out, glyph.Bytes(0, end_points));
    Put16(&out, 0);
    absl::StrAppend(&out, glyph.Bytes(rest, glyph.n - rest));
  } else {
    size_t pos = 10;
    absl::StrAppend(&out, glyph.Bytes(0, 10));
    uint16_t flags;
    do {
      flags = glyph.U16(pos);
      const auto it = renumber.find(glyph.U16(pos + 2));
      Put16(&out, flags & ~kHaveInstructions);
      Put16(&out, it == renumber.end() ? 0 : it->second);
      const size_t args = ComponentArgsSize(flags);
      absl::StrAppend(&out, glyph.Bytes(pos + 4, args));
      pos += 4 + args;
    } while ((flags & kMoreComponents) && !glyph.bad);
  }
  while (out.size() % 4 != 0) out.push_back('\0');
  return out;
}

// A (3,1) format 4 cmap for `mapping` (code point -> subset glyph, BMP only).
std::string BuildCmap(const std::map<char32_t, uint16_t>& mapping) {
  struct Segment {
    uint32_t start, end;
    uint16_t delta;
  };
  std::vector<Segment> segments;
  for (const auto& [c, g] : mapping) {
    if (c > 0xFFFE) break;
    const uint16_t delta = static_cast<uint16_t>(g - c);
    if (!segments.empty() && segments.back().end + 1 == c && segments.back().delta == delta) {
      segments.back().end = c;
    } else {
      segments.push_back({c, c, delta});
    }
  }
  segments.push_back({0xFFFF, 0xFFFF, 1});
  const size_t n = segments.size();
  int log = 0;
  while ((size_t{2} << log) <= n) ++log;
  const uint32_t search_range = 2u << log;
  std::string sub;
  Put16(&sub, 4);
  Put16(&sub, static_cast<uint32_t>(16 + 8 * n));
  Put16(&sub, 0);  // language
  Put16(&sub, static_cast<uint32_t>(2 * n));
  Put16(&sub, search_range);
  Put16(&sub, static_cast<uint32_t>(log));
  Put16(&sub, static_cast<uint32_t>(2 * n - search_range));
  for (const Segment& s : segments) Put16(&sub, s.end);
  Put16(&sub, 0);  // reservedPad
  for (const Segment& s : segments) Put16(&sub, s.start);
  for (const Segment& s : segments) Put16(&sub, s.delta);
  for (size_t i = 0; i < n; ++i) Put16(&sub, 0);  // idRangeOffset
  std::string cmap;
  Put16(&cmap, 0);
  Put16(&cmap, 1);
  Put16(&cmap, 3);
  Put16(&cmap, 1);
  Put32(&cmap, 12);
  return cmap + sub;
}

// Names 0-6 of the Windows Unicode records: copyright, family, style, ..., PostScript name.
std::string BuildName(const View* name, std::string* postscript_name) {
  std::string out;
  if (name == nullptr) return out;
  const uint16_t count = name->U16(2);
  const size_t strings = name->U16(4);
  std::vector<std::pair<size_t, absl::string_view>> kept;  // record offset, string
  for (uint16_t i = 0; i < count; ++i) {
    const size_t rec = 6 + 12 * size_t{i};
    const uint16_t platform = name->U16(rec), encoding = name->U16(rec + 2),
                   name_id = name->U16(rec + 6);
    const absl::string_view text = name->Bytes(strings + name->U16(rec + 10), name->U16(rec + 8));
    if (platform == 3 && encoding == 1 && name_id <= 6) kept.emplace_back(rec, text);
    if (name_id == 6 && postscript_name->empty()) {
      // UTF-16BE (Windows) or single-byte (Macintosh); PostScript names are ASCII.
      const bool wide = platform == 3 || platform == 0;
      for (size_t k = wide ? 1 : 0; k < text.size(); k += wide ? 2 : 1) {
        const char ch = text[k];
        if (ch > ' ' && ch < 127 && std::string("[](){}<>/%").find(ch) == std::string::npos) {
          postscript_name->push_back(ch);
        }
      }
    }
  }
  if (name->bad || kept.empty()) return out;
  Put16(&out, 0);
  Put16(&out, static_cast<uint32_t>(kept.size()));
  Put16(&out, static_cast<uint32_t>(6 + 12 * kept.size()));
  std::string storage;
  for (const auto& [rec, text] : kept) {
    absl::StrAppend(&out, name->Bytes(rec, 8));  // platform, encoding, language, name id
    Put16(&out, static_cast<uint32_t>(text.size()));
    Put16(&out, static_cast<uint32_t>(storage.size()));
    absl::StrAppend(&storage, text);
  }
  return out + storage;
}

std::string Assemble(std::map<std::string, std::string> tables) {
  const uint32_t n = static_cast<uint32_t>(tables.size());
  int log = 0;
  while ((2u << log) <= n) ++log;
  std::string font;
  Put32(&font, 0x00010000);
  Put16(&font, n);
  Put16(&font, 16u << log);
  Put16(&font, static_cast<uint32_t>(log));
  Put16(&font, n * 16 - (16u << log));
  size_t offset = 12 + 16 * size_t{n};
  size_t head_offset = 0;
  std::string body;
  for (const auto& [tag, data] : tables) {  // std::map: tags in ascending order, as required
    font.append(tag);
    Put32(&font, Checksum(data));
    Put32(&font, static_cast<uint32_t>(offset + body.size()));
    Put32(&font, static_cast<uint32_t>(data.size()));
    if (tag == "head") head_offset = offset + body.size();
    body.append(data);
    while (body.size() % 4 != 0) body.push_back('\0');
  }
  font.append(body);
  Set32(&font, head_offset + 8, 0xB1B0AFBA - Checksum(font));
  return font;
}

int Scale(int value, int units_per_em) {
  return static_cast<int>(std::lround(value * 1000.0 / units_per_em));
}

}  // namespace

class TrueTypeFont::Tables {
 public:
  explicit Tables(absl::string_view font)
      : font_{reinterpret_cast<const uint8_t*>(font.data()), font.size()} {}

  absl::Status Parse() {
    const uint32_t version = font_.U32(0);
    if (version != 0x00010000 && version != 0x74727565 /* 'true' */) {
      return absl::InvalidArgumentError("not a TrueType font (CFF and collections unsupported)");
    }
    const uint16_t count = font_.U16(4);
    for (uint16_t i = 0; i < count; ++i) {
      const size_t rec = 12 + 16 * size_t{i};
      tables_[std::string(font_.Bytes(rec, 4))] =
          font_.Sub(font_.U32(rec + 8), font_.U32(rec + 12));
    }
    if (font_.bad) return absl::InvalidArgumentError("truncated font table directory");
    for (const char* tag : {"head", "hhea", "hmtx", "maxp", "loca", "glyf", "cmap"}) {
      if (tables_.count(tag) == 0)
        return absl::InvalidArgumentError(absl::StrCat("font lacks ", tag));
    }
    const View& head = tables_["head"];
    units_per_em_ = head.U16(18);
    long_loca_ = head.S16(50) == 1;
    num_glyphs_ = tables_["maxp"].U16(4);
    num_h_metrics_ = tables_["hhea"].U16(34);
    if (head.bad || tables_["maxp"].bad || tables_["hhea"].bad || units_per_em_ == 0 ||
        num_h_metrics_ == 0 || num_h_metrics_ > num_glyphs_) {
      return absl::InvalidArgumentError("bad head, hhea or maxp table");
    }
    return FindCmap();
  }

  uint16_t GlyphFor(char32_t c) const {
    const View& t = cmap_;
    if (cmap_format_ == 12) {
      size_t lo = 0, hi = t.U32(12);
      while (lo < hi) {
        const size_t mid = (lo + hi) / 2, g = 16 + 12 * mid;
        if (c < t.U32(g)) {
          hi = mid;
        } else if (c > t.U32(g + 4)) {
          lo = mid + 1;
        } else {
          const uint32_t glyph = t.U32(g + 8) + (c - t.U32(g));
          return glyph < num_glyphs_ ? static_cast<uint16_t>(glyph) : 0;
        }
      }
      return 0;
    }
    if (c > 0xFFFF) return 0;
    const size_t segments = t.U16(6) / 2;
    const size_t ends = 14, starts = 16 + 2 * segments, deltas = starts + 2 * segments,
                 offsets = deltas + 2 * segments;
    size_t lo = 0, hi = segments;
    while (lo < hi) {  // the first segment whose end >= c
      const size_t mid = (lo + hi) / 2;
      if (t.U16(ends + 2 * mid) < c) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == segments || t.U16(starts + 2 * lo) > c) return 0;
    const uint16_t delta = t.U16(deltas + 2 * lo), range = t.U16(offsets + 2 * lo);
    uint32_t glyph;
    if (range == 0) {
      glyph = (c + delta) & 0xFFFF;
    } else {
      glyph = t.U16(offsets + 2 * lo + range + 2 * (c - t.U16(starts + 2 * lo)));
      if (glyph != 0) glyph = (glyph + delta) & 0xFFFF;
    }
    return glyph < num_glyphs_ ? static_cast<uint16_t>(glyph) : 0;
  }

  View Glyph(uint16_t g) const {
    const View& loca = tables_.at("loca");
    const size_t start = long_loca_ ? loca.U32(4 * size_t{g}) : 2 * size_t{loca.U16(2 * g)};
    const size_t end =
        long_loca_ ? loca.U32(4 * (size_t{g} + 1)) : 2 * size_t{loca.U16(2 * (g + 1))};
    if (end < start) {
      loca.bad = true;
      return View{};
    }
    return tables_.at("glyf").Sub(start, end - start);
  }

  // The glyphs a composite glyph is built from.
  std::vector<uint16_t> Components(const View& glyph) const {
    std::vector<uint16_t> out;
    if (glyph.n < 10 || glyph.S16(0) >= 0) return out;
    size_t pos = 10;
    uint16_t flags;
    do {
      flags = glyph.U16(pos);
      out.push_back(glyph.U16(pos + 2));
      pos += 4 + ComponentArgsSize(flags);
    } while ((flags & kMoreComponents) && !glyph.bad);
    return out;
  }

  // Advance and left side bearing of original glyph `g`, in font units.
  std::pair<uint16_t, int16_t> Metrics(uint16_t g) const {
    const View& hmtx = tables_.at("hmtx");
    if (g < num_h_metrics_) return {hmtx.U16(4 * size_t{g}), hmtx.S16(4 * size_t{g} + 2)};
    const size_t last = num_h_metrics_ - 1u, extra = static_cast<size_t>(g - num_h_metrics_);
    return {hmtx.U16(4 * last), hmtx.S16(4 * (last + 1) + 2 * extra)};
  }

  const View* Table(const std::string& tag) const {
    auto it = tables_.find(tag);
    return it == tables_.end() ? nullptr : &it->second;
  }
  bool bad() const {
    if (font_.bad || cmap_.bad) return true;
    for (const auto& [tag, view] : tables_) {
      if (view.bad) return true;
    }
    return false;
  }
  int units_per_em() const { return units_per_em_; }
  uint16_t num_glyphs() const { return num_glyphs_; }

 private:
  absl::Status FindCmap() {
    const View& cmap = tables_["cmap"];
    const uint16_t count = cmap.U16(2);
    int best = 0;  // 3 = (3,10) format 12, 2 = (3,1) format 4, 1 = Unicode platform
    for (uint16_t i = 0; i < count; ++i) {
      const size_t rec = 4 + 8 * size_t{i};
      const uint16_t platform = cmap.U16(rec), encoding = cmap.U16(rec + 2);
      const uint32_t offset = cmap.U32(rec + 4);
      const uint16_t format = cmap.U16(offset);
      int rank = 0;
      if (format == 12 && (platform == 0 || (platform == 3 && encoding == 10))) rank = 3;
      if (format == 4 && platform == 3 && encoding == 1) rank = 2;
      if (format == 4 && platform == 0) rank = 1;
      if (rank > best) {
        best = rank;
        cmap_format_ = format;
        const size_t length = format == 12 ? cmap.U32(offset + 4) : cmap.U16(offset + 2);
        cmap_ = cmap.Sub(offset, std::min(length, cmap.n - std::min<size_t>(offset, cmap.n)));
      }
    }
    if (best == 0 || cmap.bad) return absl::InvalidArgumentError("font has no Unicode cmap");
    return absl::OkStatus();
  }

  View font_;
  std::map<std::string, View> tables_;
  View cmap_;
  int cmap_format_ = 0;
  int units_per_em_ = 0;
  bool long_loca_ = false;
  uint16_t num_glyphs_ = 0;
  uint16_t num_h_metrics_ = 0;
};

absl::StatusOr<std::shared_ptr<const TrueTypeFont>> TrueTypeFont::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read font ", path));
  std::ostringstream data;
  data << in.rdbuf();
  absl::StatusOr<std::shared_ptr<const TrueTypeFont>> font = FromBytes(std::move(data).str());
  if (!font.ok()) {
    return absl::Status(font.status().code(), absl::StrCat(path, ": ", font.status().message()));
  }
  return font;
}

absl::StatusOr<std::shared_ptr<const TrueTypeFont>> TrueTypeFont::FromBytes(std::string data) {
  std::shared_ptr<TrueTypeFont> font(new TrueTypeFont);
  font->data_ = std::move(data);
  font->tables_ = std::make_unique<Tables>(font->data_);
  Tables& t = *font->tables_;
  if (absl::Status parsed = t.Parse(); !parsed.ok()) return parsed;
  const int upem = t.units_per_em();

  font->bmp_glyph_.resize(0x10000);
  for (char32_t c = 0; c < 0x10000; ++c) font->bmp_glyph_[c] = t.GlyphFor(c);
  font->advance_.resize(t.num_glyphs());
  for (uint16_t g = 0; g < t.num_glyphs(); ++g) font->advance_[g] = Scale(t.Metrics(g).first, upem);

  BuildName(t.Table("name"), &font->postscript_name_);
  if (font->postscript_name_.empty()) font->postscript_name_ = "Font";
  const View& head = *t.Table("head");
  const View& hhea = *t.Table("hhea");
  font->ascent_ = Scale(hhea.S16(4), upem);
  font->descent_ = Scale(hhea.S16(6), upem);
  font->bold_ = (head.U16(44) & 1) != 0;
  for (int i = 0; i < 4; ++i) font->bbox_[i] = Scale(head.S16(36 + 2 * i), upem);
  const View* os2 = t.Table("OS/2");
  if (os2 != nullptr && os2->U16(4) >= 700) font->bold_ = true;
  if (os2 != nullptr && os2->U16(0) >= 2 && os2->n >= 90) {
    font->cap_height_ = Scale(os2->S16(88), upem);
  } else if (const uint16_t h = font->bmp_glyph_['H']; h != 0) {
    font->cap_height_ = Scale(t.Glyph(h).S16(8), upem);  // yMax of "H"
  } else {
    font->cap_height_ = font->ascent_;
  }
  if (t.bad()) return absl::InvalidArgumentError("font tables are truncated");
  return std::shared_ptr<const TrueTypeFont>(std::move(font));
}

TrueTypeFont::~TrueTypeFont() = default;

bool TrueTypeFont::Has(char32_t c) const {
  return (c < 0x10000 ? bmp_glyph_[c] : tables_->GlyphFor(c)) != 0;
}

int TrueTypeFont::Advance(char32_t c) const {
  return advance_[c < 0x10000 ? bmp_glyph_[c] : tables_->GlyphFor(c)];
}

absl::StatusOr<FontSubset> TrueTypeFont::Subset(absl::Span<const char32_t> code_points) const {
  const Tables& t = *tables_;
  // Subset numbering: .notdef, the code points' glyphs in order, then composite components.
  std::map<uint16_t, uint16_t> renumber = {{0, 0}};
  std::vector<uint16_t> order = {0};
  FontSubset subset;
  subset.code_point_.push_back(0);
  for (char32_t c : code_points) {
    const uint16_t g = c < 0x10000 ? bmp_glyph_[c] : t.GlyphFor(c);
    if (g == 0) continue;
    auto [it, added] = renumber.emplace(g, static_cast<uint16_t>(order.size()));
    if (added) {
      order.push_back(g);
      subset.code_point_.push_back(c);
    }
    subset.glyph_of_.emplace_back(c, it->second);
  }
  for (size_t i = 0; i < order.size(); ++i) {  // grows while we walk it
    for (uint16_t part : t.Components(t.Glyph(order[i]))) {
      if (part >= t.num_glyphs()) continue;
      if (renumber.emplace(part, static_cast<uint16_t>(order.size())).second) {
        order.push_back(part);
        subset.code_point_.push_back(0);
      }
    }
  }
  if (order.size() > 0xFFFF) return absl::InvalidArgumentError("too many glyphs for a subset");
  std::sort(subset.glyph_of_.begin(), subset.glyph_of_.end());
  subset.glyph_of_.erase(
      std::unique(subset.glyph_of_.begin(), subset.glyph_of_.end(),
                  [](const auto& a, const auto& b) { return a.first == b.first; }),
      subset.glyph_of_.end());

  std::string glyf, loca, hmtx;
  for (uint16_t original : order) {
    Put32(&loca, static_cast<uint32_t>(glyf.size()));
    glyf.append(StripGlyph(t.Glyph(original), renumber));
    const auto [advance, lsb] = t.Metrics(original);
    Put16(&hmtx, advance);
    Put16(&hmtx, static_cast<uint16_t>(lsb));
    subset.advance_.push_back(advance_[original]);
  }
  Put32(&loca, static_cast<uint32_t>(glyf.size()));

  const uint32_t glyph_count = static_cast<uint32_t>(order.size());
  std::map<std::string, std::string> tables;
  tables["glyf"] = std::move(glyf);
  tables["loca"] = std::move(loca);
  tables["hmtx"] = std::move(hmtx);
  tables["cmap"] =
      BuildCmap(std::map<char32_t, uint16_t>(subset.glyph_of_.begin(), subset.glyph_of_.end()));
  const View& head_in = *t.Table("head");
  std::string head(head_in.Bytes(0, std::min<size_t>(head_in.n, 54)));
  if (head.size() < 54) return absl::InvalidArgumentError("short head table");
  Set32(&head, 8, 0);   // checkSumAdjustment, set by Assemble
  Set16(&head, 50, 1);  // long loca offsets
  tables["head"] = std::move(head);
  const View& hhea_in = *t.Table("hhea");
  std::string hhea(hhea_in.Bytes(0, std::min<size_t>(hhea_in.n, 36)));
  if (hhea.size() < 36) return absl::InvalidArgumentError("short hhea table");
  Set16(&hhea, 34, glyph_count);
  tables["hhea"] = std::move(hhea);
  const View& maxp_in = *t.Table("maxp");
  std::string maxp(maxp_in.Bytes(0, maxp_in.n));
  if (maxp.size() < 6) return absl::InvalidArgumentError("short maxp table");
  Set16(&maxp, 4, glyph_count);
  if (maxp.size() >= 28) Set16(&maxp, 26, 0);  // maxSizeOfInstructions
  tables["maxp"] = std::move(maxp);
  if (const View* os2 = t.Table("OS/2")) tables["OS/2"] = std::string(os2->Bytes(0, os2->n));
  if (const View* post = t.Table("post"); post != nullptr && post->n >= 32) {
    std::string p(post->Bytes(0, 32));
    Set32(&p, 0, 0x00030000);  // version 3: no glyph names
    tables["post"] = std::move(p);
  }
  std::string ignored;
  if (std::string name = BuildName(t.Table("name"), &ignored); !name.empty()) {
    tables["name"] = std::move(name);
  }
  if (t.bad()) return absl::InvalidArgumentError("font tables are truncated");
  subset.program_ = Assemble(std::move(tables));
  return subset;
}

uint16_t FontSubset::Glyph(char32_t c) const {
  auto it = std::lower_bound(glyph_of_.begin(), glyph_of_.end(), c,
                             [](const auto& entry, char32_t key) { return entry.first < key; });
  return it != glyph_of_.end() && it->first == c ? it->second : uint16_t{0};
}

}  // namespace lindungi::certpdf

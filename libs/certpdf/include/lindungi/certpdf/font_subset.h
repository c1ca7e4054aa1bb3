#pragma once

// TrueType fonts cut down to the characters a document uses, to embed in a PDF as a Type 0 font
// (CIDFontType2, Identity-H, CIDToGIDMap /Identity: a character code is a glyph id of the
// subset). Subsets keep outlines and metrics and drop hinting (PDF viewers rasterise unhinted):
// the printable ASCII of DejaVu Sans costs 6 KB compressed instead of the font's 750 KB.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace lindungi::certpdf {

class FontSubset;

// A parsed TrueType (glyf outlines) font file, immutable and safe to share between threads.
class TrueTypeFont {
 public:
  static absl::StatusOr<std::shared_ptr<const TrueTypeFont>> Load(const std::string& path);
  static absl::StatusOr<std::shared_ptr<const TrueTypeFont>> FromBytes(std::string font);
  ~TrueTypeFont();

  bool Has(char32_t c) const;
  // Advance width of `c` in thousandths of the font size (that of .notdef when missing).
  int Advance(char32_t c) const;

  // A subset with the glyphs of `code_points` numbered 1, 2, ... in the order given (so two
  // subsets whose lists share a prefix agree on those glyph ids), then the components of
  // composite glyphs. Code points the font lacks are left out.
  absl::StatusOr<FontSubset> Subset(absl::Span<const char32_t> code_points) const;

  const std::string& postscript_name() const { return postscript_name_; }  // "DejaVuSans-Bold"
  // FontDescriptor metrics, in thousandths of the font size.
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }  // negative
  int cap_height() const { return cap_height_; }
  const int* bbox() const { return bbox_; }  // xMin yMin xMax yMax
  bool bold() const { return bold_; }

 private:
  struct Tables;
  TrueTypeFont() = default;

  std::string data_;
  std::unique_ptr<Tables> tables_;
  std::vector<uint16_t> bmp_glyph_;  // original glyph by BMP code point
  std::vector<int> advance_;         // by original glyph, thousandths
  std::string postscript_name_;
  int ascent_ = 0, descent_ = 0, cap_height_ = 0;
  int bbox_[4] = {0, 0, 0, 0};
  bool bold_ = false;
};

class FontSubset {
 public:
  // The subset's glyph for `c`, or 0 (.notdef) when the subset lacks it.
  uint16_t Glyph(char32_t c) const;
  // Advance width of subset glyph `g` in thousandths of the font size (PDF glyph space).
  int Advance(uint16_t g) const { return g < advance_.size() ? advance_[g] : 0; }
  int glyph_count() const { return static_cast<int>(advance_.size()); }
  // The code point glyph `g` stands for (the first given, when several share it); 0 for none.
  char32_t CodePoint(uint16_t g) const { return g < code_point_.size() ? code_point_[g] : 0; }
  // The font program (an sfnt with cmap, glyf, head, hhea, hmtx, loca, maxp, name, OS/2, post)
  // for a FontFile2 stream.
  const std::string& program() const { return program_; }

 private:
  friend class TrueTypeFont;

  std::vector<std::pair<char32_t, uint16_t>> glyph_of_;  // sorted by code point
  std::vector<int> advance_;                             // by subset glyph
  std::vector<char32_t> code_point_;                     // by subset glyph
  std::string program_;
};

}  // namespace lindungi::certpdf

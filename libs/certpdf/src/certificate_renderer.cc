#include "lindungi/certpdf/certificate_renderer.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lindungi/certpdf/font_subset.h"

namespace lindungi::certpdf {
namespace {

// ---------------------------------------------------------------------------------------------
// Page geometry (PDF points from the bottom left) and colours.

constexpr double kPageWidth = 595.276;  // A4
constexpr double kPageHeight = 841.89;
constexpr double kLeft = 48;
constexpr double kRight = kPageWidth - 48;
constexpr double kColumn2 = 306;  // second column of the field grid
constexpr int kQuietZone = 4;     // modules of light margin around the QR symbol

constexpr PageBox kQrBox{kLeft, 126, 264, 264};
constexpr double kQrSideX = 336;  // the column right of the QR code
constexpr double kQrSideWidth = kRight - kQrSideX;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.102, 0.129, 0.169};
constexpr Rgb kMuted{0.337, 0.384, 0.447};
constexpr Rgb kFaint{0.506, 0.553, 0.612};
constexpr Rgb kRule{0.843, 0.863, 0.890};
constexpr Rgb kRed{0.784, 0.063, 0.180};  // Merah Putih

// Objects of the PDF file, in file order. 1-10 never change; 11-15 (the value font) change
// with the characters a certificate needs; 16 and 17 are the certificate's own.
enum Object : int {
  kCatalog = 1,
  kPages,
  kPageObject,
  kStaticContent,
  kInfo,
  kRegularFont,  // 6..10: Type0, CIDFont, FontDescriptor, FontFile2, ToUnicode
  kBoldFont = kRegularFont + 5,
  kDynamicContent = kBoldFont + 5,
  kQrImage,
  kObjectCount,
};
constexpr int kObjectsPerFont = 5;
constexpr int kDynamicLevel = 6;  // zlib level per certificate; the static parts get 9

// ---------------------------------------------------------------------------------------------
// Small serialisation helpers.

void AppendNumber(std::string* out, double v) {
  long long hundredths = std::llround(v * 100);
  if (hundredths < 0) {
    out->push_back('-');
    hundredths = -hundredths;
  }
  absl::StrAppend(out, hundredths / 100);
  const int fraction = static_cast<int>(hundredths % 100);
  if (fraction != 0) {
    out->push_back('.');
    out->push_back(static_cast<char>('0' + fraction / 10));
    if (fraction % 10 != 0) out->push_back(static_cast<char>('0' + fraction % 10));
  }
}

void AppendNumbers(std::string* out, std::initializer_list<double> values, absl::string_view op) {
  for (double v : values) {
    AppendNumber(out, v);
    out->push_back(' ');
  }
  absl::StrAppend(out, op, "\n");
}

void AppendFill(std::string* out, const Rgb& c) { AppendNumbers(out, {c.r, c.g, c.b}, "rg"); }
void AppendStroke(std::string* out, const Rgb& c) { AppendNumbers(out, {c.r, c.g, c.b}, "RG"); }

constexpr char kHex[] = "0123456789ABCDEF";

void AppendHex16(std::string* out, uint32_t v) {
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 15]);
}

// zlib streams are expensive to set up (~256 KB of state); each thread keeps one per level and
// resets it. The output depends only on the input, the level and the zlib version.
absl::StatusOr<std::string> Deflate(absl::string_view data, int level) {
  struct Stream {
    z_stream z{};
    bool ready = false;
    ~Stream() {
      if (ready) deflateEnd(&z);
    }
  };
  thread_local Stream streams[Z_BEST_COMPRESSION + 1];
  if (level < 0 || level > Z_BEST_COMPRESSION) return absl::InternalError("bad zlib level");
  Stream& stream = streams[level];
  if (!stream.ready) {
    if (deflateInit(&stream.z, level) != Z_OK) return absl::InternalError("deflateInit failed");
    stream.ready = true;
  } else if (deflateReset(&stream.z) != Z_OK) {
    return absl::InternalError("deflateReset failed");
  }
  std::string out(deflateBound(&stream.z, data.size()), '\0');
  stream.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.z.avail_in = static_cast<uInt>(data.size());
  stream.z.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream.z, Z_FINISH) != Z_STREAM_END) return absl::InternalError("deflate failed");
  out.resize(stream.z.total_out);
  return out;
}

// "N 0 obj << dict /Length L [/Filter /FlateDecode] >> stream ... endstream endobj"
void AppendStreamObject(std::string* out, int number, absl::string_view dict,
                        absl::string_view data, bool deflated = true) {
  absl::StrAppend(out, number, " 0 obj\n<< ", dict, dict.empty() ? "" : " ", "/Length ",
                  data.size(), deflated ? " /Filter /FlateDecode" : "", " >>\nstream\n");
  out->append(data.data(), data.size());
  out->append("\nendstream\nendobj\n");
}

void AppendObject(std::string* out, int number, absl::string_view body) {
  absl::StrAppend(out, number, " 0 obj\n", body, "\nendobj\n");
}

uint64_t Fnv1a(absl::string_view data, uint64_t hash = 0xcbf29ce484222325ULL) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// UTF-8 to code points: invalid sequences become U+FFFD, control characters spaces.
std::u32string Decode(absl::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    char32_t c = 0xFFFD;
    size_t len = 1;
    if (b < 0x80) {
      c = b;
    } else if (b >= 0xC2 && b <= 0xF4) {
      len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      c = b & (0x3F >> (len - 1));
      bool ok = i + len <= s.size();
      for (size_t k = 1; ok && k < len; ++k) {
        const unsigned char cont = static_cast<unsigned char>(s[i + k]);
        ok = (cont & 0xC0) == 0x80;
        c = c << 6 | (cont & 0x3F);
      }
      const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (!ok || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        c = 0xFFFD;
        len = 1;
      }
    }
    if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029) c = ' ';
    out.push_back(c);
    i += len;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fonts as the PDF sees them.

// One subset of a font serialised as PDF objects first..first+4, positions relative to `bytes`.
struct FontObjects {
  FontSubset subset;
  std::string bytes;
  uint64_t hash = 0;  // of `bytes`, for the document id
  std::array<size_t, kObjectsPerFont> offsets{};
};

// Six capital letters naming a subset (ISO 32000 9.6.4), from its contents.
std::string SubsetTag(absl::Span<const char32_t> code_points) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char32_t c : code_points) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  std::string tag;
  for (int i = 0; i < 6; ++i, h /= 26) tag.push_back(static_cast<char>('A' + h % 26));
  return tag;
}

std::string ToUnicodeCMap(const FontSubset& subset) {
  std::string entries;
  int count = 0;
  std::string out =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  auto flush = [&] {
    if (count == 0) return;
    absl::StrAppend(&out, count, " beginbfchar\n", entries, "endbfchar\n");
    entries.clear();
    count = 0;
  };
  for (int g = 1; g < subset.glyph_count(); ++g) {
    const char32_t c = subset.CodePoint(static_cast<uint16_t>(g));
    if (c == 0) continue;
    entries.push_back('<');
    AppendHex16(&entries, static_cast<uint32_t>(g));
    entries.append("> <");
    if (c < 0x10000) {
      AppendHex16(&entries, c);
    } else {  // UTF-16 surrogate pair
      AppendHex16(&entries, 0xD800 + ((c - 0x10000) >> 10));
      AppendHex16(&entries, 0xDC00 + ((c - 0x10000) & 0x3FF));
    }
    entries.append(">\n");
    if (++count == 100) flush();
  }
  flush();
  out.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
  return out;
}

absl::StatusOr<std::shared_ptr<const FontObjects>> BuildFontObjects(
    const TrueTypeFont& font, absl::Span<const char32_t> code_points, int first) {
  absl::StatusOr<FontSubset> subset = font.Subset(code_points);
  if (!subset.ok()) return subset.status();
  auto objects = std::make_shared<FontObjects>();
  objects->subset = *std::move(subset);
  const FontSubset& s = objects->subset;
  const std::string name = absl::StrCat(SubsetTag(code_points), "+", font.postscript_name());
  std::string& out = objects->bytes;

  objects->offsets[0] = out.size();
  AppendObject(&out, first,
               absl::StrCat("<< /Type /Font /Subtype /Type0 /BaseFont /", name,
                            " /Encoding /Identity-H /DescendantFonts [", first + 1,
                            " 0 R] /ToUnicode ", first + 4, " 0 R >>"));
  objects->offsets[1] = out.size();
  std::string widths;
  for (int g = 0; g < s.glyph_count(); ++g) {
    absl::StrAppend(&widths, g == 0 ? "" : " ", s.Advance(static_cast<uint16_t>(g)));
  }
  AppendObject(&out, first + 1,
               absl::StrCat("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /", name,
                            " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
                            "/Supplement 0 >> /FontDescriptor ",
                            first + 2, " 0 R /CIDToGIDMap /Identity /W [0 [", widths, "]] >>"));
  objects->offsets[2] = out.size();
  const int* bbox = font.bbox();
  AppendObject(
      &out, first + 2,
      absl::StrCat("<< /Type /FontDescriptor /FontName /", name, " /Flags 32 /FontBBox [", bbox[0],
                   " ", bbox[1], " ", bbox[2], " ", bbox[3], "] /ItalicAngle 0 /Ascent ",
                   font.ascent(), " /Descent ", font.descent(), " /CapHeight ", font.cap_height(),
                   " /StemV ", font.bold() ? 140 : 80, " /FontFile2 ", first + 3, " 0 R >>"));
  objects->offsets[3] = out.size();
  absl::StatusOr<std::string> program = Deflate(s.program(), Z_BEST_COMPRESSION);
  if (!program.ok()) return program.status();
  AppendStreamObject(&out, first + 3, absl::StrCat("/Length1 ", s.program().size()), *program);
  objects->offsets[4] = out.size();
  absl::StatusOr<std::string> cmap = Deflate(ToUnicodeCMap(s), Z_BEST_COMPRESSION);
  if (!cmap.ok()) return cmap.status();
  AppendStreamObject(&out, first + 4, "", *cmap);
  objects->hash = Fnv1a(out);
  return std::shared_ptr<const FontObjects>(std::move(objects));
}

// ---------------------------------------------------------------------------------------------
// Text: measuring, fitting, drawing.

constexpr char32_t kEllipsis = 0x2026;

// Printable ASCII plus the few other characters the page itself uses: every subset starts with
// these, in this order, so the static content's glyph ids hold for all of them.
std::vector<char32_t> BaseCodePoints() {
  std::vector<char32_t> out;
  for (char32_t c = 0x20; c < 0x7F; ++c) out.push_back(c);
  for (char32_t c : {kEllipsis, char32_t{0x2013}, char32_t{0x00B7}}) out.push_back(c);
  return out;
}

struct Font {
  std::shared_ptr<const TrueTypeFont> face;
  const char* resource;  // "/F1"
};

double Width(const Font& font, const std::u32string& text, double size, double spacing = 0) {
  int units = 0;
  for (char32_t c : text) units += font.face->Advance(c);
  return units * size / 1000 + spacing * static_cast<double>(text.size());
}

struct Fitted {
  double size = 0;
  std::vector<std::u32string> lines;
};

bool BreakAfter(char32_t c) {
  return c == ' ' || c == '-' || c == '/' || c == ',' || c == ':' || c == ';';
}

// Lays `text` out in at most `max_lines` lines of `width`: one line at `size` or, shrinking in
// half points, down to `min_size`; then wrapped at `min_size`, the last line cut with "…".
Fitted Fit(const Font& font, const std::u32string& text, double width, double size, double min_size,
           int max_lines) {
  for (double s = size; s >= min_size - 1e-9; s -= 0.5) {
    if (Width(font, text, s) <= width) return {s, {text}};
  }
  Fitted fitted{min_size, {}};
  const double scale = min_size / 1000;
  std::vector<double> advance(text.size());
  for (size_t i = 0; i < text.size(); ++i) advance[i] = font.face->Advance(text[i]) * scale;
  auto trimmed = [&](size_t from, size_t to) {
    while (to > from && text[to - 1] == ' ') --to;
    return text.substr(from, to - from);
  };
  size_t pos = 0;
  while (pos < text.size() && static_cast<int>(fitted.lines.size()) < max_lines) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos == text.size()) break;
    double w = 0;
    size_t fit_end = pos, break_end = 0;
    for (size_t i = pos; i < text.size() && w + advance[i] <= width; ++i) {
      w += advance[i];
      fit_end = i + 1;
      if (BreakAfter(text[i])) break_end = i + 1;
    }
    if (fit_end == text.size()) {
      fitted.lines.push_back(trimmed(pos, fit_end));
      break;
    }
    if (static_cast<int>(fitted.lines.size()) + 1 == max_lines) {
      const double ellipsis = font.face->Advance(kEllipsis) * scale;
      size_t end = fit_end;
      while (end > pos && w + ellipsis > width) w -= advance[--end];
      fitted.lines.push_back(trimmed(pos, end) + kEllipsis);
      break;
    }
    const size_t end = break_end > pos ? break_end : std::max(fit_end, pos + 1);
    fitted.lines.push_back(trimmed(pos, end));
    pos = end;
  }
  return fitted;
}

// Text as glyph ids of `subset`, characters it lacks as "?".
void AppendShowText(std::string* out, const FontSubset& subset, const std::u32string& text) {
  out->push_back('<');
  const uint16_t question = subset.Glyph('?');
  for (char32_t c : text) {
    const uint16_t g = subset.Glyph(c);
    AppendHex16(out, g != 0 ? g : question);
  }
  out->append("> Tj\n");
}

struct TextStyle {
  const Font* font;
  double size;
  Rgb color;
  double spacing = 0;  // extra space between characters (Tc)
};

void AppendText(std::string* out, const FontSubset& subset, const TextStyle& style, double x,
                double y, const std::u32string& text) {
  AppendFill(out, style.color);
  absl::StrAppend(out, "BT ", style.font->resource, " ");
  AppendNumber(out, style.size);
  out->append(" Tf ");
  if (style.spacing != 0) AppendNumbers(out, {style.spacing}, "Tc");
  AppendNumbers(out, {x, y}, "Td");
  AppendShowText(out, subset, text);
  out->append(style.spacing != 0 ? "0 Tc ET\n" : "ET\n");
}

// Lines of a fitted value from baseline `y` down.
void AppendLines(std::string* out, const FontSubset& subset, const TextStyle& style, double x,
                 double y, const Fitted& fitted) {
  TextStyle s = style;
  s.size = fitted.size;
  for (size_t i = 0; i < fitted.lines.size(); ++i) {
    AppendText(out, subset, s, x, y - static_cast<double>(i) * fitted.size * 1.2, fitted.lines[i]);
  }
}

void AppendRule(std::string* out, double x1, double x2, double y, double width, const Rgb& c) {
  AppendStroke(out, c);
  AppendNumbers(out, {width}, "w");
  AppendNumbers(out, {x1, y}, "m");
  AppendNumbers(out, {x2, y}, "l S");
}

// ---------------------------------------------------------------------------------------------
// The layout.

// A label ("Nama / Name") over its value. The value's first baseline is 15 pt below the label's;
// a wrapped value takes a second line in the 38 pt of the row.
struct Field {
  const char* label_id;
  const char* label_en;
  double x, y, width;  // label baseline
  double size, min_size;
  int max_lines;
};

enum FieldIndex {
  kIssuerField,
  kNameField,
  kNikField,
  kBirthField,
  kVaccineField,
  kManufacturerField,
  kDoseField,
  kDateField,
  kBatchField,
  kCountryField,
  kFacilityField,
  kIdField,
  kIssuedField,
  kExpiresField,
  kFieldCount,
};

constexpr double kFullWidth = kRight - kLeft;
constexpr double kHalfWidth = kColumn2 - kLeft - 18;
constexpr double kColumn2Width = kRight - kColumn2;
constexpr double kRow = 38;
constexpr double kHolderTop = 658;
constexpr double kVaccinationTop = kHolderTop - 2 * kRow - 20;

constexpr Field kFields[kFieldCount] = {
    {"Diterbitkan oleh", "Issued by", kLeft, 720, kFullWidth, 10, 8, 1},
    {"Nama", "Name", kLeft, kHolderTop, kFullWidth, 14, 9, 2},
    {"NIK", nullptr, kLeft, kHolderTop - kRow, kHalfWidth, 11, 8.5, 1},
    {"Tanggal lahir", "Date of birth", kColumn2, kHolderTop - kRow, kColumn2Width, 11, 8.5, 1},
    {"Vaksin", "Vaccine", kLeft, kVaccinationTop, kHalfWidth, 11, 8.5, 2},
    {"Produsen", "Manufacturer", kColumn2, kVaccinationTop, kColumn2Width, 11, 8.5, 2},
    {"Dosis", "Dose", kLeft, kVaccinationTop - kRow, kHalfWidth, 11, 8.5, 1},
    {"Tanggal vaksinasi", "Date of vaccination", kColumn2, kVaccinationTop - kRow, kColumn2Width,
     11, 8.5, 1},
    {"Nomor batch", "Batch", kLeft, kVaccinationTop - 2 * kRow, kHalfWidth, 11, 8.5, 1},
    {"Negara vaksinasi", "Country of vaccination", kColumn2, kVaccinationTop - 2 * kRow,
     kColumn2Width, 11, 8.5, 1},
    {"Fasilitas", "Facility", kLeft, kVaccinationTop - 3 * kRow, kFullWidth, 11, 8.5, 2},
    {"ID sertifikat", "Certificate ID", kQrSideX, kQrBox.y + kQrBox.height - 8, kQrSideWidth, 9.5,
     7.5, 2},
    {"Tanggal terbit", "Issued on", kQrSideX, kQrBox.y + kQrBox.height - 58, kQrSideWidth, 10, 8,
     1},
    {"Berlaku hingga", "Valid until", kQrSideX, kQrBox.y + kQrBox.height - 96, kQrSideWidth, 10, 8,
     1},
};

constexpr size_t kMaxValueChars = 1024;
constexpr double kValueDrop = 15;  // label baseline to the value's first baseline
constexpr double kLabelSize = 7.5;

const char kNoteId[] =
    "Kode QR ini memuat Sertifikat COVID Digital Uni Eropa (EU DCC) yang ditandatangani secara "
    "digital. Keasliannya dapat diverifikasi secara luring dengan aplikasi pemverifikasi EU DCC "
    "mana pun.";
const char kNoteEn[] =
    "This QR code holds a digitally signed EU Digital COVID Certificate (EU DCC). Its "
    "authenticity can be verified offline with any EU DCC verifier app.";
const char kFooterId[] =
    "Dokumen elektronik ini tidak memerlukan tanda tangan basah; keasliannya dijamin oleh tanda "
    "tangan digital pada kode QR.";
const char kFooterEn[] =
    "This electronic document needs no wet signature; its authenticity is guaranteed by the "
    "digital signature in the QR code.";

std::u32string Ascii(absl::string_view s) { return std::u32string(s.begin(), s.end()); }

// Everything on the page that is the same on every certificate.
std::string StaticContent(const Font& regular, const FontSubset& regular_subset, const Font& bold,
                          const FontSubset& bold_subset) {
  std::string out = "q\n";
  // The flag band along the top edge.
  AppendFill(&out, kRed);
  AppendNumbers(&out, {0, kPageHeight - 10, kPageWidth, 10}, "re f");

  const TextStyle kicker{&bold, 8.5, kRed, 1.6};
  AppendText(&out, bold_subset, kicker, kLeft, 800, U"REPUBLIK INDONESIA");
  const TextStyle tag{&regular, 7.5, kFaint, 0.8};
  const std::u32string dcc = U"EU DIGITAL COVID CERTIFICATE";
  AppendText(&out, regular_subset, tag, kRight - Width(regular, dcc, tag.size, tag.spacing) + 0.8,
             800, dcc);
  AppendText(&out, bold_subset, {&bold, 21, kInk}, kLeft, 771, U"SERTIFIKAT VAKSINASI COVID-19");
  AppendText(&out, regular_subset, {&regular, 13, kMuted}, kLeft, 751,
             U"COVID-19 VACCINATION CERTIFICATE");
  AppendRule(&out, kLeft, kRight, 738, 0.8, kRule);

  // Section headings with a short red mark.
  auto section = [&](double y, const std::u32string& title) {
    AppendFill(&out, kRed);
    AppendNumbers(&out, {kLeft, y - 1, 14, 2.2}, "re f");
    AppendText(&out, bold_subset, {&bold, 8, kInk, 1.1}, kLeft + 22, y - 2.5, title);
    AppendRule(&out, kLeft + 22 + Width(bold, title, 8, 1.1) + 8, kRight, y, 0.6, kRule);
  };
  section(kHolderTop + 22, U"PEMEGANG SERTIFIKAT  /  CERTIFICATE HOLDER");
  section(kVaccinationTop + 22, U"VAKSINASI  /  VACCINATION");
  section(kQrBox.y + kQrBox.height + 14, U"VERIFIKASI  /  VERIFICATION");

  for (const Field& f : kFields) {
    const std::u32string id = Ascii(f.label_id);
    AppendText(&out, regular_subset, {&regular, kLabelSize, kMuted}, f.x, f.y, id);
    if (f.label_en != nullptr) {
      const double x = f.x + Width(regular, id, kLabelSize);
      AppendText(&out, regular_subset, {&regular, kLabelSize, kFaint}, x, f.y,
                 U" / " + Ascii(f.label_en));
    }
  }

  // A hairline frame around the QR code's quiet zone.
  AppendStroke(&out, kRule);
  AppendNumbers(&out, {0.6}, "w");
  AppendNumbers(&out, {kQrBox.x, kQrBox.y, kQrBox.width, kQrBox.height}, "re S");
  const std::u32string scan = U"Pindai untuk verifikasi  /  Scan to verify";
  AppendText(&out, regular_subset, {&regular, 7.5, kFaint},
             kQrBox.x + (kQrBox.width - Width(regular, scan, 7.5)) / 2, kQrBox.y - 13, scan);

  // The verification note, in both languages, under the dates.
  double y = kFields[kExpiresField].y - 42;
  for (const char* note : {kNoteId, kNoteEn}) {
    const Fitted fitted = Fit(regular, Ascii(note), kQrSideWidth, 8, 8, 8);
    AppendLines(&out, regular_subset, {&regular, 8, note == kNoteId ? kMuted : kFaint}, kQrSideX, y,
                fitted);
    y -= static_cast<double>(fitted.lines.size()) * 8 * 1.2 + 6;
  }

  AppendRule(&out, kLeft, kRight, 78, 0.6, kRule);
  double footer_y = 64;
  for (const char* line : {kFooterId, kFooterEn}) {
    const Fitted fitted = Fit(regular, Ascii(line), kFullWidth, 7, 6, 2);
    AppendLines(&out, regular_subset, {&regular, fitted.size, line == kFooterId ? kMuted : kFaint},
                kLeft, footer_y, fitted);
    footer_y -= static_cast<double>(fitted.lines.size()) * fitted.size * 1.2 + 2;
  }
  out.append("Q\n");
  return out;
}

std::string DoseText(const CertificateView& v) {
  if (v.series_doses <= 0) return absl::StrCat(v.dose_number);
  return absl::StrCat(v.dose_number, " / ", v.series_doses);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct CertificateRenderer::Prepared {
  Font regular, bold;
  std::vector<char32_t> base;                      // BaseCodePoints()
  std::shared_ptr<const FontObjects> bold_base;    // the value font for ASCII-only certificates
  std::string prefix;                              // header and objects 1-10
  std::array<size_t, kBoldFont> prefix_offsets{};  // by object number
  size_t cache_limit = 0;

  mutable std::mutex mu;
  mutable std::unordered_map<std::u32string, std::shared_ptr<const FontObjects>> cache;

  bool InBase(char32_t c) const {
    return (c >= 0x20 && c < 0x7F) || c == kEllipsis || c == 0x2013 || c == 0x00B7;
  }

  // The value font's objects for a certificate that needs `extra` beyond the base set.
  absl::StatusOr<std::shared_ptr<const FontObjects>> BoldFor(const std::u32string& extra) const {
    if (extra.empty()) return bold_base;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = cache.find(extra);
      if (it != cache.end()) return it->second;
    }
    std::vector<char32_t> code_points = base;
    code_points.insert(code_points.end(), extra.begin(), extra.end());
    absl::StatusOr<std::shared_ptr<const FontObjects>> built =
        BuildFontObjects(*bold.face, code_points, kBoldFont);
    if (!built.ok()) return built.status();
    std::lock_guard<std::mutex> lock(mu);
    if (cache.size() < cache_limit) cache.emplace(extra, *built);
    return built;
  }
};

CertificateRenderer::CertificateRenderer(std::shared_ptr<const Prepared> prepared)
    : prepared_(std::move(prepared)) {}

PageBox CertificateRenderer::QrBox() { return kQrBox; }
PageBox CertificateRenderer::Page() { return PageBox{0, 0, kPageWidth, kPageHeight}; }

absl::StatusOr<CertificateRenderer> CertificateRenderer::Create(const RendererOptions& options) {
  auto p = std::make_shared<Prepared>();
  absl::StatusOr<std::shared_ptr<const TrueTypeFont>> regular =
      TrueTypeFont::Load(options.regular_font_file);
  if (!regular.ok()) return regular.status();
  absl::StatusOr<std::shared_ptr<const TrueTypeFont>> bold =
      TrueTypeFont::Load(options.bold_font_file);
  if (!bold.ok()) return bold.status();
  p->regular = Font{*regular, "/F1"};
  p->bold = Font{*bold, "/F2"};
  p->base = BaseCodePoints();
  for (char32_t c : p->base) {
    if (!p->regular.face->Has(c) || !p->bold.face->Has(c)) {
      return absl::FailedPreconditionError(
          absl::StrCat("font lacks U+", absl::Hex(static_cast<uint32_t>(c))));
    }
  }
  p->cache_limit = options.font_cache_entries;

  absl::StatusOr<std::shared_ptr<const FontObjects>> regular_objects =
      BuildFontObjects(*p->regular.face, p->base, kRegularFont);
  if (!regular_objects.ok()) return regular_objects.status();
  absl::StatusOr<std::shared_ptr<const FontObjects>> bold_objects =
      BuildFontObjects(*p->bold.face, p->base, kBoldFont);
  if (!bold_objects.ok()) return bold_objects.status();
  p->bold_base = *bold_objects;

  absl::StatusOr<std::string> content =
      Deflate(StaticContent(p->regular, (*regular_objects)->subset, p->bold, p->bold_base->subset),
              Z_BEST_COMPRESSION);
  if (!content.ok()) return content.status();

  std::string& out = p->prefix;
  out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  p->prefix_offsets[kCatalog] = out.size();
  AppendObject(&out, kCatalog,
               absl::StrCat("<< /Type /Catalog /Pages ", kPages,
                            " 0 R /Lang (id-ID) /ViewerPreferences << /DisplayDocTitle true >> "
                            ">>"));
  p->prefix_offsets[kPages] = out.size();
  AppendObject(&out, kPages,
               absl::StrCat("<< /Type /Pages /Kids [", kPageObject, " 0 R] /Count 1 >>"));
  p->prefix_offsets[kPageObject] = out.size();
  AppendObject(&out, kPageObject,
               absl::StrCat("<< /Type /Page /Parent ", kPages,
                            " 0 R /MediaBox [0 0 595.276 841.89]", " /Resources << /Font << /F1 ",
                            kRegularFont, " 0 R /F2 ", kBoldFont, " 0 R >> /XObject << /QR ",
                            kQrImage, " 0 R >> /ProcSet [/PDF /Text /ImageB] >> /Contents [",
                            kStaticContent, " 0 R ", kDynamicContent, " 0 R] >>"));
  p->prefix_offsets[kStaticContent] = out.size();
  AppendStreamObject(&out, kStaticContent, "", *content);
  p->prefix_offsets[kInfo] = out.size();
  AppendObject(&out, kInfo,
               "<< /Title (Sertifikat Vaksinasi COVID-19 / COVID-19 Vaccination Certificate) "
               "/Producer (Lindungi certpdf) >>");
  const size_t fonts_at = out.size();
  out.append((*regular_objects)->bytes);
  for (int i = 0; i < kObjectsPerFont; ++i) {
    p->prefix_offsets[kRegularFont + i] = fonts_at + (*regular_objects)->offsets[i];
  }
  return CertificateRenderer(std::move(p));
}

bool CertificateRenderer::CanRender(absl::string_view text) const {
  for (char32_t c : Decode(text)) {
    if (!prepared_->bold.face->Has(c)) return false;
  }
  return true;
}

absl::StatusOr<std::string> CertificateRenderer::Render(const CertificateView& view) const {
  absl::StatusOr<QrCode> qr = EncodeQr(view.hc1);
  if (!qr.ok()) return qr.status();
  return Render(view, *qr);
}

absl::StatusOr<std::string> CertificateRenderer::Render(const CertificateView& view,
                                                        const QrCode& qr) const {
  const Prepared& p = *prepared_;
  if (qr.width < 21 || qr.width > 177 ||
      qr.modules.size() != static_cast<size_t>(qr.width) * qr.width) {
    return absl::InvalidArgumentError("empty or malformed QR code");
  }

  // Values as code points, characters the font lacks as "?"; those beyond the base set pick the
  // value font's subset.
  const std::string dose = DoseText(view);
  const std::string* values[kFieldCount] = {&view.issuer,
                                            &view.full_name,
                                            &view.masked_nik,
                                            &view.birth_date,
                                            &view.vaccine_name,
                                            &view.manufacturer_name,
                                            &dose,
                                            &view.vaccinated_on,
                                            &view.batch,
                                            &view.country,
                                            &view.facility,
                                            &view.certificate_id,
                                            &view.issued_at,
                                            &view.expires_at};
  std::u32string texts[kFieldCount];
  std::u32string extra;
  for (int i = 0; i < kFieldCount; ++i) {
    // More than fits three lines of the narrowest glyphs is never shown: bound the layout work.
    texts[i] = Decode(values[i]->substr(0, 4 * kMaxValueChars));
    if (texts[i].size() > kMaxValueChars) texts[i].resize(kMaxValueChars);
    if (texts[i].empty()) texts[i] = U"-";
    for (char32_t& c : texts[i]) {
      if (p.InBase(c)) continue;
      if (!p.bold.face->Has(c)) {
        c = '?';
      } else if (extra.find(c) == std::u32string::npos) {
        extra.push_back(c);
      }
    }
  }
  std::sort(extra.begin(), extra.end());
  absl::StatusOr<std::shared_ptr<const FontObjects>> bold = p.BoldFor(extra);
  if (!bold.ok()) return bold.status();
  const FontSubset& subset = (*bold)->subset;

  std::string content;
  content.reserve(2048);
  for (int i = 0; i < kFieldCount; ++i) {
    const Field& f = kFields[i];
    const Fitted fitted = Fit(p.bold, texts[i], f.width, f.size, f.min_size, f.max_lines);
    // A wrapped value starts a little higher so that two lines fit the row.
    const double drop = fitted.lines.size() > 1 ? kValueDrop - 2 : kValueDrop;
    AppendLines(&content, subset, {&p.bold, f.size, kInk}, f.x, f.y - drop, fitted);
  }
  content.append("q ");
  AppendNumbers(&content, {kQrBox.width, 0, 0, kQrBox.height, kQrBox.x, kQrBox.y}, "cm");
  content.append("/QR Do Q\n");
  absl::StatusOr<std::string> content_z = Deflate(content, kDynamicLevel);
  if (!content_z.ok()) return content_z.status();

  // The symbol with its quiet zone as one 1-bit DeviceGray image (1 = white), one bit per module,
  // uncompressed: QR data is as random as its Base45 payload, deflate gained nothing.
  const int side = qr.width + 2 * kQuietZone;
  const size_t row_bytes = (static_cast<size_t>(side) + 7) / 8;
  std::string image(row_bytes * side, '\xFF');
  for (int y = 0; y < qr.width; ++y) {
    uint8_t* row = reinterpret_cast<uint8_t*>(&image[(y + kQuietZone) * row_bytes]);
    const uint8_t* modules = &qr.modules[static_cast<size_t>(y) * qr.width];
    unsigned bits = 0xFFu >> (8 - kQuietZone);  // the quiet zone's first modules, light
    int count = kQuietZone;
    for (int x = 0; x < qr.width; ++x) {
      bits = bits << 1 | (modules[x] == 0);
      if (++count == 8) {
        *row++ = static_cast<uint8_t>(bits);
        bits = 0;
        count = 0;
      }
    }
    if (count > 0) *row = static_cast<uint8_t>(bits << (8 - count) | (0xFFu >> count));
  }

  std::string pdf;
  pdf.reserve(p.prefix.size() + (*bold)->bytes.size() + content_z->size() + image.size() + 1536);
  pdf = p.prefix;
  std::array<size_t, kObjectCount> offsets{};
  std::copy(p.prefix_offsets.begin(), p.prefix_offsets.end(), offsets.begin());
  const size_t bold_at = pdf.size();
  pdf.append((*bold)->bytes);
  for (int i = 0; i < kObjectsPerFont; ++i) offsets[kBoldFont + i] = bold_at + (*bold)->offsets[i];
  offsets[kDynamicContent] = pdf.size();
  AppendStreamObject(&pdf, kDynamicContent, "", *content_z);
  offsets[kQrImage] = pdf.size();
  AppendStreamObject(
      &pdf, kQrImage,
      absl::StrCat("/Type /XObject /Subtype /Image /Width ", side, " /Height ", side,
                   " /ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false"),
      image, /*deflated=*/false);

  // A document id from the content, so that the same certificate gives the same bytes.
  const uint64_t h1 = Fnv1a(image, Fnv1a(*content_z, (*bold)->hash));
  const uint64_t h2 = Fnv1a(*content_z, Fnv1a(image, h1));
  std::string id;
  for (uint64_t h : {h1, h2}) {
    for (int shift = 60; shift >= 0; shift -= 4) id.push_back(kHex[(h >> shift) & 15]);
  }

  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", static_cast<int>(kObjectCount), "\n0000000000 65535 f \n");
  char entry[21];
  for (int i = 1; i < kObjectCount; ++i) {
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", offsets[i]);
    pdf.append(entry, 20);
  }
  absl::StrAppend(&pdf, "trailer\n<< /Size ", static_cast<int>(kObjectCount), " /Root ", kCatalog,
                  " 0 R /Info ", kInfo, " 0 R /ID [<", id, "> <", id, ">] >>\nstartxref\n", xref,
                  "\n%%EOF\n");
  return pdf;
}

}  // namespace lindungi::certpdf

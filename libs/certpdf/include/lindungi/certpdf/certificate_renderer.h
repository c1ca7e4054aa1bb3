#pragma once

// The one-page PDF vaccination certificate (A4 portrait, Bahasa Indonesia and English) with the
// EU DCC QR code. Everything that does not depend on the certificate - the page, the labels, the
// notes and the embedded fonts - is serialised once by Create; Render only lays out the values,
// draws the QR as one 1-bit image and writes the cross-reference table. The output is
// byte-identical for the same input (no dates, a document id derived from the content) as long
// as the font files and zlib stay the same; a font package upgrade changes the bytes.
//
// Text is set in DejaVu Sans (Debian: fonts-dejavu-core), embedded as a subset: the printable
// ASCII glyphs always, plus those of any other character a certificate uses (Latin with
// diacritics, Greek, Cyrillic, ... - whatever the font covers), cached per character set.
// Characters the font lacks (CJK, for one) print as "?": check CanRender first and pass the
// ICAO transliteration (the DCC's fnt/gnt fields) instead.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/certpdf/qr.h"

namespace lindungi::certpdf {

// What the certificate shows, as display strings (UTF-8) prepared by the caller. A value too long
// for its place is set smaller, then wrapped, then cut with "…"; it never leaves its place.
struct CertificateView {
  std::string full_name;          // "SITI RAHAYU"
  std::string masked_nik;         // "3201********0001"
  std::string birth_date;         // "1990-01-31"
  int dose_number = 0;            // dn
  int series_doses = 0;           // sd; 0 or less shows the dose number alone
  std::string vaccine_name;       // "Comirnaty"
  std::string manufacturer_name;  // "Pfizer / BioNTech"
  std::string vaccinated_on;      // "2021-08-15"
  std::string batch;              // "FF2587"
  std::string facility;           // "Puskesmas Kecamatan Menteng, Jakarta Pusat"
  std::string country;            // "Indonesia (ID)"
  std::string issuer;             // "Kementerian Kesehatan Republik Indonesia"
  std::string certificate_id;     // "URN:UVCI:01:ID:..."
  std::string issued_at;          // "2024-03-01"
  std::string expires_at;         // "2025-03-01"
  std::string hc1;                // "HC1:...", the QR content
};

struct RendererOptions {
  std::string regular_font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string bold_font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  // Font subsets kept for certificates with characters beyond ASCII, one per character set.
  size_t font_cache_entries = 1024;
};

// A rectangle on the page in PDF points (1/72 inch), from the bottom left corner.
struct PageBox {
  double x = 0, y = 0, width = 0, height = 0;
};

// Immutable after Create: Render may run on many threads at once, and copies are cheap (they
// share the prepared parts).
class CertificateRenderer {
 public:
  // Loads the fonts and serialises the static parts of the page. NOT_FOUND when a font file is
  // missing (install fonts-dejavu-core or point the options elsewhere).
  static absl::StatusOr<CertificateRenderer> Create(const RendererOptions& options = {});

  // The PDF for `view`, its QR code encoded from view.hc1 (see EncodeQr for what it accepts).
  absl::StatusOr<std::string> Render(const CertificateView& view) const;
  // The same with the QR code already encoded (it must encode view.hc1).
  absl::StatusOr<std::string> Render(const CertificateView& view, const QrCode& qr) const;

  // Whether every character of `text` (UTF-8) is in the value font, i.e. none prints as "?".
  bool CanRender(absl::string_view text) const;

  // Where the QR symbol goes, quiet zone of 4 modules included; no text ever enters it.
  static PageBox QrBox();
  static PageBox Page();  // A4: 595.276 x 841.89

 private:
  struct Prepared;
  explicit CertificateRenderer(std::shared_ptr<const Prepared> prepared);

  std::shared_ptr<const Prepared> prepared_;
};

}  // namespace lindungi::certpdf

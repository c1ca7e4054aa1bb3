#include "lindungi/dcc/names.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "utf8.h"

namespace lindungi::dcc {
namespace {

// U+0100..U+017F (Latin Extended-A), one letter each; '?' marks the two-letter ones.
constexpr char kLatinExtendedA[] =
    "AAAAAACCCCCCCCDD"
    "DDEEEEEEEEEEGGGG"
    "GGGGHHHHIIIIIIII"
    "II??JJKKKLLLLLLL"
    "LLLNNNNNNNNNOOOO"
    "OO??RRRRRRSSSSSS"
    "SSTTTTTTUUUUUUUU"
    "UUUUWWYYYZZZZZZS";

// U+00C0..U+00FF (Latin-1 letters), upper and lower case alike; '?' marks the special ones.
constexpr char kLatin1[] =
    "AAAA???CEEEEIIII"   // C0-CF: Ä Å Æ are special
    "DNOOOO???UUU?Y??";  // D0-DF: Ö × Ø Ü Þ ß are special

// The ICAO 9303 transliteration of one code point: letters as A-Z, "<" for a separator, ""
// for what is dropped.
absl::string_view Transliterate(int32_t cp) {
  if (cp >= 'A' && cp <= 'Z') {
    static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    return absl::string_view(kUpper + (cp - 'A'), 1);
  }
  if (cp >= 'a' && cp <= 'z') return Transliterate(cp - 'a' + 'A');
  switch (cp) {
    case ' ':
    case '\t':
    case '-':
    case ',':
    case 0x00A0:  // no-break space
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
      return "<";
    case 0x00C4:
    case 0x00E4:
      return "AE";  // Ä
    case 0x00C5:
    case 0x00E5:
      return "AA";  // Å
    case 0x00C6:
    case 0x00E6:
      return "AE";  // Æ
    case 0x00D6:
    case 0x00F6:
      return "OE";  // Ö
    case 0x00D8:
    case 0x00F8:
      return "OE";  // Ø
    case 0x00DC:
    case 0x00FC:
      return "UE";  // Ü
    case 0x00DE:
    case 0x00FE:
      return "TH";  // Þ
    case 0x00DF:
      return "SS";  // ß
    case 0x1E9E:
      return "SS";  // capital sharp s
    case 0x00FF:
      return "Y";  // ÿ
    case 0x0132:
    case 0x0133:
      return "IJ";  // Ĳ
    case 0x0152:
    case 0x0153:
      return "OE";  // Œ
    case 0x0218:
    case 0x0219:
      return "S";  // Ș (Romanian comma below)
    case 0x021A:
    case 0x021B:
      return "T";  // Ț
    default:
      break;
  }
  if (cp >= 0x00C0 && cp <= 0x00FF && cp != 0x00D7 && cp != 0x00F7) {
    const char c = kLatin1[(cp - 0x00C0) & 0x1F];
    if (c != '?') return Transliterate(c);
  }
  if (cp >= 0x0100 && cp <= 0x017F) {
    const char c = kLatinExtendedA[cp - 0x0100];
    if (c != '?') return Transliterate(c);
  }
  return "";
}

}  // namespace

std::string IcaoStandardize(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t pos = 0;
  while (pos < name.size()) {
    const int32_t cp = NextCodePoint(name, &pos);
    if (cp < 0) continue;
    const absl::string_view t = Transliterate(cp);
    if (t == "<") {
      if (!out.empty() && out.back() != '<') out.push_back('<');
    } else {
      out.append(t.data(), t.size());
    }
  }
  if (out.size() > kMaxNameLength) out.resize(kMaxNameLength);
  while (!out.empty() && out.back() == '<') out.pop_back();
  return out;
}

HolderName SplitIndonesianName(absl::string_view full_name) {
  const absl::string_view name = full_name.substr(0, full_name.find(','));
  std::vector<absl::string_view> words =
      absl::StrSplit(name, absl::ByAnyChar(" \t\r\n\f\v"), absl::SkipEmpty());
  HolderName out;
  if (words.empty()) return out;
  out.family_name = std::string(words.back());
  words.pop_back();
  out.given_name = absl::StrJoin(words, " ");
  return out;
}

}  // namespace lindungi::dcc

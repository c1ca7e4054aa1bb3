// QR codes and PDF certificates: the QR's version and mode against the QR capacity tables, its
// masks against libqrencode, and the PDF read back by independent tools (poppler's pdfinfo,
// pdftotext and pdftoppm, then zbar's zbarimg for the QR). Tools that are missing skip their
// tests.

#include <qrencode.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "lindungi/certpdf/certificate_renderer.h"
#include "lindungi/certpdf/font_subset.h"
#include "lindungi/certpdf/qr.h"
#include "support/test_env.h"

// libqrencode's single-mask encoder (exported by Debian's build, not in qrencode.h): the
// reference for our derived masks.
extern "C" QRcode* QRcode_encodeMask(QRinput* input, int mask) __attribute__((weak));

namespace lindungi::certpdf {
namespace {

constexpr char kBase45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

// "HC1:" and Base45 characters up to `length`, as a signed, compressed DCC looks.
std::string MakeHc1(size_t length, uint32_t seed = 1) {
  std::string s = "HC1:";
  uint32_t x = seed;
  while (s.size() < length) {
    x = x * 1103515245u + 12345u;
    s.push_back(kBase45[(x >> 16) % 45]);
  }
  s.resize(length);
  return s;
}

// ISO/IEC 18004 Table 9: data codewords of each version (1-40) at ECC level Q.
constexpr int kDataCodewordsQ[41] = {0,    13,   22,   34,   48,   62,   76,   88,  110, 132,  154,
                                     180,  206,  244,  261,  295,  325,  367,  397, 445, 485,  512,
                                     568,  614,  664,  718,  754,  808,  871,  911, 985, 1033, 1115,
                                     1171, 1231, 1286, 1354, 1426, 1502, 1582, 1666};

// The smallest level Q version that holds `length` characters as one segment of the mode.
int PredictedVersion(size_t length, bool alphanumeric) {
  for (int v = 1; v <= 40; ++v) {
    int count_bits;
    if (alphanumeric) {
      count_bits = v <= 9 ? 9 : v <= 26 ? 11 : 13;
    } else {
      count_bits = v <= 9 ? 8 : 16;
    }
    const size_t data_bits = alphanumeric ? 11 * (length / 2) + 6 * (length % 2) : 8 * length;
    if (4 + count_bits + data_bits <= static_cast<size_t>(kDataCodewordsQ[v]) * 8) return v;
  }
  return 0;
}

// The ISO/IEC 18004 7.8.3 penalty, module by module, outside the symbol light.
int ReferencePenalty(const QrCode& q) {
  const int w = q.width;
  auto line = [&](int i, int k, bool row) { return row ? q.Dark(k, i) : q.Dark(i, k); };
  int penalty = 0;
  for (int i = 0; i < w; ++i) {
    for (bool row : {true, false}) {
      for (int k = 0; k < w;) {  // N1
        int end = k;
        while (end < w && line(i, end, row) == line(i, k, row)) ++end;
        if (end - k >= 5) penalty += 3 + (end - k - 5);
        k = end;
      }
      auto at = [&](int k) { return k >= 0 && k < w && line(i, k, row); };
      const int pattern[11] = {1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0};
      for (int start = -4; start + 11 <= w + 4; ++start) {  // N3
        bool forward = true, backward = true;
        for (int k = 0; k < 11; ++k) {
          forward = forward && at(start + k) == (pattern[k] == 1);
          backward = backward && at(start + k) == (pattern[10 - k] == 1);
        }
        penalty += 40 * (forward + backward);
      }
    }
  }
  int dark = 0;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w; ++x) {
      dark += q.Dark(x, y);
      if (x + 1 < w && y + 1 < w && q.Dark(x, y) == q.Dark(x + 1, y) &&
          q.Dark(x, y) == q.Dark(x, y + 1) && q.Dark(x, y) == q.Dark(x + 1, y + 1)) {
        penalty += 3;  // N2
      }
    }
  }
  return penalty + 10 * (std::abs(dark * 2 - w * w) * 10 / (w * w));
}

TEST(QrTest, RealisticHc1IsOneAlphanumericSegmentAtThePredictedVersion) {
  const std::string hc1 = MakeHc1(553);
  absl::StatusOr<QrCode> qr = EncodeQr(hc1);
  ASSERT_TRUE(qr.ok()) << qr.status();
  const int alphanumeric = PredictedVersion(hc1.size(), true);
  const int byte_mode = PredictedVersion(hc1.size(), false);
  EXPECT_EQ(alphanumeric, 18);
  EXPECT_EQ(byte_mode, 22);
  EXPECT_EQ(qr->version, alphanumeric);  // byte mode would need version 22
  EXPECT_EQ(qr->width, 17 + 4 * qr->version);
  EXPECT_EQ(qr->modules.size(), static_cast<size_t>(qr->width * qr->width));
  EXPECT_GE(qr->mask, 0);
  EXPECT_LE(qr->mask, 7);
}

TEST(QrTest, VersionMatchesAlphanumericCapacityAcrossLengths) {
  for (size_t length = 1; length <= 2420; length += length < 40 ? 1 : 37) {
    absl::StatusOr<QrCode> qr = EncodeQr(MakeHc1(length, static_cast<uint32_t>(length)));
    ASSERT_TRUE(qr.ok()) << length << ": " << qr.status();
    EXPECT_EQ(qr->version, PredictedVersion(length, true)) << length;
  }
  absl::StatusOr<QrCode> full = EncodeQr(std::string(2420, 'A'));
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->version, 40);
}

TEST(QrTest, RejectsWhatAlphanumericModeCannotHold) {
  EXPECT_EQ(EncodeQr("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeQr("hc1:abc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeQr("HC1:A#B").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeQr(std::string("HC1:\0A", 6)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeQr(std::string(2421, 'A')).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeQrWithMask("HC1:", 8).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(QrTest, EveryMaskMatchesLibqrencodesOwnEncoding) {
  if (QRcode_encodeMask == nullptr) GTEST_SKIP() << "libqrencode does not export it";
  for (size_t length : {4, 25, 120, 553, 700, 1500, 2420}) {
    const std::string text = MakeHc1(length, static_cast<uint32_t>(length));
    for (int mask = 0; mask < 8; ++mask) {
      absl::StatusOr<QrCode> ours = EncodeQrWithMask(text, mask);
      ASSERT_TRUE(ours.ok()) << ours.status();
      QRinput* input = QRinput_new2(0, QR_ECLEVEL_Q);
      ASSERT_EQ(QRinput_append(input, QR_MODE_AN, static_cast<int>(text.size()),
                               reinterpret_cast<const unsigned char*>(text.data())),
                0);
      QRcode* theirs = QRcode_encodeMask(input, mask);
      ASSERT_NE(theirs, nullptr);
      ASSERT_EQ(theirs->width, ours->width);
      EXPECT_EQ(theirs->version, ours->version);
      int differing = 0;
      for (int i = 0; i < theirs->width * theirs->width; ++i) {
        differing += (theirs->data[i] & 1) != ours->modules[i];
      }
      EXPECT_EQ(differing, 0) << "length " << length << " mask " << mask;
      QRcode_free(theirs);
      QRinput_free(input);
    }
  }
}

TEST(QrTest, PicksTheMaskOfLowestPenalty) {
  for (size_t length : {10, 553, 1200}) {
    const std::string text = MakeHc1(length, 7);
    absl::StatusOr<QrCode> chosen = EncodeQr(text);
    ASSERT_TRUE(chosen.ok()) << chosen.status();
    for (int mask = 0; mask < 8; ++mask) {
      absl::StatusOr<QrCode> other = EncodeQrWithMask(text, mask);
      ASSERT_TRUE(other.ok());
      EXPECT_EQ(QrPenalty(*other), ReferencePenalty(*other)) << length << " mask " << mask;
      EXPECT_LE(QrPenalty(*chosen), QrPenalty(*other));
    }
  }
}

// ---------------------------------------------------------------------------------------------

bool HaveTool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command, returning its standard output ("" when it fails).
std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  return pclose(pipe) == 0 ? out : std::string();
}

CertificateView SampleView() {
  CertificateView v;
  v.full_name = "SITI NURHALIZA RAHAYU";
  v.masked_nik = "3201********0001";
  v.birth_date = "1990-01-31";
  v.dose_number = 2;
  v.series_doses = 2;
  v.vaccine_name = "Comirnaty";
  v.manufacturer_name = "Pfizer / BioNTech";
  v.vaccinated_on = "2021-08-15";
  v.batch = "FF2587";
  v.facility = "Puskesmas Kecamatan Menteng, Jakarta Pusat";
  v.country = "Indonesia (ID)";
  v.issuer = "Kementerian Kesehatan Republik Indonesia";
  v.certificate_id = "URN:UVCI:01:ID:8A1F3C6D2E9B4F70A5C3D1E2#K";
  v.issued_at = "2024-03-01";
  v.expires_at = "2025-03-01";
  v.hc1 = MakeHc1(553);
  return v;
}

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<CertificateRenderer> renderer = CertificateRenderer::Create();
    if (!renderer.ok() && renderer.status().code() == absl::StatusCode::kNotFound) {
      GTEST_SKIP() << renderer.status() << " (Debian package fonts-dejavu-core)";
    }
    ASSERT_TRUE(renderer.ok()) << renderer.status();
    renderer_.emplace(*std::move(renderer));
    dir_ = testing::MakeTempDir();
  }

  std::string RenderToFile(const CertificateView& view, const std::string& name) {
    absl::StatusOr<std::string> pdf = renderer_->Render(view);
    EXPECT_TRUE(pdf.ok()) << pdf.status();
    if (!pdf.ok()) return "";
    const std::string path = dir_ + "/" + name;
    testing::WriteFile(path, *pdf);
    return path;
  }

  // The QR codes zbarimg finds on the page rendered at `dpi`, one per line.
  std::string ScanQr(const std::string& pdf, int dpi) {
    const std::string png = pdf + ".png";
    const std::string render =
        absl::StrCat("pdftoppm -r ", dpi, " -png -singlefile ", pdf, " ", pdf, " 2>&1");
    EXPECT_EQ(std::system(render.c_str()), 0);
    return RunCommand("zbarimg --raw -q " + png + " 2>/dev/null");
  }

  std::optional<CertificateRenderer> renderer_;
  std::string dir_;
};

TEST_F(CertificateTest, IsOneA4Page) {
  const std::string path = RenderToFile(SampleView(), "one.pdf");
  const std::string pdf = testing::ReadFileOrDie(path);
  EXPECT_EQ(pdf.rfind("%PDF-1.7\n", 0), 0u);
  EXPECT_NE(pdf.find("/Type /Pages /Kids [3 0 R] /Count 1"), std::string::npos);
  EXPECT_EQ(pdf.compare(pdf.size() - 6, 6, "%%EOF\n"), 0);
  EXPECT_LT(pdf.size(), 40u * 1024) << "fonts should be subsets";
  // The cross-reference table points at every object.
  const size_t startxref = pdf.rfind("startxref\n");
  ASSERT_NE(startxref, std::string::npos);
  const size_t xref = std::stoul(pdf.substr(startxref + 10));
  ASSERT_EQ(pdf.compare(xref, 9, "xref\n0 18"), 0);
  std::istringstream table(pdf.substr(xref + 10));
  std::string offset, generation, kind;
  for (int object = 0; object < 18; ++object) {
    ASSERT_TRUE(table >> offset >> generation >> kind);
    if (object == 0) continue;
    EXPECT_EQ(kind, "n");
    EXPECT_EQ(pdf.substr(std::stoul(offset), absl::StrCat(object, " 0 obj").size()),
              absl::StrCat(object, " 0 obj"));
  }
  if (!HaveTool("pdfinfo")) GTEST_SKIP() << "pdfinfo (poppler-utils) not installed";
  const std::string info = RunCommand("pdfinfo " + path + " 2>&1");
  const size_t pages = info.find("Pages:");
  ASSERT_NE(pages, std::string::npos) << info;
  EXPECT_EQ(std::stoi(info.substr(pages + 6)), 1) << info;
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  // pdfinfo -fonts style check: every font embedded.
  const std::string fonts = RunCommand("pdffonts " + path + " 2>&1");
  EXPECT_NE(fonts.find("DejaVuSans-Bold"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find(" no "), std::string::npos) << "a font is not embedded:\n" << fonts;
  // poppler complains on stderr about anything malformed.
  EXPECT_EQ(RunCommand("pdftotext " + path + " /dev/null 2>&1"), "");
}

TEST_F(CertificateTest, QrRoundTripsThroughPdftoppmAndZbarimg) {
  if (!HaveTool("pdftoppm") || !HaveTool("zbarimg")) {
    GTEST_SKIP() << "pdftoppm (poppler-utils) or zbarimg (zbar-tools) not installed";
  }
  const CertificateView view = SampleView();
  const std::string path = RenderToFile(view, "roundtrip.pdf");
  EXPECT_EQ(ScanQr(path, 150), view.hc1 + "\n");
}

TEST_F(CertificateTest, SameInputGivesTheSameBytes) {
  CertificateView view = SampleView();
  view.full_name = "JOSÉ MUÑOZ";  // through the font cache too
  absl::StatusOr<std::string> first = renderer_->Render(view);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::string> again = renderer_->Render(view);  // cached subset
  absl::StatusOr<CertificateRenderer> other = CertificateRenderer::Create();
  ASSERT_TRUE(other.ok());
  absl::StatusOr<std::string> elsewhere;
  std::thread([&] { elsewhere = other->Render(view); }).join();
  ASSERT_TRUE(again.ok() && elsewhere.ok());
  EXPECT_TRUE(*first == *again);
  EXPECT_TRUE(*first == *elsewhere);

  view.batch = "FF2588";
  absl::StatusOr<std::string> changed = renderer_->Render(view);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(*first == *changed);
}

TEST_F(CertificateTest, FieldsAppearInTheText) {
  if (!HaveTool("pdftotext")) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const CertificateView view = SampleView();
  const std::string text = RunCommand("pdftotext -raw " + RenderToFile(view, "text.pdf") + " -");
  for (const std::string& expected : {std::string("SERTIFIKAT VAKSINASI COVID-19"),
                                      std::string("COVID-19 VACCINATION CERTIFICATE"),
                                      std::string("Nama / Name"),
                                      std::string("NIK"),
                                      std::string("Tanggal lahir / Date of birth"),
                                      std::string("Dosis / Dose"),
                                      std::string("Vaksin / Vaccine"),
                                      std::string("Tanggal vaksinasi / Date of vaccination"),
                                      std::string("Nomor batch / Batch"),
                                      std::string("Fasilitas / Facility"),
                                      std::string("ID sertifikat / Certificate ID"),
                                      std::string("EU DCC verifier"),
                                      std::string("pemverifikasi EU DCC"),
                                      view.full_name,
                                      view.masked_nik,
                                      view.birth_date,
                                      std::string("2 / 2"),
                                      view.vaccine_name,
                                      view.manufacturer_name,
                                      view.vaccinated_on,
                                      view.batch,
                                      view.facility,
                                      view.country,
                                      view.issuer,
                                      view.issued_at,
                                      view.expires_at}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
  // The certificate id may wrap: compare without white space.
  const std::string compact = absl::StrReplaceAll(text, {{" ", ""}, {"\n", ""}});
  EXPECT_NE(compact.find(view.certificate_id), std::string::npos) << text;
}

TEST_F(CertificateTest, NamesBeyondAsciiUseEmbeddedGlyphs) {
  CertificateView view = SampleView();
  view.full_name = "JOSÉ MUÑOZ ŁUKASZ ŞAHİN NGUYỄN";
  view.facility = "Клиника Святой Анны, Αθήνα";
  EXPECT_TRUE(renderer_->CanRender(view.full_name));
  EXPECT_TRUE(renderer_->CanRender(view.facility));
  EXPECT_FALSE(renderer_->CanRender("王小明"));
  const std::string path = RenderToFile(view, "diacritics.pdf");
  ASSERT_FALSE(path.empty());
  if (HaveTool("pdftotext")) {
    const std::string text = RunCommand("pdftotext -raw " + path + " -");
    EXPECT_NE(text.find(view.full_name), std::string::npos) << text;
    EXPECT_NE(text.find(view.facility), std::string::npos) << text;
  }
  view.full_name = "王小明 (WANG XIAOMING)";  // no CJK in DejaVu: "?" rather than failure
  const std::string cjk = RenderToFile(view, "cjk.pdf");
  if (HaveTool("pdftotext")) {
    EXPECT_NE(RunCommand("pdftotext -raw " + cjk + " -").find("??? (WANG XIAOMING)"),
              std::string::npos);
  }
  view.full_name = "BAD \xC3\x28 UTF-8 \xF0\x9F\x98";  // invalid UTF-8 is replaced, not fatal
  EXPECT_FALSE(RenderToFile(view, "badutf8.pdf").empty());
}

struct Word {
  double x_min, y_min, x_max, y_max;  // points from the top left
  std::string text;
};

// The words of `pdftotext -bbox` output: <word xMin="56.0" yMin="40.1" xMax=".."
// yMax="..">text</word>
std::vector<Word> Words(const std::string& bbox_html) {
  std::vector<Word> words;
  auto attribute = [&](size_t from, const std::string& name) {
    const size_t at = bbox_html.find(name + "=\"", from);
    return at == std::string::npos ? -1.0 : std::stod(bbox_html.substr(at + name.size() + 2));
  };
  for (size_t at = bbox_html.find("<word "); at != std::string::npos;
       at = bbox_html.find("<word ", at + 1)) {
    const size_t text = bbox_html.find('>', at) + 1;
    const size_t end = bbox_html.find("</word>", text);
    if (text == 0 || end == std::string::npos) break;
    words.push_back({attribute(at, "xMin"), attribute(at, "yMin"), attribute(at, "xMax"),
                     attribute(at, "yMax"), bbox_html.substr(text, end - text)});
  }
  return words;
}

TEST_F(CertificateTest, OverlongValuesStayInTheirPlace) {
  if (!HaveTool("pdftotext")) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  CertificateView view = SampleView();
  const std::string long_words =
      "PUSKESMAS KECAMATAN TANJUNG PRIOK KELURAHAN SUNGAI BAMBU RUKUN WARGA LIMA BELAS JAKARTA "
      "UTARA DAERAH KHUSUS IBUKOTA JAKARTA REPUBLIK INDONESIA ASIA TENGGARA ";
  view.full_name = long_words + long_words;
  view.facility = long_words + long_words + long_words;
  view.vaccine_name = std::string(300, 'W');  // one unbreakable word
  view.manufacturer_name = long_words;
  view.batch = std::string(120, 'M');
  view.certificate_id = "URN:UVCI:01:ID:" + std::string(150, 'X') + "#K";
  view.expires_at = long_words;
  const std::string path = RenderToFile(view, "long.pdf");
  const std::vector<Word> words = Words(RunCommand("pdftotext -bbox " + path + " -"));
  ASSERT_GT(words.size(), 50u);
  const PageBox page = CertificateRenderer::Page();
  const PageBox qr = CertificateRenderer::QrBox();
  const double qr_top = page.height - (qr.y + qr.height), qr_bottom = page.height - qr.y;
  int ellipses = 0;
  for (const Word& w : words) {
    EXPECT_GE(w.x_min, 40) << w.text;
    EXPECT_LE(w.x_max, page.width - 40) << w.text;
    const bool overlaps_qr =
        w.x_max > qr.x && w.x_min < qr.x + qr.width && w.y_max > qr_top && w.y_min < qr_bottom;
    EXPECT_FALSE(overlaps_qr) << w.text << " at " << w.x_min << "," << w.y_min;
    ellipses += w.text.find("…") != std::string::npos;
  }
  EXPECT_GE(ellipses, 5);
  // Words never overlap each other either.
  for (size_t i = 0; i < words.size(); ++i) {
    for (size_t j = i + 1; j < words.size(); ++j) {
      const Word& a = words[i];
      const Word& b = words[j];
      const double dx = std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min);
      const double dy = std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min);
      EXPECT_FALSE(dx > 0.5 && dy > 0.5) << a.text << " overlaps " << b.text;
    }
  }
  if (HaveTool("pdftoppm") && HaveTool("zbarimg")) {
    EXPECT_EQ(ScanQr(path, 150), view.hc1 + "\n");
  }
}

TEST_F(CertificateTest, HugeValuesCostNoMoreThanLongOnes) {
  CertificateView view = SampleView();
  view.full_name = std::string(1 << 20, 'A');
  view.facility = std::string(1 << 20, '\xC3');  // and invalid UTF-8 at that
  absl::StatusOr<std::string> pdf = renderer_->Render(view);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  // Cut to what fits on the line: the 2 MB of input leave the page as small as a long name does.
  view.full_name = std::string(200, 'A');
  view.facility = std::string(200, '\xC3');
  absl::StatusOr<std::string> long_values = renderer_->Render(view);
  ASSERT_TRUE(long_values.ok()) << long_values.status();
  EXPECT_LT(pdf->size(), long_values->size() + 1024);
}

TEST_F(CertificateTest, RejectsWhatCannotBeAQr) {
  CertificateView view = SampleView();
  view.hc1 = "hc1:lowercase";
  EXPECT_EQ(renderer_->Render(view).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(renderer_->Render(SampleView(), QrCode{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CertificateTest, ConcurrentRendersAgree) {
  CertificateView view = SampleView();
  view.full_name = "ZOË ÅSTRÖM";
  absl::StatusOr<std::string> expected = renderer_->Render(view);
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        CertificateView mine = view;
        mine.full_name = i % 2 ? view.full_name : absl::StrCat("NAMA ", t, " ", i, " Ğ");
        absl::StatusOr<std::string> pdf = renderer_->Render(mine);
        if (i % 2 && pdf.ok() && *pdf == *expected) ++same[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(same[t], 25);
}

// LINDUNGI_CERTPDF_SAMPLE=<dir> writes certificate-sample.pdf there (docs/images uses its PNG).
TEST_F(CertificateTest, WritesSampleWhenAsked) {
  const char* dir = std::getenv("LINDUNGI_CERTPDF_SAMPLE");
  if (dir == nullptr) GTEST_SKIP() << "LINDUNGI_CERTPDF_SAMPLE not set";
  absl::StatusOr<std::string> pdf = renderer_->Render(SampleView());
  ASSERT_TRUE(pdf.ok());
  testing::WriteFile(std::string(dir) + "/certificate-sample.pdf", *pdf);
  if (std::getenv("LINDUNGI_CERTPDF_SAMPLE_ALL") == nullptr) return;
  CertificateView view = SampleView();
  view.full_name = "JOSÉ MUÑOZ ŁUKASZ ŞAHİN NGUYỄN";
  view.facility = "Клиника Святой Анны, Αθήνα";
  testing::WriteFile(std::string(dir) + "/certificate-unicode.pdf", *renderer_->Render(view));
  const std::string words =
      "PUSKESMAS KECAMATAN TANJUNG PRIOK KELURAHAN SUNGAI BAMBU RUKUN WARGA LIMA BELAS JAKARTA "
      "UTARA DAERAH KHUSUS IBUKOTA JAKARTA REPUBLIK INDONESIA ASIA TENGGARA ";
  view.full_name = words + words;
  view.facility = words + words + words;
  view.vaccine_name = std::string(300, 'W');
  view.manufacturer_name = words;
  view.batch = std::string(120, 'M');
  view.certificate_id = "URN:UVCI:01:ID:" + std::string(150, 'X') + "#K";
  view.expires_at = words;
  testing::WriteFile(std::string(dir) + "/certificate-long.pdf", *renderer_->Render(view));
}

}  // namespace
}  // namespace lindungi::certpdf

// certificate-bench: certificates per second per core through certificate-service's issuing
// pipeline, in process (no gRPC, no store): the same library calls IssueCertificate and
// VerifyCertificate make, with the service's DocumentSigner and CertificateRenderer.
//
//   certificate-bench --signing_key_file=dsc.key --signing_cert_file=dsc.crt   (tools/gen-keys)
//   certificate-bench ... --duration=5s --threads=2 --stages=sign,hc1-qr-pdf
//
// Stages (each runs --duration on one thread, then on --threads threads when that is above 1):
//   sign        (a) ES256 over one prepared COSE Sig_structure: SHA-256, ECDSA, DER to r || s
//   claims      DCC fields -> deterministic CBOR claims {1: iss, 4: exp, 6: iat, -260: {1: dcc}}
//   cose        COSE_Sign1 around prepared claims (sign plus framing)
//   zlib        zlib level 9 of a prepared COSE_Sign1
//   base45      Base45 of a prepared compressed COSE_Sign1
//   hc1         (b) claims -> COSE_Sign1 -> zlib -> Base45 -> "HC1:", all of the above
//   qr          the QR code of a prepared HC1 (ECC level Q, alphanumeric, best mask)
//   pdf         the PDF from a prepared QR code
//   hc1-qr-pdf  (c) hc1, then the PDF with its QR code, as IssueCertificate does
//   verify      (d) DecodeHc1 with the signer's kid lookup: Base45, inflate, CBOR, COSE, ES256
// The certificates cycle over --samples distinct holders, doses and products.
//
// One line per stage and thread count; us_per_op is CPU time per certificate (wall time x threads
// / ops), ops_per_s_per_core is ops_per_s / threads:
//   stage=hc1 threads=1 ops=… seconds=… us_per_op=… ops_per_s=… ops_per_s_per_core=…
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "document_signer.h"
#include "lindungi/certpdf/certificate_renderer.h"
#include "lindungi/certpdf/qr.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/dcc/base45.h"
#include "lindungi/dcc/compression.h"
#include "lindungi/dcc/cose.h"
#include "lindungi/dcc/dcc.h"
#include "lindungi/dcc/hc1.h"
#include "lindungi/dcc/names.h"
#include "lindungi/dcc/uvci.h"
#include "lindungi/vaccines/catalogue.h"

ABSL_FLAG(std::string, signing_key_file, "",
          "Required. Document signer's EC P-256 private key (PEM), as for lindungi-certificate");
ABSL_FLAG(std::string, signing_cert_file, "", "Required. Document signer's certificate (PEM)");
ABSL_FLAG(std::string, font_file, lindungi::certpdf::RendererOptions().regular_font_file,
          "TrueType font of the PDF's text, as lindungi-certificate --font_file");
ABSL_FLAG(std::string, bold_font_file, lindungi::certpdf::RendererOptions().bold_font_file,
          "TrueType font of the PDF's values, as lindungi-certificate --bold_font_file");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "How long each stage runs");
ABSL_FLAG(int, threads, 1, "Also run the stages on this many threads (1: single-threaded only)");
ABSL_FLAG(std::string, stages, "sign,claims,cose,zlib,base45,hc1,qr,pdf,hc1-qr-pdf,verify",
          "Comma-separated stages to run, in this order");
ABSL_FLAG(int, samples, 256, "Distinct certificates to cycle over");

namespace {

namespace certpdf = lindungi::certpdf;
namespace dcc = lindungi::dcc;
namespace vaccines = lindungi::vaccines;
using lindungi::certificate::DocumentSigner;

// A fixed issuing instant keeps the certificates and their sizes the same from run to run.
constexpr absl::Time kIssuedAt = absl::FromUnixSeconds(1764300000);  // 2025-11-28
constexpr absl::Duration kValidity = absl::Hours(24 * 365);

// One certificate: its DCC fields, what the PDF shows, and each pipeline stage's output, so a
// stage can start from its predecessor's.
struct Sample {
  dcc::VaccinationCertificateData data;
  certpdf::CertificateView view;
  std::string claims;
  std::string cose;
  std::string compressed;
  std::string hc1;
  certpdf::QrCode qr;
};

std::string Day(absl::Time t) { return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()); }

// Holder, dose and product vary with `i` the way the registry's do; all ASCII (the renderer's
// base font subset), as most Indonesian names are.
dcc::VaccinationCertificateData SampleData(size_t i) {
  static constexpr const char* kGiven[] = {"Siti",  "Budi Santoso", "Dewi",    "Agus",
                                           "Putri", "Muhammad",     "Ni Made", "Yohanes"};
  static constexpr const char* kFamily[] = {"Rahayu",  "Wijaya",  "Nurhaliza", "Hidayat",
                                            "Saputra", "Lestari", "Sukarno"};
  const absl::Span<const vaccines::VaccineProduct> products = vaccines::VaccineProducts();
  const vaccines::VaccineProduct& product = products[i % products.size()];
  const dcc::HolderName name = dcc::SplitIndonesianName(
      absl::StrCat(kGiven[i % std::size(kGiven)], " ", kFamily[i / 3 % std::size(kFamily)]));
  dcc::VaccinationCertificateData d;
  d.family_name = name.family_name;
  d.given_name = name.given_name;
  d.date_of_birth = absl::StrFormat("%04d-%02d-%02d", 1940 + i % 70, 1 + i % 12, 1 + i % 28);
  d.vaccine_code = std::string(product.code);
  d.manufacturer_code = std::string(product.manufacturer_code);
  d.series_doses = product.primary_doses;
  d.dose_number = 1 + static_cast<int>(i % (product.primary_doses + 2));
  d.vaccinated_on = Day(absl::FromCivil(product.first_used, absl::UTCTimeZone()) +
                        absl::Hours(24 * static_cast<int64_t>(i % 400)));
  d.country = "ID";
  d.certificate_issuer = "Ministry of Health Republic of Indonesia";
  // As long as IssueCertificate's: "LDG" and 24 characters.
  d.certificate_id =
      *dcc::MakeUvci("ID", absl::StrFormat("LDG%08X%016X", i, i * 0x9E3779B97F4A7C15u));
  return d;
}

// What IssueCertificate shows on the PDF for these data.
certpdf::CertificateView SampleView(const dcc::VaccinationCertificateData& d, size_t i) {
  const vaccines::VaccineProduct* product = vaccines::FindByCode(d.vaccine_code);
  certpdf::CertificateView v;
  v.full_name =
      d.given_name.empty() ? d.family_name : absl::StrCat(d.given_name, " ", d.family_name);
  v.masked_nik = absl::StrFormat("32%02d********%04d", i % 100, i % 10000);
  v.birth_date = d.date_of_birth;
  v.dose_number = d.dose_number;
  v.series_doses = d.series_doses;
  v.vaccine_name = std::string(product->name);
  v.manufacturer_name = std::string(product->manufacturer);
  v.vaccinated_on = d.vaccinated_on;
  v.batch = absl::StrFormat("FF%04d", i % 10000);
  v.facility = absl::StrCat("Puskesmas Kecamatan ", i % 2 ? "Menteng" : "Tanjung Priok",
                            ", Jakarta ", i % 3 ? "Pusat" : "Utara");
  v.country = "Indonesia (ID)";
  v.issuer = "Kementerian Kesehatan Republik Indonesia";
  v.certificate_id = d.certificate_id;
  v.issued_at = Day(kIssuedAt);
  v.expires_at = Day(kIssuedAt + kValidity);
  return v;
}

absl::StatusOr<std::string> Claims(const dcc::VaccinationCertificateData& data) {
  absl::StatusOr<dcc::CborValue> payload = dcc::BuildVaccinationDcc(data);
  if (!payload.ok()) return payload.status();
  return dcc::EncodeCwtClaims({"ID", kIssuedAt, kIssuedAt + kValidity}, *payload);
}

absl::StatusOr<std::string> Hc1(const dcc::VaccinationCertificateData& data,
                                const DocumentSigner& signer) {
  absl::StatusOr<std::string> claims = Claims(data);
  if (!claims.ok()) return claims.status();
  return dcc::EncodeHc1(*claims, signer.key(), signer.kid());
}

absl::Status Prepare(Sample& s, const DocumentSigner& signer) {
  absl::StatusOr<std::string> claims = Claims(s.data);
  if (!claims.ok()) return claims.status();
  s.claims = *std::move(claims);
  absl::StatusOr<std::string> cose = dcc::SignCoseSign1(s.claims, signer.kid(), signer.key());
  if (!cose.ok()) return cose.status();
  s.cose = *std::move(cose);
  s.compressed = dcc::ZlibCompress(s.cose);
  s.hc1 = absl::StrCat(dcc::kHc1Prefix, dcc::Base45Encode(s.compressed));
  s.view.hc1 = s.hc1;
  absl::StatusOr<certpdf::QrCode> qr = certpdf::EncodeQr(s.hc1);
  if (!qr.ok()) return qr.status();
  s.qr = *std::move(qr);
  return absl::OkStatus();
}

// One certificate's worth of a stage; `n` picks the sample. The result is checked, so nothing is
// optimised away and a broken pipeline stops the run.
using Op = std::function<absl::Status(uint64_t n)>;

struct Measured {
  uint64_t ops = 0;
  double seconds = 0;
};

// Runs `op` on `threads` threads for `duration` after a short warm-up on each (thread-local zlib
// streams, caches, page faults).
absl::StatusOr<Measured> Measure(const Op& op, int threads, absl::Duration duration) {
  using Clock = std::chrono::steady_clock;
  std::atomic<int> warmed{0};
  std::atomic<uint64_t> ops{0};
  std::vector<absl::Status> errors(threads);
  Clock::time_point start;
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t n = 0; n < 20 && errors[t].ok(); ++n) errors[t] = op(n * threads + t);
      warmed.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const Clock::time_point deadline = start + absl::ToChronoNanoseconds(duration);
      uint64_t n = 0;
      for (; errors[t].ok() && Clock::now() < deadline; ++n) errors[t] = op(n * threads + t);
      ops.fetch_add(n);
    });
  }
  while (warmed.load() < threads) std::this_thread::yield();
  start = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread& w : workers) w.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const absl::Status& e : errors) {
    if (!e.ok()) return e;
  }
  return Measured{ops.load(), seconds};
}

absl::Status Check(const absl::StatusOr<std::string>& result) { return result.status(); }

int Fail(absl::string_view what, const absl::Status& status, int exit_code) {
  std::fprintf(stderr, "certificate-bench: %s%s\n", std::string(what).c_str(),
               std::string(status.message()).c_str());
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "certificate-bench",
      "Certificates per second per core through certificate-service's issuing pipeline, in "
      "process: (a) sign, (b) hc1, (c) hc1-qr-pdf, (d) verify, and the stages between (see "
      "bench/certificate_bench.cc). bench/run-certificate-bench runs it with `openssl speed`.\n"
      "  certificate-bench --signing_key_file=dsc.key --signing_cert_file=dsc.crt "
      "[--duration=3s] [--threads=2] [--stages=sign,hc1,hc1-qr-pdf,verify]");
  const int threads = absl::GetFlag(FLAGS_threads);
  const int sample_count = absl::GetFlag(FLAGS_samples);
  if (threads < 1 || sample_count < 1 || absl::GetFlag(FLAGS_duration) <= absl::ZeroDuration()) {
    std::fprintf(stderr, "certificate-bench: --threads, --samples and --duration must be > 0\n");
    return 2;
  }
  absl::StatusOr<std::string> key_pem =
      lindungi::config::ReadSecretFile(absl::GetFlag(FLAGS_signing_key_file), "--signing_key_file");
  absl::StatusOr<std::string> cert_pem =
      lindungi::config::ReadFile(absl::GetFlag(FLAGS_signing_cert_file));
  if (!key_pem.ok()) return Fail("", key_pem.status(), 2);
  if (!cert_pem.ok()) return Fail("--signing_cert_file: ", cert_pem.status(), 2);
  absl::StatusOr<std::unique_ptr<DocumentSigner>> signer_or =
      DocumentSigner::Create(*key_pem, *cert_pem);
  if (!signer_or.ok()) return Fail("", signer_or.status(), 2);
  const DocumentSigner& signer = **signer_or;
  certpdf::RendererOptions renderer_options;
  renderer_options.regular_font_file = absl::GetFlag(FLAGS_font_file);
  renderer_options.bold_font_file = absl::GetFlag(FLAGS_bold_font_file);
  absl::StatusOr<certpdf::CertificateRenderer> renderer_or =
      certpdf::CertificateRenderer::Create(renderer_options);
  if (!renderer_or.ok()) return Fail("", renderer_or.status(), 2);
  const certpdf::CertificateRenderer& renderer = *renderer_or;

  std::vector<Sample> samples(sample_count);
  size_t cose_bytes = 0, zlib_bytes = 0, hc1_chars = 0, pdf_bytes = 0, qr_version = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    Sample& s = samples[i];
    s.data = SampleData(i);
    s.view = SampleView(s.data, i);
    if (absl::Status prepared = Prepare(s, signer); !prepared.ok()) {
      return Fail(absl::StrCat("sample ", i, ": "), prepared, 1);
    }
    cose_bytes += s.cose.size();
    zlib_bytes += s.compressed.size();
    hc1_chars += s.hc1.size();
    qr_version += s.qr.version;
    pdf_bytes += renderer.Render(s.view, s.qr)->size();
  }
  // Exactly the bytes SignCoseSign1 signed for the first sample.
  absl::StatusOr<dcc::CoseSign1> signed_cose =
      dcc::ParseCoseSign1(*dcc::DecodeCbor(samples[0].cose));
  if (!signed_cose.ok()) return Fail("", signed_cose.status(), 1);
  const std::string sig_structure =
      dcc::CoseSigStructure(signed_cose->protected_bytes, signed_cose->payload);
  auto at = [&](uint64_t n) -> const Sample& { return samples[n % samples.size()]; };
  dcc::Hc1DecodeOptions verify_options;
  verify_options.kid_lookup = [&signer](absl::string_view kid) { return signer.Find(kid); };
  const absl::Time verify_at = kIssuedAt + absl::Hours(1);

  const std::vector<std::pair<std::string, Op>> stages = {
      {"sign", [&](uint64_t) { return Check(signer.key().Sign(sig_structure)); }},
      {"claims", [&](uint64_t n) { return Check(Claims(at(n).data)); }},
      {"cose",
       [&](uint64_t n) {
         return Check(dcc::SignCoseSign1(at(n).claims, signer.kid(), signer.key()));
       }},
      {"zlib",
       [&](uint64_t n) {
         return dcc::ZlibCompress(at(n).cose).empty() ? absl::InternalError("zlib")
                                                      : absl::OkStatus();
       }},
      {"base45",
       [&](uint64_t n) {
         return dcc::Base45Encode(at(n).compressed).empty() ? absl::InternalError("base45")
                                                            : absl::OkStatus();
       }},
      {"hc1", [&](uint64_t n) { return Check(Hc1(at(n).data, signer)); }},
      {"qr", [&](uint64_t n) { return certpdf::EncodeQr(at(n).hc1).status(); }},
      {"pdf", [&](uint64_t n) { return Check(renderer.Render(at(n).view, at(n).qr)); }},
      {"hc1-qr-pdf",
       [&](uint64_t n) {
         const Sample& s = at(n);
         absl::StatusOr<std::string> hc1 = Hc1(s.data, signer);
         if (!hc1.ok()) return hc1.status();
         certpdf::CertificateView view = s.view;
         view.hc1 = *std::move(hc1);
         return Check(renderer.Render(view));
       }},
      {"verify",
       [&](uint64_t n) {
         const dcc::Hc1DecodeResult r = dcc::DecodeHc1(at(n).hc1, verify_at, verify_options);
         return r.valid() ? absl::OkStatus()
                          : absl::InternalError(absl::StrCat("verify: ", r.detail));
       }},
  };

  std::vector<const std::pair<std::string, Op>*> chosen;
  for (absl::string_view wanted :
       absl::StrSplit(absl::GetFlag(FLAGS_stages), ',', absl::SkipEmpty())) {
    auto stage = std::find_if(stages.begin(), stages.end(),
                              [&](const auto& s) { return s.first == wanted; });
    if (stage == stages.end()) {
      std::fprintf(stderr, "certificate-bench: unknown stage %s\n", std::string(wanted).c_str());
      return 2;
    }
    chosen.push_back(&*stage);
  }

  const size_t n = samples.size();
  std::printf(
      "# certificate-bench: %d samples; on average COSE_Sign1 %zu bytes, zlib %zu, HC1 %zu "
      "characters, QR version %.1f, PDF %zu bytes; %s per stage\n",
      sample_count, cose_bytes / n, zlib_bytes / n, hc1_chars / n,
      static_cast<double>(qr_version) / n, pdf_bytes / n,
      absl::FormatDuration(absl::GetFlag(FLAGS_duration)).c_str());
  std::vector<int> thread_counts = {1};
  if (threads > 1) thread_counts.push_back(threads);
  for (const auto* stage : chosen) {
    for (int t : thread_counts) {
      absl::StatusOr<Measured> m = Measure(stage->second, t, absl::GetFlag(FLAGS_duration));
      if (!m.ok()) return Fail(absl::StrCat(stage->first, ": "), m.status(), 1);
      const double per_second = m->ops / m->seconds;
      std::printf(
          "stage=%s threads=%d ops=%llu seconds=%.2f us_per_op=%.1f ops_per_s=%.0f "
          "ops_per_s_per_core=%.0f\n",
          stage->first.c_str(), t, static_cast<unsigned long long>(m->ops), m->seconds,
          1e6 * t / per_second, per_second, per_second / t);
      std::fflush(stdout);
    }
  }
  return 0;
}

// The HC1 verifier on hostile input, entered at three depths: as the scanned text, as the bytes
// under "HC1:" + Base45 (zlib or raw COSE), and as COSE_Sign1 bytes. It must never crash, stay
// within its limits, and never call anything valid: the fuzzer does not hold the signing key.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/dcc/base45.h"
#include "lindungi/dcc/hc1.h"
#include "lindungi/dcc/signing_certificate.h"

namespace {

using lindungi::dcc::Hc1DecodeOptions;
using lindungi::dcc::Hc1DecodeResult;
using lindungi::dcc::InvalidReason;

// A throwaway document signer: trusting it for every kid lets inputs reach signature
// verification.
const lindungi::dcc::SigningCertificate& Signer() {
  static const lindungi::dcc::SigningCertificate* certificate = [] {
    EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, pkey);
    X509_sign(cert, pkey, EVP_sha256());
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert, &der);
    auto parsed = lindungi::dcc::SigningCertificate::FromDer(
        std::string(reinterpret_cast<char*>(der), size > 0 ? static_cast<size_t>(size) : 0));
    OPENSSL_free(der);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    if (!parsed.ok()) std::abort();
    return new lindungi::dcc::SigningCertificate(*std::move(parsed));
  }();
  return *certificate;
}

void Check(const Hc1DecodeResult& r) {
  if (r.valid()) std::abort();  // would be a forged signature
  if (r.reason == InvalidReason::kNone || r.detail.empty()) std::abort();
  if (r.certificate.has_value() &&
      (r.reason < InvalidReason::kCbor || r.reason == InvalidReason::kTooLarge)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  Hc1DecodeOptions options;
  options.kid_lookup = [](absl::string_view) { return &Signer(); };
  const absl::Time at = absl::FromUnixSeconds(1700000000);
  Check(lindungi::dcc::DecodeHc1(input, at, options));
  Check(lindungi::dcc::DecodeHc1("HC1:" + lindungi::dcc::Base45Encode(input), at, options));
  Check(lindungi::dcc::DecodeCoseSign1(input, at, options));
  return 0;
}

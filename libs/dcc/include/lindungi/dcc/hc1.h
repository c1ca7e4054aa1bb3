#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/compression.h"
#include "lindungi/dcc/dcc.h"
#include "lindungi/dcc/signing_certificate.h"

namespace lindungi::dcc {

inline constexpr absl::string_view kHc1Prefix = "HC1:";
inline constexpr size_t kMaxHc1Length = 8192;

// Why an HC1 string is not a valid certificate, numbered as lindungi.certificate.v1.InvalidReason
// so that a static_cast converts. Checks run in this order and the first failure is reported:
// size, prefix, Base45, zlib, CBOR, COSE, claims (reported as kCbor), kid, signature (and key
// usage), validity period. Revocation is the caller's: DecodeHc1 never reports kRevoked.
enum class InvalidReason : int {
  kNone = 0,
  kBadPrefix = 1,
  kBase45 = 2,
  kZlib = 3,
  kCbor = 4,
  kCose = 5,
  kUnknownKid = 6,
  kBadSignature = 7,
  kExpired = 8,
  kNotYetValid = 9,
  kRevoked = 10,
  kTooLarge = 11,
};
absl::string_view InvalidReasonName(InvalidReason reason);

// The signing certificate for a kid, or nullptr when the kid is unknown. Called at most once
// per decode; the pointer must stay valid until the decode returns.
using KidLookup = std::function<const SigningCertificate*(absl::string_view kid)>;

struct Hc1DecodeOptions {
  size_t max_length = kMaxHc1Length;            // longer input: kTooLarge, not decoded
  size_t max_inflated_size = kMaxInflatedSize;  // zlib output limit
  CborLimits cbor_limits;                       // for the COSE item and for the payload
  KidLookup kid_lookup;                         // empty: every kid is unknown
  bool check_dcc_structure = true;              // CheckDccStructure in the claims stage
  bool check_key_usage = true;                  // signer's EKU must allow the DCC type
};

struct Hc1DecodeResult {
  InvalidReason reason = InvalidReason::kNone;
  std::string detail;  // why, for humans; "" when valid
  bool valid() const { return reason == InvalidReason::kNone; }

  std::string kid;                         // once the COSE structure parsed
  std::optional<CoseAlgorithm> algorithm;  // once the COSE structure parsed
  std::optional<DecodedDcc> certificate;   // once the claims decoded; trust it only when valid
};

// "HC1:" + Base45(zlib(COSE_Sign1 signed with ES256 over `claims_cbor`)). `kid` is the
// signing certificate's (ComputeKid), 8 bytes.
absl::StatusOr<std::string> EncodeHc1(absl::string_view claims_cbor,
                                      const crypto::EcdsaP256Key& key, absl::string_view kid);

// The Base45 text after "HC1:"; InvalidArgument for any other (or no) prefix.
absl::StatusOr<absl::string_view> StripHc1Prefix(absl::string_view text);

// Decodes and checks `text` as of instant `at`. Never fails as a call: every problem is a
// result with its reason. Memory stays bounded by the options for any input.
Hc1DecodeResult DecodeHc1(absl::string_view text, absl::Time at,
                          const Hc1DecodeOptions& options = {});

// The same checks from the CBOR stage on, for a COSE_Sign1 that is already decompressed.
Hc1DecodeResult DecodeCoseSign1(absl::string_view cose, absl::Time at,
                                const Hc1DecodeOptions& options = {});

}  // namespace lindungi::dcc

#include "lindungi/dcc/hc1.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/dcc/base45.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/compression.h"
#include "lindungi/dcc/cose.h"
#include "lindungi/dcc/dcc.h"

namespace lindungi::dcc {
namespace {

constexpr char kTimeFormat[] = "%Y-%m-%dT%H:%M:%SZ";

Hc1DecodeResult& Fail(Hc1DecodeResult& result, InvalidReason reason, absl::string_view detail) {
  result.reason = reason;
  result.detail = std::string(detail);
  return result;
}

absl::string_view TypeName(DccType type) {
  switch (type) {
    case DccType::kVaccination:
      return "vaccination";
    case DccType::kTest:
      return "test";
    case DccType::kRecovery:
      return "recovery";
    case DccType::kUnknown:
      break;
  }
  return "unknown";
}

void DecodeFromCbor(absl::string_view cose_bytes, absl::Time at, const Hc1DecodeOptions& options,
                    Hc1DecodeResult& result) {
  absl::StatusOr<CborValue> item = DecodeCbor(cose_bytes, options.cbor_limits);
  if (!item.ok()) {
    Fail(result, InvalidReason::kCbor, item.status().message());
    return;
  }
  absl::StatusOr<CoseSign1> cose = ParseCoseSign1(*item, options.cbor_limits);
  if (!cose.ok()) {
    Fail(result, InvalidReason::kCose, cose.status().message());
    return;
  }
  result.kid = cose->kid;
  result.algorithm = cose->algorithm;

  absl::StatusOr<DecodedDcc> claims = ParseCwtClaims(cose->payload, options.cbor_limits);
  if (!claims.ok()) {
    Fail(result, InvalidReason::kCbor, claims.status().message());
    return;
  }
  result.certificate = *std::move(claims);
  const DecodedDcc& dcc = *result.certificate;
  if (options.check_dcc_structure) {
    if (absl::Status s = CheckDccStructure(dcc.dcc); !s.ok()) {
      Fail(result, InvalidReason::kCbor, s.message());
      return;
    }
  }

  if (cose->kid.empty()) {
    Fail(result, InvalidReason::kUnknownKid, "no kid in either COSE header");
    return;
  }
  const SigningCertificate* signer = options.kid_lookup ? options.kid_lookup(cose->kid) : nullptr;
  if (signer == nullptr) {
    Fail(result, InvalidReason::kUnknownKid,
         absl::StrCat("unknown kid ", crypto::HexEncode(cose->kid)));
    return;
  }
  if (absl::Status s = VerifyCoseSign1(*cose, *signer); !s.ok()) {
    Fail(result, InvalidReason::kBadSignature, s.message());
    return;
  }
  if (options.check_key_usage && !signer->AllowsType(dcc.type)) {
    Fail(result, InvalidReason::kBadSignature,
         absl::StrCat("the signing certificate may not sign ", TypeName(dcc.type),
                      " certificates (extended key usage)"));
    return;
  }

  // A signature counts only from a key that was valid when it signed (the DSC's own period).
  if (dcc.issued_at < signer->not_before() || dcc.issued_at > signer->not_after()) {
    Fail(result, InvalidReason::kBadSignature,
         absl::StrCat(
             "signed at ", absl::FormatTime(kTimeFormat, dcc.issued_at, absl::UTCTimeZone()),
             ", outside its signing certificate's validity (",
             absl::FormatTime(kTimeFormat, signer->not_before(), absl::UTCTimeZone()), " to ",
             absl::FormatTime(kTimeFormat, signer->not_after(), absl::UTCTimeZone()), ")"));
    return;
  }

  if (at >= dcc.expires_at) {
    Fail(result, InvalidReason::kExpired,
         absl::StrCat("expired at ",
                      absl::FormatTime(kTimeFormat, dcc.expires_at, absl::UTCTimeZone())));
    return;
  }
  if (at < dcc.issued_at) {
    Fail(result, InvalidReason::kNotYetValid,
         absl::StrCat("issued at ",
                      absl::FormatTime(kTimeFormat, dcc.issued_at, absl::UTCTimeZone()),
                      ", in the future"));
    return;
  }
}

}  // namespace

absl::string_view InvalidReasonName(InvalidReason reason) {
  switch (reason) {
    case InvalidReason::kNone:
      return "VALID";
    case InvalidReason::kBadPrefix:
      return "BAD_PREFIX";
    case InvalidReason::kBase45:
      return "BASE45";
    case InvalidReason::kZlib:
      return "ZLIB";
    case InvalidReason::kCbor:
      return "CBOR";
    case InvalidReason::kCose:
      return "COSE";
    case InvalidReason::kUnknownKid:
      return "UNKNOWN_KID";
    case InvalidReason::kBadSignature:
      return "BAD_SIGNATURE";
    case InvalidReason::kExpired:
      return "EXPIRED";
    case InvalidReason::kNotYetValid:
      return "NOT_YET_VALID";
    case InvalidReason::kRevoked:
      return "REVOKED";
    case InvalidReason::kTooLarge:
      return "TOO_LARGE";
  }
  return "UNKNOWN";
}

absl::StatusOr<std::string> EncodeHc1(absl::string_view claims_cbor,
                                      const crypto::EcdsaP256Key& key, absl::string_view kid) {
  if (kid.size() != kKidSize) {
    return absl::InvalidArgumentError(absl::StrCat("HC1: kid must be ", kKidSize, " bytes"));
  }
  absl::StatusOr<std::string> cose = SignCoseSign1(claims_cbor, kid, key);
  if (!cose.ok()) return cose.status();
  return absl::StrCat(kHc1Prefix, Base45Encode(ZlibCompress(*cose)));
}

absl::StatusOr<absl::string_view> StripHc1Prefix(absl::string_view text) {
  if (text.substr(0, kHc1Prefix.size()) != kHc1Prefix) {
    return absl::InvalidArgumentError("does not start with HC1:");
  }
  return text.substr(kHc1Prefix.size());
}

Hc1DecodeResult DecodeHc1(absl::string_view text, absl::Time at, const Hc1DecodeOptions& options) {
  Hc1DecodeResult result;
  if (text.size() > options.max_length) {
    return Fail(result, InvalidReason::kTooLarge,
                absl::StrCat(text.size(), " characters, more than ", options.max_length));
  }
  absl::StatusOr<absl::string_view> base45 = StripHc1Prefix(text);
  if (!base45.ok()) return Fail(result, InvalidReason::kBadPrefix, base45.status().message());
  absl::StatusOr<std::string> compressed = Base45Decode(*base45);
  if (!compressed.ok()) return Fail(result, InvalidReason::kBase45, compressed.status().message());
  // The specification lets an issuer skip compression: no zlib header means raw COSE.
  if (HasZlibHeader(*compressed)) {
    absl::StatusOr<std::string> cose = ZlibInflate(*compressed, options.max_inflated_size);
    if (!cose.ok()) return Fail(result, InvalidReason::kZlib, cose.status().message());
    DecodeFromCbor(*cose, at, options, result);
  } else {
    DecodeFromCbor(*compressed, at, options, result);
  }
  return result;
}

Hc1DecodeResult DecodeCoseSign1(absl::string_view cose, absl::Time at,
                                const Hc1DecodeOptions& options) {
  Hc1DecodeResult result;
  DecodeFromCbor(cose, at, options, result);
  return result;
}

}  // namespace lindungi::dcc

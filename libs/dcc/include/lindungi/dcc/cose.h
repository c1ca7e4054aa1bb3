#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/signing_certificate.h"

namespace lindungi::dcc {

inline constexpr uint64_t kCoseSign1Tag = 18;
inline constexpr uint64_t kCwtTag = 61;

// A parsed COSE_Sign1 (RFC 9052 section 4.2).
struct CoseSign1 {
  std::string protected_bytes;  // the serialized protected header, as signed
  CborValue protected_header;   // decoded; an empty map when protected_bytes is empty
  CborValue unprotected_header;
  std::string payload;
  std::string signature;
  CoseAlgorithm algorithm = CoseAlgorithm::kEs256;
  std::string kid;  // protected header first, else unprotected; "" when neither has one
};

// ["Signature1", protected, h'', payload], the bytes that are signed (RFC 9052 section 4.4).
std::string CoseSigStructure(absl::string_view protected_bytes, absl::string_view payload);

// Tag 18 around [h'{1: -7, 4: kid}', {}, payload, r || s], signed with ES256.
absl::StatusOr<std::string> SignCoseSign1(absl::string_view payload, absl::string_view kid,
                                          const crypto::EcdsaP256Key& key);

// Accepts the item tagged 18, untagged, or tagged 61 (CWT) around tag 18. The algorithm (-7 or
// -37) and kid come from the protected header, else the unprotected one. InvalidArgument for
// any other shape, a protected header that is not a CBOR map, a missing or unsupported
// algorithm, a kid that is not a byte string, or a detached (nil) payload.
absl::StatusOr<CoseSign1> ParseCoseSign1(const CborValue& item, const CborLimits& limits = {});

// Checks the signature with the certificate's key (see SigningCertificate::Verify).
absl::Status VerifyCoseSign1(const CoseSign1& cose, const SigningCertificate& certificate);

}  // namespace lindungi::dcc

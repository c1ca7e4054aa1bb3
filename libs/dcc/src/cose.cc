#include "lindungi/dcc/cose.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/dcc/cbor.h"

namespace lindungi::dcc {
namespace {

constexpr int64_t kHeaderAlgorithm = 1;
constexpr int64_t kHeaderKid = 4;

// Byte/text string head, shortest form (the lengths here are small but not bounded).
void AppendStringHead(std::string* out, uint8_t major, size_t length) {
  const uint8_t mt = static_cast<uint8_t>(major << 5);
  if (length < 24) {
    out->push_back(static_cast<char>(mt | length));
    return;
  }
  int bytes;
  if (length <= 0xFF) {
    out->push_back(static_cast<char>(mt | 24));
    bytes = 1;
  } else if (length <= 0xFFFF) {
    out->push_back(static_cast<char>(mt | 25));
    bytes = 2;
  } else if (length <= 0xFFFFFFFFu) {
    out->push_back(static_cast<char>(mt | 26));
    bytes = 4;
  } else {
    out->push_back(static_cast<char>(mt | 27));
    bytes = 8;
  }
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(length) >> shift) & 0xFF));
  }
}

void AppendBytes(std::string* out, absl::string_view bytes) {
  AppendStringHead(out, 2, bytes.size());
  out->append(bytes.data(), bytes.size());
}

absl::Status CoseError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("COSE: ", what));
}

}  // namespace

std::string CoseSigStructure(absl::string_view protected_bytes, absl::string_view payload) {
  std::string out;
  out.reserve(16 + protected_bytes.size() + payload.size() + 10);
  out.append(
      "\x84\x6A"
      "Signature1",
      12);
  AppendBytes(&out, protected_bytes);
  out.push_back('\x40');  // external_aad: h''
  AppendBytes(&out, payload);
  return out;
}

absl::StatusOr<std::string> SignCoseSign1(absl::string_view payload, absl::string_view kid,
                                          const crypto::EcdsaP256Key& key) {
  if (kid.empty()) return absl::InvalidArgumentError("COSE: empty kid");
  // {1: -7, 4: h'kid'}: keys 1 < 4 already in deterministic order.
  std::string protected_bytes("\xA2\x01\x26\x04", 4);
  AppendBytes(&protected_bytes, kid);
  absl::StatusOr<std::string> signature = key.Sign(CoseSigStructure(protected_bytes, payload));
  if (!signature.ok()) return signature.status();

  std::string out;
  out.reserve(8 + protected_bytes.size() + payload.size() + signature->size() + 8);
  out.append("\xD2\x84", 2);  // tag 18, array of 4
  AppendBytes(&out, protected_bytes);
  out.push_back('\xA0');  // unprotected: {}
  AppendBytes(&out, payload);
  AppendBytes(&out, *signature);
  return out;
}

absl::StatusOr<CoseSign1> ParseCoseSign1(const CborValue& item, const CborLimits& limits) {
  const CborValue* value = &item;
  if (value->type() == CborValue::Type::kTag && value->argument() == kCwtTag) {
    value = &value->tag_content();
  }
  if (value->type() == CborValue::Type::kTag) {
    if (value->argument() != kCoseSign1Tag) {
      return CoseError(absl::StrCat("tag ", value->argument(), " is not COSE_Sign1 (18)"));
    }
    value = &value->tag_content();
  }
  if (!value->is_array() || value->items().size() != 4) {
    return CoseError("COSE_Sign1 must be an array of 4 items");
  }
  const CborValue& protected_item = value->items()[0];
  const CborValue& unprotected = value->items()[1];
  const CborValue& payload = value->items()[2];
  const CborValue& signature = value->items()[3];
  if (!protected_item.is_bytes()) return CoseError("protected header is not a byte string");
  if (!unprotected.is_map()) return CoseError("unprotected header is not a map");
  if (payload.type() == CborValue::Type::kNull) return CoseError("detached payload");
  if (!payload.is_bytes()) return CoseError("payload is not a byte string");
  if (!signature.is_bytes()) return CoseError("signature is not a byte string");

  CoseSign1 out;
  out.protected_bytes = protected_item.string_value();
  if (out.protected_bytes.empty()) {
    out.protected_header = CborValue::Map();
  } else {
    absl::StatusOr<CborValue> decoded = DecodeCbor(out.protected_bytes, limits);
    if (!decoded.ok()) {
      return CoseError(absl::StrCat("protected header: ", decoded.status().message()));
    }
    if (!decoded->is_map()) return CoseError("protected header is not a map");
    out.protected_header = *std::move(decoded);
  }
  out.unprotected_header = unprotected;

  // RFC 9052 wants the algorithm protected; the EU test data also has it unprotected only.
  const CborValue* alg = out.protected_header.Find(kHeaderAlgorithm);
  if (alg == nullptr) alg = out.unprotected_header.Find(kHeaderAlgorithm);
  if (alg == nullptr) return CoseError("no algorithm (header 1)");
  const std::optional<int64_t> alg_id = alg->AsInt64();
  if (alg_id == static_cast<int64_t>(CoseAlgorithm::kEs256)) {
    out.algorithm = CoseAlgorithm::kEs256;
  } else if (alg_id == static_cast<int64_t>(CoseAlgorithm::kPs256)) {
    out.algorithm = CoseAlgorithm::kPs256;
  } else {
    return CoseError("algorithm is neither ES256 (-7) nor PS256 (-37)");
  }

  // The protected kid wins: an unprotected one can be changed by anybody.
  const CborValue* kid = out.protected_header.Find(kHeaderKid);
  if (kid == nullptr) kid = out.unprotected_header.Find(kHeaderKid);
  if (kid != nullptr) {
    if (!kid->is_bytes()) return CoseError("kid (header 4) is not a byte string");
    out.kid = kid->string_value();
  }
  out.payload = payload.string_value();
  out.signature = signature.string_value();
  return out;
}

absl::Status VerifyCoseSign1(const CoseSign1& cose, const SigningCertificate& certificate) {
  return certificate.Verify(cose.algorithm, CoseSigStructure(cose.protected_bytes, cose.payload),
                            cose.signature);
}

}  // namespace lindungi::dcc

// The EU DCC test vectors (../shared/dgc-testdata, README "2D Code"): for every JSON test file,
// the lindungi::dcc decoder must agree with each EXPECTEDRESULTS entry it can judge. The check
// for one entry uses only the fields the README names for it, and the files' own certificate
// (TESTCTX.CERTIFICATE) and clock (TESTCTX.VALIDATIONCLOCK).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/dcc/base45.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/compression.h"
#include "lindungi/dcc/cose.h"
#include "lindungi/dcc/dcc.h"
#include "lindungi/dcc/hc1.h"
#include "lindungi/dcc/signing_certificate.h"
#include "nlohmann/json.hpp"
#include "support/test_env.h"

namespace lindungi::dcc {
namespace {

namespace fs = std::filesystem;

std::string TestDataDir() {
  const std::string shared = lindungi::testing::SharedDir();
  if (shared.empty()) return "";
  const std::string dir = shared + "/dgc-testdata";
  return fs::is_directory(dir) ? dir : "";
}

std::vector<std::string> TestFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(fs::relative(entry.path(), dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<std::string> Unhex(const nlohmann::json& test, const char* field) {
  if (!test.contains(field) || !test[field].is_string()) return std::nullopt;
  absl::StatusOr<std::string> bytes = crypto::HexDecode(test[field].get<std::string>());
  if (!bytes.ok()) return std::string("\xFF not hex", 8);  // judged as undecodable input
  return *bytes;
}

std::optional<std::string> Text(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string()) return std::nullopt;
  return j[field].get<std::string>();
}

// TESTCTX.CERTIFICATE is standard base64 of the DER.
std::optional<std::string> CertificateDer(const std::string& base64) {
  std::string url = absl::StrReplaceAll(
      base64, {{"+", "-"}, {"/", "_"}, {"=", ""}, {"\n", ""}, {"\r", ""}, {" ", ""}});
  absl::StatusOr<std::string> der = crypto::Base64UrlDecode(url);
  if (!der.ok()) return std::nullopt;
  return *der;
}

// The DCC inside a CBOR field, which holds either the DCC itself or a whole CWT.
absl::StatusOr<CborValue> DccOfCborField(const std::string& bytes) {
  absl::StatusOr<CborValue> item = DecodeCbor(bytes);
  if (!item.ok()) return item.status();
  if (const CborValue* hcert = item->Find(kClaimHcert)) {
    if (const CborValue* dcc = hcert->Find(kHcertDccV1)) return *dcc;
    return absl::InvalidArgumentError("hcert without key 1");
  }
  return item;
}

CborValue JsonToCbor(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      CborValue map = CborValue::Map();
      for (const auto& [key, value] : j.items()) map.Add(key, JsonToCbor(value));
      return map;
    }
    case nlohmann::json::value_t::array: {
      std::vector<CborValue> items;
      for (const auto& value : j) items.push_back(JsonToCbor(value));
      return CborValue::Array(std::move(items));
    }
    case nlohmann::json::value_t::string:
      return CborValue::Text(j.get<std::string>());
    case nlohmann::json::value_t::number_unsigned:
      return CborValue::Unsigned(j.get<uint64_t>());
    case nlohmann::json::value_t::number_integer:
      return CborValue::Int(j.get<int64_t>());
    case nlohmann::json::value_t::number_float:
      return CborValue::Float(j.get<double>());
    case nlohmann::json::value_t::boolean:
      return CborValue::Bool(j.get<bool>());
    default:
      return CborValue::Null();
  }
}

std::string Canonical(const CborValue& v) {
  absl::StatusOr<std::string> bytes = EncodeCbor(v);
  return bytes.ok() ? *bytes : "(unencodable)";
}

bool SignaturePassed(InvalidReason reason) {
  return reason == InvalidReason::kNone || reason == InvalidReason::kExpired ||
         reason == InvalidReason::kNotYetValid;
}

struct Verdict {
  bool actual = false;
  std::string detail;
};

// Judges one file; returns stage -> verdict for the EXPECTEDRESULTS entries it implements.
std::map<std::string, Verdict> Judge(const nlohmann::json& test, std::string* chain) {
  std::map<std::string, Verdict> out;
  const nlohmann::json& expected = test["EXPECTEDRESULTS"];
  const nlohmann::json ctx = test.value("TESTCTX", nlohmann::json::object());
  auto wants = [&](const char* stage) { return expected.contains(stage); };

  const std::optional<std::string> prefix = Text(test, "PREFIX");
  const std::optional<std::string> base45 = Text(test, "BASE45");
  const std::optional<std::string> compressed = Unhex(test, "COMPRESSED");
  const std::optional<std::string> cose = Unhex(test, "COSE");
  const std::optional<std::string> cbor = Unhex(test, "CBOR");
  const bool has_json = test.contains("JSON");

  absl::Time clock = absl::InfinitePast();
  if (std::optional<std::string> text = Text(ctx, "VALIDATIONCLOCK")) {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, *text, &clock, &err)) clock = absl::InfinitePast();
  }
  std::optional<SigningCertificate> certificate;
  if (std::optional<std::string> b64 = Text(ctx, "CERTIFICATE")) {
    if (std::optional<std::string> der = CertificateDer(*b64)) {
      absl::StatusOr<SigningCertificate> parsed = SigningCertificate::FromDer(*der);
      if (parsed.ok()) certificate = *std::move(parsed);
    }
  }
  Hc1DecodeOptions options;
  options.kid_lookup = [&certificate](absl::string_view kid) -> const SigningCertificate* {
    return certificate.has_value() && certificate->kid() == kid ? &*certificate : nullptr;
  };
  // Verification alone: schema and key usage are judged by their own entries.
  options.check_dcc_structure = false;
  options.check_key_usage = false;

  if (wants("EXPECTEDUNPREFIX") && prefix && base45) {
    absl::StatusOr<absl::string_view> stripped = StripHc1Prefix(*prefix);
    out["EXPECTEDUNPREFIX"] = {stripped.ok() && *stripped == *base45,
                               stripped.ok() ? "" : std::string(stripped.status().message())};
  }
  if (wants("EXPECTEDB45DECODE") && base45 && compressed) {
    absl::StatusOr<std::string> decoded = Base45Decode(*base45);
    out["EXPECTEDB45DECODE"] = {decoded.ok() && *decoded == *compressed,
                                decoded.ok() ? "" : std::string(decoded.status().message())};
  }
  if (wants("EXPECTEDCOMPRESSION") && compressed && cose) {
    absl::StatusOr<std::string> inflated = ZlibInflate(*compressed);
    out["EXPECTEDCOMPRESSION"] = {inflated.ok() && *inflated == *cose,
                                  inflated.ok() ? "" : std::string(inflated.status().message())};
  }
  if (wants("EXPECTEDDECODE") && cbor) {
    Verdict v;
    absl::StatusOr<CborValue> dcc = DccOfCborField(*cbor);
    v.actual = dcc.ok();
    if (!dcc.ok()) v.detail = std::string(dcc.status().message());
    if (v.actual && has_json && CborToJson(*dcc) != test["JSON"]) {
      v.actual = false;
      v.detail = "CBOR differs from JSON";
    }
    if (v.actual && cose) {
      Hc1DecodeResult r = DecodeCoseSign1(*cose, clock, options);
      if (!r.certificate.has_value()) {
        v.actual = false;
        v.detail = absl::StrCat("COSE: ", r.detail);
      } else if (Canonical(r.certificate->dcc) != Canonical(*dcc)) {
        v.actual = false;
        v.detail = "COSE payload differs from CBOR";
      }
    }
    out["EXPECTEDDECODE"] = v;
  }
  if (cose && certificate) {
    const Hc1DecodeResult r = DecodeCoseSign1(*cose, clock, options);
    if (wants("EXPECTEDVERIFY")) {
      out["EXPECTEDVERIFY"] = {SignaturePassed(r.reason),
                               absl::StrCat(InvalidReasonName(r.reason), " ", r.detail)};
    }
    if (wants("EXPECTEDEXPIRATIONCHECK") && r.certificate.has_value()) {
      const bool in_period = clock >= r.certificate->issued_at && clock < r.certificate->expires_at;
      // When the signature verified, the decoder's own verdict must say the same.
      if (SignaturePassed(r.reason) && (r.reason == InvalidReason::kNone) != in_period) {
        out["EXPECTEDEXPIRATIONCHECK"] = {!in_period, "decoder and period disagree"};
      } else {
        out["EXPECTEDEXPIRATIONCHECK"] = {in_period,
                                          absl::StrCat(InvalidReasonName(r.reason), " ", r.detail)};
      }
    }
    if (wants("EXPECTEDKEYUSAGE")) {
      Hc1DecodeOptions eku = options;
      eku.check_key_usage = true;
      const Hc1DecodeResult k = DecodeCoseSign1(*cose, clock, eku);
      out["EXPECTEDKEYUSAGE"] = {SignaturePassed(k.reason),
                                 absl::StrCat(InvalidReasonName(k.reason), " ", k.detail)};
    }
  }
  if (wants("EXPECTEDSCHEMAVALIDATION") && cbor) {
    absl::StatusOr<CborValue> dcc = DccOfCborField(*cbor);
    absl::Status s = dcc.ok() ? CheckDccStructure(*dcc) : dcc.status();
    out["EXPECTEDSCHEMAVALIDATION"] = {s.ok(), std::string(s.message())};
  }
  if (wants("EXPECTEDVALIDOBJECT") && has_json) {
    absl::Status s = CheckDccStructure(JsonToCbor(test["JSON"]));
    out["EXPECTEDVALIDOBJECT"] = {s.ok(), std::string(s.message())};
  }
  if (prefix) {
    const Hc1DecodeResult r = DecodeHc1(*prefix, clock, options);
    // The full chain as a verifier runs it, with the structure and key usage checks on.
    Hc1DecodeOptions strict = options;
    strict.check_dcc_structure = true;
    strict.check_key_usage = true;
    const Hc1DecodeResult full = DecodeHc1(*prefix, clock, strict);
    *chain = std::string(InvalidReasonName(full.reason));
    if (wants("EXPECTEDVALIDJSON") && has_json) {
      const bool same = r.certificate.has_value() && CborToJson(r.certificate->dcc) == test["JSON"];
      out["EXPECTEDVALIDJSON"] = {same,
                                  r.certificate.has_value()
                                      ? (same ? "" : "decoded DCC differs from JSON")
                                      : absl::StrCat(InvalidReasonName(r.reason), " ", r.detail)};
    }
    // The whole chain must fail where a stage is expected to fail.
    for (const char* stage :
         {"EXPECTEDUNPREFIX", "EXPECTEDB45DECODE", "EXPECTEDVERIFY", "EXPECTEDKEYUSAGE",
          "EXPECTEDSCHEMAVALIDATION", "EXPECTEDEXPIRATIONCHECK", "EXPECTEDDECODE"}) {
      if (expected.value(stage, true) == false && full.valid()) {
        out[absl::StrCat("CHAIN:", stage)] = {true, "full HC1 decode passed"};
      }
    }
  }
  return out;
}

TEST(DgcTestDataTest, AgreesWithExpectedResults) {
  const std::string dir = TestDataDir();
  if (dir.empty()) GTEST_SKIP() << "../shared/dgc-testdata is absent";
  const std::vector<std::string> files = TestFiles(dir);
  ASSERT_FALSE(files.empty());

  std::map<std::string, std::pair<int, int>> per_stage;  // stage -> (checked, agreed)
  std::vector<std::string> not_judged;
  int checks = 0;
  int agreed = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    std::ifstream in(fs::path(dir) / file);
    const nlohmann::json test = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(test.is_discarded()) << file << " is not JSON";
    ASSERT_TRUE(test.contains("EXPECTEDRESULTS")) << file;
    std::string chain = "-";
    const std::map<std::string, Verdict> verdicts = Judge(test, &chain);

    std::ostringstream line;
    line << "  " << file << ":";
    for (const auto& [stage, verdict] : verdicts) {
      const bool chain_check = stage.rfind("CHAIN:", 0) == 0;
      const bool expected_value = chain_check ? false : test["EXPECTEDRESULTS"][stage].get<bool>();
      const bool agree = verdict.actual == expected_value;
      ++checks;
      agreed += agree;
      auto& [n, ok] = per_stage[stage];
      ++n;
      ok += agree;
      line << " " << stage.substr(stage.rfind("EXPECTED") + 8) << "="
           << (agree ? "ok" : "MISMATCH");
      EXPECT_TRUE(agree) << file << ": " << stage << " expected "
                         << (expected_value ? "true" : "false") << ", decoder says "
                         << (verdict.actual ? "true" : "false") << " (" << verdict.detail << ")";
    }
    for (const auto& [stage, value] : test["EXPECTEDRESULTS"].items()) {
      if (verdicts.count(stage) == 0) not_judged.push_back(absl::StrCat(file, ":", stage));
    }
    line << "  [chain " << chain << "]";
    std::cout << line.str() << "\n";
  }
  std::cout << "[ dgc-testdata ] " << files.size() << " files, " << agreed << "/" << checks
            << " expected results agree\n";
  for (const auto& [stage, counts] : per_stage) {
    std::cout << "  " << stage << ": " << counts.second << "/" << counts.first << "\n";
  }
  std::cout << "  not judged (" << not_judged.size() << "):";
  for (const std::string& s : not_judged) std::cout << " " << s;
  std::cout << "\n";
  EXPECT_EQ(agreed, checks);
}

// The fields the certificate-service reports, read from a real vaccination certificate.
TEST(DgcTestDataTest, DecodesTheFieldsOfAnAustrianVaccination) {
  const std::string dir = TestDataDir();
  if (dir.empty()) GTEST_SKIP() << "../shared/dgc-testdata is absent";
  std::ifstream in(fs::path(dir) / "AT/2DCode/raw/1.json");
  if (!in) GTEST_SKIP() << "AT/2DCode/raw/1.json is absent";
  const nlohmann::json test = nlohmann::json::parse(in);
  absl::StatusOr<SigningCertificate> certificate = SigningCertificate::FromDer(
      *CertificateDer(test["TESTCTX"]["CERTIFICATE"].get<std::string>()));
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  Hc1DecodeOptions options;
  options.kid_lookup = [&certificate](absl::string_view kid) -> const SigningCertificate* {
    return kid == certificate->kid() ? &*certificate : nullptr;
  };
  absl::Time clock;
  std::string err;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full,
                              test["TESTCTX"]["VALIDATIONCLOCK"].get<std::string>(), &clock, &err));
  const Hc1DecodeResult r = DecodeHc1(test["PREFIX"].get<std::string>(), clock, options);
  ASSERT_TRUE(r.valid()) << InvalidReasonName(r.reason) << ": " << r.detail;
  EXPECT_EQ(crypto::HexEncode(r.kid), "d919375fc1e7b6b2");
  EXPECT_EQ(r.algorithm, CoseAlgorithm::kEs256);
  const DecodedDcc& d = *r.certificate;
  EXPECT_EQ(d.issuer, "AT");
  EXPECT_EQ(d.type, DccType::kVaccination);
  EXPECT_EQ(d.family_name, "Musterfrau-G\xC3\xB6\xC3\x9Finger");
  EXPECT_EQ(d.family_name_standardized, "MUSTERFRAU<GOESSINGER");
  EXPECT_EQ(d.given_name, "Gabriele");
  EXPECT_EQ(d.date_of_birth, "1998-02-26");
  EXPECT_EQ(d.vaccine_code, "EU/1/20/1528");
  EXPECT_EQ(d.manufacturer_code, "ORG-100030215");
  EXPECT_EQ(d.dose_number, 1);
  EXPECT_EQ(d.series_doses, 2);
  EXPECT_EQ(d.vaccinated_on_day, absl::CivilDay(2021, 2, 18));
  EXPECT_EQ(d.country, "AT");
  EXPECT_EQ(d.certificate_id, "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B");
  EXPECT_EQ(nlohmann::json::parse(d.dcc_json), test["JSON"]);
}

}  // namespace
}  // namespace lindungi::dcc

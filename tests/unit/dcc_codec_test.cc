// lindungi::dcc: Base45, deterministic CBOR, zlib, COSE_Sign1, UVCI, ICAO names, the DCC
// builder and the HC1 pipeline, with the malformed and hostile inputs a verifier must survive.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/dcc/base45.h"
#include "lindungi/dcc/cbor.h"
#include "lindungi/dcc/compression.h"
#include "lindungi/dcc/cose.h"
#include "lindungi/dcc/dcc.h"
#include "lindungi/dcc/hc1.h"
#include "lindungi/dcc/names.h"
#include "lindungi/dcc/signing_certificate.h"
#include "lindungi/dcc/uvci.h"
#include "support/openssl_fixtures.h"

namespace lindungi::dcc {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

std::string Unhex(absl::string_view hex) {
  absl::StatusOr<std::string> bytes = crypto::HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}

std::string Hex(absl::string_view bytes) { return crypto::HexEncode(bytes); }

std::string EncodeOrDie(const CborValue& v) {
  absl::StatusOr<std::string> out = EncodeCbor(v);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::string();
}

// --- OpenSSL fixtures: certificates the library only reads. ------------------------------------

using Pkey = lindungi::testing::TestPkey;
using lindungi::testing::DrainBio;
using lindungi::testing::TestBio;
using lindungi::testing::TestX509;

Pkey PkeyOf(const crypto::EcdsaP256Key& key) {
  const std::string pem = *key.PrivatePem();
  TestBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// A self-signed document signer certificate; `eku` adds an extended key usage (OIDs).
std::string SelfSignedPem(EVP_PKEY* pkey, const char* eku = nullptr) {
  TestX509 cert(X509_new());
  EXPECT_EQ(X509_set_version(cert.get(), 2), 1);
  EXPECT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7), 1);
  // Valid 2020-09-13 to 2033-05-18: around the fixed times the tests sign at (2023-11-14).
  EXPECT_NE(ASN1_TIME_set(X509_getm_notBefore(cert.get()), 1600000000), nullptr);
  EXPECT_NE(ASN1_TIME_set(X509_getm_notAfter(cert.get()), 2000000000), nullptr);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ID"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Lindungi DSC test"), -1, -1,
                             0);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), name), 1);
  EXPECT_EQ(X509_set_pubkey(cert.get(), pkey), 1);
  if (eku != nullptr) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_ext_key_usage, eku);
    EXPECT_NE(ext, nullptr);
    EXPECT_EQ(X509_add_ext(cert.get(), ext, -1), 1);
    X509_EXTENSION_free(ext);
  }
  EXPECT_GT(X509_sign(cert.get(), pkey, EVP_sha256()), 0);
  TestBio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509(bio.get(), cert.get()), 1);
  return DrainBio(bio.get());
}

struct Signer {
  crypto::EcdsaP256Key key;
  SigningCertificate certificate;
};

Signer MakeSigner(const char* eku = nullptr) {
  absl::StatusOr<crypto::EcdsaP256Key> key = crypto::EcdsaP256Key::Generate();
  EXPECT_TRUE(key.ok());
  Pkey pkey = PkeyOf(*key);
  absl::StatusOr<SigningCertificate> cert =
      SigningCertificate::FromPem(SelfSignedPem(pkey.get(), eku));
  EXPECT_TRUE(cert.ok()) << cert.status();
  return Signer{*std::move(key), *std::move(cert)};
}

// ============================================================================================
// Base45

TEST(Base45Test, Rfc9285Examples) {
  const std::pair<const char*, const char*> kExamples[] = {
      {"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"}, {"ietf!", "QED8WEX0"},
      {"", ""},
  };
  for (const auto& [plain, encoded] : kExamples) {
    EXPECT_EQ(Base45Encode(plain), encoded);
    absl::StatusOr<std::string> decoded = Base45Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base45Test, RoundTripsEveryLength) {
  std::mt19937 rng(45);
  for (size_t n = 0; n < 200; ++n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    absl::StatusOr<std::string> decoded = Base45Decode(Base45Encode(bytes));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(*Base45Decode(Base45Encode(std::string("\xFF\xFF", 2))), std::string("\xFF\xFF", 2));
}

TEST(Base45Test, RejectsInvalidInput) {
  for (absl::string_view bad : {
           "GGW",    // 65536: one past what three characters may encode
           "ZZZ",    // 35 + 35*45 + 35*2025 > 65535
           "::",     // 2024 > 255 for a final pair
           "A",      // length 1 mod 3
           "BB8A",   // ditto after a valid group
           "bb8",    // lower case is not in the alphabet
           "BB=",    // '=' is not either
           "BB8\n",  // whitespace
           "\xC3\x84"
           "A",
       }) {
    EXPECT_EQ(Base45Decode(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(Base45Decode("FGW").ok());  // 65535, the largest valid group
}

// ============================================================================================
// CBOR

TEST(CborTest, EncodesRfc8949AppendixAExamples) {
  const std::pair<CborValue, const char*> kExamples[] = {
      {CborValue::Unsigned(0), "00"},
      {CborValue::Unsigned(1), "01"},
      {CborValue::Unsigned(10), "0a"},
      {CborValue::Unsigned(23), "17"},
      {CborValue::Unsigned(24), "1818"},
      {CborValue::Unsigned(25), "1819"},
      {CborValue::Unsigned(100), "1864"},
      {CborValue::Unsigned(1000), "1903e8"},
      {CborValue::Unsigned(1000000), "1a000f4240"},
      {CborValue::Unsigned(1000000000000), "1b000000e8d4a51000"},
      {CborValue::Unsigned(18446744073709551615u), "1bffffffffffffffff"},
      {CborValue::NegativeFromArgument(18446744073709551615u), "3bffffffffffffffff"},
      {CborValue::Int(-1), "20"},
      {CborValue::Int(-10), "29"},
      {CborValue::Int(-100), "3863"},
      {CborValue::Int(-1000), "3903e7"},
      {CborValue::Int(std::numeric_limits<int64_t>::min()), "3b7fffffffffffffff"},
      {CborValue::Float(0.0), "f90000"},
      {CborValue::Float(-0.0), "f98000"},
      {CborValue::Float(1.0), "f93c00"},
      {CborValue::Float(1.1), "fb3ff199999999999a"},
      {CborValue::Float(1.5), "f93e00"},
      {CborValue::Float(65504.0), "f97bff"},
      {CborValue::Float(100000.0), "fa47c35000"},
      {CborValue::Float(3.4028234663852886e+38), "fa7f7fffff"},
      {CborValue::Float(1.0e+300), "fb7e37e43c8800759c"},
      {CborValue::Float(5.960464477539063e-8), "f90001"},
      {CborValue::Float(0.00006103515625), "f90400"},
      {CborValue::Float(-4.0), "f9c400"},
      {CborValue::Float(-4.1), "fbc010666666666666"},
      {CborValue::Float(std::numeric_limits<double>::infinity()), "f97c00"},
      {CborValue::Float(std::numeric_limits<double>::quiet_NaN()), "f97e00"},
      {CborValue::Float(-std::numeric_limits<double>::infinity()), "f9fc00"},
      {CborValue::Bool(false), "f4"},
      {CborValue::Bool(true), "f5"},
      {CborValue::Null(), "f6"},
      {CborValue::Undefined(), "f7"},
      {CborValue::Simple(16), "f0"},
      {CborValue::Simple(255), "f8ff"},
      {CborValue::Tag(0, CborValue::Text("2013-03-21T20:04:00Z")),
       "c074323031332d30332d32315432303a30343a30305a"},
      {CborValue::Tag(1, CborValue::Unsigned(1363896240)), "c11a514b67b0"},
      {CborValue::Tag(23, CborValue::Bytes(Unhex("01020304"))), "d74401020304"},
      {CborValue::Bytes(""), "40"},
      {CborValue::Bytes(Unhex("01020304")), "4401020304"},
      {CborValue::Text(""), "60"},
      {CborValue::Text("a"), "6161"},
      {CborValue::Text("IETF"), "6449455446"},
      {CborValue::Text("\"\\"), "62225c"},
      {CborValue::Text("\xC3\xBC"), "62c3bc"},
      {CborValue::Text("\xE6\xB0\xB4"), "63e6b0b4"},
      {CborValue::Text("\xF0\x90\x85\x91"), "64f0908591"},
      {CborValue::Array(), "80"},
      {CborValue::Array({CborValue::Int(1), CborValue::Int(2), CborValue::Int(3)}), "83010203"},
      {CborValue::Array({CborValue::Int(1),
                         CborValue::Array({CborValue::Int(2), CborValue::Int(3)}),
                         CborValue::Array({CborValue::Int(4), CborValue::Int(5)})}),
       "8301820203820405"},
      {CborValue::Map(), "a0"},
      {CborValue::Map().Add(1, CborValue::Int(2)).Add(3, CborValue::Int(4)), "a201020304"},
      {CborValue::Map()
           .Add("a", CborValue::Int(1))
           .Add("b", CborValue::Array({CborValue::Int(2), CborValue::Int(3)})),
       "a26161016162820203"},
      {CborValue::Array({CborValue::Text("a"), CborValue::Map().Add("b", CborValue::Text("c"))}),
       "826161a161626163"},
  };
  for (const auto& [value, hex] : kExamples) {
    EXPECT_EQ(Hex(EncodeOrDie(value)), hex);
    absl::StatusOr<CborValue> decoded = DecodeCbor(Unhex(hex));
    ASSERT_TRUE(decoded.ok()) << hex << ": " << decoded.status();
    EXPECT_EQ(Hex(EncodeOrDie(*decoded)), hex);
  }
  std::vector<CborValue> items;
  for (int i = 1; i <= 25; ++i) items.push_back(CborValue::Int(i));
  EXPECT_EQ(Hex(EncodeOrDie(CborValue::Array(std::move(items)))),
            "98190102030405060708090a0b0c0d0e0f101112131415161718181819");
}

TEST(CborTest, SortsMapKeysByTheirEncodedBytes) {
  // RFC 8949 section 4.2.1's example order, inserted backwards.
  CborValue map = CborValue::Map();
  map.Add(CborValue::Bool(false), CborValue::Int(8));
  map.Add(CborValue::Array({CborValue::Int(-1)}), CborValue::Int(7));
  map.Add(CborValue::Array({CborValue::Int(100)}), CborValue::Int(6));
  map.Add("aa", CborValue::Int(5));
  map.Add("z", CborValue::Int(4));
  map.Add(-1, CborValue::Int(3));
  map.Add(100, CborValue::Int(2));
  map.Add(10, CborValue::Int(1));
  EXPECT_EQ(Hex(EncodeOrDie(map)),
            "a8"
            "0a01"      // 10
            "186402"    // 100
            "2003"      // -1
            "617a04"    // "z"
            "62616105"  // "aa"
            "81186406"  // [100]
            "812007"    // [-1]
            "f408");    // false
  // The DCC's own keys: shorter text first, then bytewise.
  CborValue dcc = CborValue::Map();
  for (const char* key : {"ver", "nam", "dob", "v"}) dcc.Add(key, CborValue::Int(0));
  EXPECT_EQ(Hex(EncodeOrDie(dcc)),
            "a4617600"
            "63646f6200"
            "636e616d00"
            "6376657200");
}

TEST(CborTest, EncoderRejectsDuplicateKeys) {
  CborValue map = CborValue::Map();
  map.Add(1, CborValue::Int(1));
  map.Add(1, CborValue::Int(2));
  EXPECT_EQ(EncodeCbor(map).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CborTest, DecodesNonCanonicalFormsToTheSameValue) {
  const std::pair<const char*, const char*> kForms[] = {
      {"5f42010243030405ff", "450102030405"},                  // indefinite byte string
      {"7f657374726561646d696e67ff", "6973747265616d696e67"},  // indefinite text
      {"9fff", "80"},
      {"9f018202039f0405ffff", "8301820203820405"},
      {"9f01820203820405ff", "8301820203820405"},
      {"83018202039f0405ff", "8301820203820405"},
      {"bf61610161629f0203ffff", "a26161016162820203"},
      {"826161bf61626163ff", "826161a161626163"},
      {"1817", "17"},  // 23 in a long form
      {"1b0000000000000001", "01"},
      {"3900ff", "38ff"},
      {"a2616201616100", "a2616100616201"},  // keys out of order
      {"fa3fc00000", "f93e00"},              // 1.5 as a single
      {"fb3ff8000000000000", "f93e00"},      // 1.5 as a double
      {"f93c00", "f93c00"},
      {"d83d d2 80", "d83dd280"},  // nested tags
  };
  for (const auto& [input, canonical] : kForms) {
    std::string hex(input);
    hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
    absl::StatusOr<CborValue> decoded = DecodeCbor(Unhex(hex));
    ASSERT_TRUE(decoded.ok()) << input << ": " << decoded.status();
    EXPECT_EQ(Hex(EncodeOrDie(*decoded)), canonical) << input;
  }
  absl::StatusOr<CborValue> half = DecodeCbor(Unhex("f90001"));
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->float_value(), 5.960464477539063e-8);
  absl::StatusOr<CborValue> nan = DecodeCbor(Unhex("f97e00"));
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(nan->float_value()));
}

TEST(CborTest, RoundTripsBuiltValues) {
  CborValue value = CborValue::Map();
  value.Add("bytes", CborValue::Bytes(std::string("\x00\xFF", 2)));
  value.Add(-260,
            CborValue::Map().Add(1, CborValue::Array({CborValue::Text("x"), CborValue::Float(0.1),
                                                      CborValue::Null()})));
  value.Add(CborValue::Tag(1004, CborValue::Text("2021-01-01")), CborValue::Bool(true));
  const std::string encoded = EncodeOrDie(value);
  absl::StatusOr<CborValue> decoded = DecodeCbor(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(EncodeOrDie(*decoded), encoded);
  ASSERT_NE(decoded->Find(-260), nullptr);
  EXPECT_EQ(decoded->Find("bytes")->string_value(), std::string("\x00\xFF", 2));
  EXPECT_EQ(decoded->Find("missing"), nullptr);
  EXPECT_EQ(CborToJson(*decoded)["-260"]["1"][0], "x");
}

TEST(CborTest, JsonOfNestedKeysStaysSmall) {
  // Maps as keys of maps as keys, 30 deep: a nested JSON dump per level would double the
  // escaping each time (the fuzzer's 560-byte input made 200 MB).
  std::string input(30, '\xA1');  // {{{... {}: 0 ...}: 0}: 0}
  input.push_back('\xA0');
  input.append(30, '\x00');
  absl::StatusOr<CborValue> value = DecodeCbor(input);
  ASSERT_TRUE(value.ok()) << value.status();
  const std::string json = CborToJson(*value).dump();
  EXPECT_LT(json.size(), 16 * input.size());
  EXPECT_EQ(CborToJson(*DecodeCbor(Unhex("a30161782061794101"
                                         "6162"))),
            nlohmann::json({{"1", "x"}, {"-1", "y"}, {"AQ", "b"}}));
}

TEST(CborTest, RejectsMalformedInputCleanly) {
  const std::pair<const char*, const char*> kBad[] = {
      {"", "truncated"},
      {"18", "truncated"},
      {"1900", "truncated"},
      {"1b00000000", "truncated"},
      {"6261", "exceeds"},
      {"83 01 02", "array of 3 items in 2 bytes"},
      {"a1 01", "map of 1 entries in 1 bytes"},
      {"82 01 18", "truncated argument"},
      {"1c", "reserved"},
      {"3d", "reserved"},
      {"5e", "reserved"},
      {"fe", "reserved"},
      {"ff", "break outside"},
      {"1f", "indefinite length for an integer"},
      {"df 00", "indefinite length for an integer or tag"},
      {"5f 61 61 ff", "wrong type"},  // text chunk in a byte string
      {"7f 7f ff ff", "wrong type"},  // nested indefinite chunk
      {"5f 01 ff", "wrong type"},
      {"5f 41 00", "truncated"},  // no break
      {"9f 01", "truncated"},
      {"bf 61 61 ff", "between a map key"},
      {"62 c3 28", "UTF-8"},     // invalid continuation
      {"62 c0 80", "UTF-8"},     // overlong NUL
      {"63 ed a0 80", "UTF-8"},  // surrogate
      {"f8 18", "simple value below 32"},
      {"00 00", "trailing"},
      {"a2 01 02 01 03", "duplicate"},
      {"a2 01 02 18 01 03", "duplicate"},  // 1 and 0x1801 are the same key
      {"bf 61 61 01 61 61 02 ff", "duplicate"},
      {"c6", "truncated"},
  };
  for (const auto& [input, expected] : kBad) {
    std::string hex(input);
    hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
    absl::StatusOr<CborValue> decoded = DecodeCbor(Unhex(hex));
    ASSERT_FALSE(decoded.ok()) << input;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << input;
    EXPECT_NE(decoded.status().message().find(expected), absl::string_view::npos)
        << input << ": " << decoded.status();
  }
}

TEST(CborTest, LimitsNestingDepth) {
  const std::string ok = std::string(32, '\x81') + '\x00';
  EXPECT_TRUE(DecodeCbor(ok).ok());
  const std::string deep = std::string(33, '\x81') + '\x00';
  EXPECT_NE(DecodeCbor(deep).status().message().find("nesting deeper than 32"), std::string::npos);
  // A million nested arrays, tags or indefinite maps fail at depth 33, not with a stack overflow.
  for (char byte : {'\x81', '\xC6', '\x9F', '\xBF'}) {
    EXPECT_FALSE(DecodeCbor(std::string(1000000, byte)).ok());
  }
  CborLimits shallow;
  shallow.max_depth = 2;
  EXPECT_FALSE(DecodeCbor(Unhex("81818100"), shallow).ok());
  EXPECT_TRUE(DecodeCbor(Unhex("818100"), shallow).ok());
}

TEST(CborTest, HugeDeclaredLengthsFailFastWithoutAllocating) {
  for (absl::string_view hex : {
           "5bffffffffffffffff0000",  // byte string of 2^64-1 bytes
           "7b80000000000000000000",  // text of 2^63 bytes
           "9b7fffffffffffffff0000",  // array of 2^63-1 items
           "bbffffffffffffffff0000",  // map of 2^64-1 entries
           "9a0fffffff00",            // array of 268M items
           "ba0fffffff0000",
           "5f5bffffffffffffffff00ff",  // inside an indefinite string
       }) {
    // A decoder that trusted these lengths would reserve exabytes and die of bad_alloc.
    absl::StatusOr<CborValue> decoded = DecodeCbor(Unhex(hex));
    EXPECT_FALSE(decoded.ok()) << hex;
  }
}

TEST(CborTest, LimitsTotalItems) {
  std::string many = Unhex("994e20");  // array of 20,000 items
  many.append(20000, '\x00');
  EXPECT_NE(DecodeCbor(many).status().message().find("20000 items"), std::string::npos);
  std::string indefinite = "\x9F";
  indefinite.append(20000, '\x00');
  indefinite.push_back('\xFF');
  EXPECT_NE(DecodeCbor(indefinite).status().message().find("more than 16384"), std::string::npos);
  CborLimits roomy;
  roomy.max_items = 30000;
  EXPECT_TRUE(DecodeCbor(many, roomy).ok());
}

// ============================================================================================
// zlib

TEST(ZlibTest, RoundTripsAndRecognisesItsHeader) {
  const std::string data = "the same certificate, " + std::string(300, 'x');
  const std::string compressed = ZlibCompress(data);
  EXPECT_TRUE(HasZlibHeader(compressed));
  EXPECT_EQ(static_cast<uint8_t>(compressed[1]), 0xDA);  // level 9
  EXPECT_LT(compressed.size(), data.size());
  EXPECT_EQ(*ZlibInflate(compressed), data);
  EXPECT_EQ(*ZlibInflate(ZlibCompress("")), "");
  EXPECT_FALSE(HasZlibHeader(Unhex("d28443a10126")));  // a tagged COSE_Sign1
  EXPECT_FALSE(HasZlibHeader(Unhex("d83dd284")));      // tag 61 around it
  EXPECT_FALSE(HasZlibHeader("x"));
}

TEST(ZlibTest, RejectsBrokenStreams) {
  const std::string compressed = ZlibCompress(std::string(1000, 'a') + "b");
  EXPECT_EQ(ZlibInflate(compressed.substr(0, compressed.size() - 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ZlibInflate(compressed + "x").status().code(), absl::StatusCode::kInvalidArgument);
  std::string corrupt = compressed;
  corrupt[compressed.size() / 2] ^= 0x55;
  EXPECT_FALSE(ZlibInflate(corrupt).ok());
  EXPECT_FALSE(ZlibInflate("not zlib at all").ok());
  EXPECT_FALSE(ZlibInflate("").ok());
}

TEST(ZlibTest, BombStopsAtTheLimit) {
  const std::string bomb = ZlibCompress(std::string(20 * 1024 * 1024, '\0'));  // ~20 KB
  absl::StatusOr<std::string> out = ZlibInflate(bomb);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ZlibInflate(ZlibCompress(std::string(kMaxInflatedSize, 'z')))->size(),
            kMaxInflatedSize);
  EXPECT_FALSE(ZlibInflate(ZlibCompress(std::string(kMaxInflatedSize + 1, 'z'))).ok());
}

// ============================================================================================
// UVCI

TEST(UvciTest, CheckCharactersMatchPublishedExamples) {
  // The UVCI guideline / DCC schema FAQ example, and certificate ids from the EU test data.
  const std::pair<const char*, char> kExamples[] = {
      {"URN:UVCI:01:NL:187/37512422923", 'Z'},
      {"URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813", 'B'},
      {"URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5", 'K'},
      {"URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297", 'I'},
      {"URN:UVCI:01:SE:EHM/V12916227TFJJ", 'Q'},
  };
  for (const auto& [text, check] : kExamples) {
    absl::StatusOr<char> c = UvciCheckCharacter(text);
    ASSERT_TRUE(c.ok()) << text;
    EXPECT_EQ(*c, check) << text;
  }
  EXPECT_FALSE(UvciCheckCharacter("urn:uvci:01:nl:187").ok());  // lower case
  EXPECT_FALSE(UvciCheckCharacter("URN:UVCI:01:NL:187#").ok());
  EXPECT_FALSE(UvciCheckCharacter("").ok());
}

TEST(UvciTest, WorkedExample) {
  // "AB/:" from the right: ':'=37 doubled -> 74 = 1*38 + 36 -> 1+36 = 37; '/'=36 -> 36;
  // 'B'=1 doubled -> 2; 'A'=0 -> 0. Sum 75 = 1*38 + 37; check = (38-37) % 38 = 1 -> 'B'.
  EXPECT_EQ(*UvciCheckCharacter("AB/:"), 'B');
}

TEST(UvciTest, MakesAndValidatesIndonesianIds) {
  absl::StatusOr<std::string> uvci = MakeUvci("ID", "KEMKES/3201ABC123/D2");
  ASSERT_TRUE(uvci.ok()) << uvci.status();
  EXPECT_EQ(uvci->substr(0, 36), "URN:UVCI:01:ID:KEMKES/3201ABC123/D2#");
  EXPECT_EQ(uvci->back(), *UvciCheckCharacter(uvci->substr(0, uvci->size() - 2)));
  EXPECT_TRUE(ValidateUvci(*uvci).ok());

  // Luhn mod N catches every single-character substitution.
  const std::string body = uvci->substr(0, uvci->size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    for (char c : kUvciCharset) {
      if (c == body[i]) continue;
      std::string changed = body;
      changed[i] = c;
      EXPECT_NE(*UvciCheckCharacter(changed), uvci->back()) << changed;
    }
  }
  std::string wrong = *uvci;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ValidateUvci(wrong).ok());
  EXPECT_FALSE(ValidateUvci(body).ok());  // no check character
  EXPECT_TRUE(ValidateUvci("URN:UVCI:01:NL:187/37512422923#Z").ok());
  EXPECT_FALSE(ValidateUvci("urn:uvci:01:id:abc#Z").ok());
  EXPECT_FALSE(ValidateUvci("URN:UVCI:01:ID:#A").ok());

  EXPECT_FALSE(MakeUvci("id", "ABC").ok());
  EXPECT_FALSE(MakeUvci("IDN", "ABC").ok());
  EXPECT_FALSE(MakeUvci("ID", "").ok());
  EXPECT_FALSE(MakeUvci("ID", "abc").ok());
  EXPECT_FALSE(MakeUvci("ID", "A:B").ok());
  EXPECT_FALSE(MakeUvci("ID", "/AB").ok());
  EXPECT_FALSE(MakeUvci("ID", "A//B").ok());
  EXPECT_TRUE(MakeUvci("ID", std::string(80 - 17, 'A')).ok());
  EXPECT_FALSE(MakeUvci("ID", std::string(80 - 16, 'A')).ok());
}

// ============================================================================================
// Names

TEST(NamesTest, IcaoStandardizedForms) {
  const std::pair<const char*, const char*> kNames[] = {
      {"Musterfrau-G\xC3\xB6\xC3\x9Finger", "MUSTERFRAU<GOESSINGER"},  // EU test data
      {"L\xC3\xB6vstr\xC3\xB6m", "LOEVSTROEM"},                        // EU test data
      {"\xC3\x9E"
       "etta er a\xC3\xB0 pr\xC3\xB3"
       "fa",
       "THETTA<ER<AD<PROFA"},
      {"Gabriele", "GABRIELE"},
      {"Siti Nurhaliza", "SITI<NURHALIZA"},
      {"  Siti   Nurhaliza  ", "SITI<NURHALIZA"},
      {"Ma'ruf Amin", "MARUF<AMIN"},
      {"M. Rizki", "M<RIZKI"},
      {"Jos\xC3\xA9-Mar\xC3\xAD"
       "a",
       "JOSE<MARIA"},
      {"\xC5\x81ukasz \xC5\xBB\xC3\xB3\xC5\x82\xC4\x87", "LUKASZ<ZOLC"},
      {"\xC3\x87"
       "a\xC4\x9Flar",
       "CAGLAR"},
      {"\xC3\x85sa \xC3\x86r\xC3\xB8", "AASA<AEROE"},
      {"M\xC3\xBCller", "MUELLER"},
      {"\xC3\x91\xC3\xBA\xC3\xB1"
       "ez",
       "NUNEZ"},
      {"\xC5\x92uvre \xC4\xB2sselmeer", "OEUVRE<IJSSELMEER"},
      {"\xC8\x98tefan \xC8\x9A"
       "ene",
       "STEFAN<TENE"},
      {"Budi 2nd", "BUDI<ND"},
      {"\xE6\xB0\xB4", ""},  // other scripts are dropped
      {"-Anne--Marie-", "ANNE<MARIE"},
      {"bad\xFFutf", "BADUTF"},
  };
  for (const auto& [name, standardized] : kNames) {
    EXPECT_EQ(IcaoStandardize(name), standardized) << name;
  }
  const std::string long_name = std::string(50, 'a') + " " + std::string(50, 'b');
  const std::string cut = IcaoStandardize(long_name);
  EXPECT_EQ(cut.size(), 80u);
  EXPECT_EQ(IcaoStandardize(std::string(79, 'a') + " b").size(), 79u);  // no trailing filler
}

TEST(NamesTest, SplitsIndonesianNames) {
  struct Case {
    const char* full;
    const char* family;
    const char* given;
  };
  const Case kCases[] = {
      {"Sukarno", "Sukarno", ""},
      {"  Sukarno  ", "Sukarno", ""},
      {"Siti Nurhaliza", "Nurhaliza", "Siti"},
      {"Muhammad Rizki Pratama", "Pratama", "Muhammad Rizki"},
      {"Budi  Santoso, S.Kom., M.T.", "Santoso", "Budi"},
      {"Ni Luh Putu Ayu", "Ayu", "Ni Luh Putu"},
      {"I Gusti Ngurah Rai", "Rai", "I Gusti Ngurah"},
      {"", "", ""},
      {" , S.E.", "", ""},
  };
  for (const Case& c : kCases) {
    const HolderName name = SplitIndonesianName(c.full);
    EXPECT_EQ(name.family_name, c.family) << c.full;
    EXPECT_EQ(name.given_name, c.given) << c.full;
  }
}

// ============================================================================================
// DCC payload and CWT claims

VaccinationCertificateData SampleData() {
  VaccinationCertificateData data;
  const HolderName name = SplitIndonesianName("Siti Nurhaliza Putri");
  data.family_name = name.family_name;
  data.given_name = name.given_name;
  data.date_of_birth = "1990-07-14";
  data.vaccine_code = "EU/1/20/1528";
  data.manufacturer_code = "ORG-100030215";
  data.dose_number = 2;
  data.series_doses = 2;
  data.vaccinated_on = "2021-09-01";
  data.country = "ID";
  data.certificate_issuer = "Ministry of Health Republic of Indonesia";
  data.certificate_id = *MakeUvci("ID", "3201ABCDEF/2");
  return data;
}

TEST(DccTest, BuildsTheVaccinationPayload) {
  absl::StatusOr<CborValue> dcc = BuildVaccinationDcc(SampleData());
  ASSERT_TRUE(dcc.ok()) << dcc.status();
  const nlohmann::json expected = {
      {"ver", "1.3.0"},
      {"nam",
       {{"fn", "Putri"}, {"gn", "Siti Nurhaliza"}, {"fnt", "PUTRI"}, {"gnt", "SITI<NURHALIZA"}}},
      {"dob", "1990-07-14"},
      {"v",
       {{{"tg", "840539006"},
         {"vp", "J07BX03"},
         {"mp", "EU/1/20/1528"},
         {"ma", "ORG-100030215"},
         {"dn", 2},
         {"sd", 2},
         {"dt", "2021-09-01"},
         {"co", "ID"},
         {"is", "Ministry of Health Republic of Indonesia"},
         {"ci", SampleData().certificate_id}}}},
  };
  EXPECT_EQ(CborToJson(*dcc), expected);
  // Built in deterministic order already: decoding and re-encoding changes no byte.
  const std::string bytes = EncodeOrDie(*dcc);
  EXPECT_EQ(EncodeOrDie(*DecodeCbor(bytes)), bytes);
  EXPECT_EQ(bytes.substr(0, 5), "\xA4\x61v\x81\xAA");  // {"v": [{10 entries}], ...
  EXPECT_TRUE(CheckDccStructure(*dcc).ok());
  EXPECT_EQ(DccTypeOf(*dcc), DccType::kVaccination);
}

TEST(DccTest, SingleNameHasNoGivenName) {
  VaccinationCertificateData data = SampleData();
  const HolderName name = SplitIndonesianName("Sukarno");
  data.family_name = name.family_name;
  data.given_name = name.given_name;
  absl::StatusOr<CborValue> dcc = BuildVaccinationDcc(data);
  ASSERT_TRUE(dcc.ok());
  EXPECT_EQ(CborToJson(*dcc)["nam"], nlohmann::json({{"fn", "Sukarno"}, {"fnt", "SUKARNO"}}));
}

TEST(DccTest, RejectsBadFields) {
  using Mutation = void (*)(VaccinationCertificateData&);
  const std::pair<Mutation, const char*> kBad[] = {
      {[](VaccinationCertificateData& d) { d.family_name = ""; }, "nam.fn"},
      {[](VaccinationCertificateData& d) { d.family_name = "\xE6\xB0\xB4"; }, "nam.fnt"},
      {[](VaccinationCertificateData& d) { d.family_name = "bad\xFF"; }, "UTF-8"},
      {[](VaccinationCertificateData& d) { d.given_name = std::string(81, 'a'); }, "nam.gn"},
      {[](VaccinationCertificateData& d) { d.date_of_birth = "1990-13-01"; }, "dob"},
      {[](VaccinationCertificateData& d) { d.date_of_birth = "14-07-1990"; }, "dob"},
      {[](VaccinationCertificateData& d) { d.dose_number = 0; }, "v.dn"},
      {[](VaccinationCertificateData& d) { d.dose_number = 10; }, "v.dn"},
      {[](VaccinationCertificateData& d) { d.series_doses = 0; }, "v.sd"},
      {[](VaccinationCertificateData& d) { d.vaccinated_on = "2021-02-30"; }, "v.dt"},
      {[](VaccinationCertificateData& d) { d.country = "id"; }, "v.co"},
      {[](VaccinationCertificateData& d) { d.vaccine_code = ""; }, "v.mp"},
      {[](VaccinationCertificateData& d) { d.certificate_id = std::string(81, 'A'); }, "v.ci"},
  };
  for (const auto& [mutate, field] : kBad) {
    VaccinationCertificateData data = SampleData();
    mutate(data);
    absl::Status status = BuildVaccinationDcc(data).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(status.message().find(field), absl::string_view::npos) << status;
  }
  VaccinationCertificateData partial = SampleData();
  partial.date_of_birth = "1990";
  EXPECT_TRUE(BuildVaccinationDcc(partial).ok());
  partial.date_of_birth = "1990-07";
  EXPECT_TRUE(BuildVaccinationDcc(partial).ok());
}

TEST(DccTest, ClaimsRoundTrip) {
  const CborValue dcc = *BuildVaccinationDcc(SampleData());
  const absl::Time iat = absl::FromUnixSeconds(1700000000);
  const absl::Time exp = iat + absl::Hours(24 * 365);
  absl::StatusOr<std::string> claims = EncodeCwtClaims({"ID", iat, exp}, dcc);
  ASSERT_TRUE(claims.ok()) << claims.status();
  // {1: "ID", 4: exp, 6: iat, -260: {1: ...}}
  EXPECT_EQ(Hex(claims->substr(0, 22)),
            "a40162494404"
            "1a67352480"
            "061a6553f100"
            "390103a101");
  EXPECT_EQ(EncodeOrDie(*DecodeCbor(*claims)), *claims);

  absl::StatusOr<DecodedDcc> decoded = ParseCwtClaims(*claims);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->issuer, "ID");
  EXPECT_EQ(decoded->issued_at, iat);
  EXPECT_EQ(decoded->expires_at, exp);
  EXPECT_EQ(decoded->type, DccType::kVaccination);
  EXPECT_EQ(decoded->schema_version, "1.3.0");
  EXPECT_EQ(decoded->family_name, "Putri");
  EXPECT_EQ(decoded->given_name, "Siti Nurhaliza");
  EXPECT_EQ(decoded->family_name_standardized, "PUTRI");
  EXPECT_EQ(decoded->given_name_standardized, "SITI<NURHALIZA");
  EXPECT_EQ(decoded->date_of_birth, "1990-07-14");
  EXPECT_EQ(decoded->target_disease, "840539006");
  EXPECT_EQ(decoded->vaccine_prophylaxis, "J07BX03");
  EXPECT_EQ(decoded->vaccine_code, "EU/1/20/1528");
  EXPECT_EQ(decoded->manufacturer_code, "ORG-100030215");
  EXPECT_EQ(decoded->dose_number, 2);
  EXPECT_EQ(decoded->series_doses, 2);
  EXPECT_EQ(decoded->vaccinated_on, "2021-09-01");
  EXPECT_EQ(decoded->vaccinated_on_day, absl::CivilDay(2021, 9, 1));
  EXPECT_EQ(decoded->country, "ID");
  EXPECT_EQ(decoded->certificate_issuer, "Ministry of Health Republic of Indonesia");
  EXPECT_EQ(decoded->certificate_id, SampleData().certificate_id);
  EXPECT_EQ(nlohmann::json::parse(decoded->dcc_json), CborToJson(dcc));
  EXPECT_EQ(decoded->dcc, dcc);

  EXPECT_FALSE(EncodeCwtClaims({"ID", exp, iat}, dcc).ok());
  EXPECT_FALSE(EncodeCwtClaims({"ID", iat, exp}, CborValue::Array()).ok());
}

TEST(DccTest, ClaimsParserRejectsWhatIsNotACwtWithADcc) {
  for (absl::string_view hex : {
           "",
           "80",                                      // not a map
           "a2041a6553f100061a65531e00",              // no -260
           "a3041a6553f100061a65531e00390103a0",      // -260 without 1
           "a3041a6553f100061a65531e00390103a10180",  // DCC not a map
           "a2061a65531e00390103a101a0",              // no exp
           "a3046178061a65531e00390103a101a0",        // exp is text
           "a401010400060039010"
           "3a101a0",  // iss is an integer
       }) {
    EXPECT_EQ(ParseCwtClaims(Unhex(hex)).status().code(), absl::StatusCode::kInvalidArgument)
        << hex;
  }
  EXPECT_TRUE(ParseCwtClaims(Unhex("a3040006fb4000000000000000390103a101a0")).ok());
}

TEST(DccTest, StructureCheck) {
  CborValue dcc = *BuildVaccinationDcc(SampleData());
  EXPECT_TRUE(CheckDccStructure(dcc).ok());
  CborValue two_kinds = dcc;
  two_kinds.Add("r", CborValue::Array());
  EXPECT_FALSE(CheckDccStructure(two_kinds).ok());
  EXPECT_EQ(DccTypeOf(two_kinds), DccType::kUnknown);
  CborValue no_name =
      CborValue::Map().Add("ver", CborValue::Text("1.0.0")).Add("nam", CborValue::Map());
  EXPECT_FALSE(CheckDccStructure(no_name).ok());
}

// ============================================================================================
// COSE_Sign1 and signing certificates

TEST(SigningCertificateTest, KidIsTheHashPrefixOfTheDer) {
  Signer signer = MakeSigner();
  EXPECT_EQ(signer.certificate.kid().size(), kKidSize);
  EXPECT_EQ(signer.certificate.kid(), crypto::Sha256(signer.certificate.der()).substr(0, 8));
  EXPECT_EQ(ComputeKid(signer.certificate.der()), signer.certificate.kid());
  absl::StatusOr<SigningCertificate> from_der =
      SigningCertificate::FromDer(signer.certificate.der());
  ASSERT_TRUE(from_der.ok());
  EXPECT_EQ(from_der->kid(), signer.certificate.kid());
  EXPECT_TRUE(signer.certificate.MatchesKey(signer.key).ok());
  Signer other = MakeSigner();
  EXPECT_EQ(signer.certificate.MatchesKey(other.key).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(SigningCertificate::FromDer("garbage").ok());
  EXPECT_FALSE(SigningCertificate::FromDer(signer.certificate.der() + "x").ok());
  EXPECT_FALSE(SigningCertificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n").ok());
}

TEST(SigningCertificateTest, ExtendedKeyUsageLimitsTypes) {
  EXPECT_TRUE(MakeSigner().certificate.AllowsType(DccType::kTest));
  Signer vaccination = MakeSigner("1.3.6.1.4.1.1847.2021.1.2");
  EXPECT_TRUE(vaccination.certificate.AllowsType(DccType::kVaccination));
  EXPECT_FALSE(vaccination.certificate.AllowsType(DccType::kTest));
  EXPECT_FALSE(vaccination.certificate.AllowsType(DccType::kRecovery));
  Signer legacy = MakeSigner("1.3.6.1.4.1.0.1847.2021.1.1,1.3.6.1.4.1.0.1847.2021.1.3");
  EXPECT_TRUE(legacy.certificate.AllowsType(DccType::kTest));
  EXPECT_TRUE(legacy.certificate.AllowsType(DccType::kRecovery));
  EXPECT_FALSE(legacy.certificate.AllowsType(DccType::kVaccination));
  EXPECT_TRUE(MakeSigner("serverAuth").certificate.AllowsType(DccType::kVaccination));
}

TEST(CoseTest, SignVerifyRoundTripAndLayout) {
  Signer signer = MakeSigner();
  const std::string kid = signer.certificate.kid();
  absl::StatusOr<std::string> cose = SignCoseSign1("payload", kid, signer.key);
  ASSERT_TRUE(cose.ok()) << cose.status();
  // 18([h'{1: -7, 4: h'kid'}', {}, h'payload', h'r||s'])
  EXPECT_EQ(Hex(cose->substr(0, 15)), "d2844da201260448" + Hex(kid.substr(0, 7)));
  EXPECT_EQ(Hex(cose->substr(16, 10)), "a0477061796c6f616458");
  EXPECT_EQ(static_cast<uint8_t>((*cose)[26]), 64);

  absl::StatusOr<CborValue> item = DecodeCbor(*cose);
  ASSERT_TRUE(item.ok());
  absl::StatusOr<CoseSign1> parsed = ParseCoseSign1(*item);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->algorithm, CoseAlgorithm::kEs256);
  EXPECT_EQ(parsed->kid, kid);
  EXPECT_EQ(parsed->payload, "payload");
  EXPECT_EQ(parsed->signature.size(), 64u);
  EXPECT_TRUE(VerifyCoseSign1(*parsed, signer.certificate).ok());
  // The signed bytes are exactly the Sig_structure of RFC 9052.
  EXPECT_EQ(Hex(CoseSigStructure(parsed->protected_bytes, "payload")),
            "846a5369676e617475726531"
            "4d" +
                Hex(parsed->protected_bytes) +
                "40"
                "47"
                "7061796c6f6164");
  EXPECT_TRUE(
      signer.key.Verify(CoseSigStructure(parsed->protected_bytes, "payload"), parsed->signature)
          .ok());

  // Untagged and CWT-tagged forms parse the same.
  EXPECT_TRUE(ParseCoseSign1(item->tag_content()).ok());
  EXPECT_TRUE(ParseCoseSign1(CborValue::Tag(kCwtTag, *item)).ok());
}

TEST(CoseTest, TamperingIsDetected) {
  Signer signer = MakeSigner();
  const CoseSign1 good =
      *ParseCoseSign1(*DecodeCbor(*SignCoseSign1("payload", signer.certificate.kid(), signer.key)));
  CoseSign1 payload = good;
  payload.payload = "paylOad";
  EXPECT_EQ(VerifyCoseSign1(payload, signer.certificate).code(),
            absl::StatusCode::kUnauthenticated);
  CoseSign1 signature = good;
  signature.signature[10] ^= 1;
  EXPECT_EQ(VerifyCoseSign1(signature, signer.certificate).code(),
            absl::StatusCode::kUnauthenticated);
  CoseSign1 header = good;
  header.protected_bytes.back() ^= 1;  // another kid, same signature
  EXPECT_EQ(VerifyCoseSign1(header, signer.certificate).code(), absl::StatusCode::kUnauthenticated);
  CoseSign1 short_signature = good;
  short_signature.signature.resize(3);
  EXPECT_EQ(VerifyCoseSign1(short_signature, signer.certificate).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(VerifyCoseSign1(good, MakeSigner().certificate).ok());
}

TEST(CoseTest, RejectsOtherStructures) {
  const CborValue bstr = CborValue::Bytes("");
  const CborValue empty_map = CborValue::Map();
  const CborValue es256 = CborValue::Bytes(Unhex("a10126"));
  auto sign1 = [&](CborValue prot, CborValue unprot, CborValue payload) {
    return CborValue::Tag(18, CborValue::Array({std::move(prot), std::move(unprot),
                                                std::move(payload), CborValue::Bytes("sig")}));
  };
  EXPECT_TRUE(ParseCoseSign1(sign1(es256, empty_map, bstr)).ok());
  const std::pair<CborValue, const char*> kBad[] = {
      {CborValue::Tag(98, CborValue::Array()), "not COSE_Sign1"},
      {CborValue::Array({bstr, empty_map, bstr}), "array of 4"},
      {CborValue::Map(), "array of 4"},
      {sign1(CborValue::Map(), empty_map, bstr), "protected header is not a byte string"},
      {sign1(es256, CborValue::Array(), bstr), "unprotected header is not a map"},
      {sign1(es256, empty_map, CborValue::Null()), "detached"},
      {sign1(es256, empty_map, CborValue::Text("x")), "payload is not a byte string"},
      {sign1(bstr, empty_map, bstr), "no algorithm"},
      {sign1(CborValue::Bytes(Unhex("a10127")), empty_map, bstr), "neither ES256"},  // EdDSA
      {sign1(CborValue::Bytes(Unhex("a101")), empty_map, bstr), "protected header"},
      {sign1(CborValue::Bytes(Unhex("80")), empty_map, bstr), "protected header is not a map"},
      {sign1(CborValue::Bytes(Unhex("a201260461")), empty_map, bstr), "protected header"},
      {sign1(CborValue::Bytes(Unhex("a20126046178")), empty_map, bstr), "kid"},
  };
  for (const auto& [item, expected] : kBad) {
    absl::Status status = ParseCoseSign1(item).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << expected;
    EXPECT_NE(status.message().find(expected), absl::string_view::npos) << status;
  }
  // Algorithm and kid may sit in the unprotected header; the protected kid wins.
  CborValue unprot = CborValue::Map().Add(1, CborValue::Int(-7)).Add(4, CborValue::Bytes("u"));
  absl::StatusOr<CoseSign1> unprotected_only = ParseCoseSign1(sign1(bstr, unprot, bstr));
  ASSERT_TRUE(unprotected_only.ok());
  EXPECT_EQ(unprotected_only->kid, "u");
  absl::StatusOr<CoseSign1> both =
      ParseCoseSign1(sign1(CborValue::Bytes(Unhex("a20126044170")), unprot, bstr));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->kid, "p");
}

TEST(CoseTest, VerifiesPs256WithAnRsaCertificate) {
  Pkey rsa(EVP_RSA_gen(2048));
  ASSERT_NE(rsa, nullptr);
  absl::StatusOr<SigningCertificate> cert = SigningCertificate::FromPem(SelfSignedPem(rsa.get()));
  ASSERT_TRUE(cert.ok()) << cert.status();
  const std::string protected_bytes = EncodeOrDie(
      CborValue::Map().Add(1, CborValue::Int(-37)).Add(4, CborValue::Bytes(cert->kid())));
  const std::string to_sign = CoseSigStructure(protected_bytes, "claims");
  // RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, made with OpenSSL directly.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, rsa.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32), 1);
  size_t size = 0;
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size,
                           reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size()),
            1);
  std::string signature(size, '\0');
  ASSERT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                           reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size()),
            1);
  const CborValue item = CborValue::Tag(
      18, CborValue::Array({CborValue::Bytes(protected_bytes), CborValue::Map(),
                            CborValue::Bytes("claims"), CborValue::Bytes(signature)}));
  absl::StatusOr<CoseSign1> cose = ParseCoseSign1(item);
  ASSERT_TRUE(cose.ok());
  EXPECT_EQ(cose->algorithm, CoseAlgorithm::kPs256);
  EXPECT_TRUE(VerifyCoseSign1(*cose, *cert).ok());
  cose->payload = "claimz";
  EXPECT_EQ(VerifyCoseSign1(*cose, *cert).code(), absl::StatusCode::kUnauthenticated);
  // Algorithm and key must agree.
  cose->algorithm = CoseAlgorithm::kEs256;
  EXPECT_EQ(VerifyCoseSign1(*cose, *cert).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeSigner().certificate.Verify(CoseAlgorithm::kPs256, "m", signature).code(),
            absl::StatusCode::kInvalidArgument);
}

// ============================================================================================
// HC1 end to end

class Hc1Test : public ::testing::Test {
 protected:
  Hc1Test() : signer_(MakeSigner()) {
    options_.kid_lookup = [this](absl::string_view kid) -> const SigningCertificate* {
      return kid == signer_.certificate.kid() ? &signer_.certificate : nullptr;
    };
  }

  std::string Claims() const {
    return *EncodeCwtClaims({"ID", kIssuedAt, kExpiresAt}, *BuildVaccinationDcc(SampleData()));
  }

  std::string Issue() const {
    absl::StatusOr<std::string> hc1 = EncodeHc1(Claims(), signer_.key, signer_.certificate.kid());
    EXPECT_TRUE(hc1.ok()) << hc1.status();
    return hc1.ok() ? *hc1 : std::string();
  }

  // The COSE inside an HC1 string, and back.
  static std::string CoseOf(absl::string_view hc1) {
    return *ZlibInflate(*Base45Decode(*StripHc1Prefix(hc1)));
  }
  static std::string Hc1Of(absl::string_view cose) {
    return absl::StrCat("HC1:", Base45Encode(ZlibCompress(cose)));
  }

  Hc1DecodeResult Decode(absl::string_view hc1, absl::Time at = kNow) const {
    return DecodeHc1(hc1, at, options_);
  }

  static constexpr absl::Time kIssuedAt = absl::FromUnixSeconds(1700000000);
  static constexpr absl::Time kExpiresAt = absl::FromUnixSeconds(1700000000 + 365 * 86400);
  static constexpr absl::Time kNow = absl::FromUnixSeconds(1700000000 + 3600);

  Signer signer_;
  Hc1DecodeOptions options_;
};

TEST_F(Hc1Test, ASignatureMadeOutsideTheSigningCertificatesValidityIsRefused) {
  // The test DSC is valid from 1600000000 to 2000000000 (SelfSignedPem).
  const auto signed_at = [&](absl::Time iat) {
    const std::string claims = *EncodeCwtClaims({"ID", iat, iat + absl::Hours(24 * 365)},
                                                *BuildVaccinationDcc(SampleData()));
    return Decode(*EncodeHc1(claims, signer_.key, signer_.certificate.kid()), iat + absl::Hours(1));
  };
  for (const absl::Time iat : {absl::FromUnixSeconds(1600000000) - absl::Seconds(1),
                               absl::FromUnixSeconds(2000000000) + absl::Seconds(1)}) {
    const Hc1DecodeResult result = signed_at(iat);
    EXPECT_EQ(result.reason, InvalidReason::kBadSignature) << result.detail;
    EXPECT_TRUE(absl::StrContains(result.detail, "outside its signing certificate's validity"))
        << result.detail;
  }
  for (const absl::Time iat :
       {absl::FromUnixSeconds(1600000000), absl::FromUnixSeconds(2000000000)}) {
    const Hc1DecodeResult result = signed_at(iat);
    EXPECT_TRUE(result.valid()) << InvalidReasonName(result.reason) << ": " << result.detail;
  }
}

TEST_F(Hc1Test, EncodeDecodeVerifyRoundTrip) {
  const std::string hc1 = Issue();
  ASSERT_EQ(hc1.substr(0, 4), "HC1:");
  EXPECT_LT(hc1.size(), 700u);
  for (char c : hc1.substr(4)) {
    EXPECT_NE(absl::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c),
              absl::string_view::npos);
  }
  const Hc1DecodeResult result = Decode(hc1);
  EXPECT_TRUE(result.valid()) << InvalidReasonName(result.reason) << ": " << result.detail;
  EXPECT_EQ(result.reason, InvalidReason::kNone);
  EXPECT_EQ(result.detail, "");
  EXPECT_EQ(result.kid, signer_.certificate.kid());
  EXPECT_EQ(result.algorithm, CoseAlgorithm::kEs256);
  ASSERT_TRUE(result.certificate.has_value());
  EXPECT_EQ(result.certificate->issuer, "ID");
  EXPECT_EQ(result.certificate->issued_at, kIssuedAt);
  EXPECT_EQ(result.certificate->expires_at, kExpiresAt);
  EXPECT_EQ(result.certificate->certificate_id, SampleData().certificate_id);
  EXPECT_EQ(result.certificate->family_name, "Putri");
  EXPECT_EQ(result.certificate->dose_number, 2);
  EXPECT_EQ(nlohmann::json::parse(result.certificate->dcc_json),
            CborToJson(*BuildVaccinationDcc(SampleData())));
  // The payload inside is byte for byte the deterministic claims.
  const CoseSign1 cose = *ParseCoseSign1(*DecodeCbor(CoseOf(hc1)));
  EXPECT_EQ(cose.payload, Claims());
  // The same data give the same claims bytes (the ECDSA signature itself is randomized).
  EXPECT_EQ(Claims(), Claims());
  // Static numbering shared with the proto.
  EXPECT_EQ(static_cast<int>(InvalidReason::kTooLarge), 11);
  EXPECT_EQ(static_cast<int>(InvalidReason::kExpired), 8);
}

TEST_F(Hc1Test, ValidityPeriod) {
  const std::string hc1 = Issue();
  EXPECT_TRUE(Decode(hc1, kIssuedAt).valid());
  EXPECT_TRUE(Decode(hc1, kExpiresAt - absl::Seconds(1)).valid());
  EXPECT_EQ(Decode(hc1, kExpiresAt).reason, InvalidReason::kExpired);
  EXPECT_EQ(Decode(hc1, kExpiresAt + absl::Hours(1)).reason, InvalidReason::kExpired);
  const Hc1DecodeResult early = Decode(hc1, kIssuedAt - absl::Seconds(1));
  EXPECT_EQ(early.reason, InvalidReason::kNotYetValid);
  EXPECT_NE(early.detail.find("2023-11-14T22:13:20Z"), std::string::npos) << early.detail;
  EXPECT_TRUE(early.certificate.has_value());
}

TEST_F(Hc1Test, UnknownKidAndBadSignature) {
  const std::string hc1 = Issue();
  Hc1DecodeOptions nobody = options_;
  nobody.kid_lookup = nullptr;
  Hc1DecodeResult unknown = DecodeHc1(hc1, kNow, nobody);
  EXPECT_EQ(unknown.reason, InvalidReason::kUnknownKid);
  EXPECT_TRUE(unknown.certificate.has_value());  // decoded fields are still reported
  nobody.kid_lookup = [](absl::string_view) -> const SigningCertificate* { return nullptr; };
  EXPECT_EQ(DecodeHc1(hc1, kNow, nobody).reason, InvalidReason::kUnknownKid);

  // A certificate that claims the kid but holds another key.
  Signer impostor = MakeSigner();
  Hc1DecodeOptions wrong_key = options_;
  wrong_key.kid_lookup = [&impostor](absl::string_view) { return &impostor.certificate; };
  EXPECT_EQ(DecodeHc1(hc1, kNow, wrong_key).reason, InvalidReason::kBadSignature);

  // A flipped bit in the signature (the last byte of the COSE) or in the payload.
  std::string cose = CoseOf(hc1);
  cose.back() ^= 0x01;
  EXPECT_EQ(Decode(Hc1Of(cose)).reason, InvalidReason::kBadSignature);
  cose = CoseOf(hc1);
  const size_t at = cose.find("Putri");
  ASSERT_NE(at, std::string::npos);
  cose[at] = 'Q';
  const Hc1DecodeResult forged = Decode(Hc1Of(cose));
  EXPECT_EQ(forged.reason, InvalidReason::kBadSignature);
  EXPECT_EQ(forged.certificate->family_name, "Qutri");

  // Key usage: a signer limited to test certificates may not sign vaccinations.
  Signer test_only = MakeSigner("1.3.6.1.4.1.1847.2021.1.1");
  Hc1DecodeOptions limited;
  limited.kid_lookup = [&test_only](absl::string_view) { return &test_only.certificate; };
  const std::string limited_hc1 = *EncodeHc1(Claims(), test_only.key, test_only.certificate.kid());
  const Hc1DecodeResult eku = DecodeHc1(limited_hc1, kNow, limited);
  EXPECT_EQ(eku.reason, InvalidReason::kBadSignature);
  EXPECT_NE(eku.detail.find("extended key usage"), std::string::npos);
  limited.check_key_usage = false;
  EXPECT_TRUE(DecodeHc1(limited_hc1, kNow, limited).valid());
}

TEST_F(Hc1Test, EachStageReportsItsReason) {
  const std::string hc1 = Issue();
  EXPECT_EQ(Decode(std::string(8193, 'A')).reason, InvalidReason::kTooLarge);
  EXPECT_EQ(Decode("HC2:" + hc1.substr(4)).reason, InvalidReason::kBadPrefix);
  EXPECT_EQ(Decode(hc1.substr(4)).reason, InvalidReason::kBadPrefix);
  EXPECT_EQ(Decode("hc1:" + hc1.substr(4)).reason, InvalidReason::kBadPrefix);
  EXPECT_EQ(Decode("").reason, InvalidReason::kBadPrefix);
  EXPECT_EQ(Decode(hc1 + "a").reason, InvalidReason::kBase45);
  const InvalidReason cut = Decode(hc1.substr(0, hc1.size() - 1)).reason;
  EXPECT_TRUE(cut == InvalidReason::kBase45 || cut == InvalidReason::kZlib)
      << InvalidReasonName(cut);
  const std::string compressed = *Base45Decode(hc1.substr(4));
  EXPECT_EQ(Decode("HC1:" + Base45Encode(compressed.substr(0, compressed.size() - 10))).reason,
            InvalidReason::kZlib);
  // A zlib bomb that fits in 8,192 characters.
  const std::string bomb = ZlibCompress(std::string(4 * 1024 * 1024, '\0'));
  const std::string bomb_hc1 = "HC1:" + Base45Encode(bomb);
  ASSERT_LT(bomb_hc1.size(), 8192u);
  const Hc1DecodeResult bombed = Decode(bomb_hc1);
  EXPECT_EQ(bombed.reason, InvalidReason::kZlib);
  EXPECT_NE(bombed.detail.find("65536"), std::string::npos) << bombed.detail;

  EXPECT_EQ(Decode(Hc1Of("\xFF")).reason, InvalidReason::kCbor);
  EXPECT_EQ(Decode(Hc1Of(std::string(100, '\x81'))).reason, InvalidReason::kCbor);
  EXPECT_EQ(Decode(Hc1Of(Unhex("83010203"))).reason, InvalidReason::kCose);
  EXPECT_EQ(
      Decode(Hc1Of(*SignCoseSign1("not cbor \xFF", signer_.certificate.kid(), signer_.key))).reason,
      InvalidReason::kCbor);
  EXPECT_EQ(
      Decode(Hc1Of(*SignCoseSign1(Unhex("a0"), signer_.certificate.kid(), signer_.key))).reason,
      InvalidReason::kCbor);
  // A DCC with both a vaccination and a recovery entry: structure, reported as CBOR.
  CborValue dcc = *BuildVaccinationDcc(SampleData());
  dcc.Add("r", CborValue::Array());
  const std::string two = *EncodeHc1(*EncodeCwtClaims({"ID", kIssuedAt, kExpiresAt}, dcc),
                                     signer_.key, signer_.certificate.kid());
  EXPECT_EQ(Decode(two).reason, InvalidReason::kCbor);
  Hc1DecodeOptions lax = options_;
  lax.check_dcc_structure = false;
  EXPECT_TRUE(DecodeHc1(two, kNow, lax).valid());
}

TEST_F(Hc1Test, UncompressedAndUntaggedPayloadsAreAccepted) {
  const std::string cose = CoseOf(Issue());
  EXPECT_TRUE(Decode("HC1:" + Base45Encode(cose)).valid());
  EXPECT_TRUE(Decode(Hc1Of(cose.substr(1))).valid());     // without tag 18
  EXPECT_TRUE(Decode(Hc1Of("\xD8\x3D" + cose)).valid());  // inside tag 61
  EXPECT_TRUE(DecodeCoseSign1(cose, kNow, options_).valid());
}

TEST_F(Hc1Test, HostileInputsStayBoundedInMemory) {
  rusage before{};
  getrusage(RUSAGE_SELF, &before);

  // 1 MB: refused by size without being decoded, and also when the limit is lifted.
  std::string huge = "HC1:" + std::string(1 << 20, '0');
  EXPECT_EQ(Decode(huge).reason, InvalidReason::kTooLarge);
  Hc1DecodeOptions unlimited = options_;
  unlimited.max_length = std::numeric_limits<size_t>::max();
  EXPECT_FALSE(DecodeHc1(huge, kNow, unlimited).valid());
  std::mt19937 rng(2021);
  const absl::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (size_t i = 4; i < huge.size(); ++i) huge[i] = alphabet[rng() % alphabet.size()];
  EXPECT_FALSE(DecodeHc1(huge, kNow, unlimited).valid());

  // Random garbage at every stage.
  const std::string hc1 = Issue();
  const std::string cose = CoseOf(hc1);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 600, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_FALSE(Decode(std::string(bytes)).valid());
    EXPECT_FALSE(Decode("HC1:" + Base45Encode(bytes)).valid());
    EXPECT_FALSE(Decode(Hc1Of(bytes)).valid());
    (void)DecodeCbor(bytes);
    // Mutations of a real certificate.
    std::string mutated = cose;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng());
    }
    const Hc1DecodeResult r = Decode(Hc1Of(mutated));
    if (r.valid()) {
      EXPECT_EQ(mutated, cose);
    }
  }
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  if (!kAddressSanitizer) {  // ASan's quarantine holds freed memory and inflates the RSS
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << "KiB of peak RSS growth";
  }
}

}  // namespace
}  // namespace lindungi::dcc

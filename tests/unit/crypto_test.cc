#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/aead.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/crypto/ed25519.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/crypto/random.h"
#include "support/openssl_fixtures.h"

namespace lindungi::crypto {
namespace {

// Test inputs are written in hex; a typo in one must fail the test, not crash it.
std::string Unhex(absl::string_view hex) {
  absl::StatusOr<std::string> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

// Flips one bit of s[i].
std::string FlipBit(std::string s, size_t i) {
  s[i] = static_cast<char>(s[i] ^ 0x01);
  return s;
}

// --- OpenSSL fixtures the library itself does not offer: foreign curves and certificates. ---

using lindungi::testing::DrainBio;
using lindungi::testing::TestBio;
using lindungi::testing::TestPkey;
using lindungi::testing::TestX509;

TestPkey EcKey(const char* curve) {
  TestPkey pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  EXPECT_NE(pkey, nullptr);
  return pkey;
}

std::string PrivatePemOf(EVP_PKEY* pkey) {
  TestBio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
  return DrainBio(bio.get());
}

std::string PublicPemOf(EVP_PKEY* pkey) {
  TestBio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), pkey), 1);
  return DrainBio(bio.get());
}

// A self-signed certificate for `pkey`, like a DCC Document Signer Certificate in miniature.
std::string SelfSignedCertificatePem(EVP_PKEY* pkey) {
  TestX509 cert(X509_new());
  EXPECT_EQ(X509_set_version(cert.get(), 2), 1);
  EXPECT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1), 1);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0), nullptr);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600), nullptr);
  X509_NAME* name = X509_get_subject_name(cert.get());
  EXPECT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("Lindungi DSC test"),
                                       -1, -1, 0),
            1);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), name), 1);
  EXPECT_EQ(X509_set_pubkey(cert.get(), pkey), 1);
  EXPECT_GT(X509_sign(cert.get(), pkey, EVP_sha256()), 0);
  TestBio bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509(bio.get(), cert.get()), 1);
  return DrainBio(bio.get());
}

// ----------------------------------------------------------------------------------------------
// Hashing and encodings

TEST(Sha256Test, MatchesFips180Examples) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HmacSha256Test, Rfc4231TestCase1) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256Test, Rfc4231TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, Rfc4231TestCase6KeyLongerThanBlock) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, EmptyKeyAndMessage) {
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEqualsTest, EqualInputs) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("123456", std::string("123456")));
  const std::string mac = HmacSha256("k", "m");
  EXPECT_TRUE(ConstantTimeEquals(mac, HmacSha256("k", "m")));
}

TEST(ConstantTimeEqualsTest, UnequalInputsOfSameLength) {
  EXPECT_FALSE(ConstantTimeEquals("123456", "123457"));
  EXPECT_FALSE(ConstantTimeEquals("023456", "123456"));
  const std::string mac = HmacSha256("k", "m");
  EXPECT_FALSE(ConstantTimeEquals(mac, FlipBit(mac, 31)));
}

TEST(ConstantTimeEqualsTest, DifferentLengthsAreUnequal) {
  EXPECT_FALSE(ConstantTimeEquals("12345", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "12345"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("ab\0", 3), "ab"));
}

TEST(HexTest, EncodesLowerCaseAndRoundTripsEveryByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  absl::StatusOr<std::string> decoded = HexDecode(HexEncode(all));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, all);
  absl::StatusOr<std::string> upper = HexDecode("DEADbeef");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(*upper, "\xde\xad\xbe\xef");
}

TEST(HexTest, DecodeRejectsBadInput) {
  for (absl::string_view bad : {"0", "abc", "0g", "g0", " 00", "00 ", "0x00", "+1",
                                "\xff"
                                "0"}) {
    absl::StatusOr<std::string> decoded = HexDecode(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << "input: " << bad;
  }
}

TEST(Base64UrlTest, Rfc4648VectorsWithoutPadding) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"},  // The url-safe characters.
  };
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64UrlEncode(bytes), text);
    absl::StatusOr<std::string> decoded = Base64UrlDecode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64UrlTest, RoundTripsRandomBytesOfEveryLengthMod3) {
  for (size_t n = 0; n < 70; ++n) {
    absl::StatusOr<std::string> bytes = RandomBytes(n);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    const std::string text = Base64UrlEncode(*bytes);
    EXPECT_EQ(
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    absl::StatusOr<std::string> decoded = Base64UrlDecode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, *bytes);
  }
}

TEST(Base64UrlTest, DecodeRejectsBadInput) {
  for (absl::string_view bad : {
           "Zg==",   // padding
           "Zm9v+",  // standard alphabet
           "ab/c",   // standard alphabet
           "Z",      // impossible length (one character carries 6 bits)
           "Zm9vY",  // impossible length
           "Zh",     // non-zero trailing bits: "Zg" is the only encoding of "f"
           "Zm9",    // non-zero trailing bits: "Zm8" is the only encoding of "fo"
           "Zm 9v",  // whitespace
           "Zm9v\n",
       }) {
    absl::StatusOr<std::string> decoded = Base64UrlDecode(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << "input: " << bad;
  }
}

// ----------------------------------------------------------------------------------------------
// Randomness

TEST(RandomBytesTest, ReturnsRequestedLengthAndFreshBytes) {
  absl::StatusOr<std::string> empty = RandomBytes(0);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
  absl::StatusOr<std::string> a = RandomBytes(32);
  absl::StatusOr<std::string> b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);  // 2^-256 chance of a false failure.
  EXPECT_NE(*a, std::string(32, '\0'));
}

TEST(RandomUniformTest, StaysWithinBoundsAndCoversRange) {
  EXPECT_EQ(RandomUniform(0).status().code(), absl::StatusCode::kInvalidArgument);
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<uint32_t> v = RandomUniform(1);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(*v, 0u);
  }
  std::array<int, 7> seen{};
  for (int i = 0; i < 7000; ++i) {
    absl::StatusOr<uint32_t> v = RandomUniform(7);
    ASSERT_TRUE(v.ok()) << v.status();
    ASSERT_LT(*v, 7u);
    ++seen[*v];
  }
  for (int count : seen) EXPECT_GT(count, 0);  // Each has probability 6/7^7000 of missing.
  absl::StatusOr<uint32_t> max = RandomUniform(UINT32_MAX);
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_LT(*max, UINT32_MAX);
}

TEST(RandomUniformTest, HasNoModuloBias) {
  // With upper = 3 * 2^30, naive `r % upper` puts [0, 2^30) at probability 1/2 instead of 1/3.
  // Over 10000 draws the unbiased count is 3333 +/- 47 (1 sigma); the bounds are > 14 sigma.
  constexpr uint32_t kUpper = 3u << 30;
  int low = 0;
  for (int i = 0; i < 10000; ++i) {
    absl::StatusOr<uint32_t> v = RandomUniform(kUpper);
    ASSERT_TRUE(v.ok()) << v.status();
    ASSERT_LT(*v, kUpper);
    if (*v < (1u << 30)) ++low;
  }
  EXPECT_GT(low, 2700);
  EXPECT_LT(low, 4000);
}

TEST(RandomDigitsTest, LengthAndCharset) {
  EXPECT_EQ(RandomDigits(-1).status().code(), absl::StatusCode::kInvalidArgument);
  for (int n : {0, 1, 6, 8, 1000}) {
    absl::StatusOr<std::string> digits = RandomDigits(n);
    ASSERT_TRUE(digits.ok()) << digits.status();
    EXPECT_EQ(digits->size(), static_cast<size_t>(n));
    EXPECT_EQ(digits->find_first_not_of("0123456789"), std::string::npos) << *digits;
  }
}

std::array<int, 10> CountDigits(int n) {
  std::array<int, 10> counts{};
  absl::StatusOr<std::string> digits = RandomDigits(n);
  EXPECT_TRUE(digits.ok()) << digits.status();
  if (!digits.ok()) return counts;
  for (char c : *digits) ++counts[c - '0'];
  return counts;
}

TEST(RandomDigitsTest, EachDigitNearTenPercentOf100k) {
  // Expected 10000 +/- 95 (1 sigma); 9000..11000 is more than 10 sigma.
  const std::array<int, 10> counts = CountDigits(100000);
  for (int d = 0; d < 10; ++d) {
    EXPECT_GT(counts[d], 9000) << "digit " << d;
    EXPECT_LT(counts[d], 11000) << "digit " << d;
  }
}

TEST(RandomDigitsTest, ChiSquareOver1MDetectsModuloBias) {
  // `byte % 10` without rejection gives 0..5 probability 26/256 and 6..9 25/256, which adds
  // ~365 to the statistic at this size. Unbiased: chi-square with 9 degrees of freedom, mean 9;
  // P(> 100) is about 1e-16.
  constexpr int kN = 1000000;
  const std::array<int, 10> counts = CountDigits(kN);
  double chi_square = 0;
  for (int count : counts) {
    const double diff = count - kN / 10.0;
    chi_square += diff * diff / (kN / 10.0);
  }
  EXPECT_LT(chi_square, 100.0);
}

// ----------------------------------------------------------------------------------------------
// ECDSA P-256 (ES256)

TEST(EcdsaP256KeyTest, SignVerifyRoundTrip) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(key->has_private_key());
  for (absl::string_view message : {absl::string_view(""), absl::string_view("DCC payload")}) {
    absl::StatusOr<std::string> signature = key->Sign(message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(signature->size(), EcdsaP256Key::kSignatureSize);
    EXPECT_TRUE(key->Verify(message, *signature).ok());
  }
}

TEST(EcdsaP256KeyTest, TamperedMessageFails) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> signature = key->Sign("vaccinated: 2");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(key->Verify("vaccinated: 3", *signature).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("", *signature).code(), absl::StatusCode::kUnauthenticated);
}

TEST(EcdsaP256KeyTest, TamperedSignatureFails) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> signature = key->Sign("message");
  ASSERT_TRUE(signature.ok()) << signature.status();
  for (size_t i : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {  // In r and in s.
    EXPECT_EQ(key->Verify("message", FlipBit(*signature, i)).code(),
              absl::StatusCode::kUnauthenticated)
        << "byte " << i;
  }
  // Out-of-range scalars (r = s = 0, r = s = 2^256 - 1) are rejected, not a crash.
  EXPECT_EQ(key->Verify("message", std::string(64, '\0')).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("message", std::string(64, '\xff')).code(),
            absl::StatusCode::kUnauthenticated);
  // The halves are not interchangeable (the r || s layout itself is pinned by the RFC 7515 test).
  const std::string swapped = signature->substr(32) + signature->substr(0, 32);
  EXPECT_EQ(key->Verify("message", swapped).code(), absl::StatusCode::kUnauthenticated);
}

TEST(EcdsaP256KeyTest, WrongLengthSignatureFails) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> signature = key->Sign("message");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(key->Verify("message", "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("message", signature->substr(0, 63)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("message", *signature + "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("message", std::string(72, '\x30')).code(),  // DER-sized
            absl::StatusCode::kInvalidArgument);
}

TEST(EcdsaP256KeyTest, OtherKeyFails) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  absl::StatusOr<EcdsaP256Key> other = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok() && other.ok());
  absl::StatusOr<std::string> signature = key->Sign("message");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(other->Verify("message", *signature).code(), absl::StatusCode::kUnauthenticated);
}

TEST(EcdsaP256KeyTest, PemRoundTrip) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> private_pem = key->PrivatePem();
  absl::StatusOr<std::string> public_pem = key->PublicPem();
  ASSERT_TRUE(private_pem.ok() && public_pem.ok());
  EXPECT_EQ(private_pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << *private_pem;
  EXPECT_EQ(public_pem->rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << *public_pem;

  absl::StatusOr<EcdsaP256Key> reloaded = EcdsaP256Key::FromPrivatePem(*private_pem);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_TRUE(reloaded->has_private_key());
  EXPECT_EQ(reloaded->PublicPem().value_or(""), *public_pem);
  absl::StatusOr<std::string> signature = reloaded->Sign("message");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(key->Verify("message", *signature).ok());

  absl::StatusOr<EcdsaP256Key> verifier = EcdsaP256Key::FromPublicPem(*public_pem);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_FALSE(verifier->has_private_key());
  EXPECT_TRUE(verifier->Verify("message", *signature).ok());
  EXPECT_EQ(verifier->Sign("message").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(verifier->PrivatePem().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EcdsaP256KeyTest, AcceptsSec1PrivateKeyPem) {
  // "BEGIN EC PRIVATE KEY", as written by `openssl ecparam -genkey`.
  TestPkey pkey = EcKey("P-256");
  TestBio bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), pkey.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr),
            1);
  const std::string pem = DrainBio(bio.get());
  ASSERT_EQ(pem.rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u) << pem;
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::FromPrivatePem(pem);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->PublicPem().value_or(""), PublicPemOf(pkey.get()));
}

TEST(EcdsaP256KeyTest, VerifiesRfc7515AppendixA3Es256Example) {
  // An externally produced signature: pins the r || s layout and the SHA-256 choice.
  constexpr char kPublicPem[] =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
      "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
      "-----END PUBLIC KEY-----\n";
  constexpr char kSigningInput[] =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ";
  absl::StatusOr<std::string> signature = Base64UrlDecode(
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");
  ASSERT_TRUE(signature.ok()) << signature.status();
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::FromPublicPem(kPublicPem);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(key->Verify(kSigningInput, *signature).ok());
  EXPECT_EQ(key->Verify(std::string(kSigningInput) + ".", *signature).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(EcdsaP256KeyTest, KeyFromSelfSignedCertificateVerifies) {
  TestPkey signer = EcKey("P-256");
  absl::StatusOr<EcdsaP256Key> signing_key =
      EcdsaP256Key::FromPrivatePem(PrivatePemOf(signer.get()));
  ASSERT_TRUE(signing_key.ok()) << signing_key.status();
  absl::StatusOr<std::string> signature = signing_key->Sign("COSE Sig_structure");
  ASSERT_TRUE(signature.ok()) << signature.status();

  absl::StatusOr<EcdsaP256Key> from_cert =
      EcdsaP256Key::FromCertificatePem(SelfSignedCertificatePem(signer.get()));
  ASSERT_TRUE(from_cert.ok()) << from_cert.status();
  EXPECT_FALSE(from_cert->has_private_key());
  EXPECT_TRUE(from_cert->Verify("COSE Sig_structure", *signature).ok());
  EXPECT_EQ(from_cert->Verify("COSE Sig_structure!", *signature).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(from_cert->Sign("x").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EcdsaP256KeyTest, RejectsP384Keys) {
  TestPkey p384 = EcKey("P-384");
  EXPECT_EQ(EcdsaP256Key::FromPrivatePem(PrivatePemOf(p384.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EcdsaP256Key::FromPublicPem(PublicPemOf(p384.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EcdsaP256Key::FromCertificatePem(SelfSignedCertificatePem(p384.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  TestPkey k256 = EcKey("secp256k1");  // Same size, different curve.
  EXPECT_EQ(EcdsaP256Key::FromPublicPem(PublicPemOf(k256.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EcdsaP256KeyTest, RejectsOtherKeyTypesAndGarbage) {
  absl::StatusOr<Ed25519Key> ed = Ed25519Key::Generate();
  ASSERT_TRUE(ed.ok()) << ed.status();
  EXPECT_EQ(EcdsaP256Key::FromPrivatePem(ed->PrivatePem().value_or("")).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EcdsaP256Key::FromPublicPem(ed->PublicPem().value_or("")).status().code(),
            absl::StatusCode::kInvalidArgument);
  TestPkey p256 = EcKey("P-256");
  // A public key is not a private key and a key is not a certificate.
  EXPECT_FALSE(EcdsaP256Key::FromPrivatePem(PublicPemOf(p256.get())).ok());
  EXPECT_FALSE(EcdsaP256Key::FromCertificatePem(PublicPemOf(p256.get())).ok());
  for (absl::string_view garbage :
       {"", "not a pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"}) {
    EXPECT_EQ(EcdsaP256Key::FromPrivatePem(garbage).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(EcdsaP256Key::FromPublicPem(garbage).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(EcdsaP256Key::FromCertificatePem(garbage).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(EcdsaP256KeyTest, EncryptedPemIsRejectedWithoutPrompting) {
  TestPkey pkey = EcKey("P-256");
  TestBio bio(BIO_new(BIO_s_mem()));
  const std::string passphrase = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(), EVP_aes_256_cbc(), nullptr, 0,
                                          nullptr, const_cast<char*>(passphrase.c_str())),
            1);
  const std::string pem = DrainBio(bio.get());
  ASSERT_NE(pem.find("ENCRYPTED"), std::string::npos);
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::FromPrivatePem(pem);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EcdsaP256KeyTest, ErrorMessagesCarryOpenSslDetail) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::FromPublicPem("junk");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("error:"), absl::string_view::npos) << key.status();
}

TEST(EcdsaP256KeyTest, SharedKeySignsConcurrently) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  const EcdsaP256Key& shared = *key;
  std::vector<int> failures(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&shared, &failures, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string message = "token " + std::to_string(t * 1000 + i);
        absl::StatusOr<std::string> signature = shared.Sign(message);
        if (!signature.ok() || !shared.Verify(message, *signature).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(EcdsaP256KeyTest, MovedFromKeyFailsCleanly) {
  absl::StatusOr<EcdsaP256Key> key = EcdsaP256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  EcdsaP256Key moved = *std::move(key);
  EXPECT_TRUE(moved.Sign("m").ok());
  // NOLINTNEXTLINE(bugprone-use-after-move): checking the documented moved-from behaviour.
  EXPECT_EQ(key->Sign("m").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(key->Verify("m", std::string(64, 'x')).code(), absl::StatusCode::kFailedPrecondition);
}

// ----------------------------------------------------------------------------------------------
// Ed25519

TEST(Ed25519KeyTest, Rfc8032TestVector1EmptyMessage) {
  absl::StatusOr<Ed25519Key> key = Ed25519Key::FromRawPrivate(
      Unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(HexEncode(key->RawPublic().value_or("")),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  absl::StatusOr<std::string> signature = key->Sign("");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(HexEncode(*signature),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6"
            "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  absl::StatusOr<Ed25519Key> verifier = Ed25519Key::FromRawPublic(
      Unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE(verifier->Verify("", *signature).ok());
}

TEST(Ed25519KeyTest, Rfc8032TestVector2OneByte) {
  absl::StatusOr<Ed25519Key> key = Ed25519Key::FromRawPrivate(
      Unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(HexEncode(key->RawPublic().value_or("")),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  absl::StatusOr<std::string> signature = key->Sign("\x72");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(HexEncode(*signature),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e45"
            "8f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
}

TEST(Ed25519KeyTest, RoundTripThroughPemAndRawKeys) {
  absl::StatusOr<Ed25519Key> key = Ed25519Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> signature = key->Sign("agent token");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(signature->size(), Ed25519Key::kSignatureSize);
  EXPECT_TRUE(key->Verify("agent token", *signature).ok());

  absl::StatusOr<std::string> private_pem = key->PrivatePem();
  ASSERT_TRUE(private_pem.ok()) << private_pem.status();
  EXPECT_EQ(private_pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  absl::StatusOr<Ed25519Key> reloaded = Ed25519Key::FromPrivatePem(*private_pem);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  // Ed25519 is deterministic: the same key signs the same message identically.
  EXPECT_EQ(reloaded->Sign("agent token").value_or(""), *signature);

  absl::StatusOr<Ed25519Key> from_pem = Ed25519Key::FromPublicPem(key->PublicPem().value_or(""));
  ASSERT_TRUE(from_pem.ok()) << from_pem.status();
  EXPECT_FALSE(from_pem->has_private_key());
  EXPECT_TRUE(from_pem->Verify("agent token", *signature).ok());
  EXPECT_EQ(from_pem->Sign("x").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(from_pem->PrivatePem().status().code(), absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<Ed25519Key> from_raw = Ed25519Key::FromRawPublic(key->RawPublic().value_or(""));
  ASSERT_TRUE(from_raw.ok()) << from_raw.status();
  EXPECT_TRUE(from_raw->Verify("agent token", *signature).ok());
}

TEST(Ed25519KeyTest, TamperingFails) {
  absl::StatusOr<Ed25519Key> key = Ed25519Key::Generate();
  absl::StatusOr<Ed25519Key> other = Ed25519Key::Generate();
  ASSERT_TRUE(key.ok() && other.ok());
  absl::StatusOr<std::string> signature = key->Sign("agent 42");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(key->Verify("agent 43", *signature).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("agent 42", FlipBit(*signature, 0)).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("agent 42", FlipBit(*signature, 63)).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("agent 42", std::string(64, '\xff')).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(other->Verify("agent 42", *signature).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(key->Verify("agent 42", signature->substr(0, 63)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("agent 42", *signature + std::string(1, '\0')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519KeyTest, RejectsWrongKeyTypesAndSizes) {
  TestPkey p256 = EcKey("P-256");
  EXPECT_EQ(Ed25519Key::FromPrivatePem(PrivatePemOf(p256.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Key::FromPublicPem(PublicPemOf(p256.get())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Key::FromPrivatePem("garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Key::FromRawPrivate(std::string(31, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Key::FromRawPrivate(std::string(64, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519Key::FromRawPublic(std::string(33, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// ----------------------------------------------------------------------------------------------
// AES-256-GCM

// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 96-bit IV,
// 60-byte plaintext, 20-byte AAD). Verified by Open, so no nonce-choosing Seal is exposed.
constexpr char kGcmKey[] = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr char kGcmNonce[] = "cafebabefacedbaddecaf888";
constexpr char kGcmPlaintext[] =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";
constexpr char kGcmAad[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr char kGcmCiphertext[] =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10568288"
    "38c5f61e6393ba7a0abcc9f662";
constexpr char kGcmTag[] = "76fc6ece0f4e1768cddf8853bb2d551b";

TEST(Aes256GcmTest, OpensGcmSpecTestCase16) {
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(Unhex(kGcmKey));
  ASSERT_TRUE(aead.ok()) << aead.status();
  const std::string sealed = Unhex(kGcmNonce) + Unhex(kGcmCiphertext) + Unhex(kGcmTag);
  absl::StatusOr<std::string> plaintext = aead->Open(sealed, Unhex(kGcmAad));
  ASSERT_TRUE(plaintext.ok()) << plaintext.status();
  EXPECT_EQ(HexEncode(*plaintext), kGcmPlaintext);
  EXPECT_EQ(aead->Open(sealed, "").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(Aes256GcmTest, SealOpenRoundTrip) {
  absl::StatusOr<std::string> key = RandomBytes(Aes256Gcm::kKeySize);
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(*key);
  ASSERT_TRUE(aead.ok()) << aead.status();
  const std::vector<std::string> plaintexts = {"", "3171234567890123", std::string(1000, 'n')};
  for (const std::string& plaintext : plaintexts) {
    for (absl::string_view aad : {absl::string_view(""), absl::string_view("citizen/42")}) {
      absl::StatusOr<std::string> sealed = aead->Seal(plaintext, aad);
      ASSERT_TRUE(sealed.ok()) << sealed.status();
      EXPECT_EQ(sealed->size(), plaintext.size() + Aes256Gcm::kOverhead);
      if (!plaintext.empty()) {
        EXPECT_EQ(sealed->find(plaintext), std::string::npos);  // Actually encrypted.
      }
      absl::StatusOr<std::string> opened = aead->Open(*sealed, aad);
      ASSERT_TRUE(opened.ok()) << opened.status();
      EXPECT_EQ(*opened, plaintext);
    }
  }
  // A copy of the object uses the same key.
  const Aes256Gcm copy = *aead;
  absl::StatusOr<std::string> sealed = aead->Seal("nik", "row");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(copy.Open(*sealed, "row").value_or(""), "nik");
}

TEST(Aes256GcmTest, TamperingAnyPartFails) {
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(std::string(32, 'k'));
  ASSERT_TRUE(aead.ok()) << aead.status();
  absl::StatusOr<std::string> sealed = aead->Seal("3171234567890123", "citizen/42");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  ASSERT_TRUE(aead->Open(*sealed, "citizen/42").ok());

  const size_t nonce_byte = 0;
  const size_t ciphertext_byte = Aes256Gcm::kNonceSize + 3;
  const size_t tag_byte = sealed->size() - 1;
  for (size_t i : {nonce_byte, ciphertext_byte, tag_byte}) {
    EXPECT_EQ(aead->Open(FlipBit(*sealed, i), "citizen/42").status().code(),
              absl::StatusCode::kUnauthenticated)
        << "byte " << i;
  }
  EXPECT_EQ(aead->Open(*sealed, "citizen/43").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(aead->Open(*sealed, "").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(aead->Open(sealed->substr(0, sealed->size() - 1), "citizen/42").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(aead->Open(*sealed + "x", "citizen/42").status().code(),
            absl::StatusCode::kUnauthenticated);

  absl::StatusOr<Aes256Gcm> other = Aes256Gcm::Create(std::string(32, 'K'));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->Open(*sealed, "citizen/42").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(Aes256GcmTest, ShortInputFails) {
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(std::string(32, 'k'));
  ASSERT_TRUE(aead.ok()) << aead.status();
  EXPECT_EQ(aead->Open("", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(aead->Open(std::string(Aes256Gcm::kOverhead - 1, 'x'), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Long enough to parse, but forged.
  EXPECT_EQ(aead->Open(std::string(Aes256Gcm::kOverhead, 'x'), "").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(Aes256GcmTest, NoncesDifferBetweenSeals) {
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(std::string(32, 'k'));
  ASSERT_TRUE(aead.ok()) << aead.status();
  std::set<std::string> nonces;
  std::set<std::string> ciphertexts;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::string> sealed = aead->Seal("same NIK", "same row");
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    nonces.insert(sealed->substr(0, Aes256Gcm::kNonceSize));
    ciphertexts.insert(*sealed);
  }
  EXPECT_EQ(nonces.size(), 100u);
  EXPECT_EQ(ciphertexts.size(), 100u);
}

TEST(Aes256GcmTest, CreateRejectsWrongKeySize) {
  for (size_t size : {size_t{0}, size_t{16}, size_t{31}, size_t{33}, size_t{64}}) {
    EXPECT_EQ(Aes256Gcm::Create(std::string(size, 'k')).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "size " << size;
  }
}

}  // namespace
}  // namespace lindungi::crypto

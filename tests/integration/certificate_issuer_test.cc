// Certificates issued from real records and a real identity-service: content, determinism,
// corrections and revocation, expiry, the revocation list, bad input - and independent checks:
// the PDF's QR read back by zbarimg, and the HC1 verified by a Node verifier built on cose-js.
#include "certificate_issuer.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "absl/strings/str_cat.h"
#include "document_signer.h"
#include "gmock/gmock.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/dcc/uvci.h"
#include "lindungi/status/status.h"
#include "nlohmann/json.hpp"
#include "support/certificate_fixture.h"
#include "support/child_process.h"

namespace lindungi::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace common = lindungi::common::v1;

constexpr char kSinovacCode[] = "CoronaVac";
constexpr char kSinovacMaker[] = "Sinovac-Biotech";

std::string MakeKeys(const std::string& dir) {
  auto gen = ChildProcess::Spawn({SourceDir() + "/tools/gen-keys", "--out", dir});
  EXPECT_TRUE(gen.ok());
  EXPECT_EQ((*gen)->Wait(), 0) << (*gen)->Output();
  return dir;
}

class CertificateIssuerTest : public CertificateFixture {
 protected:
  void SetUp() override {
    CertificateFixture::SetUp();
    // A signature counts only within its DSC's validity, and tools/gen-keys makes DSCs valid
    // from the moment they are made: the fake clock starts after every DSC this test makes.
    clock_.Set(std::max(clock_.Now(), absl::Now() + absl::Hours(1)));
    keys_ = MakeKeys(dir_ + "/keys");
    auto signer = certificate::DocumentSigner::Create(ReadFileOrDie(keys_ + "/dsc.key"),
                                                      ReadFileOrDie(keys_ + "/dsc.crt"));
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::move(*signer);
    auto renderer = certpdf::CertificateRenderer::Create();
    ASSERT_TRUE(renderer.ok()) << renderer.status();
    renderer_ = std::make_unique<certpdf::CertificateRenderer>(std::move(*renderer));
    issuer_ = std::make_unique<certificate::CertificateIssuer>(
        *db_, *directory_, *signer_, *renderer_, clock_, certificate::IssuerPolicy());
    ImportDoses({DoseRow(2, kSitiNik, "1", kSinovacCode, kSinovacMaker, "2021-03-01", "A2103",
                         "Puskesmas Cibeunying Kidul"),
                 DoseRow(3, kSitiNik, "2", kSinovacCode, kSinovacMaker, "2021-03-29", "A2107",
                         "Puskesmas Cibeunying Kidul")});
  }

  certv1::IssueCertificateResponse Issue(const std::string& nik, int dose,
                                         absl::Status* status = nullptr) {
    certv1::IssueCertificateRequest req;
    req.set_citizen_id(CitizenId(nik));
    req.set_dose_number(dose);
    certv1::IssueCertificateResponse resp;
    const absl::Status s = issuer_->IssueCertificate(req, &resp);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s;
    }
    return resp;
  }

  certv1::VerifyCertificateResponse Verify(const std::string& hc1) {
    certv1::VerifyCertificateRequest req;
    req.set_hc1(hc1);
    certv1::VerifyCertificateResponse resp;
    EXPECT_TRUE(issuer_->VerifyCertificate(req, &resp).ok());
    return resp;
  }

  absl::Status Revoke(const std::string& id, common::Role role,
                      certv1::RevokeCertificateResponse* out = nullptr) {
    certv1::RevokeCertificateRequest req;
    req.set_certificate_id(id);
    req.mutable_actor()->set_id("admin:a1");
    req.mutable_actor()->set_role(role);
    req.set_reason("issued by mistake");
    certv1::RevokeCertificateResponse local;
    return issuer_->RevokeCertificate(req, out != nullptr ? out : &local);
  }

  std::string keys_;
  std::unique_ptr<certificate::DocumentSigner> signer_;
  std::unique_ptr<certpdf::CertificateRenderer> renderer_;
  std::unique_ptr<certificate::CertificateIssuer> issuer_;
};

TEST_F(CertificateIssuerTest, IssuesASignedDccWithThePdf) {
  auto issued = Issue(kSitiNik, 2);
  EXPECT_TRUE(issued.newly_issued());
  const std::string& id = issued.certificate().certificate_id();
  EXPECT_THAT(id, StartsWith("URN:UVCI:01:ID:LDG"));
  EXPECT_TRUE(dcc::ValidateUvci(id).ok()) << id;
  EXPECT_EQ(issued.certificate().status(), certv1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(issued.certificate().kid(), signer_->kid());
  EXPECT_THAT(issued.hc1(), StartsWith("HC1:"));
  EXPECT_THAT(issued.pdf(), StartsWith("%PDF-"));

  auto verified = Verify(issued.hc1());
  ASSERT_TRUE(verified.valid()) << verified.detail();
  const auto& c = verified.certificate();
  EXPECT_EQ(c.certificate_id(), id);
  EXPECT_EQ(c.issuer(), "ID");
  EXPECT_EQ(c.family_name(), "AMINAH");
  EXPECT_EQ(c.given_name(), "SITI");
  EXPECT_EQ(c.family_name_standardized(), "AMINAH");
  EXPECT_EQ(c.date_of_birth(), "1985-12-03");
  EXPECT_EQ(c.vaccine_code(), "CoronaVac");
  EXPECT_EQ(c.manufacturer_code(), "Sinovac-Biotech");
  EXPECT_EQ(c.dose_number(), 2);
  EXPECT_EQ(c.series_doses(), 2);
  EXPECT_EQ(c.vaccinated_on().month(), 3);
  EXPECT_EQ(c.vaccinated_on().day(), 29);
  EXPECT_EQ(c.country(), "ID");
  EXPECT_EQ(c.certificate_issuer(), "Ministry of Health Republic of Indonesia");
  EXPECT_EQ(c.target_disease(), "840539006");
  EXPECT_EQ(c.expires_at().seconds() - c.issued_at().seconds(), 365 * 24 * 3600);
}

TEST_F(CertificateIssuerTest, TheSameDataGiveTheSameCertificateEveryTime) {
  auto first = Issue(kSitiNik, 1);
  auto second = Issue(kSitiNik, 1);
  EXPECT_FALSE(second.newly_issued());
  EXPECT_EQ(second.certificate().certificate_id(), first.certificate().certificate_id());
  EXPECT_EQ(second.hc1(), first.hc1());
  EXPECT_EQ(second.pdf(), first.pdf()) << "the PDF bytes must not change between downloads";
  EXPECT_NE(Issue(kSitiNik, 2).certificate().certificate_id(),
            first.certificate().certificate_id());
}

TEST_F(CertificateIssuerTest, ACorrectionRevokesTheOldCertificateAndIssuesANewOne) {
  auto before = Issue(kSitiNik, 2);
  // A supervisor corrects the name in identity-service.
  idv1::RequestCorrectionRequest fix;
  fix.set_citizen_id(CitizenId(kSitiNik));
  fix.mutable_new_value()->set_full_name("SITI AMINAH PUTRI");
  *fix.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
  idv1::RequestCorrectionResponse filed;
  ASSERT_TRUE(identity_->registry().RequestCorrection(fix, &filed).ok());
  idv1::DecideChangeRequestRequest decide;
  decide.set_change_request_id(filed.change_request_id());
  decide.set_decision(idv1::DECISION_APPROVE);
  *decide.mutable_actor() = MakeActor("supervisor:s3", common::ROLE_SUPERVISOR);
  decide.set_reason("KTP checked");
  idv1::DecideChangeRequestResponse decided;
  ASSERT_TRUE(identity_->registry().DecideChangeRequest(decide, &decided).ok());

  clock_.Advance(absl::Minutes(5));
  auto after = Issue(kSitiNik, 2);
  EXPECT_TRUE(after.newly_issued());
  EXPECT_NE(after.certificate().certificate_id(), before.certificate().certificate_id());
  EXPECT_THAT(after.revoked_certificate_ids(), ElementsAre(before.certificate().certificate_id()));
  EXPECT_EQ(Verify(after.hc1()).certificate().family_name(), "PUTRI");
  auto old = Verify(before.hc1());
  EXPECT_FALSE(old.valid());
  EXPECT_EQ(old.reason(), certv1::INVALID_REASON_REVOKED);

  certv1::ListCertificatesRequest list;
  list.set_citizen_id(CitizenId(kSitiNik));
  certv1::ListCertificatesResponse all;
  ASSERT_TRUE(issuer_->ListCertificates(list, &all).ok());
  ASSERT_EQ(all.certificates_size(), 2);
  EXPECT_EQ(all.certificates(0).status(), certv1::CERTIFICATE_STATUS_ACTIVE);
  EXPECT_EQ(all.certificates(1).status(), certv1::CERTIFICATE_STATUS_REVOKED);
}

TEST_F(CertificateIssuerTest, ARevokedCertificateIsNeverIssuedAgain) {
  auto issued = Issue(kSitiNik, 1);
  const std::string id = issued.certificate().certificate_id();
  const absl::Status denied = Revoke(id, common::ROLE_AGENT);
  EXPECT_EQ(status::ReasonOf(denied), "REVOKE_NOT_ALLOWED");
  certv1::RevokeCertificateResponse revoked;
  ASSERT_TRUE(Revoke(id, common::ROLE_ADMIN, &revoked).ok());
  EXPECT_FALSE(revoked.already_revoked());
  EXPECT_EQ(revoked.certificate().status(), certv1::CERTIFICATE_STATUS_REVOKED);
  ASSERT_TRUE(Revoke(id, common::ROLE_ADMIN, &revoked).ok());
  EXPECT_TRUE(revoked.already_revoked());
  EXPECT_EQ(status::ReasonOf(Revoke("URN:UVCI:01:ID:UNKNOWN#A", common::ROLE_ADMIN)),
            "CERTIFICATE_NOT_FOUND");

  absl::Status again;
  Issue(kSitiNik, 1, &again);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(again), "CERTIFICATE_REVOKED");
}

TEST_F(CertificateIssuerTest, DataThatChangeBackGetAFreshIdNotTheSupersededOne) {
  auto original = Issue(kSitiNik, 2);
  const auto reimport = [&](const char* batch) {
    ImportDoses({DoseRow(3, kSitiNik, "2", kSinovacCode, kSinovacMaker, "2021-03-29", batch,
                         "Puskesmas Cibeunying Kidul")},
                /*update_existing=*/true);
  };
  // The registry corrects the batch: the import itself supersedes the old certificate, so it
  // stops verifying before anyone downloads again.
  reimport("A2108");
  auto superseded = Verify(original.hc1());
  EXPECT_FALSE(superseded.valid());
  EXPECT_EQ(superseded.reason(), certv1::INVALID_REASON_REVOKED);
  auto corrected = Issue(kSitiNik, 2);
  EXPECT_TRUE(corrected.newly_issued());
  EXPECT_TRUE(corrected.revoked_certificate_ids().empty()) << "already superseded by the import";

  // ...and then back: the original data get a third id, never the superseded one.
  reimport("A2107");
  absl::Status status;
  auto back = Issue(kSitiNik, 2, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(Verify(back.hc1()).valid());
  EXPECT_NE(back.certificate().certificate_id(), original.certificate().certificate_id());
  EXPECT_NE(back.certificate().certificate_id(), corrected.certificate().certificate_id());
  EXPECT_TRUE(dcc::ValidateUvci(back.certificate().certificate_id()).ok());
  EXPECT_EQ(Issue(kSitiNik, 2).certificate().certificate_id(), back.certificate().certificate_id())
      << "still deterministic";
  EXPECT_EQ(Verify(original.hc1()).reason(), certv1::INVALID_REASON_REVOKED);

  // An admin's revocation, by contrast, blocks those data for good.
  ASSERT_TRUE(Revoke(back.certificate().certificate_id(), common::ROLE_ADMIN).ok());
  Issue(kSitiNik, 2, &status);
  EXPECT_EQ(status::ReasonOf(status), "CERTIFICATE_REVOKED");
}

TEST_F(CertificateIssuerTest, AfterAKeyRotationTheSameCertificateIsSignedByTheNewKey) {
  auto before = Issue(kSitiNik, 1);
  const std::string rotated = MakeKeys(dir_ + "/rotated");
  auto signer = certificate::DocumentSigner::Create(ReadFileOrDie(rotated + "/dsc.key"),
                                                    ReadFileOrDie(rotated + "/dsc.crt"),
                                                    {ReadFileOrDie(keys_ + "/dsc.crt")});
  ASSERT_TRUE(signer.ok()) << signer.status();
  signer_ = std::move(*signer);
  issuer_ = std::make_unique<certificate::CertificateIssuer>(
      *db_, *directory_, *signer_, *renderer_, clock_, certificate::IssuerPolicy());
  EXPECT_TRUE(Verify(before.hc1()).valid()) << "the earlier signer still verifies";

  auto after = Issue(kSitiNik, 1);
  EXPECT_TRUE(after.newly_issued());
  EXPECT_EQ(after.certificate().certificate_id(), before.certificate().certificate_id());
  EXPECT_EQ(after.certificate().kid(), signer_->kid());
  EXPECT_NE(after.certificate().kid(), before.certificate().kid());
  EXPECT_EQ(Verify(after.hc1()).certificate().kid(), signer_->kid());
  EXPECT_FALSE(Issue(kSitiNik, 1).newly_issued());
}

TEST_F(CertificateIssuerTest, UnknownDosesAndCitizensAreNotFound) {
  absl::Status s;
  Issue(kSitiNik, 3, &s);
  EXPECT_EQ(status::ReasonOf(s), "DOSE_NOT_FOUND");
  Issue(kBudiNik, 1, &s);  // known citizen, no doses
  EXPECT_EQ(status::ReasonOf(s), "DOSE_NOT_FOUND");
  certv1::IssueCertificateRequest req;
  req.set_citizen_id("c_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
  req.set_dose_number(1);
  certv1::IssueCertificateResponse resp;
  EXPECT_EQ(issuer_->IssueCertificate(req, &resp).code(), absl::StatusCode::kNotFound);
  req.set_dose_number(0);
  EXPECT_EQ(issuer_->IssueCertificate(req, &resp).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CertificateIssuerTest, AnExpiredCertificateKeepsItsIdAndIsSignedAfresh) {
  auto issued = Issue(kSitiNik, 2);
  clock_.Advance(absl::Hours(24 * 366));
  auto expired = Verify(issued.hc1());
  EXPECT_FALSE(expired.valid());
  EXPECT_EQ(expired.reason(), certv1::INVALID_REASON_EXPIRED);
  auto renewed = Issue(kSitiNik, 2);
  EXPECT_TRUE(renewed.newly_issued());
  EXPECT_EQ(renewed.certificate().certificate_id(), issued.certificate().certificate_id());
  EXPECT_NE(renewed.hc1(), issued.hc1());
  EXPECT_TRUE(Verify(renewed.hc1()).valid());
}

TEST_F(CertificateIssuerTest, ACertificateIsSignedOnlyWithinItsSignersValidityAndNeverOutlivesIt) {
  const dcc::SigningCertificate* dsc = signer_->Find(signer_->kid());
  ASSERT_NE(dsc, nullptr);
  ASSERT_LT(dsc->not_after(), absl::InfiniteFuture());
  // 100 days before the signer expires, a certificate (normally a year) ends with it.
  clock_.Set(dsc->not_after() - absl::Hours(24 * 100));
  auto issued = Issue(kSitiNik, 2);
  auto verified = Verify(issued.hc1());
  ASSERT_TRUE(verified.valid()) << verified.detail();
  EXPECT_EQ(verified.certificate().expires_at().seconds(), absl::ToUnixSeconds(dsc->not_after()));

  clock_.Set(dsc->not_after() + absl::Hours(24));
  absl::Status refused;
  Issue(kSitiNik, 2, &refused);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(status::ReasonOf(refused).value_or(""), "SIGNER_EXPIRED");

  // Nor before it starts: a verifier would refuse the signature (BAD_SIGNATURE). Dose 1 has no
  // certificate yet, so one must be signed.
  clock_.Set(dsc->not_before() - absl::Seconds(1));
  Issue(kSitiNik, 1, &refused);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(status::ReasonOf(refused).value_or(""), "SIGNER_NOT_YET_VALID");
  clock_.Set(dsc->not_before());
  auto at_start = Verify(Issue(kSitiNik, 1).hc1());
  EXPECT_TRUE(at_start.valid()) << at_start.detail();
}

TEST_F(CertificateIssuerTest, TheRevocationListIsHashedSortedAndSigned) {
  const std::string a = Issue(kSitiNik, 1).certificate().certificate_id();
  const std::string b = Issue(kSitiNik, 2).certificate().certificate_id();
  ASSERT_TRUE(Revoke(a, common::ROLE_ADMIN).ok());
  ASSERT_TRUE(Revoke(b, common::ROLE_ADMIN).ok());
  certv1::ExportRevocationListResponse list;
  ASSERT_TRUE(issuer_->ExportRevocationList({}, &list).ok());
  std::vector<std::string> expected = {crypto::Sha256(a).substr(0, 16),
                                       crypto::Sha256(b).substr(0, 16)};
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(list.uci_hashes_size(), 2);
  EXPECT_EQ(list.uci_hashes(0), expected[0]);
  EXPECT_EQ(list.uci_hashes(1), expected[1]);
  EXPECT_EQ(list.kid(), signer_->kid());
  const std::string signed_bytes = certificate::CertificateIssuer::RevocationListSignedBytes(
      list.generated_at().seconds(), expected);
  EXPECT_TRUE(signer_->key().Verify(signed_bytes, list.signature()).ok());
  EXPECT_FALSE(signer_->key().Verify(signed_bytes + "x", list.signature()).ok());
}

TEST_F(CertificateIssuerTest, BadInputIsACleanInvalidWithTheReason) {
  struct Case {
    std::string hc1;
    certv1::InvalidReason reason;
  };
  const std::string good = Issue(kSitiNik, 1).hc1();
  std::string flipped = good;
  flipped[40] = flipped[40] == 'A' ? 'B' : 'A';
  const std::vector<Case> cases = {
      {"", certv1::INVALID_REASON_BAD_PREFIX},
      {"HC2:" + good.substr(4), certv1::INVALID_REASON_BAD_PREFIX},
      {"HC1:abc", certv1::INVALID_REASON_BASE45},
      {"HC1:" + std::string(1 << 20, 'A'), certv1::INVALID_REASON_TOO_LARGE},
      {good.substr(0, good.size() / 2), certv1::INVALID_REASON_UNSPECIFIED},  // any reason
      {flipped, certv1::INVALID_REASON_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    auto r = Verify(c.hc1);
    EXPECT_FALSE(r.valid()) << c.hc1.substr(0, 20);
    EXPECT_NE(r.reason(), certv1::INVALID_REASON_UNSPECIFIED);
    if (c.reason != certv1::INVALID_REASON_UNSPECIFIED) {
      EXPECT_EQ(r.reason(), c.reason);
    }
    EXPECT_FALSE(r.detail().empty());
  }
  // A certificate signed by someone else's key is refused by kid.
  const std::string other = MakeKeys(dir_ + "/other-keys");
  auto stranger = certificate::DocumentSigner::Create(ReadFileOrDie(other + "/dsc.key"),
                                                      ReadFileOrDie(other + "/dsc.crt"));
  ASSERT_TRUE(stranger.ok());
  certificate::CertificateIssuer foreign(*db_, *directory_, **stranger, *renderer_, clock_,
                                         certificate::IssuerPolicy());
  certv1::IssueCertificateRequest req;
  req.set_citizen_id(CitizenId(kSitiNik));
  req.set_dose_number(1);
  certv1::IssueCertificateResponse foreign_cert;
  // The same data give the same id, and that id is already issued here: use a fresh dose.
  ImportDoses({DoseRow(4, kSitiNik, "3", kSinovacCode, kSinovacMaker, "2022-01-20")});
  req.set_dose_number(3);
  ASSERT_TRUE(foreign.IssueCertificate(req, &foreign_cert).ok());
  EXPECT_EQ(Verify(foreign_cert.hc1()).reason(), certv1::INVALID_REASON_UNKNOWN_KID);
}

TEST_F(CertificateIssuerTest, AMismatchedSigningKeyIsRefused) {
  const std::string other = MakeKeys(dir_ + "/other-keys");
  auto mismatched = certificate::DocumentSigner::Create(ReadFileOrDie(other + "/dsc.key"),
                                                        ReadFileOrDie(keys_ + "/dsc.crt"));
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("mismatched pair"));
}

TEST_F(CertificateIssuerTest, ASignerLimitedToTestCertificatesIsRefused) {
  const std::string dir = dir_ + "/test-only";
  auto gen = ChildProcess::Spawn(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-keyout", dir + ".key", "-out", dir + ".crt", "-days", "30", "-subj",
       "/C=ID/CN=Test-only DSC", "-addext", "extendedKeyUsage=1.3.6.1.4.1.1847.2021.1.1"});
  ASSERT_TRUE(gen.ok());
  ASSERT_EQ((*gen)->Wait(), 0) << (*gen)->Output();
  auto refused =
      certificate::DocumentSigner::Create(ReadFileOrDie(dir + ".key"), ReadFileOrDie(dir + ".crt"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("may not sign vaccination certificates"));
}

TEST_F(CertificateIssuerTest, ThePdfQrCodeReadsBackAsTheExactHc1) {
  if (std::system("command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null") != 0) {
    GTEST_SKIP() << "pdftoppm or zbarimg missing (tools/install-deps installs them)";
  }
  auto issued = Issue(kSitiNik, 2);
  WriteFile(dir_ + "/cert.pdf", issued.pdf());
  auto render = ChildProcess::Spawn({"/usr/bin/pdftoppm", "-r", "150", "-png", "-singlefile",
                                     dir_ + "/cert.pdf", dir_ + "/cert"});
  ASSERT_TRUE(render.ok());
  ASSERT_EQ((*render)->Wait(), 0) << (*render)->Output();
  auto scan = ChildProcess::Spawn({"/usr/bin/zbarimg", "--raw", "-q", dir_ + "/cert.png"});
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ((*scan)->Wait(), 0) << (*scan)->Output();
  std::string decoded;  // zbarimg may also print D-Bus warnings; the QR content is its own line
  for (const std::string& line : (*scan)->Lines()) {
    if (line.rfind("HC1:", 0) == 0) decoded = line;
  }
  EXPECT_EQ(decoded, issued.hc1());
}

TEST_F(CertificateIssuerTest, AnIndependentNodeVerifierAcceptsOurCertificates) {
  auto install = ChildProcess::Spawn({SourceDir() + "/tools/node-verifier-install"});
  ASSERT_TRUE(install.ok());
  if ((*install)->Wait(absl::Minutes(3)) != 0) {
    GTEST_SKIP() << "the Node verifier is unavailable: " << (*install)->Output();
  }
  auto issued = Issue(kSitiNik, 2);
  WriteFile(dir_ + "/hc1.txt", issued.hc1());
  // Verified at the test's (fake) time, as DecodeHc1 would be.
  const auto node_verify = [&](const std::string& cert) {
    return ChildProcess::Spawn(
        {"/usr/bin/env", "node", SourceDir() + "/tests/node-verifier/verify.js", "--cert", cert,
         "--at", absl::StrCat(absl::ToUnixSeconds(clock_.Now())), "@" + dir_ + "/hc1.txt"});
  };
  auto verify = node_verify(keys_ + "/dsc.crt");
  ASSERT_TRUE(verify.ok());
  EXPECT_EQ((*verify)->Wait(), 0) << (*verify)->Output();
  const auto result = nlohmann::json::parse((*verify)->Output());
  EXPECT_EQ(result["valid"], true);
  EXPECT_EQ(result["iss"], "ID");
  EXPECT_EQ(result["kid"], crypto::HexEncode(signer_->kid()));
  EXPECT_EQ(result["dcc"]["v"][0]["ci"], issued.certificate().certificate_id());
  EXPECT_EQ(result["dcc"]["nam"]["fnt"], "AMINAH");

  // And refuses one we did not sign with that certificate.
  const std::string other = MakeKeys(dir_ + "/other-keys");
  auto wrong = node_verify(other + "/dsc.crt");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ((*wrong)->Wait(), 1);
}

}  // namespace
}  // namespace lindungi::testing

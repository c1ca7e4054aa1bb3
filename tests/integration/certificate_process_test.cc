// lindungi-certificate and lindungictl as operators run them: keys from tools/gen-keys, the
// registry loaded with `lindungictl import`, a certificate revoked with `lindungictl revoke`, and
// the signed revocation list written by `lindungictl export-revocations`.
#include <fstream>
#include <regex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "lindungi/certificate/v1/certificate.grpc.pb.h"
#include "lindungi/crypto/ecdsa.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "support/child_process.h"
#include "support/grpc_probe.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace certv1 = lindungi::certificate::v1;
namespace idv1 = lindungi::identity::v1;

constexpr char kBudiPhone[] = "081234567890";  // tools/demo: BUDI SANTOSO, doses 1-3

std::pair<int, std::string> RunCommand(std::vector<std::string> argv) {
  auto child = ChildProcess::Spawn(argv);
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return {-1, ""};
  const int code = (*child)->Wait(absl::Seconds(120)).value_or(-1);
  return {code, (*child)->Output()};
}

absl::Status GenKeys(const std::string& dir) {
  auto [code, out] = RunCommand({SourceDir() + "/tools/gen-keys", "--out", dir});
  if (code != 0) return absl::InternalError(absl::StrCat("tools/gen-keys failed: ", out));
  return absl::OkStatus();
}

class CertificateProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_TRUE(GenKeys(dir_ + "/keys").ok());
    WriteFile(dir_ + "/pii.key", "certificate-process-test-master-key-0123456789abcdef\n");
    auto identity = StartService(
        "lindungi-identity",
        {"--db=sqlite://" + dir_ + "/identity.db", "--pii_key_file=" + dir_ + "/pii.key"},
        dir_ + "/identity.log");
    ASSERT_TRUE(identity.ok()) << identity.status();
    identity_ = std::move(*identity);
    auto certificate = StartService("lindungi-certificate", CertificateFlags(dir_ + "/keys"),
                                    dir_ + "/certificate.log");
    ASSERT_TRUE(certificate.ok()) << certificate.status();
    certificate_ = std::move(*certificate);
  }

  std::vector<std::string> CertificateFlags(const std::string& keys) const {
    return {"--db=sqlite://" + dir_ + "/certificate.db",
            "--identity_addr=" + identity_.grpc_address(),
            "--signing_key_file=" + keys + "/dsc.key", "--signing_cert_file=" + keys + "/dsc.crt"};
  }

  std::pair<int, std::string> Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {BinDir() + "/lindungictl"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--identity_addr=" + identity_.grpc_address());
    argv.push_back("--certificate_addr=" + certificate_.grpc_address());
    argv.push_back("--actor=process-test");
    return RunCommand(argv);
  }

  void ImportDemo() {
    auto [code, out] = Ctl({"import", "--citizens", SourceDir() + "/tools/demo/citizens.csv",
                            "--vaccinations", SourceDir() + "/tools/demo/vaccinations.csv"});
    ASSERT_EQ(code, 0) << out;
  }

  std::string BudiCitizenId() {
    auto stub = idv1::IdentityService::NewStub(PlaintextChannel(identity_.grpc_port));
    grpc::ClientContext ctx;
    idv1::FindByPhoneRequest req;
    req.set_phone(kBudiPhone);
    idv1::FindByPhoneResponse resp;
    EXPECT_TRUE(stub->FindByPhone(&ctx, req, &resp).ok());
    for (const auto& c : resp.citizens()) {
      if (c.full_name() == "BUDI SANTOSO") return c.citizen_id();
    }
    ADD_FAILURE() << "BUDI SANTOSO is not in the demo registry";
    return "";
  }

  certv1::IssueCertificateResponse Issue(const std::string& citizen_id, int dose) {
    auto stub = certv1::CertificateService::NewStub(PlaintextChannel(certificate_.grpc_port));
    grpc::ClientContext ctx;
    certv1::IssueCertificateRequest req;
    req.set_citizen_id(citizen_id);
    req.set_dose_number(dose);
    req.mutable_actor()->set_id("wa:process-test");
    req.mutable_actor()->set_role(lindungi::common::v1::ROLE_SYSTEM);
    certv1::IssueCertificateResponse resp;
    const grpc::Status s = stub->IssueCertificate(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  certv1::VerifyCertificateResponse Verify(const std::string& hc1) {
    auto stub = certv1::CertificateService::NewStub(PlaintextChannel(certificate_.grpc_port));
    grpc::ClientContext ctx;
    certv1::VerifyCertificateRequest req;
    req.set_hc1(hc1);
    certv1::VerifyCertificateResponse resp;
    EXPECT_TRUE(stub->VerifyCertificate(&ctx, req, &resp).ok());
    return resp;
  }

  std::string dir_;
  ServiceProcess identity_;
  ServiceProcess certificate_;
};

TEST_F(CertificateProcessTest, VaccinationImportReportsBadRowsAndIsIdempotent) {
  auto [citizens, out] = Ctl({"import", "--citizens", SourceDir() + "/tools/demo/citizens.csv"});
  ASSERT_EQ(citizens, 0) << out;
  WriteFile(dir_ + "/vaccinations.csv",
            "nik,dose_number,vaccine_code,manufacturer_code,vaccinated_on,batch,facility,country\n"
            "3273201708850004,1,CoronaVac,Sinovac-Biotech,2021-03-15,J1,Puskesmas A,ID\n"
            "3273201708850004,2,NotAVaccine,Sinovac-Biotech,2021-04-12,J2,Puskesmas A,ID\n"
            "9999999999999999,1,CoronaVac,Sinovac-Biotech,2021-03-15,J1,Puskesmas A,ID\n");
  auto [code, report] = Ctl({"import", "--vaccinations", dir_ + "/vaccinations.csv"});
  EXPECT_EQ(code, 1) << report;  // finished, with rejected rows
  EXPECT_THAT(report, HasSubstr("3 rows read: 1 created, 0 updated, 0 unchanged, 2 rejected"));
  EXPECT_THAT(report, HasSubstr("line 3: unknown_vaccine"));
  EXPECT_THAT(report, Not(HasSubstr("3273201708850004"))) << "NIKs are never echoed in full";
  EXPECT_THAT(ReadFileOrDie(dir_ + "/vaccinations.csv.rejects.csv"),
              HasSubstr("line,reason,description\n3,unknown_vaccine,"));
  auto [again, report2] = Ctl({"import", "--vaccinations", dir_ + "/vaccinations.csv"});
  EXPECT_EQ(again, 1);
  EXPECT_THAT(report2, HasSubstr("0 created, 0 updated, 1 unchanged, 2 rejected"));
}

TEST_F(CertificateProcessTest, RevokedByTheOperatorAndListedInTheSignedExport) {
  ImportDemo();
  const std::string budi = BudiCitizenId();
  const certv1::IssueCertificateResponse first = Issue(budi, 1);
  const certv1::IssueCertificateResponse second = Issue(budi, 2);
  const std::string id = first.certificate().certificate_id();
  ASSERT_EQ(id.rfind("URN:UVCI:01:ID:", 0), 0u) << id;
  ASSERT_TRUE(Verify(first.hc1()).valid());

  auto [code, out] = Ctl({"revoke", "--certificate_id", id, "--reason", "issued in error"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr(id + " revoked"));
  const certv1::VerifyCertificateResponse verdict = Verify(first.hc1());
  EXPECT_FALSE(verdict.valid());
  EXPECT_EQ(verdict.reason(), certv1::INVALID_REASON_REVOKED);
  EXPECT_TRUE(Verify(second.hc1()).valid()) << "only the revoked certificate is affected";
  const std::string metrics = Scrape(certificate_.metrics_port);
  EXPECT_EQ(MetricValue(metrics, "lindungi_certificates_issued_total{result=\"new\"}"), 2);
  EXPECT_EQ(MetricValue(metrics, "lindungi_certificates_revoked_total{cause=\"admin\"}"), 1);
  EXPECT_EQ(MetricValue(metrics, "lindungi_certificate_verifications_total{result=\"valid\"}"), 2);
  EXPECT_EQ(MetricValue(metrics, "lindungi_certificate_verifications_total{result=\"revoked\"}"),
            1);
  auto [again, out2] = Ctl({"revoke", "--certificate_id", id, "--reason", "issued in error"});
  EXPECT_EQ(again, 0);
  EXPECT_THAT(out2, HasSubstr("was already revoked"));

  const std::string list = dir_ + "/revocations.json";
  auto [exported, out3] = Ctl({"export-revocations", "--out", list});
  ASSERT_EQ(exported, 0) << out3;
  EXPECT_THAT(out3, HasSubstr("1 revoked certificates written"));
  const nlohmann::json doc = nlohmann::json::parse(ReadFileOrDie(list));
  ASSERT_EQ(doc["format"], "lindungi-revocation-list-v1");
  const std::string hash = crypto::Sha256(id).substr(0, 16);
  ASSERT_EQ(doc["uci_hashes"], nlohmann::json::array({absl::BytesToHexString(hash)}));

  // The signature checks out against the document signer's certificate, as a verifier would.
  std::string kid, signature;
  ASSERT_TRUE(absl::Base64Unescape(doc["kid"].get<std::string>(), &kid));
  ASSERT_TRUE(absl::Base64Unescape(doc["signature"].get<std::string>(), &signature));
  EXPECT_EQ(kid, first.certificate().kid());
  absl::Time generated;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, doc["generated_at"].get<std::string>(),
                              &generated, &error))
      << error;
  std::string signed_bytes = "lindungi-revocation-list-v1\n";
  const int64_t seconds = absl::ToUnixSeconds(generated);
  for (int shift = 56; shift >= 0; shift -= 8) signed_bytes.push_back(char(seconds >> shift));
  signed_bytes += hash;
  auto signer = crypto::EcdsaP256Key::FromCertificatePem(ReadFileOrDie(dir_ + "/keys/dsc.crt"));
  ASSERT_TRUE(signer.ok());
  EXPECT_TRUE(signer->Verify(signed_bytes, signature).ok());
  signed_bytes.back() ^= 1;
  EXPECT_FALSE(signer->Verify(signed_bytes, signature).ok());
}

TEST_F(CertificateProcessTest, OperatorCommandsSayWhatIsWrong) {
  auto [unknown, out] =
      Ctl({"revoke", "--certificate_id", "URN:UVCI:01:ID:NOPE#A", "--reason", "test"});
  EXPECT_EQ(unknown, 1) << out;
  EXPECT_THAT(out, HasSubstr("CERTIFICATE_NOT_FOUND"));
  auto [no_reason, out2] = Ctl({"revoke", "--certificate_id", "URN:UVCI:01:ID:NOPE#A"});
  EXPECT_EQ(no_reason, 2);
  EXPECT_THAT(out2, HasSubstr("--reason"));
  auto [no_out, out3] = Ctl({"export-revocations"});
  EXPECT_EQ(no_out, 2);
  EXPECT_THAT(out3, HasSubstr("--out"));
  auto [bad_dir, out4] = Ctl({"export-revocations", "--out", dir_ + "/missing/list.json"});
  EXPECT_EQ(bad_dir, 2);
  EXPECT_THAT(out4, HasSubstr("missing/list.json"));

  certificate_.process->Signal(SIGTERM);
  ASSERT_EQ(certificate_.process->Wait(), 0);
  auto [down, out5] = Ctl({"export-revocations", "--out", dir_ + "/list.json"});
  EXPECT_EQ(down, 3) << out5;
  EXPECT_THAT(out5, HasSubstr("run the same command again"));
}

TEST_F(CertificateProcessTest, HelpDocumentsEveryFlagAndBadConfigSaysWhy) {
  auto [help_code, help] = RunCommand({BinDir() + "/lindungi-certificate", "--help"});
  EXPECT_EQ(help_code, 0);
  for (const char* flag :
       {"db", "db_cache_mb", "identity_addr", "identity_timeout", "signing_key_file",
        "signing_cert_file", "earlier_signing_cert_files", "certificate_validity",
        "booster_interval", "max_boosters", "font_file", "bold_font_file", "grpc_port",
        "health_port", "metrics_port", "tls_cert_file", "worker_threads", "drain_timeout"}) {
    EXPECT_TRUE(std::regex_search(help, std::regex(std::string("--") + flag + " \\([^)]"))) << flag;
  }
  const std::string binary = BinDir() + "/lindungi-certificate";
  std::vector<std::string> good = CertificateFlags(dir_ + "/keys");
  auto start_with = [&](std::vector<std::string> flags) {
    flags.insert(flags.begin(), {binary, "--grpc_port=0", "--health_port=0", "--metrics_port=0"});
    return RunCommand(flags);
  };
  // No identity-service.
  auto [no_identity, out] = start_with({good[0], good[2], good[3]});
  EXPECT_EQ(no_identity, 2);
  EXPECT_THAT(out, HasSubstr("--identity_addr is required"));
  // A key from one pair, the certificate from another.
  ASSERT_TRUE(GenKeys(dir_ + "/other").ok());
  auto [mismatched, out2] =
      start_with({good[0], good[1], "--signing_key_file=" + dir_ + "/other/dsc.key", good[3]});
  EXPECT_EQ(mismatched, 2);
  EXPECT_THAT(out2, HasSubstr("mismatched pair"));
  // A store that is not built.
  auto [pg, out3] =
      start_with({"--db=postgresql://localhost/certificate", good[1], good[2], good[3]});
  EXPECT_EQ(pg, 2);
  EXPECT_THAT(out3, HasSubstr("PostgreSQL"));
  // A missing key file names the flag.
  auto [no_key, out4] =
      start_with({good[0], good[1], "--signing_key_file=" + dir_ + "/nope.key", good[3]});
  EXPECT_EQ(no_key, 2);
  EXPECT_THAT(out4, HasSubstr("--signing_key_file"));
  // Production refuses the development keys tools/gen-keys makes.
  auto [dev_keys, out5] = start_with({"--env=production", good[0], good[1], good[2], good[3]});
  EXPECT_EQ(dev_keys, 2);
  EXPECT_THAT(out5, HasSubstr("refuses a development signing certificate"));

  auto [ctl_help_code, ctl_help] = RunCommand({BinDir() + "/lindungictl", "--help"});
  EXPECT_EQ(ctl_help_code, 0);
  for (const char* flag : {"certificate_addr", "certificate_id", "reason", "out"}) {
    EXPECT_TRUE(std::regex_search(ctl_help, std::regex(std::string("--") + flag + " \\([^)]")))
        << flag;
  }
  EXPECT_THAT(ctl_help, HasSubstr("export-revocations --out FILE"));
}

}  // namespace
}  // namespace lindungi::testing

// identity-service and lindungictl as operators run them, and otp-service asking identity-service
// whether a number is registered.
#include <signal.h>

#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"
#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "lindungi/status/status.h"
#include "support/child_process.h"
#include "support/grpc_probe.h"
#include "support/redis_server.h"
#include "support/test_env.h"

namespace lindungi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace idv1 = lindungi::identity::v1;

constexpr char kCitizensCsv[] =
    "\xEF\xBB\xBFnik,full_name,birth_date,sex,phone\r\n"
    "3201011705900001,BUDI SANTOSO,1990-05-17,L,081234567890\r\n"
    "3201014312850002,\"AMINAH, SITI\",1985-12-03,P,0812-3456-7890\r\n"
    "\r\n"
    "3201010101150003,ADI SANTOSO,2015-01-01,L,+62 812 3456 7890\r\n"
    "3201014312850004,BAD PHONE,1985-12-03,P,021-5551234\r\n"
    "3201011705900005,TOO,MANY,COLUMNS,1990-05-17,L,081234567890\r\n"
    "\"3201011705900006,UNCLOSED QUOTE,1990-05-17,L,081234567890\r\n"
    "3273022808770007,I KETUT ARSANA,1977-08-28,L,085711112222\r\n";

class IdentityProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/pii.key", "identity-process-test-master-key-0123456789abcdef\n");
    WriteFile(dir_ + "/citizens.csv", kCitizensCsv);
    auto svc = StartService(
        "lindungi-identity",
        {"--db=sqlite://" + dir_ + "/identity.db", "--pii_key_file=" + dir_ + "/pii.key"},
        dir_ + "/identity.log");
    ASSERT_TRUE(svc.ok()) << svc.status();
    identity_ = std::move(*svc);
  }

  std::pair<int, std::string> Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {BinDir() + "/lindungictl"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--identity_addr=" + identity_.grpc_address());
    auto child = ChildProcess::Spawn(argv);
    EXPECT_TRUE(child.ok());
    const int code = (*child)->Wait(absl::Seconds(120)).value_or(-1);
    return {code, (*child)->Output()};
  }

  std::string dir_;
  ServiceProcess identity_;
};

TEST_F(IdentityProcessTest, ImportReportsBadRowsImportsGoodOnesAndIsIdempotent) {
  auto [code, out] = Ctl({"import", "--citizens", dir_ + "/citizens.csv"});
  EXPECT_EQ(code, 1) << out;  // finished, with rejected rows
  EXPECT_THAT(out, HasSubstr("7 rows read: 4 created, 0 updated, 0 unchanged, 3 rejected"));
  EXPECT_THAT(out, HasSubstr("line 6: invalid_phone"));
  EXPECT_THAT(out, HasSubstr("line 7: wrong_column_count: expected 5 columns, found 7"));
  EXPECT_THAT(out, HasSubstr("line 8: malformed_csv"));
  EXPECT_THAT(out, HasSubstr("importing citizens"));  // progress
  const std::string rejects = ReadFileOrDie(dir_ + "/citizens.csv.rejects.csv");
  EXPECT_THAT(rejects, HasSubstr("line,reason,description\n6,invalid_phone,"));
  EXPECT_THAT(out, Not(HasSubstr("3201014312850004"))) << "NIKs are never echoed in full";

  auto [again, out2] = Ctl({"import", "--citizens", dir_ + "/citizens.csv"});
  EXPECT_EQ(again, 1);
  EXPECT_THAT(out2, HasSubstr("0 created, 0 updated, 4 unchanged, 3 rejected"));

  // The family shares one number.
  auto stub = idv1::IdentityService::NewStub(PlaintextChannel(identity_.grpc_port));
  grpc::ClientContext ctx;
  idv1::FindByPhoneRequest req;
  req.set_phone("081234567890");
  idv1::FindByPhoneResponse resp;
  ASSERT_TRUE(stub->FindByPhone(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.citizens_size(), 3);
  EXPECT_EQ(resp.citizens(0).full_name(), "ADI SANTOSO");
  EXPECT_EQ(resp.citizens(1).full_name(), "AMINAH, SITI");
}

TEST_F(IdentityProcessTest, ImportRefusesAFileItCannotUse) {
  WriteFile(dir_ + "/wrong.csv", "nik,name,phone\n1,2,3\n");
  auto [code, out] = Ctl({"import", "--citizens", dir_ + "/wrong.csv"});
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("header line nik,full_name,birth_date,sex,phone"));
  auto [missing, out2] = Ctl({"import", "--citizens", dir_ + "/nope.csv"});
  EXPECT_EQ(missing, 2);
  EXPECT_THAT(out2, HasSubstr("nope.csv"));
  auto [unknown, out3] = Ctl({"frobnicate"});
  EXPECT_EQ(unknown, 2);
  EXPECT_THAT(out3, HasSubstr("unknown command"));
}

TEST_F(IdentityProcessTest, ImportStopsWithAClearMessageWhenTheServiceGoesAway) {
  identity_.process->Signal(SIGTERM);
  ASSERT_EQ(identity_.process->Wait(), 0);
  auto [code, out] = Ctl({"import", "--citizens", dir_ + "/citizens.csv"});
  EXPECT_EQ(code, 3) << out;
  EXPECT_THAT(out, HasSubstr("the import stopped"));
  EXPECT_THAT(out, HasSubstr("running the same command again is safe"));
}

TEST_F(IdentityProcessTest, OtpDeliversOnlyToNumbersIdentityKnows) {
  ASSERT_EQ(Ctl({"import", "--citizens", dir_ + "/citizens.csv"}).first, 1);
  auto redis = RedisServer::Start();
  ASSERT_TRUE(redis.ok());
  WriteFile(dir_ + "/pepper", "otp-identity-test-pepper-0123456789abcdef0123\n");
  auto otp = StartService(
      "lindungi-otp",
      {"--redis=" + (*redis)->url(), "--otp_pepper_file=" + dir_ + "/pepper",
       "--identity_addr=" + identity_.grpc_address(), "--outbox_file=" + dir_ + "/outbox.jsonl"});
  ASSERT_TRUE(otp.ok()) << otp.status();
  auto stub = lindungi::otp::v1::OtpService::NewStub(PlaintextChannel(otp->grpc_port));
  for (const char* phone : {"085711112222", "081399998888"}) {  // registered, unregistered
    grpc::ClientContext ctx;
    lindungi::otp::v1::RequestOtpRequest req;
    req.set_phone(phone);
    req.set_requester("wa:e2e");
    lindungi::otp::v1::RequestOtpResponse resp;
    ASSERT_TRUE(stub->RequestOtp(&ctx, req, &resp).ok()) << phone;
  }
  ASSERT_TRUE(Eventually([&] {
    return ReadFileOrDie(dir_ + "/outbox.jsonl").find("+6285711112222") != std::string::npos;
  }));
  stub.reset();
  otp->process->Signal(SIGTERM);
  ASSERT_EQ(otp->process->Wait(), 0);  // drains its deliveries before it exits
  EXPECT_EQ(ReadFileOrDie(dir_ + "/outbox.jsonl").find("+6281399998888"), std::string::npos);
}

TEST_F(IdentityProcessTest, OnlyCertificateServiceResolvesNiksAndErrorsCarryTheirReason) {
  const std::string certs = dir_ + "/certs";
  auto gen = ChildProcess::Spawn(
      {SourceDir() + "/tools/gen-certs", "--out", certs, "identity", "certificate", "gateway"});
  ASSERT_TRUE(gen.ok());
  ASSERT_EQ((*gen)->Wait(), 0);
  auto tls = StartService(
      "lindungi-identity",
      {"--db=sqlite://" + dir_ + "/tls.db", "--pii_key_file=" + dir_ + "/pii.key",
       "--tls_cert_file=" + certs + "/identity.crt", "--tls_key_file=" + certs + "/identity.key",
       "--tls_ca_file=" + certs + "/ca.crt"});
  ASSERT_TRUE(tls.ok()) << tls.status();
  auto call_as = [&](const std::string& who, auto&& rpc) {
    grpcclient::ChannelOptions o;
    o.tls = {certs + "/" + who + ".crt", certs + "/" + who + ".key", certs + "/ca.crt"};
    auto channel = grpcclient::MakeChannel(tls->grpc_address(), o);
    EXPECT_TRUE(channel.ok());
    auto stub = idv1::IdentityService::NewStub(*channel);
    auto ctx = grpcclient::NewCallContext(absl::Seconds(5));
    return rpc(*stub, ctx.get());
  };
  auto resolve = [](idv1::IdentityService::Stub& stub, grpc::ClientContext* ctx) {
    idv1::ResolveNiksRequest req;
    req.add_niks("3201011705900001");
    idv1::ResolveNiksResponse resp;
    return stub.ResolveNiks(ctx, req, &resp);
  };
  EXPECT_EQ(call_as("certificate", resolve).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(call_as("gateway", resolve).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  const grpc::Status missing =
      call_as("gateway", [](idv1::IdentityService::Stub& stub, grpc::ClientContext* ctx) {
        idv1::GetCitizenRequest req;
        req.set_citizen_id("c_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
        idv1::GetCitizenResponse resp;
        return stub.GetCitizen(ctx, req, &resp);
      });
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status::ReasonOf(status::FromGrpc(missing)), "CITIZEN_NOT_FOUND");
}

TEST_F(IdentityProcessTest, HelpDocumentsEveryFlagAndBadConfigSaysWhy) {
  auto help = ChildProcess::Spawn({BinDir() + "/lindungi-identity", "--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ((*help)->Wait(), 0);
  for (const char* flag : {"db", "pii_key_file", "grpc_port", "health_port", "metrics_port",
                           "tls_cert_file", "worker_threads", "drain_timeout"}) {
    EXPECT_TRUE(
        std::regex_search((*help)->Output(), std::regex(std::string("--") + flag + " \\([^)]")))
        << flag;
  }
  auto bad = ChildProcess::Spawn({BinDir() + "/lindungi-identity", "--grpc_port=0"});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->Wait(), 2);
  EXPECT_THAT((*bad)->Output(), HasSubstr("--pii_key_file"));
  auto pg = ChildProcess::Spawn({BinDir() + "/lindungi-identity", "--grpc_port=0",
                                 "--pii_key_file=" + dir_ + "/pii.key",
                                 "--db=postgresql://localhost/identity"});
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ((*pg)->Wait(), 2);
  EXPECT_THAT((*pg)->Output(), HasSubstr("PostgreSQL"));
  auto ctl_help = ChildProcess::Spawn({BinDir() + "/lindungictl", "--help"});
  ASSERT_TRUE(ctl_help.ok());
  EXPECT_EQ((*ctl_help)->Wait(), 0);
  for (const char* flag : {"citizens", "vaccinations", "reject_file", "update_existing", "streams",
                           "identity_addr", "tls_cert_file", "actor"}) {
    EXPECT_TRUE(
        std::regex_search((*ctl_help)->Output(), std::regex(std::string("--") + flag + " \\([^)]")))
        << flag;
  }
}

}  // namespace
}  // namespace lindungi::testing

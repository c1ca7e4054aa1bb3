#pragma once

// certificate-service's parts on a real SQLite file, talking to a real identity-service started
// in-process on 127.0.0.1:0 (loaded with the identity fixture's family), with a FakeClock.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "certificate_schema.h"
#include "citizen_directory.h"
#include "grpcpp/create_channel.h"
#include "identity_server.h"
#include "lindungi/store/migrations.h"
#include "support/identity_fixture.h"
#include "vaccination_registry.h"

namespace lindungi::testing {

namespace certv1 = lindungi::certificate::v1;

inline certv1::VaccinationRow DoseRow(int64_t line, std::string nik, std::string dose,
                                      std::string vaccine, std::string maker, std::string date,
                                      std::string batch = "B123",
                                      std::string facility = "Puskesmas Cibeunying",
                                      std::string country = "ID") {
  certv1::VaccinationRow r;
  r.set_line_number(line);
  r.set_nik(std::move(nik));
  r.set_dose_number(std::move(dose));
  r.set_vaccine_code(std::move(vaccine));
  r.set_manufacturer_code(std::move(maker));
  r.set_vaccinated_on(std::move(date));
  r.set_batch(std::move(batch));
  r.set_facility(std::move(facility));
  r.set_country(std::move(country));
  return r;
}

class CertificateFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    // identity-service with the test family.
    identity::IdentityConfig ic;
    ic.db_url = "sqlite://" + dir_ + "/identity.db";
    ic.pii_key = std::string(48, 'k');
    server::ServerOptions so;
    so.bind_host = "127.0.0.1";
    auto identity = identity::IdentityServer::Start(ic, so, clock_);
    ASSERT_TRUE(identity.ok()) << identity.status();
    identity_ = std::move(*identity);
    auto import = identity_->registry().StartImport();
    idv1::ImportCitizensRequest msg;
    *msg.mutable_actor() = MakeActor("operator:test", lindungi::common::v1::ROLE_ADMIN);
    *msg.add_rows() = Row(2, kBudiNik, "BUDI SANTOSO", "1990-05-17", "L", "081234567890");
    *msg.add_rows() = Row(3, kSitiNik, "SITI AMINAH", "1985-12-03", "P", "081234567890");
    *msg.add_rows() = Row(4, kAdiNik, "ADI SANTOSO", "2015-01-01", "L", "081234567890");
    *msg.add_rows() = Row(5, kNeighbourNik, "I KETUT ARSANA", "1977-08-28", "L", "085711112222");
    ASSERT_TRUE(import->Add(msg).ok());
    idv1::ImportCitizensResponse done;
    ASSERT_TRUE(import->Finish(&done).ok());
    ASSERT_EQ(done.rows_created(), 4);

    directory_ = std::make_unique<certificate::IdentityDirectory>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", identity_->host().grpc_port()),
                            grpc::InsecureChannelCredentials()),
        absl::Seconds(5));
    auto db = store::OpenDatabase("sqlite://" + dir_ + "/certificate.db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_, certificate::CertificateMigrations()).ok());
    registry_ = std::make_unique<certificate::VaccinationRegistry>(*db_, *directory_, clock_,
                                                                   certificate::DuePolicy());
  }

  certv1::ImportVaccinationsResponse ImportDoses(const std::vector<certv1::VaccinationRow>& rows,
                                                 bool update_existing = false) {
    auto import = registry_->StartImport();
    certv1::ImportVaccinationsRequest msg;
    msg.mutable_actor()->set_id("operator:test");
    msg.set_update_existing(update_existing);
    for (const auto& r : rows) *msg.add_rows() = r;
    const absl::Status added = import->Add(msg);
    EXPECT_TRUE(added.ok()) << added;
    certv1::ImportVaccinationsResponse out;
    EXPECT_TRUE(import->Finish(&out).ok());
    return out;
  }

  std::string CitizenId(const std::string& nik) {
    idv1::ResolveNiksRequest req;
    req.add_niks(nik);
    idv1::ResolveNiksResponse resp;
    EXPECT_TRUE(identity_->registry().ResolveNiks(req, &resp).ok());
    return resp.citizen_ids(0);
  }

  certv1::VaccinationStatus Status(const std::string& nik) {
    certv1::GetVaccinationStatusRequest req;
    req.set_citizen_id(CitizenId(nik));
    certv1::GetVaccinationStatusResponse resp;
    EXPECT_TRUE(registry_->GetVaccinationStatus(req, &resp).ok());
    return resp.status();
  }

  std::string dir_;
  clock::FakeClock clock_{absl::FromUnixSeconds(1795000000)};  // 2026-11-18
  std::unique_ptr<identity::IdentityServer> identity_;
  std::unique_ptr<certificate::IdentityDirectory> directory_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<certificate::VaccinationRegistry> registry_;
};

}  // namespace lindungi::testing

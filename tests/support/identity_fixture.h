#pragma once

// identity-service's registry on a real SQLite file in a private directory, with a FakeClock,
// and a few citizens to work with.

#include <memory>
#include <string>

#include "citizen_registry.h"
#include "gtest/gtest.h"
#include "identity_schema.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store.h"
#include "support/test_env.h"

namespace lindungi::testing {

namespace idv1 = lindungi::identity::v1;

// A family of three on one number, and a neighbour with their own.
inline constexpr char kFamilyPhone[] = "+6281234567890";
inline constexpr char kBudiNik[] = "3201011705900001";       // male, 17-05-1990
inline constexpr char kSitiNik[] = "3201014312850002";       // female, 03-12-1985
inline constexpr char kAdiNik[] = "3201010101150003";        // male, 01-01-2015 (a child)
inline constexpr char kNeighbourNik[] = "3273022808770004";  // male, 28-08-1977
inline constexpr char kNeighbourPhone[] = "+6285711112222";

inline idv1::CitizenRow Row(int64_t line, std::string nik, std::string name, std::string birth,
                            std::string sex, std::string phone) {
  idv1::CitizenRow r;
  r.set_line_number(line);
  r.set_nik(std::move(nik));
  r.set_full_name(std::move(name));
  r.set_birth_date(std::move(birth));
  r.set_sex(std::move(sex));
  r.set_phone(std::move(phone));
  return r;
}

inline lindungi::common::v1::Actor MakeActor(
    const std::string& id, lindungi::common::v1::Role role,
    lindungi::common::v1::Channel channel = lindungi::common::v1::CHANNEL_CALL_CENTER) {
  lindungi::common::v1::Actor a;
  a.set_id(id);
  a.set_role(role);
  a.set_channel(channel);
  return a;
}

class IdentityFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    auto db = store::OpenDatabase("sqlite://" + dir_ + "/identity.db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_, identity::IdentityMigrations()).ok());
    auto vault = crypto::PiiVault::Create(std::string(48, 'k'), "identity");
    ASSERT_TRUE(vault.ok());
    vault_ = std::move(*vault);
    registry_ = std::make_unique<identity::CitizenRegistry>(*db_, *vault_, clock_);
  }

  // Imports rows in one message and returns the summary.
  idv1::ImportCitizensResponse Import(const std::vector<idv1::CitizenRow>& rows,
                                      bool update_existing = false) {
    auto import = registry_->StartImport();
    idv1::ImportCitizensRequest msg;
    *msg.mutable_actor() = MakeActor("operator:test", lindungi::common::v1::ROLE_ADMIN,
                                     lindungi::common::v1::CHANNEL_OPERATOR);
    msg.set_source_name("test.csv");
    msg.set_update_existing(update_existing);
    for (const auto& r : rows) *msg.add_rows() = r;
    EXPECT_TRUE(import->Add(msg).ok());
    idv1::ImportCitizensResponse out;
    EXPECT_TRUE(import->Finish(&out).ok());
    return out;
  }

  void ImportFamily() {
    auto r = Import({Row(2, kBudiNik, "BUDI SANTOSO", "1990-05-17", "L", "081234567890"),
                     Row(3, kSitiNik, "SITI AMINAH", "1985-12-03", "P", "0812-3456-7890"),
                     Row(4, kAdiNik, "ADI SANTOSO", "2015-01-01", "L", "+62 812 3456 7890"),
                     Row(5, kNeighbourNik, "I KETUT ARSANA", "1977-08-28", "M", "085711112222")});
    ASSERT_EQ(r.rows_created(), 4) << r.DebugString();
  }

  std::string IdOf(const std::string& nik) {
    idv1::ResolveNiksRequest req;
    req.add_niks(nik);
    idv1::ResolveNiksResponse resp;
    EXPECT_TRUE(registry_->ResolveNiks(req, &resp).ok());
    return resp.citizen_ids(0);
  }

  std::string dir_;
  clock::FakeClock clock_{absl::FromUnixSeconds(1795000000)};  // 2026-11-18
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<crypto::PiiVault> vault_;
  std::unique_ptr<identity::CitizenRegistry> registry_;
};

}  // namespace lindungi::testing

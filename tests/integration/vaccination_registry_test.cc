// Vaccination records: imports (NIKs resolved by a real identity-service) and the status a citizen
// sees, with time moved by a FakeClock.
#include "gmock/gmock.h"
#include "support/certificate_fixture.h"

namespace lindungi::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class VaccinationRegistryTest : public CertificateFixture {};

constexpr char kCoronaVac[] = "CoronaVac";
constexpr char kSinovac[] = "Sinovac-Biotech";
constexpr char kComirnaty[] = "EU/1/20/1528";
constexpr char kBioNTech[] = "ORG-100030215";
constexpr char kJanssen[] = "EU/1/20/1525";
constexpr char kJanssenMaker[] = "ORG-100001417";

TEST_F(VaccinationRegistryTest, ImportCreatesRecordsAndReRunsChangeNothing) {
  const std::vector<certv1::VaccinationRow> rows = {
      DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-01"),
      DoseRow(3, kBudiNik, "2", kCoronaVac, kSinovac, "2021-03-29"),
      DoseRow(4, kBudiNik, "3", kComirnaty, kBioNTech, "2022-02-10"),
  };
  auto first = ImportDoses(rows);
  EXPECT_EQ(first.rows_created(), 3);
  EXPECT_EQ(first.rows_rejected(), 0);
  auto again = ImportDoses(rows);
  EXPECT_EQ(again.rows_created(), 0);
  EXPECT_EQ(again.rows_unchanged(), 3);
}

TEST_F(VaccinationRegistryTest, BadRowsAreRejectedWithTheirReasonAndGoodOnesKept) {
  auto r = ImportDoses({
      DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-01"),
      DoseRow(3, "3201011705900099", "1", kCoronaVac, kSinovac, "2021-03-01"),  // unknown NIK
      DoseRow(4, "12345", "1", kCoronaVac, kSinovac, "2021-03-01"),
      DoseRow(5, kSitiNik, "0", kCoronaVac, kSinovac, "2021-03-01"),
      DoseRow(6, kSitiNik, "1", "EU/9/99/9999", kSinovac, "2021-03-01"),
      DoseRow(7, kSitiNik, "1", kCoronaVac, kBioNTech, "2021-03-01"),
      DoseRow(8, kSitiNik, "1", kCoronaVac, kSinovac, "2027-01-01"),
      DoseRow(9, kSitiNik, "1", kCoronaVac, kSinovac, "2021-02-30"),
      DoseRow(10, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01", "B1", "Puskesmas", "IDN"),
      DoseRow(11, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01", ""),
      DoseRow(12, kBudiNik, "1", kComirnaty, kBioNTech, "2021-07-01"),  // same dose, other data
      DoseRow(13, kSitiNik, "1", kCoronaVac, "ORG-999999999", "2021-03-01"),
      DoseRow(14, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01", std::string(201, 'B')),
      DoseRow(15, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01", "B1", "Puskesmas", "XX"),
  });
  EXPECT_EQ(r.rows_created(), 1);
  std::vector<std::pair<int64_t, certv1::RowRejectReason>> got;
  for (const auto& rj : r.rejects()) {
    got.emplace_back(rj.line_number(), rj.reason());
    EXPECT_THAT(rj.description(), Not(HasSubstr("3201011705900099")));
  }
  EXPECT_THAT(got, ElementsAre(std::pair{3, certv1::ROW_REJECT_REASON_UNKNOWN_NIK},
                               std::pair{4, certv1::ROW_REJECT_REASON_INVALID_NIK},
                               std::pair{5, certv1::ROW_REJECT_REASON_INVALID_DOSE_NUMBER},
                               std::pair{6, certv1::ROW_REJECT_REASON_UNKNOWN_VACCINE},
                               std::pair{7, certv1::ROW_REJECT_REASON_MANUFACTURER_MISMATCH},
                               std::pair{8, certv1::ROW_REJECT_REASON_INVALID_DATE},
                               std::pair{9, certv1::ROW_REJECT_REASON_INVALID_DATE},
                               std::pair{10, certv1::ROW_REJECT_REASON_INVALID_COUNTRY},
                               std::pair{11, certv1::ROW_REJECT_REASON_MISSING_FIELD},
                               std::pair{12, certv1::ROW_REJECT_REASON_DUPLICATE_IN_IMPORT},
                               std::pair{13, certv1::ROW_REJECT_REASON_UNKNOWN_MANUFACTURER},
                               std::pair{14, certv1::ROW_REJECT_REASON_FIELD_TOO_LONG},
                               std::pair{15, certv1::ROW_REJECT_REASON_INVALID_COUNTRY}));
}

TEST_F(VaccinationRegistryTest, ConflictingDosesAreRejectedUnlessTheRegistryWins) {
  ImportDoses({DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-01")});
  const auto corrected = DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-02", "B999");
  auto refused = ImportDoses({corrected});
  ASSERT_EQ(refused.rows_rejected(), 1);
  EXPECT_EQ(refused.rejects(0).reason(), certv1::ROW_REJECT_REASON_CONFLICTS_WITH_EXISTING);
  auto applied = ImportDoses({corrected}, /*update_existing=*/true);
  EXPECT_EQ(applied.rows_updated(), 1);
  auto status = Status(kBudiNik);
  ASSERT_EQ(status.records_size(), 1);
  EXPECT_EQ(status.records(0).batch(), "B999");
  EXPECT_EQ(status.records(0).vaccinated_on().day(), 2);
}

TEST_F(VaccinationRegistryTest, AnUnreachableIdentityServiceStopsTheMessageWithoutWriting) {
  identity_->Shutdown();
  auto import = registry_->StartImport();
  certv1::ImportVaccinationsRequest msg;
  msg.mutable_actor()->set_id("operator:test");
  *msg.add_rows() = DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-01");
  const absl::Status s = import->Add(msg);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  auto count = db_->BeginRead();
  ASSERT_TRUE(count.ok());
  int64_t rows = -1;
  ASSERT_TRUE((*count)
                  ->Query("SELECT COUNT(*) FROM vaccinations", {},
                          [&](const store::Row& r) {
                            rows = r.Int(0);
                            return false;
                          })
                  .ok());
  EXPECT_EQ(rows, 0);
}

TEST_F(VaccinationRegistryTest, StatusSaysWhatIsOnRecordAndWhatIsDue) {
  // Nobody vaccinated: the first dose is due now.
  auto none = Status(kNeighbourNik);
  EXPECT_EQ(none.stage(), certv1::VACCINATION_STAGE_NONE);
  EXPECT_EQ(none.next_dose().dose_number(), 1);
  EXPECT_TRUE(none.next_dose().eligible_now());

  // One CoronaVac dose: the second is due 28 days later.
  clock_.Set(absl::FromCivil(absl::CivilDay(2021, 3, 10), absl::UTCTimeZone()));
  ImportDoses({DoseRow(2, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01")});
  auto half = Status(kSitiNik);
  EXPECT_EQ(half.stage(), certv1::VACCINATION_STAGE_PRIMARY_INCOMPLETE);
  EXPECT_EQ(half.records(0).vaccine_name(), "CoronaVac");
  EXPECT_EQ(half.records(0).kind(), certv1::DOSE_KIND_PRIMARY);
  EXPECT_EQ(half.records(0).series_doses(), 2);
  EXPECT_EQ(half.next_dose().dose_number(), 2);
  EXPECT_EQ(half.next_dose().eligible_from().day(), 29);
  EXPECT_FALSE(half.next_dose().eligible_now());
  clock_.Set(absl::FromCivil(absl::CivilDay(2021, 3, 30), absl::UTCTimeZone()));
  EXPECT_TRUE(Status(kSitiNik).next_dose().eligible_now());

  // Primary complete: a booster is due after the configured interval (180 days).
  ImportDoses({DoseRow(2, kSitiNik, "2", kCoronaVac, kSinovac, "2021-03-29")});
  auto complete = Status(kSitiNik);
  EXPECT_EQ(complete.stage(), certv1::VACCINATION_STAGE_PRIMARY_COMPLETE);
  EXPECT_EQ(complete.next_dose().dose_number(), 3);
  EXPECT_EQ(complete.next_dose().kind(), certv1::DOSE_KIND_BOOSTER);
  EXPECT_EQ(complete.next_dose().eligible_from().month(), 9);  // 2021-03-29 + 180 days
  EXPECT_EQ(complete.next_dose().eligible_from().day(), 25);

  // Two boosters: nothing more is due; boosters count their own dose as the series (3/3).
  clock_.Set(absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone()));
  ImportDoses({DoseRow(2, kSitiNik, "3", kComirnaty, kBioNTech, "2022-02-10"),
               DoseRow(3, kSitiNik, "4", kComirnaty, kBioNTech, "2023-03-01")});
  auto boosted = Status(kSitiNik);
  EXPECT_EQ(boosted.stage(), certv1::VACCINATION_STAGE_BOOSTED);
  EXPECT_EQ(boosted.records(2).kind(), certv1::DOSE_KIND_BOOSTER);
  EXPECT_EQ(boosted.records(2).series_doses(), 3);
  EXPECT_FALSE(boosted.has_next_dose());
}

TEST_F(VaccinationRegistryTest, GapsAndOneDoseSeriesAreUnderstood) {
  clock_.Set(absl::FromCivil(absl::CivilDay(2022, 1, 1), absl::UTCTimeZone()));
  ImportDoses({DoseRow(2, kBudiNik, "1", kCoronaVac, kSinovac, "2021-03-01"),
               DoseRow(3, kBudiNik, "3", kComirnaty, kBioNTech, "2021-10-01"),
               DoseRow(4, kAdiNik, "1", kJanssen, kJanssenMaker, "2021-08-01")});
  auto gap = Status(kBudiNik);
  EXPECT_EQ(gap.stage(), certv1::VACCINATION_STAGE_PRIMARY_INCOMPLETE);
  EXPECT_THAT(gap.missing_dose_numbers(), ElementsAre(2));
  EXPECT_EQ(gap.next_dose().dose_number(), 2);
  auto janssen = Status(kAdiNik);
  EXPECT_EQ(janssen.stage(), certv1::VACCINATION_STAGE_PRIMARY_COMPLETE);
  EXPECT_EQ(janssen.records(0).series_doses(), 1);
  EXPECT_EQ(janssen.next_dose().kind(), certv1::DOSE_KIND_BOOSTER);

  // A missing booster is listed, yet the primary series stays complete.
  ImportDoses({DoseRow(2, kSitiNik, "1", kCoronaVac, kSinovac, "2021-03-01"),
               DoseRow(3, kSitiNik, "2", kCoronaVac, kSinovac, "2021-03-29"),
               DoseRow(4, kSitiNik, "4", kComirnaty, kBioNTech, "2021-12-01")});
  auto booster_gap = Status(kSitiNik);
  EXPECT_EQ(booster_gap.stage(), certv1::VACCINATION_STAGE_BOOSTED);
  EXPECT_THAT(booster_gap.missing_dose_numbers(), ElementsAre(3));
}

}  // namespace
}  // namespace lindungi::testing

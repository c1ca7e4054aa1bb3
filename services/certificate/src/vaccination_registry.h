#pragma once

// Vaccination records: imports from the national registry and the status a citizen asks about
// (DESIGN.md journey "Status Vaksinasi"). Records are keyed by identity-service's citizen id and
// the dose number.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "citizen_directory.h"
#include "lindungi/certificate/v1/certificate.pb.h"
#include "lindungi/clock/clock.h"
#include "lindungi/records/records.h"
#include "lindungi/store/store.h"
#include "vaccination_row.h"

namespace lindungi::certificate {

// What makes the next dose due.
struct DuePolicy {
  absl::Duration booster_interval = absl::Hours(24 * 180);  // after the primary series / a booster
  int max_boosters = 2;  // no further dose is proposed after this many boosters
};

class VaccinationRegistry {
 public:
  VaccinationRegistry(store::Database& db, CitizenDirectory& directory, clock::Clock& clock,
                      DuePolicy policy);

  absl::Status GetVaccinationStatus(const v1::GetVaccinationStatusRequest& request,
                                    v1::GetVaccinationStatusResponse* response);

  // The citizen's doses, by dose number.
  static absl::StatusOr<std::vector<Dose>> LoadDoses(store::Transaction& tx,
                                                     const std::string& citizen_id);
  // A dose as the API shows it: names, primary or booster, the series length (DCC "sd").
  static v1::VaccinationRecord ToRecord(const Dose& dose, const std::vector<Dose>& all);
  // DCC "sd": the primary series length for a primary dose, the dose number for a booster.
  static int SeriesDoses(const Dose& dose, const std::vector<Dose>& all);

  // One ImportVaccinations stream: each message's rows are resolved (one ResolveNiks call) and
  // written in one transaction.
  class Import {
   public:
    absl::Status Add(const v1::ImportVaccinationsRequest& message);
    absl::Status Finish(v1::ImportVaccinationsResponse* response);

   private:
    friend class VaccinationRegistry;
    explicit Import(VaccinationRegistry& registry) : registry_(registry) {}
    void Rejected(int64_t line, v1::RowRejectReason reason, std::string description);

    VaccinationRegistry& registry_;
    bool started_ = false;
    std::string import_id_;
    std::string actor_;
    std::string source_name_;
    bool update_existing_ = false;
    int max_rejects_ = records::kDefaultMaxRejects;
    v1::ImportVaccinationsResponse counts_;
  };
  std::unique_ptr<Import> StartImport() { return std::unique_ptr<Import>(new Import(*this)); }

 private:
  store::Database& db_;
  CitizenDirectory& directory_;
  clock::Clock& clock_;
  const DuePolicy policy_;
};

}  // namespace lindungi::certificate

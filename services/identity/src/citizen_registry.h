#pragma once

// The citizen registry (identity-service's domain): look-ups, phone changes, corrections and
// their review, histories, and registry imports, over the SQL store (libs/store) with personal
// data sealed by PiiVault. No gRPC types here; requests and answers are the proto messages of
// lindungi.identity.v1, which are plain data (docs/DECISIONS.md).
//
// Every write is one store transaction: a request either happens whole or not at all, and
// writers are serialized, so of two concurrent decisions on one change request exactly one wins.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "citizen_row.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/identity/v1/identity.pb.h"
#include "lindungi/records/records.h"
#include "lindungi/store/store.h"

namespace lindungi::identity {

namespace v1 = lindungi::identity::v1;

class CitizenRegistry {
 public:
  // `import_batch_rows`: rows written per import transaction.
  CitizenRegistry(store::Database& db, const crypto::PiiVault& vault, clock::Clock& clock,
                  int import_batch_rows = 200000);

  absl::Status IsRegisteredPhone(const v1::IsRegisteredPhoneRequest& request,
                                 v1::IsRegisteredPhoneResponse* response);
  absl::Status FindByPhone(const v1::FindByPhoneRequest& request,
                           v1::FindByPhoneResponse* response);
  absl::Status GetCitizen(const v1::GetCitizenRequest& request, v1::GetCitizenResponse* response);
  absl::Status FindByNik(const v1::FindByNikRequest& request, v1::FindByNikResponse* response);
  absl::Status ResolveNiks(const v1::ResolveNiksRequest& request,
                           v1::ResolveNiksResponse* response);
  absl::Status ChangePhone(const v1::ChangePhoneRequest& request,
                           v1::ChangePhoneResponse* response);
  absl::Status RequestCorrection(const v1::RequestCorrectionRequest& request,
                                 v1::RequestCorrectionResponse* response);
  absl::Status ListChangeRequests(const v1::ListChangeRequestsRequest& request,
                                  v1::ListChangeRequestsResponse* response);
  absl::Status DecideChangeRequest(const v1::DecideChangeRequestRequest& request,
                                   v1::DecideChangeRequestResponse* response);
  absl::Status GetCitizenHistory(const v1::GetCitizenHistoryRequest& request,
                                 v1::GetCitizenHistoryResponse* response);

  // One ImportCitizens stream. Feed it each message in order with Add, then Finish. Valid rows
  // are written in transactions of up to import_batch_rows rows (a row is imported whole or not
  // at all); big transactions are what makes a national-scale import take minutes.
  class Import {
   public:
    // INVALID_ARGUMENT for a stream-level problem (no actor, too many rows in a message);
    // UNAVAILABLE when the store fails (the pending rows were not written).
    absl::Status Add(const v1::ImportCitizensRequest& message);
    // Writes what is pending and fills in the summary.
    absl::Status Finish(v1::ImportCitizensResponse* response);

   private:
    friend class CitizenRegistry;
    // A row that passed validation, with what storing it needs.
    struct Pending {
      int64_t line = 0;
      CitizenData data;
      std::string citizen_id;  // used if the NIK is new
      std::string nik_index;
      std::string phone_index;
      std::string nik_sealed;  // bound to citizen_id
      std::string phone_sealed;
    };
    explicit Import(CitizenRegistry& registry) : registry_(registry) {}
    absl::Status Flush();
    void Rejected(int64_t line, v1::RowRejectReason reason, std::string description);

    CitizenRegistry& registry_;
    bool started_ = false;
    std::string import_id_;
    lindungi::common::v1::Actor actor_;
    std::string source_name_;
    bool update_existing_ = false;
    int max_rejects_ = records::kDefaultMaxRejects;
    v1::ImportCitizensResponse counts_;
    std::vector<Pending> pending_;
  };
  std::unique_ptr<Import> StartImport() { return std::unique_ptr<Import>(new Import(*this)); }

 private:
  // A citizen row as stored.
  struct Stored {
    std::string citizen_id;
    std::string nik_sealed;
    std::string masked_nik;
    std::string full_name;
    std::string birth_date;  // YYYY-MM-DD
    int64_t sex = 0;
    std::string phone_index;
    std::string phone_sealed;
    std::string masked_phone;
    int64_t version = 0;
    int64_t created_at = 0;  // Unix ms
    int64_t updated_at = 0;
    std::string import_id;  // "" unless created by an import
  };
  // Associated data that binds a sealed value to its citizen and field.
  static std::string NikContext(absl::string_view citizen_id);
  static std::string PhoneContext(absl::string_view citizen_id);

  absl::StatusOr<std::optional<Stored>> Load(store::Transaction& tx, absl::string_view where,
                                             const std::vector<store::Value>& params);
  absl::Status ToProto(store::Transaction& tx, const Stored& row, bool full, v1::Citizen* out);
  absl::StatusOr<v1::FieldValue> CurrentValue(const Stored& row, v1::CitizenField field);
  absl::Status AddHistory(store::Transaction& tx, const std::string& citizen_id,
                          v1::HistoryKind kind, v1::CitizenField field,
                          const v1::FieldValue* old_value, const v1::FieldValue* new_value,
                          const lindungi::common::v1::Actor& actor, const std::string& reason,
                          const std::string& change_request_id, std::string* history_id);
  absl::StatusOr<std::string> SealValue(absl::string_view context, const v1::FieldValue& value);
  absl::StatusOr<v1::FieldValue> OpenValue(absl::string_view context, const std::string& sealed);
  absl::StatusOr<v1::ChangeRequest> LoadChangeRequest(store::Transaction& tx,
                                                      const std::string& id);
  absl::Status QueryChangeRequests(store::Transaction& tx, absl::string_view where,
                                   const std::vector<store::Value>& params,
                                   std::vector<v1::ChangeRequest>* out);
  absl::Status ApplyCorrection(store::Transaction& tx, const Stored& row,
                               const v1::FieldValue& value, int64_t now_ms);
  std::string PageToken(absl::string_view kind, absl::string_view filters,
                        absl::string_view cursor) const;
  absl::StatusOr<std::string> ParsePageToken(absl::string_view token, absl::string_view kind,
                                             absl::string_view filters) const;

  store::Database& db_;
  const crypto::PiiVault& vault_;
  clock::Clock& clock_;
  const int import_batch_rows_;
};

}  // namespace lindungi::identity

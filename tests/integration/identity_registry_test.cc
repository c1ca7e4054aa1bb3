// identity-service's registry against a real SQLite file: imports, look-ups, phone changes,
// corrections and their review, histories, and personal data at rest.
#include <atomic>
#include <fstream>
#include <thread>

#include "gmock/gmock.h"
#include "lindungi/status/status.h"
#include "support/identity_fixture.h"

namespace lindungi::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace common = lindungi::common::v1;

class IdentityRegistryTest : public IdentityFixture {};

TEST_F(IdentityRegistryTest, ImportCreatesThenReRunsChangeNothing) {
  ImportFamily();
  auto again = Import({Row(2, kBudiNik, "BUDI SANTOSO", "1990-05-17", "L", "+6281234567890"),
                       Row(3, kSitiNik, "SITI  AMINAH ", "1985-12-03", "p", "081234567890")});
  EXPECT_EQ(again.rows_created(), 0);
  EXPECT_EQ(again.rows_unchanged(), 2) << "formats differ, data does not";
  EXPECT_EQ(again.rows_rejected(), 0);
}

TEST_F(IdentityRegistryTest, ImportRejectsBadRowsWithTheirLineAndReasonAndKeepsTheGoodOnes) {
  auto r = Import({
      Row(2, kBudiNik, "BUDI SANTOSO", "1990-05-17", "L", "081234567890"),
      Row(3, "", "NO NIK", "1990-05-17", "L", "081234567890"),
      Row(4, "1234", "SHORT NIK", "1990-05-17", "L", "081234567890"),
      Row(5, kSitiNik, "SITI", "1985-13-03", "P", "081234567890"),
      Row(6, kSitiNik, "SITI", "1985-12-03", "X", "081234567890"),
      Row(7, kSitiNik, "SITI", "1985-12-03", "P", "021-5551234"),
      Row(8, kSitiNik, "SITI", "1985-12-03", "L", "081234567890"),  // NIK says female
      Row(9, kAdiNik, std::string("ADI\x01"), "2015-01-01", "L", "081234567890"),
      Row(10, kBudiNik, "BUDI LAIN", "1990-05-17", "L", "081234567890"),  // same NIK, other name
      Row(11, kAdiNik, "ADI SANTOSO", "2015-01-01", "L", "081234567890"),
  });
  EXPECT_EQ(r.rows_received(), 10);
  EXPECT_EQ(r.rows_created(), 2);
  EXPECT_EQ(r.rows_rejected(), 8);
  std::vector<std::pair<int64_t, idv1::RowRejectReason>> got;
  for (const auto& rj : r.rejects()) {
    got.emplace_back(rj.line_number(), rj.reason());
    EXPECT_THAT(rj.description(), Not(HasSubstr(kSitiNik)));
    EXPECT_THAT(rj.description(), Not(HasSubstr("81234567890")));
  }
  EXPECT_THAT(got, ElementsAre(std::pair{3, idv1::ROW_REJECT_REASON_MISSING_FIELD},
                               std::pair{4, idv1::ROW_REJECT_REASON_INVALID_NIK},
                               std::pair{5, idv1::ROW_REJECT_REASON_INVALID_BIRTH_DATE},
                               std::pair{6, idv1::ROW_REJECT_REASON_INVALID_SEX},
                               std::pair{7, idv1::ROW_REJECT_REASON_INVALID_PHONE},
                               std::pair{8, idv1::ROW_REJECT_REASON_NIK_MISMATCH},
                               std::pair{9, idv1::ROW_REJECT_REASON_INVALID_NAME},
                               std::pair{10, idv1::ROW_REJECT_REASON_DUPLICATE_IN_IMPORT}));
}

TEST_F(IdentityRegistryTest, ConflictingReImportIsRejectedUnlessTheRegistryWins) {
  ImportFamily();
  const auto conflicting =
      Row(2, kBudiNik, "BUDI SANTOSO WIJAYA", "1990-05-17", "L", "081298765432");
  auto refused = Import({conflicting});
  ASSERT_EQ(refused.rows_rejected(), 1);
  EXPECT_EQ(refused.rejects(0).reason(), idv1::ROW_REJECT_REASON_CONFLICTS_WITH_EXISTING);
  EXPECT_THAT(refused.rejects(0).description(), HasSubstr("full_name, phone"));

  auto applied = Import({conflicting}, /*update_existing=*/true);
  EXPECT_EQ(applied.rows_updated(), 1);
  idv1::GetCitizenRequest get;
  get.set_citizen_id(IdOf(kBudiNik));
  idv1::GetCitizenResponse got;
  ASSERT_TRUE(registry_->GetCitizen(get, &got).ok());
  EXPECT_EQ(got.citizen().full_name(), "BUDI SANTOSO WIJAYA");
  EXPECT_EQ(got.citizen().masked_phone(), "0812****5432");
  EXPECT_EQ(got.citizen().version(), 3);  // created, then two fields
}

TEST_F(IdentityRegistryTest, NoNikOrPhoneIsStoredInClear) {
  ImportFamily();
  idv1::ChangePhoneRequest change;
  change.set_citizen_id(IdOf(kNeighbourNik));
  change.set_new_phone("081398761234");
  *change.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
  change.set_reason("verified by OTP");
  idv1::ChangePhoneResponse changed;
  ASSERT_TRUE(registry_->ChangePhone(change, &changed).ok());
  db_.reset();  // flush and close every connection
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream in(dir_ + "/identity.db" + suffix, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* secret : {kBudiNik, kSitiNik, kAdiNik, kNeighbourNik, "81234567890",
                               "6281234567890", "85711112222", "81398761234"}) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in identity.db" << suffix;
    }
  }
}

TEST_F(IdentityRegistryTest, PhoneLookUpsFindTheFamilyInNameOrderAndPage) {
  ImportFamily();
  idv1::IsRegisteredPhoneRequest is;
  is.set_phone("0812 3456 7890");
  idv1::IsRegisteredPhoneResponse yes;
  ASSERT_TRUE(registry_->IsRegisteredPhone(is, &yes).ok());
  EXPECT_TRUE(yes.registered());
  EXPECT_EQ(yes.phone_e164(), kFamilyPhone);
  is.set_phone("081300000000");
  idv1::IsRegisteredPhoneResponse no;
  ASSERT_TRUE(registry_->IsRegisteredPhone(is, &no).ok());
  EXPECT_FALSE(no.registered());

  idv1::FindByPhoneRequest find;
  find.set_phone(kFamilyPhone);
  find.set_page_size(2);
  idv1::FindByPhoneResponse page1;
  ASSERT_TRUE(registry_->FindByPhone(find, &page1).ok());
  ASSERT_EQ(page1.citizens_size(), 2);
  EXPECT_EQ(page1.citizens(0).full_name(), "ADI SANTOSO");
  EXPECT_EQ(page1.citizens(1).full_name(), "BUDI SANTOSO");
  EXPECT_EQ(page1.citizens(1).masked_nik(), "3201********0001");
  ASSERT_FALSE(page1.next_page_token().empty());
  find.set_page_token(page1.next_page_token());
  idv1::FindByPhoneResponse page2;
  ASSERT_TRUE(registry_->FindByPhone(find, &page2).ok());
  ASSERT_EQ(page2.citizens_size(), 1);
  EXPECT_EQ(page2.citizens(0).full_name(), "SITI AMINAH");
  EXPECT_TRUE(page2.next_page_token().empty());

  // A token is bound to its query and cannot be altered.
  find.set_phone(kNeighbourPhone);
  idv1::FindByPhoneResponse other;
  EXPECT_EQ(registry_->FindByPhone(find, &other).code(), absl::StatusCode::kInvalidArgument);
  find.set_phone(kFamilyPhone);
  std::string forged = page1.next_page_token();
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  find.set_page_token(forged);
  EXPECT_EQ(registry_->FindByPhone(find, &other).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IdentityRegistryTest, FullViewNeedsAnAgentAndAReason) {
  ImportFamily();
  idv1::GetCitizenRequest get;
  get.set_citizen_id(IdOf(kSitiNik));
  idv1::GetCitizenResponse masked;
  ASSERT_TRUE(registry_->GetCitizen(get, &masked).ok());
  EXPECT_EQ(masked.citizen().masked_nik(), "3201********0002");
  EXPECT_TRUE(masked.citizen().nik().empty());
  EXPECT_TRUE(masked.citizen().phone().empty());

  get.set_view(idv1::CITIZEN_VIEW_FULL);
  *get.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
  get.set_reason("curious");
  idv1::GetCitizenResponse denied;
  const absl::Status s = registry_->GetCitizen(get, &denied);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status::ReasonOf(s), "FULL_VIEW_NOT_ALLOWED");

  *get.mutable_actor() = MakeActor("agent:a17", common::ROLE_AGENT);
  get.clear_reason();
  EXPECT_EQ(registry_->GetCitizen(get, &denied).code(), absl::StatusCode::kInvalidArgument);
  get.set_reason("call 119-20261128-0042: certificate missing");
  idv1::GetCitizenResponse full;
  ASSERT_TRUE(registry_->GetCitizen(get, &full).ok());
  EXPECT_EQ(full.citizen().nik(), kSitiNik);
  EXPECT_EQ(full.citizen().phone(), kFamilyPhone);
  EXPECT_EQ(full.citizen().birth_date().year(), 1985);
  EXPECT_EQ(full.citizen().sex(), common::SEX_FEMALE);
}

TEST_F(IdentityRegistryTest, FindByNikAndResolveNiks) {
  ImportFamily();
  idv1::FindByNikRequest find;
  find.set_nik("3201 0143 1285 0002");
  *find.mutable_actor() = MakeActor("agent:a17", common::ROLE_AGENT);
  find.set_reason("caller asked about her certificate");
  idv1::FindByNikResponse found;
  ASSERT_TRUE(registry_->FindByNik(find, &found).ok());
  EXPECT_EQ(found.citizen().full_name(), "SITI AMINAH");
  find.set_nik("3201014312850099");
  EXPECT_EQ(registry_->FindByNik(find, &found).code(), absl::StatusCode::kNotFound);
  find.set_nik("123");
  EXPECT_EQ(registry_->FindByNik(find, &found).code(), absl::StatusCode::kInvalidArgument);

  idv1::ResolveNiksRequest resolve;
  resolve.add_niks(kBudiNik);
  resolve.add_niks("3201014312850099");
  resolve.add_niks("garbage");
  resolve.add_niks(kBudiNik);
  idv1::ResolveNiksResponse ids;
  ASSERT_TRUE(registry_->ResolveNiks(resolve, &ids).ok());
  ASSERT_EQ(ids.citizen_ids_size(), 4);
  EXPECT_FALSE(ids.citizen_ids(0).empty());
  EXPECT_EQ(ids.citizen_ids(1), "");
  EXPECT_EQ(ids.citizen_ids(2), "");
  EXPECT_EQ(ids.citizen_ids(3), ids.citizen_ids(0));
  for (int i = 0; i < 1001; ++i) resolve.add_niks(kBudiNik);
  EXPECT_EQ(registry_->ResolveNiks(resolve, &ids).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IdentityRegistryTest, ChangePhoneAppliesAtOnceKeepsHistoryAndGuardsAgainstRaces) {
  ImportFamily();
  const std::string id = IdOf(kNeighbourNik);
  idv1::ChangePhoneRequest change;
  change.set_citizen_id(id);
  change.set_new_phone("0813-9876-1234");
  change.set_expected_current_phone("085711112222");
  change.set_expected_version(1);
  *change.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
  change.set_reason("new number verified by OTP");
  idv1::ChangePhoneResponse done;
  ASSERT_TRUE(registry_->ChangePhone(change, &done).ok());
  EXPECT_TRUE(done.changed());
  EXPECT_EQ(done.citizen().masked_phone(), "0813****1234");
  EXPECT_EQ(done.citizen().version(), 2);

  idv1::IsRegisteredPhoneRequest old_number;
  old_number.set_phone(kNeighbourPhone);
  idv1::IsRegisteredPhoneResponse old_registered;
  ASSERT_TRUE(registry_->IsRegisteredPhone(old_number, &old_registered).ok());
  EXPECT_FALSE(old_registered.registered());

  // Retrying the same change is harmless; stale expectations are refused.
  idv1::ChangePhoneResponse again;
  change.clear_expected_current_phone();
  change.clear_expected_version();
  ASSERT_TRUE(registry_->ChangePhone(change, &again).ok());
  EXPECT_FALSE(again.changed());
  change.set_new_phone("081311112222");
  change.set_expected_current_phone("085711112222");
  absl::Status mismatch = registry_->ChangePhone(change, &again);
  EXPECT_EQ(status::ReasonOf(mismatch), "CURRENT_PHONE_MISMATCH");
  change.clear_expected_current_phone();
  change.set_expected_version(1);
  EXPECT_EQ(registry_->ChangePhone(change, &again).code(), absl::StatusCode::kAborted);

  idv1::GetCitizenHistoryRequest history;
  history.set_citizen_id(id);
  *history.mutable_actor() = MakeActor("agent:a17", common::ROLE_AGENT);
  history.set_reason("audit");
  idv1::GetCitizenHistoryResponse entries;
  ASSERT_TRUE(registry_->GetCitizenHistory(history, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 2);
  EXPECT_EQ(entries.entries(0).kind(), idv1::HISTORY_KIND_PHONE_CHANGED);
  EXPECT_EQ(entries.entries(0).old_value().phone(), kNeighbourPhone);
  EXPECT_EQ(entries.entries(0).new_value().phone(), "+6281398761234");
  EXPECT_EQ(entries.entries(0).actor().id(), "chatbot");
  EXPECT_EQ(entries.entries(0).reason(), "new number verified by OTP");
  EXPECT_EQ(entries.entries(1).kind(), idv1::HISTORY_KIND_IMPORTED);
  EXPECT_EQ(entries.entries(1).actor().id(), "operator:test");
}

class CorrectionTest : public IdentityRegistryTest {
 protected:
  std::string RequestNameFix(const std::string& nik, const std::string& name,
                             const std::string& client_request_id = "") {
    idv1::RequestCorrectionRequest req;
    req.set_citizen_id(IdOf(nik));
    req.mutable_new_value()->set_full_name(name);
    *req.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
    req.set_evidence_note("KTP photo sent in chat");
    req.set_client_request_id(client_request_id);
    idv1::RequestCorrectionResponse resp;
    const absl::Status s = registry_->RequestCorrection(req, &resp);
    EXPECT_TRUE(s.ok()) << s;
    return resp.change_request_id();
  }

  absl::Status Decide(const std::string& id, idv1::Decision decision,
                      common::Role role = common::ROLE_SUPERVISOR,
                      idv1::DecideChangeRequestResponse* out = nullptr) {
    idv1::DecideChangeRequestRequest req;
    req.set_change_request_id(id);
    req.set_decision(decision);
    *req.mutable_actor() = MakeActor("supervisor:s3", role);
    req.set_reason("matches the KTP");
    idv1::DecideChangeRequestResponse local;
    return registry_->DecideChangeRequest(req, out != nullptr ? out : &local);
  }
};

TEST_F(CorrectionTest, ApprovedCorrectionAppliesAndRecordsWhoWhenWhyAndTheOldValue) {
  ImportFamily();
  const std::string id = RequestNameFix(kSitiNik, "SITI AMINAH PUTRI");
  ASSERT_FALSE(id.empty());
  idv1::GetCitizenRequest get;
  get.set_citizen_id(IdOf(kSitiNik));
  idv1::GetCitizenResponse pending;
  ASSERT_TRUE(registry_->GetCitizen(get, &pending).ok());
  EXPECT_THAT(pending.citizen().pending_change_request_ids(), ElementsAre(id));
  EXPECT_EQ(pending.citizen().full_name(), "SITI AMINAH") << "nothing applied before review";

  idv1::DecideChangeRequestResponse decided;
  ASSERT_TRUE(Decide(id, idv1::DECISION_APPROVE, common::ROLE_SUPERVISOR, &decided).ok());
  EXPECT_EQ(decided.change_request().status(), idv1::CHANGE_REQUEST_STATUS_APPROVED);
  EXPECT_EQ(decided.change_request().old_value().full_name(), "SITI AMINAH");
  EXPECT_EQ(decided.change_request().decided_by().id(), "supervisor:s3");
  EXPECT_EQ(decided.citizen().full_name(), "SITI AMINAH PUTRI");
  EXPECT_TRUE(decided.citizen().pending_change_request_ids().empty());

  idv1::GetCitizenHistoryRequest history;
  history.set_citizen_id(IdOf(kSitiNik));
  *history.mutable_actor() = MakeActor("agent:a17", common::ROLE_AGENT);
  history.set_reason("audit");
  idv1::GetCitizenHistoryResponse h;
  ASSERT_TRUE(registry_->GetCitizenHistory(history, &h).ok());
  ASSERT_EQ(h.entries_size(), 3);
  EXPECT_EQ(h.entries(0).kind(), idv1::HISTORY_KIND_CORRECTION_APPROVED);
  EXPECT_EQ(h.entries(0).old_value().full_name(), "SITI AMINAH");
  EXPECT_EQ(h.entries(0).reason(), "matches the KTP");
  EXPECT_EQ(h.entries(1).kind(), idv1::HISTORY_KIND_CORRECTION_REQUESTED);
  EXPECT_EQ(h.entries(2).kind(), idv1::HISTORY_KIND_IMPORTED);

  // History pages, newest first, with the import last.
  history.set_page_size(1);
  std::vector<idv1::HistoryKind> kinds;
  for (int i = 0; i < 5; ++i) {
    idv1::GetCitizenHistoryResponse page;
    ASSERT_TRUE(registry_->GetCitizenHistory(history, &page).ok());
    for (const auto& e : page.entries()) kinds.push_back(e.kind());
    if (page.next_page_token().empty()) break;
    history.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(kinds,
              ElementsAre(idv1::HISTORY_KIND_CORRECTION_APPROVED,
                          idv1::HISTORY_KIND_CORRECTION_REQUESTED, idv1::HISTORY_KIND_IMPORTED));
}

TEST_F(CorrectionTest, RejectedCorrectionLeavesTheCitizenAlone) {
  ImportFamily();
  const std::string id = RequestNameFix(kBudiNik, "BUDI SANTOSA");
  idv1::DecideChangeRequestResponse decided;
  ASSERT_TRUE(Decide(id, idv1::DECISION_REJECT, common::ROLE_SUPERVISOR, &decided).ok());
  EXPECT_EQ(decided.change_request().status(), idv1::CHANGE_REQUEST_STATUS_REJECTED);
  EXPECT_EQ(decided.citizen().full_name(), "BUDI SANTOSO");
  const absl::Status again = Decide(id, idv1::DECISION_APPROVE);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(again), "ALREADY_DECIDED");
}

TEST_F(CorrectionTest, RequestsAreIdempotentUniquePerFieldAndChecked) {
  ImportFamily();
  const std::string first = RequestNameFix(kBudiNik, "BUDI SANTOSA", "wa:msg-1");
  EXPECT_EQ(RequestNameFix(kBudiNik, "BUDI SANTOSA", "wa:msg-1"), first) << "a retry";

  idv1::RequestCorrectionRequest req;
  req.set_citizen_id(IdOf(kBudiNik));
  *req.mutable_actor() = MakeActor("chatbot", common::ROLE_SYSTEM, common::CHANNEL_WHATSAPP);
  idv1::RequestCorrectionResponse resp;
  req.mutable_new_value()->set_full_name("BUDI LAIN");
  absl::Status pending = registry_->RequestCorrection(req, &resp);
  EXPECT_EQ(status::ReasonOf(pending), "CHANGE_REQUEST_PENDING");
  EXPECT_THAT(pending.message(), HasSubstr(first));

  req.set_citizen_id(IdOf(kSitiNik));
  req.mutable_new_value()->set_full_name("SITI AMINAH");
  EXPECT_EQ(status::ReasonOf(registry_->RequestCorrection(req, &resp)), "NO_CHANGE");
  req.mutable_new_value()->set_phone("081300000000");
  EXPECT_EQ(registry_->RequestCorrection(req, &resp).code(), absl::StatusCode::kInvalidArgument)
      << "citizens change their number with ChangePhone";
  req.mutable_new_value()->set_sex(common::SEX_MALE);
  EXPECT_EQ(registry_->RequestCorrection(req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.mutable_new_value()->set_nik("12345");
  EXPECT_EQ(registry_->RequestCorrection(req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.mutable_new_value()->mutable_birth_date()->set_year(2030);
  req.mutable_new_value()->mutable_birth_date()->set_month(1);
  req.mutable_new_value()->mutable_birth_date()->set_day(1);
  EXPECT_EQ(registry_->RequestCorrection(req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.mutable_new_value()->set_full_name("SITI A.");
  req.set_evidence_note(std::string(2001, 'x'));
  EXPECT_EQ(registry_->RequestCorrection(req, &resp).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CorrectionTest, OnlySupervisorsDecide) {
  ImportFamily();
  const std::string id = RequestNameFix(kBudiNik, "BUDI SANTOSA");
  const absl::Status denied = Decide(id, idv1::DECISION_APPROVE, common::ROLE_AGENT);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status::ReasonOf(denied), "SUPERVISOR_REQUIRED");
}

TEST_F(CorrectionTest, OfConcurrentDecisionsExactlyOneWins) {
  ImportFamily();
  const std::string id = RequestNameFix(kBudiNik, "BUDI SANTOSA");
  std::atomic<int> won{0}, already{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      const absl::Status s =
          Decide(id, i % 2 == 0 ? idv1::DECISION_APPROVE : idv1::DECISION_REJECT);
      if (s.ok()) {
        ++won;
      } else if (status::ReasonOf(s) == "ALREADY_DECIDED") {
        ++already;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(already.load(), 7);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(CorrectionTest, ANikCorrectionCannotTakeAnotherCitizensNik) {
  ImportFamily();
  idv1::RequestCorrectionRequest req;
  req.set_citizen_id(IdOf(kBudiNik));
  req.mutable_new_value()->set_nik(kNeighbourNik);
  *req.mutable_actor() = MakeActor("agent:a17", common::ROLE_AGENT);
  req.set_evidence_note("caller read it from the KTP");
  idv1::RequestCorrectionResponse resp;
  ASSERT_TRUE(registry_->RequestCorrection(req, &resp).ok());
  const absl::Status s = Decide(resp.change_request_id(), idv1::DECISION_APPROVE);
  EXPECT_EQ(status::ReasonOf(s), "NIK_IN_USE");
  EXPECT_EQ(IdOf(kBudiNik).empty(), false) << "nothing changed";
}

TEST_F(CorrectionTest, AFieldChangedSinceTheRequestIsNotOverwritten) {
  ImportFamily();
  const std::string id = RequestNameFix(kBudiNik, "BUDI SANTOSA");
  // The registry changes the name meanwhile.
  Import({Row(2, kBudiNik, "BUDI S.", "1990-05-17", "L", "081234567890")}, true);
  EXPECT_EQ(status::ReasonOf(Decide(id, idv1::DECISION_APPROVE)), "VALUE_CHANGED");
}

TEST_F(CorrectionTest, TheReviewQueueFiltersAndPagesStablyWhileRequestsArrive) {
  ImportFamily();
  const std::string a = RequestNameFix(kBudiNik, "BUDI SANTOSA");
  clock_.Advance(absl::Minutes(1));
  const std::string b = RequestNameFix(kSitiNik, "SITI AMINAH PUTRI");
  clock_.Advance(absl::Minutes(1));
  const std::string c = RequestNameFix(kAdiNik, "ADI SANTOSA");
  ASSERT_TRUE(Decide(b, idv1::DECISION_REJECT).ok());

  idv1::ListChangeRequestsRequest list;
  list.add_statuses(idv1::CHANGE_REQUEST_STATUS_PENDING);
  list.set_page_size(1);
  idv1::ListChangeRequestsResponse page1;
  ASSERT_TRUE(registry_->ListChangeRequests(list, &page1).ok());
  ASSERT_EQ(page1.change_requests_size(), 1);
  EXPECT_EQ(page1.change_requests(0).change_request_id(), a);
  EXPECT_EQ(page1.change_requests(0).new_value().full_name(), "BUDI SANTOSA");
  EXPECT_EQ(page1.change_requests(0).citizen_full_name(), "BUDI SANTOSO");

  clock_.Advance(absl::Minutes(1));
  const std::string d = RequestNameFix(kNeighbourNik, "I KETUT ARSANA PUTRA");  // arrives now
  list.set_page_token(page1.next_page_token());
  std::vector<std::string> rest;
  for (int i = 0; i < 5; ++i) {
    idv1::ListChangeRequestsResponse page;
    ASSERT_TRUE(registry_->ListChangeRequests(list, &page).ok());
    for (const auto& cr : page.change_requests()) rest.push_back(cr.change_request_id());
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(rest, ElementsAre(c, d));

  list.clear_statuses();
  list.add_statuses(idv1::CHANGE_REQUEST_STATUS_PENDING);
  list.add_statuses(idv1::CHANGE_REQUEST_STATUS_REJECTED);  // other filters: the old token fails
  idv1::ListChangeRequestsResponse mismatch;
  EXPECT_EQ(registry_->ListChangeRequests(list, &mismatch).code(),
            absl::StatusCode::kInvalidArgument);
  list.clear_page_token();
  list.set_citizen_id(IdOf(kSitiNik));
  list.set_page_size(10);
  idv1::ListChangeRequestsResponse one;
  ASSERT_TRUE(registry_->ListChangeRequests(list, &one).ok());
  ASSERT_EQ(one.change_requests_size(), 1);
  EXPECT_EQ(one.change_requests(0).status(), idv1::CHANGE_REQUEST_STATUS_REJECTED);
}

TEST_F(IdentityRegistryTest, MalformedRequestsAreRefusedWithTheField) {
  ImportFamily();
  idv1::GetCitizenRequest get;
  get.set_citizen_id("not-an-id");
  idv1::GetCitizenResponse resp;
  absl::Status s = registry_->GetCitizen(get, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationOf(s)->first, "citizen_id");
  get.set_citizen_id("c_01JDZ4V3Q7M8N2P4R6S8T0V2X4");  // well formed, unknown
  s = registry_->GetCitizen(get, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status::ReasonOf(s), "CITIZEN_NOT_FOUND");

  idv1::FindByPhoneRequest find;
  find.set_phone("+1 415 555 0100");
  idv1::FindByPhoneResponse found;
  EXPECT_EQ(status::FieldViolationOf(registry_->FindByPhone(find, &found))->first, "phone");

  idv1::ChangePhoneRequest change;
  change.set_citizen_id(IdOf(kBudiNik));
  change.set_new_phone("081300000000");
  idv1::ChangePhoneResponse changed;
  EXPECT_EQ(status::FieldViolationOf(registry_->ChangePhone(change, &changed))->first, "actor.id");
}

}  // namespace
}  // namespace lindungi::testing

#pragma once

// ticket-service's desk and access log on a real SQLite file in a private directory, with a
// FakeClock, and helpers to open and move tickets.

#include <memory>
#include <string>

#include "access_log.h"
#include "gtest/gtest.h"
#include "lindungi/clock/clock.h"
#include "lindungi/crypto/pii_vault.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store.h"
#include "support/test_env.h"
#include "ticket_desk.h"
#include "ticket_schema.h"

namespace lindungi::testing {

namespace tkv1 = lindungi::ticket::v1;
using lindungi::common::v1::Actor;

inline Actor TicketActor(const std::string& id,
                         lindungi::common::v1::Role role = lindungi::common::v1::ROLE_AGENT) {
  Actor a;
  a.set_id(id);
  a.set_role(role);
  a.set_channel(lindungi::common::v1::CHANNEL_CALL_CENTER);
  return a;
}

// A valid CreateTicket request from the chatbot.
inline tkv1::CreateTicketRequest NewTicketRequest(
    const std::string& client_request_id,
    tkv1::TicketCategory category = tkv1::TICKET_CATEGORY_CERTIFICATE_MISSING) {
  tkv1::CreateTicketRequest r;
  r.set_client_request_id(client_request_id);
  r.set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
  r.set_category(category);
  r.set_citizen_id("c_01JDZ4V3Q7M8N2P4R6S8T0V2X4");
  r.mutable_contact()->set_phone("0812-3456-7890");
  r.mutable_contact()->set_wa_id("6281234567890");
  r.set_description("Sertifikat saya tidak muncul di aplikasi.");
  *r.mutable_actor() = TicketActor("chatbot", lindungi::common::v1::ROLE_SYSTEM);
  r.mutable_actor()->set_channel(lindungi::common::v1::CHANNEL_WHATSAPP);
  return r;
}

class TicketFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    auto db = store::OpenDatabase("sqlite://" + dir_ + "/ticket.db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_, ticket::TicketMigrations()).ok());
    auto vault = crypto::PiiVault::Create(std::string(48, 'k'), "ticket");
    ASSERT_TRUE(vault.ok());
    vault_ = std::move(*vault);
    OpenDesk(ticket::DeskOptions{});
    access_ = std::make_unique<ticket::AccessLog>(*db_, *vault_, clock_);
  }

  void OpenDesk(ticket::DeskOptions options) {
    auto desk = ticket::TicketDesk::Open(*db_, *vault_, clock_, std::move(options));
    ASSERT_TRUE(desk.ok()) << desk.status();
    desk_ = std::move(*desk);
  }

  tkv1::Ticket Create(const std::string& client_request_id,
                      tkv1::TicketCategory category = tkv1::TICKET_CATEGORY_CERTIFICATE_MISSING) {
    tkv1::CreateTicketResponse resp;
    absl::Status s = desk_->CreateTicket(NewTicketRequest(client_request_id, category), &resp);
    EXPECT_TRUE(s.ok()) << s;
    return resp.ticket();
  }

  absl::Status Move(tkv1::Ticket& ticket, tkv1::TicketStatus to,
                    const std::string& resolution = "") {
    tkv1::TransitionTicketRequest r;
    r.set_ticket_id(ticket.ticket_id());
    r.set_target_status(to);
    r.set_expected_version(ticket.version());
    r.set_resolution(resolution.empty() && (to == tkv1::TICKET_STATUS_RESOLVED ||
                                            to == tkv1::TICKET_STATUS_REJECTED)
                         ? "Sertifikat sudah diterbitkan ulang."
                         : resolution);
    *r.mutable_actor() = TicketActor("agent-7");
    tkv1::TransitionTicketResponse resp;
    absl::Status s = desk_->TransitionTicket(r, &resp);
    if (s.ok()) ticket = resp.ticket();
    return s;
  }

  tkv1::Ticket Get(const std::string& ticket_id) {
    tkv1::GetTicketRequest r;
    r.set_ticket_id(ticket_id);
    tkv1::GetTicketResponse resp;
    absl::Status s = desk_->GetTicket(r, &resp);
    EXPECT_TRUE(s.ok()) << s;
    return resp.ticket();
  }

  std::vector<tkv1::TicketEvent> Events(const std::string& ticket_id) {
    std::vector<tkv1::TicketEvent> out;
    tkv1::ListTicketEventsRequest r;
    r.set_ticket_id(ticket_id);
    r.set_page_size(1000);
    for (;;) {
      tkv1::ListTicketEventsResponse resp;
      absl::Status s = desk_->ListTicketEvents(r, &resp);
      EXPECT_TRUE(s.ok()) << s;
      if (!s.ok()) break;
      for (const auto& e : resp.events()) out.push_back(e);
      if (resp.next_page_token().empty()) break;
      r.set_page_token(resp.next_page_token());
    }
    return out;
  }

  std::string dir_;
  clock::FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<crypto::PiiVault> vault_;
  std::unique_ptr<ticket::TicketDesk> desk_;
  std::unique_ptr<ticket::AccessLog> access_;
};

}  // namespace lindungi::testing

#pragma once

// SCAFFOLDING, not the product: until the conversation (issue 7) lands, every message a citizen
// sends is answered with one fixed acknowledgement, so that the pipeline (webhook → Redis →
// workers → Cloud API) runs and is tested end to end. When the queue lags (Turn::busy) it answers
// with the "sedang ramai" text instead.

#include <string>

#include "conversation.h"

namespace lindungi::gateway {

// The texts, for tests and the README.
inline constexpr char kAcknowledgementText[] =
    "Terima kasih, pesan Anda sudah kami terima. Layanan sertifikat vaksin melalui WhatsApp "
    "sedang disiapkan.";
// Followed by the minutes in BusyText().
std::string BusyText(int retry_minutes);

class AcknowledgeHandler final : public ConversationHandler {
 public:
  // Flows: "ack", or "busy" when the queue lags.
  absl::StatusOr<Answer> Handle(const Turn& turn) override;
};

}  // namespace lindungi::gateway

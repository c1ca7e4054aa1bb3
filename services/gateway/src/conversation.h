#pragma once

// What a worker hands each inbound message to, and what comes back (DESIGN.md "The gateway
// pipeline"). The conversation itself (sessions, OTP, certificates) is issue 7; until it lands the
// gateway runs AcknowledgeHandler (ack_handler.h), scaffolding that answers every message with a
// fixed text so the pipeline is tested end to end.

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lindungi/whatsapp/graph_client.h"
#include "lindungi/whatsapp/outbound.h"
#include "lindungi/whatsapp/webhook.h"

namespace lindungi::gateway {

// One inbound message, as a worker hands it over.
struct Turn {
  whatsapp::InboundMessage message;  // personal data: never log its fields
  int attempt = 1;                   // 1 the first time; more after failures or a dead worker
  absl::Duration queue_wait;         // from the webhook's arrival to now
  // The queue is lagging past --shed_queue_lag: new conversations should get a polite "sedang
  // ramai, coba lagi dalam N menit" (N = retry_minutes) instead of starting.
  bool busy = false;
  int retry_minutes = 0;
};

// One reply message.
using Outbound =
    std::variant<whatsapp::TextMessage, whatsapp::ButtonsMessage, whatsapp::ListMessage,
                 whatsapp::DocumentMessage, whatsapp::TemplateMessage>;

struct Answer {
  // The journey this turn belongs to, the `flow` label of lindungi_reply_latency_seconds: a
  // small fixed set of names, never anything a citizen typed.
  std::string flow;
  std::vector<Outbound> replies;  // sent in order, each at most once per inbound message
};

class ConversationHandler {
 public:
  virtual ~ConversationHandler() = default;
  // Called with one contact's messages one at a time, in WhatsApp timestamp order. The same
  // message can come again (a worker died, a reply failed): handlers key their effects on
  // message.id. An error leaves the message queued for another attempt; after --max_attempts the
  // citizen gets an apology and the message goes to the dead-letter stream.
  virtual absl::StatusOr<Answer> Handle(const Turn& turn) = 0;
};

// Sends one reply through the Cloud API client; answers the new message's wamid.
absl::StatusOr<std::string> SendOutbound(whatsapp::GraphClient& graph, const std::string& to,
                                         const Outbound& reply);

// Its kind for logs and metrics: text, buttons, list, document or template.
const char* OutboundKind(const Outbound& reply);

}  // namespace lindungi::gateway

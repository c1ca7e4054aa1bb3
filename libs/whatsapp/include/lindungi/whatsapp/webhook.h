#pragma once

// What Meta POSTs to the webhook (../shared/fixtures/whatsapp/inbound): the signature over the
// raw body, and the messages and statuses in it. Parsing is lenient, as Meta asks: unknown fields,
// unknown message types and changes of other fields are kept or skipped, never an error; only a
// body that is not JSON, or whose known fields have the wrong JSON type, is malformed.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace lindungi::whatsapp {

// True when `header` (the X-Hub-Signature-256 value, "sha256=<64 hex digits>") is the
// HMAC-SHA256 of `raw_body` under the app secret. Constant-time in the comparison; hex digits in
// either case.
bool VerifySignature(absl::string_view app_secret, absl::string_view raw_body,
                     absl::string_view header);
// The header value for `raw_body` (for fakes, load generators and tests).
std::string Sign(absl::string_view app_secret, absl::string_view raw_body);

// VerifySignature for one app secret, keyed once: each call then costs one HMAC over the body
// (OpenSSL 3 looks HMAC and SHA-256 up and keys them anew on every one-shot call, which costs
// more than hashing a typical webhook). Verify may be called from many threads at once.
class SignatureVerifier {
 public:
  explicit SignatureVerifier(absl::string_view app_secret);
  ~SignatureVerifier();
  SignatureVerifier(const SignatureVerifier&) = delete;
  SignatureVerifier& operator=(const SignatureVerifier&) = delete;

  bool Verify(absl::string_view raw_body, absl::string_view header) const;

 private:
  evp_mac_ctx_st* keyed_;  // HMAC-SHA256 with the key set; copied per call
};

// One message a citizen sent. Fields hold personal data (wa_id, name, text): never log them.
struct InboundMessage {
  std::string id;               // wamid, unique per message: the dedupe key
  std::string from;             // the sender's wa_id (digits, country code first)
  std::string phone_number_id;  // our business number that received it
  int64_t timestamp = 0;        // Unix seconds, as Meta stamped it
  std::string type;             // text, interactive, button, document, image, … or unknown
  std::string text;             // text body; interactive and button replies: the title
  std::string reply_id;         // interactive button_reply / list_reply id, button payload
  std::string profile_name;     // the sender's WhatsApp profile name, "" if not given
  std::string json;             // the message object as received (compact JSON)
};

// A delivery status of a message we sent.
struct StatusUpdate {
  std::string id;                    // wamid of our message
  std::string status;                // sent, delivered, read, failed (or newer kinds)
  std::string recipient_id;          // the citizen's wa_id
  std::string phone_number_id;       // our business number
  int64_t timestamp = 0;             // Unix seconds
  std::vector<int64_t> error_codes;  // Graph error codes of a failed status
};

struct Webhook {
  std::vector<InboundMessage> messages;  // in the order of the body
  std::vector<StatusUpdate> statuses;
};

// INVALID_ARGUMENT (with what is wrong, never the body) for malformed JSON or a known field of the
// wrong type; a well-formed body with nothing for us is an empty Webhook.
absl::StatusOr<Webhook> ParseWebhook(absl::string_view body);

}  // namespace lindungi::whatsapp

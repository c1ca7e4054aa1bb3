#pragma once

// Outbound WhatsApp Cloud API messages: what the gateway sends and the JSON bodies the Graph API
// expects (../shared/fixtures/whatsapp/outbound/). Each *Body function validates the platform's
// documented limits first (fixtures README) and answers INVALID_ARGUMENT, naming the field but
// never echoing a phone number or message text, when a limit is broken.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace lindungi::whatsapp {

// Lengths are counted in Unicode code points, as the platform counts characters.
inline constexpr int kMaxTextBody = 4096;
inline constexpr int kMaxInteractiveBody = 1024;  // also a document caption
inline constexpr int kMaxHeaderText = 60;
inline constexpr int kMaxFooterText = 60;
inline constexpr int kMaxButtons = 3;
inline constexpr int kMaxButtonTitle = 20;
inline constexpr int kMaxButtonId = 256;
inline constexpr int kMaxListRows = 10;  // in all sections together
inline constexpr int kMaxListSections = 10;
inline constexpr int kMaxListButton = 20;
inline constexpr int kMaxSectionTitle = 24;
inline constexpr int kMaxRowTitle = 24;
inline constexpr int kMaxRowDescription = 72;
inline constexpr int kMaxRowId = 200;
inline constexpr size_t kMaxDocumentBytes = 100u * 1024 * 1024;

struct TextMessage {
  std::string body;          // 1..4096 characters
  bool preview_url = false;  // let WhatsApp render a link preview
};

struct ReplyButton {
  std::string id;     // 1..256, unique in the message; comes back in the button_reply
  std::string title;  // 1..20, unique in the message
};

struct ButtonsMessage {
  std::string header;                // optional text header, ≤ 60
  std::string body;                  // 1..1024
  std::string footer;                // optional, ≤ 60
  std::vector<ReplyButton> buttons;  // 1..3
};

struct ListRow {
  std::string id;           // 1..200, unique in the message
  std::string title;        // 1..24
  std::string description;  // optional, ≤ 72
};

struct ListSection {
  std::string title;          // ≤ 24; required when there is more than one section
  std::vector<ListRow> rows;  // at least one
};

struct ListMessage {
  std::string header;                 // optional text header, ≤ 60
  std::string body;                   // 1..1024
  std::string footer;                 // optional, ≤ 60
  std::string button;                 // the list's button text, 1..20
  std::vector<ListSection> sections;  // 1..10, ≤ 10 rows in total
};

// A document already uploaded (GraphClient::UploadMedia): sent by media id.
struct DocumentMessage {
  std::string media_id;  // required
  std::string filename;  // optional, shown to the citizen
  std::string caption;   // optional, ≤ 1024
};

// An approved template (the only thing that may open a conversation outside the 24 h window).
struct TemplateMessage {
  std::string name;                          // required
  std::string language = "id";               // template language code
  std::vector<std::string> body_parameters;  // {{1}}, {{2}}, ... of the body, in order
  // Authentication templates: the one-time code for the copy-code button (≤ 15 characters);
  // empty for other templates.
  std::string copy_code;
};

inline constexpr int kMaxCopyCode = 15;

// The request bodies of POST /{version}/{phone_number_id}/messages. `to` is the recipient's
// WhatsApp id: 7..15 digits, no '+'.
absl::StatusOr<nlohmann::json> TextBody(const std::string& to, const TextMessage& message);
absl::StatusOr<nlohmann::json> ButtonsBody(const std::string& to, const ButtonsMessage& message);
absl::StatusOr<nlohmann::json> ListBody(const std::string& to, const ListMessage& message);
absl::StatusOr<nlohmann::json> DocumentBody(const std::string& to, const DocumentMessage& message);
absl::StatusOr<nlohmann::json> TemplateBody(const std::string& to, const TemplateMessage& message);
// Marks an inbound message read (blue ticks), optionally showing "typing…" until the reply.
absl::StatusOr<nlohmann::json> MarkReadBody(const std::string& message_id, bool typing_indicator);

// Unicode code points in UTF-8 text (continuation bytes are not counted).
int Utf8Length(const std::string& text);

}  // namespace lindungi::whatsapp

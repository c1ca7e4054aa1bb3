#include "lindungi/whatsapp/outbound.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lindungi/status/status.h"

namespace lindungi::whatsapp {
namespace {

using Json = nlohmann::json;

// Checks 0 < length ≤ max (or length ≤ max when optional); the message names the field only.
absl::Status CheckLength(absl::string_view field, const std::string& value, int max,
                         bool required) {
  const int length = Utf8Length(value);
  if (required && length == 0) return status::InvalidField(field, "is required");
  if (length > max) {
    return status::InvalidField(field, absl::StrCat("longer than ", max, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRecipient(const std::string& to) {
  if (to.size() < 7 || to.size() > 15) return status::InvalidField("to", "must be 7 to 15 digits");
  for (char c : to) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return status::InvalidField("to", "must be digits only");
    }
  }
  return absl::OkStatus();
}

Json Envelope(const std::string& to, const char* type) {
  return Json{{"messaging_product", "whatsapp"},
              {"recipient_type", "individual"},
              {"to", to},
              {"type", type}};
}

// header/body/footer shared by both interactive kinds.
absl::Status CheckFrame(const std::string& header, const std::string& body,
                        const std::string& footer) {
  absl::Status s = CheckLength("header", header, kMaxHeaderText, false);
  if (s.ok()) s = CheckLength("body", body, kMaxInteractiveBody, true);
  if (s.ok()) s = CheckLength("footer", footer, kMaxFooterText, false);
  return s;
}

Json Interactive(const char* type, const std::string& header, const std::string& body,
                 const std::string& footer) {
  Json interactive = {{"type", type}};
  if (!header.empty()) interactive["header"] = {{"type", "text"}, {"text", header}};
  interactive["body"] = {{"text", body}};
  if (!footer.empty()) interactive["footer"] = {{"text", footer}};
  return interactive;
}

}  // namespace

int Utf8Length(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

absl::StatusOr<Json> TextBody(const std::string& to, const TextMessage& message) {
  if (absl::Status s = CheckRecipient(to); !s.ok()) return s;
  if (absl::Status s = CheckLength("text.body", message.body, kMaxTextBody, true); !s.ok()) {
    return s;
  }
  Json body = Envelope(to, "text");
  body["text"] = {{"preview_url", message.preview_url}, {"body", message.body}};
  return body;
}

absl::StatusOr<Json> ButtonsBody(const std::string& to, const ButtonsMessage& message) {
  if (absl::Status s = CheckRecipient(to); !s.ok()) return s;
  if (absl::Status s = CheckFrame(message.header, message.body, message.footer); !s.ok()) return s;
  if (message.buttons.empty() || message.buttons.size() > kMaxButtons) {
    return status::InvalidField("buttons", absl::StrCat("must be 1 to ", kMaxButtons));
  }
  std::set<std::string> ids, titles;
  Json buttons = Json::array();
  for (const ReplyButton& button : message.buttons) {
    if (absl::Status s = CheckLength("buttons.id", button.id, kMaxButtonId, true); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckLength("buttons.title", button.title, kMaxButtonTitle, true);
        !s.ok()) {
      return s;
    }
    if (!ids.insert(button.id).second) return status::InvalidField("buttons.id", "not unique");
    if (!titles.insert(button.title).second) {
      return status::InvalidField("buttons.title", "not unique");
    }
    buttons.push_back({{"type", "reply"}, {"reply", {{"id", button.id}, {"title", button.title}}}});
  }
  Json body = Envelope(to, "interactive");
  body["interactive"] = Interactive("button", message.header, message.body, message.footer);
  body["interactive"]["action"] = {{"buttons", std::move(buttons)}};
  return body;
}

absl::StatusOr<Json> ListBody(const std::string& to, const ListMessage& message) {
  if (absl::Status s = CheckRecipient(to); !s.ok()) return s;
  if (absl::Status s = CheckFrame(message.header, message.body, message.footer); !s.ok()) return s;
  if (absl::Status s = CheckLength("button", message.button, kMaxListButton, true); !s.ok()) {
    return s;
  }
  if (message.sections.empty() || message.sections.size() > kMaxListSections) {
    return status::InvalidField("sections", absl::StrCat("must be 1 to ", kMaxListSections));
  }
  std::set<std::string> ids;
  size_t rows_total = 0;
  Json sections = Json::array();
  for (const ListSection& section : message.sections) {
    if (absl::Status s = CheckLength("sections.title", section.title, kMaxSectionTitle,
                                     /*required=*/message.sections.size() > 1);
        !s.ok()) {
      return s;
    }
    if (section.rows.empty()) return status::InvalidField("sections.rows", "is empty");
    rows_total += section.rows.size();
    if (rows_total > kMaxListRows) {
      return status::InvalidField("sections.rows", absl::StrCat("more than ", kMaxListRows));
    }
    Json rows = Json::array();
    for (const ListRow& row : section.rows) {
      absl::Status s = CheckLength("rows.id", row.id, kMaxRowId, true);
      if (s.ok()) s = CheckLength("rows.title", row.title, kMaxRowTitle, true);
      if (s.ok()) s = CheckLength("rows.description", row.description, kMaxRowDescription, false);
      if (!s.ok()) return s;
      if (!ids.insert(row.id).second) return status::InvalidField("rows.id", "not unique");
      Json r = {{"id", row.id}, {"title", row.title}};
      if (!row.description.empty()) r["description"] = row.description;
      rows.push_back(std::move(r));
    }
    Json s = Json::object();
    if (!section.title.empty()) s["title"] = section.title;
    s["rows"] = std::move(rows);
    sections.push_back(std::move(s));
  }
  Json body = Envelope(to, "interactive");
  body["interactive"] = Interactive("list", message.header, message.body, message.footer);
  body["interactive"]["action"] = {{"button", message.button}, {"sections", std::move(sections)}};
  return body;
}

absl::StatusOr<Json> DocumentBody(const std::string& to, const DocumentMessage& message) {
  if (absl::Status s = CheckRecipient(to); !s.ok()) return s;
  if (message.media_id.empty()) return status::InvalidField("document.id", "is required");
  if (absl::Status s = CheckLength("document.caption", message.caption, kMaxInteractiveBody, false);
      !s.ok()) {
    return s;
  }
  Json document = {{"id", message.media_id}};
  if (!message.filename.empty()) document["filename"] = message.filename;
  if (!message.caption.empty()) document["caption"] = message.caption;
  Json body = Envelope(to, "document");
  body["document"] = std::move(document);
  return body;
}

absl::StatusOr<Json> TemplateBody(const std::string& to, const TemplateMessage& message) {
  if (absl::Status s = CheckRecipient(to); !s.ok()) return s;
  if (message.name.empty()) return status::InvalidField("template.name", "is required");
  if (message.language.empty()) return status::InvalidField("template.language", "is required");
  Json tmpl = {{"name", message.name}, {"language", {{"code", message.language}}}};
  if (!message.body_parameters.empty()) {
    Json parameters = Json::array();
    for (const std::string& p : message.body_parameters) {
      if (p.empty()) return status::InvalidField("template.parameters", "empty parameter");
      parameters.push_back({{"type", "text"}, {"text", p}});
    }
    tmpl["components"] = Json::array({{{"type", "body"}, {"parameters", std::move(parameters)}}});
  }
  if (!message.copy_code.empty()) {
    if (Utf8Length(message.copy_code) > kMaxCopyCode) {
      return status::InvalidField("template.copy_code", "is longer than 15 characters");
    }
    // Meta's authentication templates: the copy-code (or one-tap) button is button 0, a "url"
    // button whose parameter is the code.
    tmpl["components"].push_back(
        {{"type", "button"},
         {"sub_type", "url"},
         {"index", "0"},
         {"parameters", Json::array({{{"type", "text"}, {"text", message.copy_code}}})}});
  }
  Json body = Envelope(to, "template");
  body["template"] = std::move(tmpl);
  return body;
}

absl::StatusOr<Json> MarkReadBody(const std::string& message_id, bool typing_indicator) {
  if (message_id.empty()) return status::InvalidField("message_id", "is required");
  Json body = {{"messaging_product", "whatsapp"}, {"status", "read"}, {"message_id", message_id}};
  if (typing_indicator) body["typing_indicator"] = {{"type", "text"}};
  return body;
}

}  // namespace lindungi::whatsapp

#include "lindungi/whatsapp/webhook.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lindungi/crypto/hash.h"

namespace lindungi::whatsapp {
namespace {

using nlohmann::json;

constexpr absl::string_view kSignaturePrefix = "sha256=";

// A JSON type error in a known field: the message names the field, never its value.
struct Malformed {
  std::string what;
};

const json* Member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string Text(const json& object, const char* name) {
  const json* v = Member(object, name);
  if (v == nullptr) return "";
  if (!v->is_string()) throw Malformed{absl::StrCat("\"", name, "\" is not a string")};
  return v->get<std::string>();
}

const json& Array(const json& object, const char* name) {
  static const json* empty = new json(json::array());
  const json* v = Member(object, name);
  if (v == nullptr) return *empty;
  if (!v->is_array()) throw Malformed{absl::StrCat("\"", name, "\" is not an array")};
  return *v;
}

// Meta sends timestamps as decimal strings; numbers are accepted too.
int64_t Timestamp(const json& object) {
  const json* v = Member(object, "timestamp");
  if (v == nullptr) return 0;
  if (v->is_number_integer()) return v->get<int64_t>();
  int64_t t = 0;
  if (!v->is_string() || !absl::SimpleAtoi(v->get<std::string>(), &t)) {
    throw Malformed{"\"timestamp\" is not a number of seconds"};
  }
  return t;
}

// The reply's title and id in an interactive or button message.
void ReadReply(const json& m, InboundMessage* out) {
  if (out->type == "text") {
    if (const json* text = Member(m, "text")) out->text = Text(*text, "body");
  } else if (out->type == "interactive") {
    const json* interactive = Member(m, "interactive");
    if (interactive == nullptr) return;
    for (const char* kind : {"button_reply", "list_reply"}) {
      if (const json* reply = Member(*interactive, kind)) {
        out->reply_id = Text(*reply, "id");
        out->text = Text(*reply, "title");
      }
    }
  } else if (out->type == "button") {  // a quick-reply button of a template
    if (const json* button = Member(m, "button")) {
      out->reply_id = Text(*button, "payload");
      out->text = Text(*button, "text");
    }
  }
}

void ReadValue(const json& value, Webhook* out) {
  std::string phone_number_id;
  if (const json* metadata = Member(value, "metadata")) {
    phone_number_id = Text(*metadata, "phone_number_id");
  }
  std::vector<std::pair<std::string, std::string>> names;  // wa_id -> profile name
  for (const json& contact : Array(value, "contacts")) {
    std::string name;
    if (const json* profile = Member(contact, "profile")) name = Text(*profile, "name");
    names.emplace_back(Text(contact, "wa_id"), std::move(name));
  }
  for (const json& m : Array(value, "messages")) {
    if (!m.is_object()) throw Malformed{"a message is not an object"};
    InboundMessage msg;
    msg.id = Text(m, "id");
    if (msg.id.empty()) continue;  // nothing to deduplicate on or answer
    msg.from = Text(m, "from");
    msg.phone_number_id = phone_number_id;
    msg.timestamp = Timestamp(m);
    msg.type = Text(m, "type");
    ReadReply(m, &msg);
    for (const auto& [wa_id, name] : names) {
      if (wa_id == msg.from) msg.profile_name = name;
    }
    msg.json = m.dump();
    out->messages.push_back(std::move(msg));
  }
  for (const json& s : Array(value, "statuses")) {
    if (!s.is_object()) throw Malformed{"a status is not an object"};
    StatusUpdate st;
    st.id = Text(s, "id");
    st.status = Text(s, "status");
    st.recipient_id = Text(s, "recipient_id");
    st.phone_number_id = phone_number_id;
    st.timestamp = Timestamp(s);
    for (const json& e : Array(s, "errors")) {
      const json* code = Member(e, "code");
      if (code != nullptr && code->is_number_integer())
        st.error_codes.push_back(code->get<int64_t>());
    }
    out->statuses.push_back(std::move(st));
  }
}

}  // namespace

std::string Sign(absl::string_view app_secret, absl::string_view raw_body) {
  return absl::StrCat(kSignaturePrefix,
                      crypto::HexEncode(crypto::HmacSha256(app_secret, raw_body)));
}

bool VerifySignature(absl::string_view app_secret, absl::string_view raw_body,
                     absl::string_view header) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::StartsWithIgnoreCase(header, kSignaturePrefix)) return false;
  std::string given = absl::AsciiStrToLower(header.substr(kSignaturePrefix.size()));
  const std::string expected = Sign(app_secret, raw_body).substr(kSignaturePrefix.size());
  return crypto::ConstantTimeEquals(given, expected);
}

absl::StatusOr<Webhook> ParseWebhook(absl::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("the body is not valid JSON");
  if (!doc.is_object()) return absl::InvalidArgumentError("the body is not a JSON object");
  Webhook out;
  try {
    for (const json& entry : Array(doc, "entry")) {
      for (const json& change : Array(entry, "changes")) {
        const json* value = Member(change, "value");
        if (value == nullptr || !value->is_object()) continue;
        const std::string field = Text(change, "field");
        if (!field.empty() && field != "messages") continue;  // e.g. account updates: not ours
        ReadValue(*value, &out);
      }
    }
  } catch (const Malformed& m) {
    return absl::InvalidArgumentError(absl::StrCat("malformed webhook: ", m.what));
  }
  return out;
}

}  // namespace lindungi::whatsapp

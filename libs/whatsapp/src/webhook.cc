#include "lindungi/whatsapp/webhook.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdio>
#include <cstdlib>
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
constexpr size_t kMacSize = 32;  // SHA-256

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when `header` is "sha256=" and the hex of `mac` (either case, surrounding spaces allowed).
bool HeaderNamesMac(absl::string_view header, absl::string_view mac) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::StartsWithIgnoreCase(header, kSignaturePrefix)) return false;
  const absl::string_view hex = header.substr(kSignaturePrefix.size());
  if (hex.size() != 2 * mac.size()) return false;
  std::array<unsigned char, kMacSize> given{};
  if (mac.size() > given.size()) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    const int high = HexDigit(hex[2 * i]);
    const int low = HexDigit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    given[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return CRYPTO_memcmp(given.data(), mac.data(), mac.size()) == 0;
}

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
  return HeaderNamesMac(header, crypto::HmacSha256(app_secret, raw_body));
}

SignatureVerifier::SignatureVerifier(absl::string_view app_secret) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  keyed_ = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
  EVP_MAC_free(hmac);  // the context holds its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  // An empty key still needs a valid pointer.
  static const unsigned char kNoKey = 0;
  const auto* key =
      app_secret.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(app_secret.data());
  if (keyed_ == nullptr || EVP_MAC_init(keyed_, key, app_secret.size(), params) != 1) {
    std::fprintf(stderr, "lindungi::whatsapp: OpenSSL cannot key HMAC-SHA256\n");
    std::abort();  // nothing can be verified: the webhook cannot serve at all
  }
}

SignatureVerifier::~SignatureVerifier() { EVP_MAC_CTX_free(keyed_); }

bool SignatureVerifier::Verify(absl::string_view raw_body, absl::string_view header) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
  std::array<unsigned char, kMacSize> mac{};
  size_t size = 0;
  const bool hashed = ctx != nullptr &&
                      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(raw_body.data()),
                                     raw_body.size()) == 1 &&
                      EVP_MAC_final(ctx, mac.data(), &size, mac.size()) == 1 && size == mac.size();
  EVP_MAC_CTX_free(ctx);
  return hashed &&
         HeaderNamesMac(header,
                        absl::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
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

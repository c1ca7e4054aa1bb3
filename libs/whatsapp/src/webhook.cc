#include "lindungi/whatsapp/webhook.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lindungi/crypto/hash.h"
#include "simdjson.h"

namespace lindungi::whatsapp {
namespace {

namespace dom = simdjson::dom;

constexpr absl::string_view kSignaturePrefix = "sha256=";
constexpr size_t kMacSize = 32;  // SHA-256

// True when `header` is "sha256=" and the hex of `mac` (either case, surrounding spaces allowed).
bool HeaderNamesMac(absl::string_view header, absl::string_view mac) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::StartsWithIgnoreCase(header, kSignaturePrefix)) return false;
  const absl::string_view hex = header.substr(kSignaturePrefix.size());
  if (hex.size() != 2 * mac.size()) return false;
  const absl::StatusOr<std::string> given = crypto::HexDecode(hex);
  return given.ok() && CRYPTO_memcmp(given->data(), mac.data(), mac.size()) == 0;
}

// A JSON type error in a known field: the message names the field, never its value.
struct Malformed {
  std::string what;
};

// The member `name` of `object`, or nothing when `object` is not an object or has no such
// (non-null) member. Lenient: the type is checked by the caller.
std::optional<dom::element> Member(dom::element object, const char* name) {
  dom::object o;
  if (object.get(o) != simdjson::SUCCESS) return std::nullopt;
  dom::element v;
  if (o.at_key(name).get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  return v;
}

std::string Text(dom::element object, const char* name) {
  std::optional<dom::element> v = Member(object, name);
  if (!v) return "";
  std::string_view text;
  if (v->get(text) != simdjson::SUCCESS) {
    throw Malformed{absl::StrCat("\"", name, "\" is not a string")};
  }
  return std::string(text);
}

// Calls `fn` with each element of the array `name` of `object` (none when absent).
template <class F>
void Each(dom::element object, const char* name, F&& fn) {
  std::optional<dom::element> v = Member(object, name);
  if (!v) return;
  dom::array a;
  if (v->get(a) != simdjson::SUCCESS) {
    throw Malformed{absl::StrCat("\"", name, "\" is not an array")};
  }
  for (dom::element e : a) fn(e);
}

// Meta sends timestamps as decimal strings; numbers are accepted too.
int64_t Timestamp(dom::element object) {
  std::optional<dom::element> v = Member(object, "timestamp");
  if (!v) return 0;
  int64_t t = 0;
  if (v->get(t) == simdjson::SUCCESS) return t;
  std::string_view text;
  if (v->get(text) != simdjson::SUCCESS ||
      !absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &t)) {
    throw Malformed{"\"timestamp\" is not a number of seconds"};
  }
  return t;
}

// The reply's title and id in an interactive or button message.
void ReadReply(dom::element m, InboundMessage* out) {
  if (out->type == "text") {
    if (std::optional<dom::element> text = Member(m, "text")) out->text = Text(*text, "body");
  } else if (out->type == "interactive") {
    std::optional<dom::element> interactive = Member(m, "interactive");
    if (!interactive) return;
    for (const char* kind : {"button_reply", "list_reply"}) {
      if (std::optional<dom::element> reply = Member(*interactive, kind)) {
        out->reply_id = Text(*reply, "id");
        out->text = Text(*reply, "title");
      }
    }
  } else if (out->type == "button") {  // a quick-reply button of a template
    if (std::optional<dom::element> button = Member(m, "button")) {
      out->reply_id = Text(*button, "payload");
      out->text = Text(*button, "text");
    }
  }
}

void ReadValue(dom::element value, Webhook* out) {
  std::string phone_number_id;
  if (std::optional<dom::element> metadata = Member(value, "metadata")) {
    phone_number_id = Text(*metadata, "phone_number_id");
  }
  std::vector<std::pair<std::string, std::string>> names;  // wa_id -> profile name
  Each(value, "contacts", [&](dom::element contact) {
    std::string name;
    if (std::optional<dom::element> profile = Member(contact, "profile")) {
      name = Text(*profile, "name");
    }
    names.emplace_back(Text(contact, "wa_id"), std::move(name));
  });
  Each(value, "messages", [&](dom::element m) {
    if (!m.is_object()) throw Malformed{"a message is not an object"};
    InboundMessage msg;
    msg.id = Text(m, "id");
    if (msg.id.empty()) return;  // nothing to deduplicate on or answer
    msg.from = Text(m, "from");
    msg.phone_number_id = phone_number_id;
    msg.timestamp = Timestamp(m);
    msg.type = Text(m, "type");
    ReadReply(m, &msg);
    for (const auto& [wa_id, name] : names) {
      if (wa_id == msg.from) msg.profile_name = name;
    }
    msg.json = simdjson::minify(m);
    out->messages.push_back(std::move(msg));
  });
  Each(value, "statuses", [&](dom::element st) {
    if (!st.is_object()) throw Malformed{"a status is not an object"};
    StatusUpdate update;
    update.id = Text(st, "id");
    update.status = Text(st, "status");
    update.recipient_id = Text(st, "recipient_id");
    update.phone_number_id = phone_number_id;
    update.timestamp = Timestamp(st);
    Each(st, "errors", [&](dom::element e) {
      std::optional<dom::element> code = Member(e, "code");
      int64_t c = 0;
      if (code && code->get(c) == simdjson::SUCCESS) update.error_codes.push_back(c);
    });
    out->statuses.push_back(std::move(update));
  });
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
  // One parser per thread: it keeps its buffers between bodies (simdjson: a parser is not
  // thread-safe, and reusing one is what makes it fast).
  thread_local dom::parser parser;
  dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("the body is not valid JSON");
  }
  if (!doc.is_object()) return absl::InvalidArgumentError("the body is not a JSON object");
  Webhook out;
  try {
    Each(doc, "entry", [&](dom::element entry) {
      Each(entry, "changes", [&](dom::element change) {
        std::optional<dom::element> value = Member(change, "value");
        if (!value || !value->is_object()) return;
        const std::string field = Text(change, "field");
        if (!field.empty() && field != "messages") return;  // e.g. account updates: not ours
        ReadValue(*value, &out);
      });
    });
  } catch (const Malformed& m) {
    return absl::InvalidArgumentError(absl::StrCat("malformed webhook: ", m.what));
  }
  return out;
}

}  // namespace lindungi::whatsapp

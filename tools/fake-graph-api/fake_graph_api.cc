#include "fake_graph_api.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace lindungi::fake_graph_api {
namespace {

using Json = nlohmann::ordered_json;

// Never throws, even on invalid UTF-8 (a recorded multipart body can carry any bytes).
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Response JsonResponse(int status, const Json& body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = Dump(body);
  return response;
}

// The control API's own errors (not Graph-shaped: they are the fake's, not Meta's).
Response ControlError(int status, const std::string& message) {
  return JsonResponse(status, Json{{"error", message}});
}

struct KnownError {
  int code;
  const char* message;
  const char* details;
};

// Messages as the Graph API words them (../shared/fixtures/whatsapp/outbound/response_error_*).
constexpr KnownError kKnownErrors[] = {
    {1, "An unknown error occurred", ""},
    {2, "Service temporarily unavailable", ""},
    {100, "(#100) Invalid parameter", ""},
    {190, "Invalid OAuth access token - Cannot parse access token", ""},
    {130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."},
    {131026, "(#131026) Message Undeliverable",
     "Message failed to send because the recipient's phone number is not a WhatsApp number or "
     "cannot receive this message."},
    {131047, "(#131047) Re-engagement message",
     "Message failed to send because more than 24 hours have passed since the customer last "
     "replied to this number."},
    {131053, "(#131053) Media upload error", "Unable to upload the media used in the message."},
    {131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit",
     "Message failed to send because there were too many messages sent from this phone number "
     "to the same phone number in a short period of time."},
};

// The code a fault gets when the injection names only an HTTP status.
int DefaultCode(int status) {
  if (status == 429) return 130429;
  if (status == 401) return 190;
  if (status >= 500) return status == 503 ? 2 : 1;
  return 100;
}

// The key of an `Authorization: Bearer <key>` header; empty when absent or another scheme.
std::string BearerToken(const Request& request) {
  const std::string header = request.Header("Authorization").value_or("");
  if (header.size() <= 7 || !absl::EqualsIgnoreCase(header.substr(0, 7), "bearer ")) return "";
  return std::string(absl::StripAsciiWhitespace(header.substr(7)));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsObject(const Json& body, const char* key) {
  return body.contains(key) && body[key].is_object();
}

bool IsNonEmptyString(const Json& body, const char* key) {
  return body.contains(key) && body[key].is_string() && !body[key].get<std::string>().empty();
}

// The value of the multipart part named `name` ("" when absent): enough to check an upload.
std::optional<std::string> MultipartField(const std::string& body, const std::string& boundary,
                                          const std::string& name) {
  const std::string delimiter = "--" + boundary;
  for (absl::string_view part : absl::StrSplit(body, delimiter)) {
    const size_t end = part.find("\r\n\r\n");
    if (end == absl::string_view::npos) continue;
    const absl::string_view head = part.substr(0, end);
    if (!absl::StrContains(head, absl::StrCat("name=\"", name, "\""))) continue;
    absl::string_view value = part.substr(end + 4);
    if (absl::EndsWith(value, "\r\n")) value.remove_suffix(2);
    return std::string(value);
  }
  return std::nullopt;
}

}  // namespace

Response GraphError(int status, int code, const std::string& details) {
  std::string message = absl::StrCat("(#", code, ") Error");
  std::string default_details;
  for (const KnownError& known : kKnownErrors) {
    if (known.code == code) {
      message = known.message;
      default_details = known.details;
    }
  }
  Json error{{"message", message}, {"type", "OAuthException"}, {"code", code}};
  const std::string& shown = details.empty() ? default_details : details;
  if (!shown.empty()) {
    error["error_data"] = Json{{"messaging_product", "whatsapp"}, {"details", shown}};
  }
  error["fbtrace_id"] = "AFakeGraphTrace";
  return JsonResponse(status, Json{{"error", error}});
}

FakeGraphApi::FakeGraphApi(std::string access_token) : access_token_(std::move(access_token)) {}

Response FakeGraphApi::Handle(const Request& request) {
  if (absl::StartsWith(request.path, "/_control/")) {
    if (request.path == "/_control/requests") {
      return request.method == "GET" ? ListRequests() : ControlError(405, "use GET");
    }
    if (request.path == "/_control/reset") {
      return request.method == "POST" ? Reset() : ControlError(405, "use POST");
    }
    if (request.path == "/_control/inject") {
      return request.method == "POST" ? Inject(request) : ControlError(405, "use POST");
    }
    return ControlError(404, "not found");
  }
  Response response = Graph(request);

  Json headers = Json::object();
  for (const char* name : {"authorization", "content-type", "user-agent"}) {
    if (auto value = request.Header(name)) headers[name] = *value;
  }
  Json record{{"method", request.method},
              {"path", request.path},
              {"query", request.query},
              {"headers", headers},
              {"body", request.body.substr(0, kMaxRecordedBody)},
              {"body_bytes", request.body.size()},
              {"status", response.status},
              {"received_at_ms", NowMs()}};
  const Json parsed = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) record["json"] = parsed;
  const Json answer = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_discarded()) record["response"] = answer;
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(std::move(record));
  return response;
}

void FakeGraphApi::ServerError(const Request&, Response& response) {
  const int status = response.status;
  const std::string reason(absl::StripAsciiWhitespace(response.body));
  response = GraphError(status, status >= 500 ? 1 : 100, reason);
}

Response FakeGraphApi::Graph(const Request& request) {
  // /{version}/{phone_number_id}/{messages|media}
  const std::vector<std::string> parts = absl::StrSplit(request.path, '/');
  const bool shaped = parts.size() == 4 && parts[0].empty() && parts[1].size() > 1 &&
                      parts[1][0] == 'v' && !parts[2].empty() &&
                      (parts[3] == "messages" || parts[3] == "media");
  if (!shaped) {
    return GraphError(400, 100,
                      absl::StrCat("Unsupported request: ", request.method, " ", request.path));
  }
  if (request.method != "POST") {
    return GraphError(400, 100, absl::StrCat("Unsupported ", request.method, " request."));
  }
  std::optional<Fault> fault;
  {
    // An injected fault applies to the next requests whatever they contain, as when the
    // platform itself throttles or fails: before authentication and validation.
    std::lock_guard<std::mutex> lock(mu_);
    if (!faults_.empty()) {
      fault = faults_.front();
      if (--faults_.front().remaining == 0) faults_.pop_front();
    }
  }
  Response response;
  if (fault && fault->status != 0) {
    response = GraphError(fault->status, fault->code);
    if (!fault->retry_after.empty())
      response.headers.emplace_back("Retry-After", fault->retry_after);
  } else {
    const std::string token = BearerToken(request);
    if (token.empty() || (!access_token_.empty() && token != access_token_)) {
      response = GraphError(401, 190);
      response.headers.emplace_back("WWW-Authenticate",
                                    "OAuth \"Facebook Platform\" \"invalid_token\"");
    } else {
      response = parts[3] == "messages" ? Messages(request) : Media(request);
    }
  }
  if (fault) response.delay = absl::Milliseconds(fault->delay_ms);
  return response;
}

Response FakeGraphApi::Messages(const Request& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return GraphError(400, 100, "The request body is not a JSON object.");
  if (!body.contains("messaging_product") || body["messaging_product"] != "whatsapp") {
    return GraphError(400, 100, "The parameter messaging_product is required (\"whatsapp\").");
  }
  if (body.contains("status")) {  // mark as read (with or without a typing indicator)
    if (body["status"] != "read") return GraphError(400, 100, "status must be \"read\".");
    if (!IsNonEmptyString(body, "message_id")) {
      return GraphError(400, 100, "The parameter message_id is required.");
    }
    return JsonResponse(200, Json{{"success", true}});
  }
  if (!IsNonEmptyString(body, "to")) return GraphError(400, 100, "The parameter to is required.");
  const std::string type = body.contains("type") && body["type"].is_string()
                               ? body["type"].get<std::string>()
                               : (body.contains("type") ? "" : "text");
  if (type != "text" && type != "interactive" && type != "document" && type != "template") {
    return GraphError(400, 100, "Unsupported message type.");
  }
  if (!IsObject(body, type.c_str())) {
    return GraphError(400, 100, absl::StrCat("The parameter ", type, " is required."));
  }
  const Json& content = body[type];
  if (type == "text" && !IsNonEmptyString(content, "body")) {
    return GraphError(400, 100, "The parameter text['body'] is required.");
  }
  if (type == "document" && !IsNonEmptyString(content, "id") &&
      !IsNonEmptyString(content, "link")) {
    return GraphError(400, 100, "A document needs an id or a link.");
  }
  if (type == "template" && !IsNonEmptyString(content, "name")) {
    return GraphError(400, 100, "The parameter template['name'] is required.");
  }
  if (type == "interactive" && !IsNonEmptyString(content, "type")) {
    return GraphError(400, 100, "The parameter interactive['type'] is required.");
  }
  const std::string to = body["to"].get<std::string>();
  std::string wa_id;
  for (char c : to) {
    if (c >= '0' && c <= '9') wa_id.push_back(c);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return JsonResponse(200, Json{{"messaging_product", "whatsapp"},
                                {"contacts", Json::array({Json{{"input", to}, {"wa_id", wa_id}}})},
                                {"messages", Json::array({Json{{"id", NextWamid()}}})}});
}

Response FakeGraphApi::Media(const Request& request) {
  const std::string content_type = request.Header("Content-Type").value_or("");
  const size_t at = content_type.find("boundary=");
  if (!absl::StartsWithIgnoreCase(content_type, "multipart/form-data") || at == std::string::npos) {
    return GraphError(400, 100, "Media must be uploaded as multipart/form-data.");
  }
  std::string boundary = content_type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
    boundary = boundary.substr(1, boundary.size() - 2);
  }
  if (MultipartField(request.body, boundary, "messaging_product") != "whatsapp") {
    return GraphError(400, 100, "The parameter messaging_product is required (\"whatsapp\").");
  }
  const std::optional<std::string> file = MultipartField(request.body, boundary, "file");
  if (!file || file->empty()) return GraphError(400, 100, "The parameter file is required.");
  std::lock_guard<std::mutex> lock(mu_);
  char id[24];
  std::snprintf(id, sizeof id, "10%06llu%08llu", static_cast<unsigned long long>(next_sequence_++),
                static_cast<unsigned long long>(random_() % 100000000ull));
  return JsonResponse(200, Json{{"id", id}});
}

std::string FakeGraphApi::NextWamid() {
  char raw[48];
  std::snprintf(raw, sizeof raw, "fake-%06llu-%016llx",
                static_cast<unsigned long long>(next_sequence_++),
                static_cast<unsigned long long>(random_()));
  return "wamid." + absl::Base64Escape(raw);
}

int64_t FakeGraphApi::PendingFaults() const {
  int64_t pending = 0;
  for (const Fault& f : faults_) pending += f.remaining;
  return pending;
}

Response FakeGraphApi::Inject(const Request& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return ControlError(400, "body must be a JSON object");
  Fault fault;
  if (body.contains("status")) {
    const Json& status = body["status"];
    if (!status.is_number_integer() || status.get<int64_t>() < 400 || status.get<int64_t>() > 599) {
      return ControlError(400, "\"status\" must be an integer from 400 to 599");
    }
    fault.status = status.get<int>();
    fault.code = DefaultCode(fault.status);
  }
  if (body.contains("code")) {
    if (!body["code"].is_number_integer() || body["code"].get<int64_t>() < 1) {
      return ControlError(400, "\"code\" must be a positive integer");
    }
    if (fault.status == 0) return ControlError(400, "\"code\" needs a \"status\"");
    fault.code = body["code"].get<int>();
  }
  if (body.contains("retry_after")) {
    const Json& retry_after = body["retry_after"];
    if (retry_after.is_string()) {
      fault.retry_after = retry_after.get<std::string>();
    } else if (retry_after.is_number_unsigned()) {
      fault.retry_after = std::to_string(retry_after.get<uint64_t>());
    } else {
      return ControlError(400, "\"retry_after\" must be a string or a non-negative integer");
    }
    if (fault.status == 0) return ControlError(400, "\"retry_after\" needs a \"status\"");
  }
  if (body.contains("delay_ms")) {
    const Json& delay = body["delay_ms"];
    if (!delay.is_number_integer() || delay.get<int64_t>() < 0 || delay.get<int64_t>() > 600000) {
      return ControlError(400, "\"delay_ms\" must be an integer from 0 to 600000");
    }
    fault.delay_ms = delay.get<int64_t>();
  }
  if (fault.status == 0 && fault.delay_ms == 0) {
    return ControlError(400, "give a \"status\" (400-599), a \"delay_ms\", or both");
  }
  if (body.contains("count")) {
    const Json& count = body["count"];
    if (!count.is_number_integer() || count.get<int64_t>() < 1) {
      return ControlError(400, "\"count\" must be a positive integer");
    }
    fault.remaining = count.get<int64_t>();
  }
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(fault);
  return JsonResponse(200, Json{{"pending_faults", PendingFaults()}});
}

Response FakeGraphApi::ListRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  return JsonResponse(200, requests_);
}

Response FakeGraphApi::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_ = Json::array();
  faults_.clear();
  return JsonResponse(200, Json{{"reset", true}});
}

}  // namespace lindungi::fake_graph_api

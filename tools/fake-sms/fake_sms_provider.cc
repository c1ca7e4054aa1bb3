#include "fake_sms_provider.h"

#include <boost/beast/http/status.hpp>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace lindungi::fake_sms {
namespace {

// Insertion-ordered, so answers read in the order the wire format lists the fields.
using Json = nlohmann::ordered_json;

// Never throws, even on invalid UTF-8 (which only a query string could carry).
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Response JsonReply(int status, const Json& body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = Dump(body);
  return response;
}

Response MethodNotAllowed(std::string_view allow) {
  Response response = ErrorReply(405, "method not allowed");
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

std::string ReasonPhrase(int status) {
  namespace http = boost::beast::http;
  const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
  return std::string(reason.data(), reason.size());
}

// The key of an `Authorization: Bearer <key>` header; empty when absent or another scheme.
std::string_view BearerKey(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  }
  std::string_view key = header.substr(kScheme.size());
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  return key;
}

// E.164: '+' then 1 to 15 digits.
bool IsE164(std::string_view to) {
  if (to.size() < 2 || to.size() > 16 || to[0] != '+') return false;
  for (char c : to.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first run of exactly six ASCII digits (not part of a longer run).
std::optional<std::string> FindCode(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && IsDigit(text[end])) ++end;
    if (end - i == 6) return std::string(text.substr(i, 6));
    i = end;
  }
  return std::nullopt;
}

// Rejected requests are never recorded, so authorization_ok is always true.
Json ToJson(const FakeSmsProvider::Message& m) {
  return Json{{"id", m.id},
              {"to", m.to},
              {"message", m.text},
              {"received_at_ms", m.received_at_ms},
              {"authorization_ok", true}};
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Response ErrorReply(int status, std::string_view message) {
  return JsonReply(status, Json{{"error", message}});
}

FakeSmsProvider::FakeSmsProvider(std::string send_path, std::string api_key, std::ostream* record)
    : send_path_(std::move(send_path)), api_key_(std::move(api_key)), record_(record) {}

Response FakeSmsProvider::Handle(const Request& request) {
  const std::string_view path = request.path;
  const std::string_view query = request.query;
  const std::string& method = request.method;

  if (path == send_path_) {
    if (method == "POST") return Send(request);
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
    return MethodNotAllowed("POST");
  }
  if (path == "/_fake/messages") {
    return method == "GET" ? ListMessages(query) : MethodNotAllowed("GET");
  }
  if (path == "/_fake/last_code") {
    return method == "GET" ? LastCode(query) : MethodNotAllowed("GET");
  }
  if (path == "/_fake/stats") {
    return method == "GET" ? Stats() : MethodNotAllowed("GET");
  }
  if (path == "/_fake/fail") {
    return method == "POST" ? InjectFailure(request) : MethodNotAllowed("POST");
  }
  if (path == "/_fake/reset") {
    return method == "POST" ? Reset() : MethodNotAllowed("POST");
  }
  return ErrorReply(404, "not found");
}

void FakeSmsProvider::ServerError(const Request& partial_request, Response& response) {
  if (response.status == 413 && partial_request.path == send_path_) {
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
  }
  const int status = response.status;
  response = ErrorReply(status, status == 413   ? "payload too large"
                                : status == 400 ? "malformed HTTP request"
                                                : ReasonPhrase(status));
}

Response FakeSmsProvider::Send(const Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  // An injected failure applies to the next sends whatever they contain, as when the provider
  // itself is down: it comes before authentication and validation.
  std::chrono::milliseconds delay{0};
  if (!failures_.empty()) {
    const FailureRule rule = failures_.front();
    if (--failures_.front().remaining == 0) failures_.pop_front();
    ++injected_failures_;
    if (rule.close) {
      Response response;
      response.hang_up = true;
      response.delay = absl::FromChrono(rule.delay);
      return response;
    }
    if (rule.status != 0) {
      Response response;
      if (rule.body.empty()) {
        response = ErrorReply(rule.status, ReasonPhrase(rule.status));
      } else {
        response.status = rule.status;
        response.content_type =
            Json::accept(rule.body) ? "application/json" : "text/plain; charset=utf-8";
        response.body = rule.body;
      }
      if (!rule.retry_after.empty()) response.headers.emplace_back("Retry-After", rule.retry_after);
      response.delay = absl::FromChrono(rule.delay);
      return response;
    }
    delay = rule.delay;  // mode "delay": a normal answer, late (the message is recorded now)
  }
  Response response = Accept(request);
  if (response.status == 200) {
    ++accepted_;
  } else {
    ++rejected_;
  }
  response.delay = absl::FromChrono(delay);
  return response;
}

Response FakeSmsProvider::Accept(const Request& request) {
  const std::string authorization = request.Header("Authorization").value_or("");
  const std::string_view key = BearerKey(authorization);
  if (key.empty() || (!api_key_.empty() && key != api_key_)) {
    Response response = ErrorReply(401, "unauthorized");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return ErrorReply(400, "body is not valid JSON");
  if (!body.is_object()) return ErrorReply(400, "body must be a JSON object");
  const auto to = body.find("to");
  if (to == body.end() || !to->is_string()) return ErrorReply(400, "\"to\" must be a string");
  const auto text = body.find("message");
  if (text == body.end() || !text->is_string()) {
    return ErrorReply(400, "\"message\" must be a string");
  }
  const std::string& to_number = to->get_ref<const std::string&>();
  if (to_number.empty() || to_number[0] != '+') {
    return ErrorReply(400, "\"to\" must start with '+' (E.164)");
  }
  if (!IsE164(to_number)) return ErrorReply(400, "\"to\" must be '+' and 1 to 15 digits");
  if (text->get_ref<const std::string&>().empty()) {
    return ErrorReply(400, "\"message\" must not be empty");
  }

  char id[40];
  std::snprintf(id, sizeof id, "fake-%06llu-%08x",
                static_cast<unsigned long long>(next_sequence_++),
                static_cast<unsigned>(random_() & 0xffffffffu));
  messages_.push_back({id, to_number, text->get<std::string>(), NowMs()});
  if (record_ != nullptr) {
    *record_ << Dump(ToJson(messages_.back())) << '\n' << std::flush;
  }
  return JsonReply(200, Json{{"id", id}, {"status", "queued"}});
}

Response FakeSmsProvider::ListMessages(std::string_view query) {
  const std::optional<std::string> to =
      httpserver::QueryParam(absl::string_view(query.data(), query.size()), "to");
  Json list = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  for (const Message& m : messages_) {
    if (to && m.to != *to) continue;
    list.push_back(ToJson(m));
  }
  return JsonReply(200, list);
}

Response FakeSmsProvider::LastCode(std::string_view query) {
  const std::optional<std::string> to =
      httpserver::QueryParam(absl::string_view(query.data(), query.size()), "to");
  if (!to || to->empty()) return ErrorReply(400, "query parameter \"to\" is required");
  std::lock_guard<std::mutex> lock(mu_);
  for (auto m = messages_.rbegin(); m != messages_.rend(); ++m) {
    if (m->to != *to) continue;
    const std::optional<std::string> code = FindCode(m->text);
    if (!code) return ErrorReply(404, "no 6-digit code in the last message to that number");
    return JsonReply(200, Json{{"code", *code}});
  }
  return ErrorReply(404, "no message to that number");
}

Response FakeSmsProvider::InjectFailure(const Request& request) {
  const Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return ErrorReply(400, "body must be a JSON object");
  FailureRule rule;
  std::string mode = body.contains("status") ? "status" : "";
  if (body.contains("mode"))
    mode = body["mode"].is_string() ? body["mode"].get<std::string>() : "?";
  if (mode != "status" && mode != "close" && mode != "delay") {
    return ErrorReply(400,
                      "\"mode\" must be \"status\", \"close\" or \"delay\" (or give \"status\")");
  }
  rule.close = mode == "close";
  if (body.contains("status")) {
    const Json& status = body["status"];
    if (!status.is_number_integer() || status.get<int64_t>() < 400 || status.get<int64_t>() > 599) {
      return ErrorReply(400, "\"status\" must be an integer from 400 to 599");
    }
    rule.status = status.get<unsigned>();
  } else if (mode == "status") {
    return ErrorReply(400, "\"status\" is required");
  }
  if (body.contains("count")) {
    const Json& count = body["count"];
    if (!count.is_number_integer() || count.get<int64_t>() < 1) {
      return ErrorReply(400, "\"count\" must be a positive integer");
    }
    rule.remaining = count.get<int64_t>();
  }
  if (body.contains("delay_ms")) {
    const Json& delay = body["delay_ms"];
    if (!delay.is_number_integer() || delay.get<int64_t>() < 0 || delay.get<int64_t>() > 600000) {
      return ErrorReply(400, "\"delay_ms\" must be an integer from 0 to 600000");
    }
    rule.delay = std::chrono::milliseconds(delay.get<int64_t>());
  } else if (mode == "delay") {
    return ErrorReply(400, "\"delay_ms\" is required in mode \"delay\"");
  }
  if (body.contains("body")) {
    if (!body["body"].is_string()) return ErrorReply(400, "\"body\" must be a string");
    rule.body = body["body"].get<std::string>();
  }
  if (body.contains("retry_after")) {
    const Json& retry_after = body["retry_after"];
    if (retry_after.is_string()) {
      rule.retry_after = retry_after.get<std::string>();
    } else if (retry_after.is_number_unsigned()) {
      rule.retry_after = std::to_string(retry_after.get<uint64_t>());
    } else {
      return ErrorReply(400, "\"retry_after\" must be a string or a non-negative integer");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  failures_.push_back(std::move(rule));
  int64_t pending = 0;
  for (const FailureRule& r : failures_) pending += r.remaining;
  return JsonReply(200, Json{{"pending_failures", pending}});
}

Response FakeSmsProvider::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  messages_.clear();
  failures_.clear();
  accepted_ = rejected_ = injected_failures_ = 0;
  return JsonReply(200, Json{{"reset", true}});
}

Response FakeSmsProvider::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t pending = 0;
  for (const FailureRule& r : failures_) pending += r.remaining;
  return JsonReply(200, Json{{"accepted", accepted_},
                             {"rejected", rejected_},
                             {"injected_failures", injected_failures_},
                             {"pending_failures", pending}});
}

}  // namespace lindungi::fake_sms

#include "fake_sms_provider.h"

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace lindungi::fake_sms {
namespace {

// Insertion-ordered, so answers read in the order the wire format lists the fields.
using Json = nlohmann::ordered_json;

std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

// Never throws, even on invalid UTF-8 (which only a query string could carry).
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Reply JsonReply(unsigned status, const Json& body) {
  Reply reply;
  reply.response.result(status);
  reply.response.set(http::field::content_type, "application/json");
  reply.response.body() = Dump(body);
  return reply;
}

Reply MethodNotAllowed(std::string_view allow) {
  Reply reply = ErrorReply(405, "method not allowed");
  reply.response.set(http::field::allow, boost::beast::string_view(allow.data(), allow.size()));
  return reply;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes, but keeps '+' as '+' rather than a space: `?to=+62…` is how people type it.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
    }
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return std::nullopt;
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

Reply ErrorReply(unsigned status, std::string_view message) {
  return JsonReply(status, Json{{"error", message}});
}

FakeSmsProvider::FakeSmsProvider(std::string send_path, std::string api_key, std::ostream* record)
    : send_path_(std::move(send_path)), api_key_(std::move(api_key)), record_(record) {}

Reply FakeSmsProvider::Handle(const Request& request) {
  const std::string_view target = View(request.target());
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const http::verb method = request.method();

  if (path == send_path_) {
    if (method == http::verb::post) return Send(request);
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
    return MethodNotAllowed("POST");
  }
  if (path == "/_fake/messages") {
    return method == http::verb::get ? ListMessages(query) : MethodNotAllowed("GET");
  }
  if (path == "/_fake/last_code") {
    return method == http::verb::get ? LastCode(query) : MethodNotAllowed("GET");
  }
  if (path == "/_fake/stats") {
    return method == http::verb::get ? Stats() : MethodNotAllowed("GET");
  }
  if (path == "/_fake/fail") {
    return method == http::verb::post ? InjectFailure(request) : MethodNotAllowed("POST");
  }
  if (path == "/_fake/reset") {
    return method == http::verb::post ? Reset() : MethodNotAllowed("POST");
  }
  return ErrorReply(404, "not found");
}

Reply FakeSmsProvider::PayloadTooLarge(const Request& partial_request) {
  const std::string_view target = View(partial_request.target());
  if (target.substr(0, target.find('?')) == send_path_) {
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
  }
  return ErrorReply(413, "payload too large");
}

Reply FakeSmsProvider::Send(const Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  // An injected failure applies to the next sends whatever they contain, as when the provider
  // itself is down: it comes before authentication and validation.
  std::chrono::milliseconds delay{0};
  if (!failures_.empty()) {
    const FailureRule rule = failures_.front();
    if (--failures_.front().remaining == 0) failures_.pop_front();
    ++injected_failures_;
    if (rule.close) {
      Reply reply;
      reply.close_without_answer = true;
      reply.delay = rule.delay;
      return reply;
    }
    if (rule.status != 0) {
      Reply reply;
      if (rule.body.empty()) {
        reply =
            ErrorReply(rule.status, View(http::obsolete_reason(http::int_to_status(rule.status))));
      } else {
        reply.response.result(rule.status);
        reply.response.set(http::field::content_type, Json::accept(rule.body)
                                                          ? "application/json"
                                                          : "text/plain; charset=utf-8");
        reply.response.body() = rule.body;
      }
      if (!rule.retry_after.empty()) reply.response.set(http::field::retry_after, rule.retry_after);
      reply.delay = rule.delay;
      return reply;
    }
    delay = rule.delay;  // mode "delay": a normal answer, late (the message is recorded now)
  }
  Reply reply = Accept(request);
  if (reply.response.result_int() == 200) {
    ++accepted_;
  } else {
    ++rejected_;
  }
  reply.delay = delay;
  return reply;
}

Reply FakeSmsProvider::Accept(const Request& request) {
  const std::string_view key = BearerKey(View(request[http::field::authorization]));
  if (key.empty() || (!api_key_.empty() && key != api_key_)) {
    Reply reply = ErrorReply(401, "unauthorized");
    reply.response.set(http::field::www_authenticate, "Bearer");
    return reply;
  }
  const Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
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

Reply FakeSmsProvider::ListMessages(std::string_view query) {
  const std::optional<std::string> to = QueryParam(query, "to");
  Json list = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  for (const Message& m : messages_) {
    if (to && m.to != *to) continue;
    list.push_back(ToJson(m));
  }
  return JsonReply(200, list);
}

Reply FakeSmsProvider::LastCode(std::string_view query) {
  const std::optional<std::string> to = QueryParam(query, "to");
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

Reply FakeSmsProvider::InjectFailure(const Request& request) {
  const Json body = Json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
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

Reply FakeSmsProvider::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  messages_.clear();
  failures_.clear();
  accepted_ = rejected_ = injected_failures_ = 0;
  return JsonReply(200, Json{{"reset", true}});
}

Reply FakeSmsProvider::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t pending = 0;
  for (const FailureRule& r : failures_) pending += r.remaining;
  return JsonReply(200, Json{{"accepted", accepted_},
                             {"rejected", rejected_},
                             {"injected_failures", injected_failures_},
                             {"pending_failures", pending}});
}

}  // namespace lindungi::fake_sms

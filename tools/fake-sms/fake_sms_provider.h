#pragma once

// The fake SMS provider's state and request routing, free of sockets: http_server.cc feeds it
// parsed requests and carries out the Reply (answer, answer late, or hang up).
// Wire format and control API: README.md next to this file.

#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace lindungi::fake_sms {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// What the connection does with one request.
struct Reply {
  Response response;
  bool close_without_answer = false;   // injected "close" failure: hang up instead of answering
  std::chrono::milliseconds delay{0};  // wait this long before answering (or hanging up)
};

// A reply with a JSON body `{"error":"<message>"}`.
Reply ErrorReply(unsigned status, std::string_view message);

class FakeSmsProvider {
 public:
  // One accepted message, as GET /_fake/messages and --record_file show it.
  struct Message {
    std::string id;
    std::string to;
    std::string text;
    int64_t received_at_ms;
  };

  // Larger request bodies are answered 413 without being read.
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  // `api_key` empty: any non-empty Bearer key is accepted. `record` (may be null) receives each
  // accepted message as one JSON line.
  FakeSmsProvider(std::string send_path, std::string api_key, std::ostream* record);

  Reply Handle(const Request& request);

  // The body went over kMaxBodyBytes; only the request line and some headers were parsed.
  Reply PayloadTooLarge(const Request& partial_request);

 private:
  // One POST /_fake/fail: the next `remaining` sends get this instead of the normal answer.
  struct FailureRule {
    unsigned status = 0;  // 0: no error status (mode "close", or "delay" alone)
    std::string body;
    std::string retry_after;
    bool close = false;
    std::chrono::milliseconds delay{0};
    int64_t remaining = 1;
  };

  Reply Send(const Request& request);
  Reply Accept(const Request& request);  // the provider's normal answer; requires mu_
  Reply ListMessages(std::string_view query);
  Reply LastCode(std::string_view query);
  Reply InjectFailure(const Request& request);
  Reply Reset();
  Reply Stats();

  const std::string send_path_;
  const std::string api_key_;
  std::ostream* const record_;

  std::mutex mu_;
  std::vector<Message> messages_;
  std::deque<FailureRule> failures_;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  uint64_t injected_failures_ = 0;
  uint64_t next_sequence_ = 1;  // not reset, so ids stay unique for the life of the process
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace lindungi::fake_sms

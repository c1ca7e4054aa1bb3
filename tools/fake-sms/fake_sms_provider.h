#pragma once

// The fake SMS provider's state and request routing, free of sockets: libs/httpserver feeds it
// parsed requests and carries out the Response (answer, answer late, or hang up).
// Wire format and control API: README.md next to this file.

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lindungi/httpserver/server.h"

namespace lindungi::fake_sms {

using httpserver::Request;
using httpserver::Response;

// A response with a JSON body `{"error":"<message>"}`.
Response ErrorReply(int status, std::string_view message);

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

  Response Handle(const Request& request);

  // Shapes the answers the server makes itself (413 for a body over kMaxBodyBytes, 400, 408,
  // ...) as JSON errors, and counts a 413 on the send path as rejected (httpserver::ErrorHook).
  void ServerError(const Request& partial_request, Response& response);

 private:
  // One POST /_fake/fail: the next `remaining` sends get this instead of the normal answer.
  struct FailureRule {
    int status = 0;  // 0: no error status (mode "close", or "delay" alone)
    std::string body;
    std::string retry_after;
    bool close = false;
    std::chrono::milliseconds delay{0};
    int64_t remaining = 1;
  };

  Response Send(const Request& request);
  Response Accept(const Request& request);  // the provider's normal answer; requires mu_
  Response ListMessages(std::string_view query);
  Response LastCode(std::string_view query);
  Response InjectFailure(const Request& request);
  Response Reset();
  Response Stats();

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

#pragma once

// The fake WhatsApp Cloud API's state and request routing, free of sockets: libs/httpserver feeds
// it parsed requests. Wire format and control API: README.md next to this file.

#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "lindungi/httpserver/server.h"
#include "nlohmann/json.hpp"

namespace lindungi::fake_graph_api {

using httpserver::Request;
using httpserver::Response;

// The Graph API's error body: {"error":{"message","type","code","error_data","fbtrace_id"}}.
Response GraphError(int status, int code, const std::string& details = "");

class FakeGraphApi {
 public:
  // Documents go up to 100 MB; anything larger is answered 413 by the server.
  static constexpr size_t kMaxBodyBytes = 101 * 1024 * 1024;
  // Recorded bodies are cut here (`body_bytes` keeps the real size).
  static constexpr size_t kMaxRecordedBody = 64 * 1024;

  // `access_token` empty: any non-empty Bearer token is accepted.
  explicit FakeGraphApi(std::string access_token);

  Response Handle(const Request& request);
  // Shapes the server's own answers (400, 408, 413, 431, ...) as Graph errors.
  void ServerError(const Request& partial_request, Response& response);

 private:
  // One queued fault from POST /_control/inject.
  struct Fault {
    int status = 0;  // 0: no error, only the delay
    int code = 0;
    std::string retry_after;
    int64_t delay_ms = 0;
    int64_t remaining = 1;
  };

  Response Graph(const Request& request);  // /{version}/{phone_number_id}/{messages,media}
  Response Messages(const Request& request);
  Response Media(const Request& request);
  Response Inject(const Request& request);
  Response ListRequests();
  Response Reset();
  std::string NextWamid();        // requires mu_
  int64_t PendingFaults() const;  // requires mu_

  const std::string access_token_;
  std::mutex mu_;
  nlohmann::ordered_json requests_ = nlohmann::ordered_json::array();
  std::deque<Fault> faults_;
  uint64_t next_sequence_ = 1;  // not reset, so ids stay unique for the life of the process
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace lindungi::fake_graph_api

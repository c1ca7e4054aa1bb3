#pragma once

// Outbound HTTP/1.1 (and HTTPS) on libcurl for third-party APIs (SMS provider, Graph API).
// Connections are kept alive and reused: each pooled handle keeps its connection cache.
// Transport failures are absl::Status (UNAVAILABLE, DEADLINE_EXCEEDED); any HTTP answer,
// including 4xx and 5xx, is a Response for the caller to judge.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lindungi::http {

struct Request {
  std::string method = "GET";                                // GET, POST, ...
  std::string url;                                           // absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  std::string body;                                          // request body, if any
  absl::Duration timeout = absl::Seconds(10);                // whole request, connect included
};

struct Response {
  long status = 0;                             // HTTP status code
  std::map<std::string, std::string> headers;  // lower-cased names, last value wins
  std::string body;
};

class HttpClient {
 public:
  // `max_idle` handles (and so kept-alive connections) are kept for reuse.
  explicit HttpClient(int max_idle = 16);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors: UNAVAILABLE when the request certainly did not reach the server (the name did not
  // resolve, the connection or TLS handshake failed: safe to retry); DEADLINE_EXCEEDED when it
  // timed out, UNKNOWN when the connection failed after the request went out (the server may
  // have acted on it: retrying could do it twice).
  absl::StatusOr<Response> Send(const Request& request);

 private:
  void* Acquire();
  void Release(void* handle);

  const int max_idle_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

// Retry-After as a delay: delta-seconds only (HTTP dates are treated as absent).
absl::Duration RetryAfter(const Response& response, absl::Duration fallback);

}  // namespace lindungi::http

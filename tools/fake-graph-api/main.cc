// fake-graph-api: a stand-in for the WhatsApp Cloud API (Meta's Graph API) that the gateway sends
// replies through, with a control API to read what it received and to inject the platform's
// faults. See README.md next to this file.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "fake_graph_api.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/httpserver/server.h"

ABSL_FLAG(int32_t, port, 0,
          "TCP port to listen on; 0 picks a free port. Either way the bound "
          "port is printed on stdout as {\"listening\":\"<bind>\",\"port\":N}.");
ABSL_FLAG(std::string, bind, "127.0.0.1", "IP address to listen on (IPv4 or IPv6).");
ABSL_FLAG(std::string, access_token_file, "",
          "File holding the access token expected in 'Authorization: Bearer <token>' (trailing "
          "newline trimmed). Without it, any non-empty Bearer token is accepted.");

namespace {

// Enough for a test suite; injected delays are timers, so no thread is ever blocked.
constexpr int kThreads = 2;

[[noreturn]] void Fail(const std::string& reason) {
  std::cerr << "fake-graph-api: " << reason << std::endl;
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "fake-graph-api",
      "A fake WhatsApp Cloud API for tests and local runs: POST /{version}/{phone_number_id}/"
      "messages and /media with 'Authorization: Bearer <token>', plus a control API under "
      "/_control/ (see tools/fake-graph-api/README.md).");

  const int32_t port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) Fail("--port must be from 0 to 65535");
  const std::string bind = absl::GetFlag(FLAGS_bind);
  const std::string token_file = absl::GetFlag(FLAGS_access_token_file);
  std::string token;
  if (!token_file.empty()) {
    absl::StatusOr<std::string> read =
        lindungi::config::ReadSecretFile(token_file, "--access_token_file");
    if (!read.ok()) Fail(std::string(read.status().message()));
    token = *std::move(read);
  }
  lindungi::fake_graph_api::FakeGraphApi api(token);

  namespace httpserver = lindungi::httpserver;
  httpserver::Options options;
  options.bind = bind;
  options.port = port;
  options.threads = kThreads;
  options.max_body_bytes = lindungi::fake_graph_api::FakeGraphApi::kMaxBodyBytes;
  options.read_timeout = absl::Seconds(60);  // a 100 MB upload on a slow link
  options.error_hook = [&api](const httpserver::Request& partial, httpserver::Response& r) {
    api.ServerError(partial, r);
  };
  return httpserver::ServeUntilSignalled(
      "fake-graph-api", options,
      [&api](httpserver::Request&& request, httpserver::Respond respond) {
        respond(api.Handle(request));
      });
}

// fake-sms: a stand-in for the HTTP SMS provider that otp-service sends one-time codes through,
// with a control API to read what it received and to inject the provider's failures.
// See README.md next to this file.

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "fake_sms_provider.h"
#include "lindungi/config/command_line.h"
#include "lindungi/config/config.h"
#include "lindungi/httpserver/server.h"

ABSL_FLAG(int32_t, port, 0,
          "TCP port to listen on; 0 picks a free port. Either way the bound "
          "port is printed on stdout as {\"listening\":\"<bind>\",\"port\":N}.");
ABSL_FLAG(std::string, bind, "127.0.0.1", "IP address to listen on (IPv4 or IPv6).");
ABSL_FLAG(std::string, api_key_file, "",
          "File holding the API key expected in 'Authorization: Bearer <key>' (trailing newline "
          "trimmed). Without it, any non-empty Bearer key is accepted.");
ABSL_FLAG(std::string, path, "/v1/messages", "Path at which messages are POSTed.");
ABSL_FLAG(std::string, record_file, "",
          "If set, every accepted message is appended to this file as one JSON line.");

namespace {

// The server's threads: enough for a test suite; delays are timers, so none is ever blocked.
constexpr int kThreads = 2;
// Reading a request, idling between keep-alive requests, writing an answer.
constexpr absl::Duration kIoTimeout = absl::Seconds(30);

[[noreturn]] void Fail(const std::string& reason) {
  std::cerr << "fake-sms: " << reason << std::endl;
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  lindungi::config::ParseCommandLineOrExit(
      argc, argv, "fake-sms",
      "A fake HTTP SMS provider for tests and local runs: POST <path> {\"to\",\"message\"} with "
      "'Authorization: Bearer <key>', plus a control API under /_fake/ (see "
      "tools/fake-sms/README.md).");

  const int32_t port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) Fail("--port must be from 0 to 65535");
  const std::string bind = absl::GetFlag(FLAGS_bind);
  const std::string path = absl::GetFlag(FLAGS_path);
  if (path.empty() || path[0] != '/' || path.find('?') != std::string::npos ||
      path.rfind("/_fake/", 0) == 0) {
    Fail("--path must start with '/', have no query and not be under /_fake/");
  }
  const std::string api_key_file = absl::GetFlag(FLAGS_api_key_file);
  std::string api_key;
  if (!api_key_file.empty()) {
    absl::StatusOr<std::string> read =
        lindungi::config::ReadSecretFile(api_key_file, "--api_key_file");
    if (!read.ok()) Fail(std::string(read.status().message()));
    api_key = *std::move(read);
  }
  const std::string record_file = absl::GetFlag(FLAGS_record_file);
  std::ofstream record;
  if (!record_file.empty()) {
    record.open(record_file, std::ios::app);
    if (!record) Fail("cannot open --record_file " + record_file + " for appending");
  }

  lindungi::fake_sms::FakeSmsProvider provider(path, api_key,
                                               record_file.empty() ? nullptr : &record);
  namespace httpserver = lindungi::httpserver;
  httpserver::Options options;
  options.bind = bind;
  options.port = port;
  options.threads = kThreads;
  options.max_body_bytes = lindungi::fake_sms::FakeSmsProvider::kMaxBodyBytes;
  options.read_timeout = options.idle_timeout = options.write_timeout = kIoTimeout;
  // Injected delays are up to 10 minutes; the handler itself always answers at once.
  options.error_hook = [&provider](const httpserver::Request& partial, httpserver::Response& r) {
    provider.ServerError(partial, r);
  };
  return httpserver::ServeUntilSignalled(
      "fake-sms", options, [&provider](httpserver::Request&& request, httpserver::Respond respond) {
        respond(provider.Handle(request));
      });
}

// fake-sms: a stand-in for the HTTP SMS provider that otp-service sends one-time codes through,
// with a control API to read what it received and to inject the provider's failures.
// See README.md next to this file.

#include <pthread.h>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/flags/flag.h"
#include "fake_sms_provider.h"
#include "lindungi/config/command_line.h"
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

std::string ReadApiKey(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) Fail("cannot read --api_key_file " + file);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.empty()) Fail("--api_key_file " + file + " is empty");
  return key;
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
  const std::string api_key = api_key_file.empty() ? "" : ReadApiKey(api_key_file);
  const std::string record_file = absl::GetFlag(FLAGS_record_file);
  std::ofstream record;
  if (!record_file.empty()) {
    record.open(record_file, std::ios::app);
    if (!record) Fail("cannot open --record_file " + record_file + " for appending");
  }

  lindungi::fake_sms::FakeSmsProvider provider(path, api_key,
                                               record_file.empty() ? nullptr : &record);
  // Blocked before the server's threads start (they inherit the mask), then awaited below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

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
  auto server = httpserver::Server::Start(
      options, [&provider](httpserver::Request&& request, httpserver::Respond respond) {
        respond(provider.Handle(request));
      });
  if (!server.ok()) Fail(std::string(server.status().message()));

  // The one line a test harness waits for; everything else goes to stderr.
  std::cout << nlohmann::ordered_json{{"listening", bind}, {"port", (*server)->port()}}.dump()
            << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  (*server)->Stop();
  return 0;
}

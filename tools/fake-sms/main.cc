// fake-sms: a stand-in for the HTTP SMS provider that otp-service sends one-time codes through,
// with a control API to read what it received and to inject the provider's failures.
// See README.md next to this file.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "fake_sms_provider.h"
#include "http_server.h"
#include "lindungi/config/command_line.h"

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
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(bind, ec);
  if (ec) Fail("--bind " + bind + " is not an IP address");
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

  // Declared before `io` so that it outlives the connections that `io` owns.
  lindungi::fake_sms::FakeSmsProvider provider(path, api_key,
                                               record_file.empty() ? nullptr : &record);
  boost::asio::io_context io(kThreads);
  unsigned short bound_port = 0;
  try {
    bound_port =
        lindungi::fake_sms::Serve(io, {address, static_cast<unsigned short>(port)}, provider);
  } catch (const boost::system::system_error& e) {
    Fail("cannot listen on " + bind + ":" + std::to_string(port) + ": " + e.code().message());
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });

  // The one line a test harness waits for; everything else goes to stderr.
  std::cout << nlohmann::ordered_json{{"listening", bind}, {"port", bound_port}}.dump()
            << std::endl;

  std::vector<std::thread> threads;
  for (int i = 1; i < kThreads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& t : threads) t.join();
  return 0;
}

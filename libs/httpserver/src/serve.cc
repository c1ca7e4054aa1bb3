#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "lindungi/httpserver/server.h"

namespace lindungi::httpserver {

int ServeUntilSignalled(absl::string_view program, Options options, Handler handler) {
  // Blocked before the server's threads start (they inherit the mask), then awaited below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const std::string bind = options.bind;
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(std::move(options), std::move(handler));
  if (!server.ok()) {
    std::cerr << program << ": " << server.status().message() << std::endl;
    return 1;
  }
  std::cout << nlohmann::ordered_json{{"listening", bind}, {"port", (*server)->port()}}.dump()
            << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  (*server)->Stop();
  return 0;
}

}  // namespace lindungi::httpserver

#include "lindungi/server/process.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lindungi/config/command_line.h"
#include "lindungi/log/log.h"

ABSL_FLAG(std::string, log_level, "info", "Lowest level logged: debug, info, warn or error");
ABSL_FLAG(std::string, env, "development",
          "development or production; production refuses development-only settings");

namespace lindungi::server {

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

ProcessInfo InitProcess(int argc, char** argv, absl::string_view program, absl::string_view service,
                        absl::string_view usage) {
  BlockTerminationSignals();
  std::signal(SIGPIPE, SIG_IGN);
  // Debian's absl checks every Mutex acquisition order for deadlock cycles (gRPC locks a lot);
  // that bookkeeping cost several per cent of a request, for a check meant for debug builds.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  config::ParseCommandLineOrExit(argc, argv, program, usage);
  log::Level level;
  if (!log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    config::ExitBadConfig(
        program, absl::InvalidArgumentError("--log_level must be debug, info, warn or error"));
  }
  absl::StatusOr<config::Env> env = config::ParseEnv(absl::GetFlag(FLAGS_env));
  if (!env.ok()) config::ExitBadConfig(program, env.status());
  log::Configure(service, level);
  return ProcessInfo{std::string(program), *env};
}

}  // namespace lindungi::server

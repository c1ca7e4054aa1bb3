#include "lindungi/server/process.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lindungi/log/log.h"

ABSL_FLAG(std::string, log_level, "info", "Lowest level logged: debug, info, warn or error");
ABSL_FLAG(std::string, env, "development",
          "development or production; production refuses development-only settings");

namespace lindungi::server {
namespace {

constexpr absl::string_view kSourceRoots[] = {"libs/", "services/", "tools/", "bench/"};

// --help lists the flags defined in Lindungi's own sources, plus absl's --flagfile family. absl
// hands this filter the file name after normalize_filename (ShortFileName) has run.
bool IsLindungiFlagFile(absl::string_view file) {
  for (absl::string_view root : kSourceRoots) {
    if (absl::StartsWith(file, root) || absl::StrContains(file, absl::StrCat("/", root))) {
      return true;
    }
  }
  return absl::StrContains(file, "absl/flags/parse.cc");
}

std::string ShortFileName(absl::string_view file) {
  for (absl::string_view root : kSourceRoots) {
    if (size_t at = file.find(absl::StrCat("/", root)); at != absl::string_view::npos) {
      return std::string(file.substr(at + 1));
    }
  }
  return std::string(file);
}

}  // namespace

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

  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsLindungiFlagFile;
  usage_config.contains_helpshort_flags = IsLindungiFlagFile;
  usage_config.normalize_filename = ShortFileName;
  usage_config.version_string = [program] { return absl::StrCat(program, " (Lindungi)\n"); };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      absl::StrCat(usage, "\n\nUsage: ", program, " [--flag=value ...] [--flagfile=FILE]"));

  // absl 20220623 exits with status 1 after --help; a help request is not an error.
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "-help") {
      absl::flags_internal::SetFlagsHelpMode(absl::flags_internal::HelpMode::kImportant);
      absl::flags_internal::HandleUsageFlags(std::cout, absl::ProgramUsageMessage());
      std::exit(0);
    }
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    config::ExitBadConfig(program, absl::InvalidArgumentError(absl::StrCat(
                                       "unexpected argument \"", positional[1],
                                       "\" (flags look like --name=value; see --help)")));
  }
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

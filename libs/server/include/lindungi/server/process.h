#pragma once

// Start-up common to every Lindungi binary: flags (with --help listing every Lindungi flag and
// --flagfile), the JSON logger, and signals (SIGTERM/SIGINT are blocked in every thread so that
// ServiceHost::Run can wait for them; SIGPIPE is ignored so a closed socket is an error, not
// death).

#include <string>

#include "absl/strings/string_view.h"
#include "lindungi/config/config.h"

namespace lindungi::server {

struct ProcessInfo {
  std::string program;  // e.g. "lindungi-otp"
  config::Env env;      // from --env
};

// Call first thing in main(), before any thread starts. Exits with a one-line reason on bad
// flags, positional arguments, or a bad --log_level / --env.
ProcessInfo InitProcess(int argc, char** argv, absl::string_view program, absl::string_view service,
                        absl::string_view usage);

// Blocks SIGTERM and SIGINT in the calling thread (and threads it starts later).
void BlockTerminationSignals();
// Waits for SIGTERM or SIGINT (which must be blocked) and returns its number.
int WaitForTerminationSignal();

}  // namespace lindungi::server

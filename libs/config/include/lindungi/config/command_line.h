#pragma once

// Command-line parsing common to every Lindungi binary, services and tools alike: --help lists
// the flags defined in Lindungi's own sources (libs/, services/, tools/, bench/) and exits 0,
// --flagfile works, and anything that is not a flag ends the program with a one-line reason.

#include "absl/strings/string_view.h"

namespace lindungi::config {

// Parses argv into the absl flags. `usage` opens --help, followed by a usage line for `program`.
// Exits 0 after --help (or -h); exits 2 with a one-line reason on unknown flags, bad values or
// positional arguments.
void ParseCommandLineOrExit(int argc, char** argv, absl::string_view program,
                            absl::string_view usage);

}  // namespace lindungi::config

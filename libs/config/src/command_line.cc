#include "lindungi/config/command_line.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lindungi/config/config.h"

namespace lindungi::config {
namespace {

constexpr absl::string_view kSourceRoots[] = {"libs/", "services/", "tools/", "bench/"};

// absl hands this filter the file name after normalize_filename (ShortFileName) has run.
bool IsLindungiFlagFile(absl::string_view file) {
  for (absl::string_view root : kSourceRoots) {
    if (absl::StartsWith(file, root) || absl::StrContains(file, absl::StrCat("/", root))) {
      return true;
    }
  }
  return absl::StrContains(file, "absl/flags/parse.cc");  // --flagfile and friends
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

void ParseCommandLineOrExit(int argc, char** argv, absl::string_view program,
                            absl::string_view usage) {
  absl::flags_internal::SetProgramInvocationName(argc > 0 ? argv[0] : program);
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsLindungiFlagFile;
  usage_config.contains_helpshort_flags = IsLindungiFlagFile;
  usage_config.normalize_filename = ShortFileName;
  const std::string name(program);
  usage_config.version_string = [name] { return absl::StrCat(name, " (Lindungi)\n"); };
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
    ExitBadConfig(program, absl::InvalidArgumentError(
                               absl::StrCat("unexpected argument \"", positional[1],
                                            "\" (flags look like --name=value; see --help)")));
  }
}

}  // namespace lindungi::config

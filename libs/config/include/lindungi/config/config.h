#pragma once

// Configuration helpers shared by every binary: secrets from files, the deployment environment,
// and the one-line fatal error for bad configuration (DESIGN.md "Contracts").

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lindungi::config {

enum class Env { kDevelopment, kProduction };

absl::StatusOr<Env> ParseEnv(absl::string_view text);
absl::string_view EnvName(Env env);

// Reads a secret from a file (a Kubernetes secret mount). Trailing whitespace and newlines are
// removed; a missing, unreadable or empty file is an error that names `what`, never the content.
absl::StatusOr<std::string> ReadSecretFile(absl::string_view path, absl::string_view what);

// Reads a whole file (not a secret).
absl::StatusOr<std::string> ReadFile(absl::string_view path);

// Prints "<program>: <message>" on stderr and exits with status 2.
[[noreturn]] void ExitBadConfig(absl::string_view program, const absl::Status& status);

}  // namespace lindungi::config

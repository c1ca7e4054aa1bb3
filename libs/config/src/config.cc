#include "lindungi/config/config.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace lindungi::config {

absl::StatusOr<Env> ParseEnv(absl::string_view text) {
  if (text == "development") return Env::kDevelopment;
  if (text == "production") return Env::kProduction;
  return absl::InvalidArgumentError(
      absl::StrCat("--env must be development or production, not \"", text, "\""));
}

absl::string_view EnvName(Env env) {
  return env == Env::kProduction ? "production" : "development";
}

absl::StatusOr<std::string> ReadFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading ", path));
  return data.str();
}

absl::StatusOr<std::string> ReadSecretFile(absl::string_view path, absl::string_view what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " file is not set"));
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) {
    return absl::Status(content.status().code(),
                        absl::StrCat(what, ": ", content.status().message()));
  }
  std::string secret = std::move(*content);
  absl::StripTrailingAsciiWhitespace(&secret);
  if (secret.empty())
    return absl::InvalidArgumentError(absl::StrCat(what, " file ", path, " is empty"));
  return secret;
}

void ExitBadConfig(absl::string_view program, const absl::Status& status) {
  std::string line = absl::StrCat(program, ": ", status.message(), "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  std::exit(2);
}

}  // namespace lindungi::config

#include "phone_registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lindungi/config/config.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/phone/phone.h"
#include "lindungi/status/status.h"

namespace lindungi::otp {

IdentityRegistry::IdentityRegistry(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(lindungi::identity::v1::IdentityService::NewStub(std::move(channel))),
      timeout_(timeout) {}

absl::StatusOr<bool> IdentityRegistry::IsRegistered(const std::string& e164) {
  auto ctx = grpcclient::NewCallContext(timeout_);
  lindungi::identity::v1::IsRegisteredPhoneRequest request;
  request.set_phone(e164);
  lindungi::identity::v1::IsRegisteredPhoneResponse response;
  const grpc::Status status = stub_->IsRegisteredPhone(ctx.get(), request, &response);
  if (!status.ok()) return status::FromGrpc(status);
  return response.registered();
}

absl::StatusOr<std::unique_ptr<AllowListRegistry>> AllowListRegistry::Load(
    const std::string& path) {
  absl::StatusOr<std::string> content = config::ReadFile(path);
  if (!content.ok()) {
    return absl::Status(content.status().code(),
                        absl::StrCat("--registered_phones_file: ", content.status().message()));
  }
  absl::StatusOr<std::unique_ptr<AllowListRegistry>> registry = Parse(*content);
  if (!registry.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--registered_phones_file ", path, ": ", registry.status().message()));
  }
  return registry;
}

absl::StatusOr<std::unique_ptr<AllowListRegistry>> AllowListRegistry::Parse(
    absl::string_view content) {
  auto registry = std::unique_ptr<AllowListRegistry>(new AllowListRegistry());
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    absl::StatusOr<std::string> e164 = phone::NormalizeMobile(line);
    if (!e164.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", e164.status().message()));
    }
    registry->phones_.insert(*std::move(e164));
  }
  return registry;
}

absl::StatusOr<bool> AllowListRegistry::IsRegistered(const std::string& e164) {
  return phones_.contains(e164);
}

}  // namespace lindungi::otp

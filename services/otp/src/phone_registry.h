#pragma once

// Which phone numbers are registered: codes are delivered only to those. identity-service answers
// (IsRegisteredPhone); an allow-list file can stand in for it in development.

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"

namespace lindungi::otp {

class PhoneRegistry {
 public:
  virtual ~PhoneRegistry() = default;
  // `e164` is normalized (+628…). UNAVAILABLE when the registry cannot be asked.
  virtual absl::StatusOr<bool> IsRegistered(const std::string& e164) = 0;
};

// Asks identity-service's IsRegisteredPhone, with a deadline per call.
class IdentityRegistry final : public PhoneRegistry {
 public:
  IdentityRegistry(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);
  absl::StatusOr<bool> IsRegistered(const std::string& e164) override;

 private:
  std::unique_ptr<lindungi::identity::v1::IdentityService::Stub> stub_;
  const absl::Duration timeout_;
};

class AllowListRegistry final : public PhoneRegistry {
 public:
  // One number per line in any accepted format; blank lines and # comments are skipped. A bad
  // line fails the load with its line number (the number itself is not repeated).
  static absl::StatusOr<std::unique_ptr<AllowListRegistry>> Load(const std::string& path);
  static absl::StatusOr<std::unique_ptr<AllowListRegistry>> Parse(absl::string_view content);

  absl::StatusOr<bool> IsRegistered(const std::string& e164) override;
  size_t size() const { return phones_.size(); }

 private:
  absl::flat_hash_set<std::string> phones_;
};

}  // namespace lindungi::otp

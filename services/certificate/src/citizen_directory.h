#pragma once

// What certificate-service needs from identity-service (it stores no NIK and no names): NIKs
// resolved to citizen ids during imports, and the holder's data when a certificate is issued.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"

namespace lindungi::certificate {

struct Holder {
  std::string full_name;
  absl::CivilDay birth_date;
  std::string masked_nik;  // 3201********0001
};

class CitizenDirectory {
 public:
  virtual ~CitizenDirectory() = default;
  // Citizen ids in the order of `niks`; "" where a NIK is unknown. At most 1,000 NIKs.
  virtual absl::StatusOr<std::vector<std::string>> ResolveNiks(
      const std::vector<std::string>& niks) = 0;
  // NOT_FOUND for an unknown citizen; UNAVAILABLE when identity-service cannot answer.
  virtual absl::StatusOr<Holder> GetHolder(const std::string& citizen_id) = 0;
};

// identity-service over gRPC, each call with a deadline.
class IdentityDirectory final : public CitizenDirectory {
 public:
  IdentityDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);
  absl::StatusOr<std::vector<std::string>> ResolveNiks(
      const std::vector<std::string>& niks) override;
  absl::StatusOr<Holder> GetHolder(const std::string& citizen_id) override;

 private:
  std::unique_ptr<lindungi::identity::v1::IdentityService::Stub> stub_;
  const absl::Duration timeout_;
};

}  // namespace lindungi::certificate

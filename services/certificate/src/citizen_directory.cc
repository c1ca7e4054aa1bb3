#include "citizen_directory.h"

#include "absl/strings/str_cat.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/status/status.h"

namespace lindungi::certificate {

namespace idv1 = lindungi::identity::v1;

IdentityDirectory::IdentityDirectory(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(idv1::IdentityService::NewStub(std::move(channel))), timeout_(timeout) {}

absl::StatusOr<std::vector<std::string>> IdentityDirectory::ResolveNiks(
    const std::vector<std::string>& niks) {
  auto ctx = grpcclient::NewCallContext(timeout_);
  idv1::ResolveNiksRequest request;
  for (const std::string& nik : niks) request.add_niks(nik);
  idv1::ResolveNiksResponse response;
  const grpc::Status s = stub_->ResolveNiks(ctx.get(), request, &response);
  if (!s.ok()) {
    return absl::Status(absl::StatusCode::kUnavailable,
                        absl::StrCat("identity-service cannot resolve NIKs: ", s.error_message()));
  }
  if (response.citizen_ids_size() != request.niks_size()) {
    return absl::InternalError("identity-service answered a different number of NIKs");
  }
  return std::vector<std::string>(response.citizen_ids().begin(), response.citizen_ids().end());
}

absl::StatusOr<Holder> IdentityDirectory::GetHolder(const std::string& citizen_id) {
  auto ctx = grpcclient::NewCallContext(timeout_);
  idv1::GetCitizenRequest request;
  request.set_citizen_id(citizen_id);
  idv1::GetCitizenResponse response;
  const grpc::Status s = stub_->GetCitizen(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError("no citizen with this id");
  }
  if (!s.ok()) {
    return absl::Status(absl::StatusCode::kUnavailable,
                        absl::StrCat("identity-service cannot answer: ", s.error_message()));
  }
  const idv1::Citizen& c = response.citizen();
  return Holder{c.full_name(),
                absl::CivilDay(c.birth_date().year(), c.birth_date().month(), c.birth_date().day()),
                c.masked_nik()};
}

}  // namespace lindungi::certificate

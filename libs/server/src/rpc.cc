#include "lindungi/server/rpc.h"

#include "grpcpp/security/auth_context.h"
#include "lindungi/grpcclient/channel.h"

namespace lindungi::server {

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(grpcclient::kRequestIdHeader);
  if (it != md.end() && !it->second.empty() && it->second.size() <= 64) {
    std::string id(it->second.data(), it->second.size());
    bool printable = true;
    for (char c : id) printable &= (c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    if (printable) return id;
  }
  return log::NewRequestId();
}

absl::Status CheckCaller(const grpc::ServerContextBase& ctx,
                         std::initializer_list<absl::string_view> allowed) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return absl::OkStatus();
  for (const char* property : {"x509_subject_alternative_name", "x509_common_name"}) {
    for (const grpc::string_ref& name : auth->FindPropertyValues(property)) {
      for (absl::string_view ok : allowed) {
        if (absl::string_view(name.data(), name.size()) == ok) return absl::OkStatus();
      }
    }
  }
  return absl::PermissionDeniedError("this call is not meant for the calling service");
}

}  // namespace lindungi::server

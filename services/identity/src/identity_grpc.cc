#include "identity_grpc.h"

#include <atomic>

#include "lindungi/log/log.h"
#include "lindungi/server/rpc.h"
#include "lindungi/server/stream_reactor.h"

namespace lindungi::identity {

#define LINDUNGI_UNARY(Method)                                                              \
  grpc::ServerUnaryReactor* IdentityGrpcService::Method(grpc::CallbackServerContext* ctx,   \
                                                        const v1::Method##Request* request, \
                                                        v1::Method##Response* response) {   \
    return server::RunBlocking(ctx, workers_,                                               \
                               [=] { return registry_.Method(*request, response); });       \
  }

LINDUNGI_UNARY(IsRegisteredPhone)
LINDUNGI_UNARY(FindByPhone)
LINDUNGI_UNARY(GetCitizen)
LINDUNGI_UNARY(FindByNik)
LINDUNGI_UNARY(ChangePhone)
LINDUNGI_UNARY(RequestCorrection)
LINDUNGI_UNARY(ListChangeRequests)
LINDUNGI_UNARY(DecideChangeRequest)
LINDUNGI_UNARY(GetCitizenHistory)

#undef LINDUNGI_UNARY

grpc::ServerUnaryReactor* IdentityGrpcService::ResolveNiks(grpc::CallbackServerContext* ctx,
                                                           const v1::ResolveNiksRequest* request,
                                                           v1::ResolveNiksResponse* response) {
  // Bulk NIK look-ups are for certificate-service's vaccination import only.
  const absl::Status caller = server::CheckCaller(*ctx, {"certificate", "lindungi-certificate"});
  return server::RunBlocking(ctx, workers_, [=] {
    return caller.ok() ? registry_.ResolveNiks(*request, response) : caller;
  });
}

grpc::ServerReadReactor<v1::ImportCitizensRequest>* IdentityGrpcService::ImportCitizens(
    grpc::CallbackServerContext* ctx, v1::ImportCitizensResponse* response) {
  return new server::StreamReactor<v1::ImportCitizensRequest, v1::ImportCitizensResponse,
                                   CitizenRegistry::Import>(ctx, workers_, registry_.StartImport(),
                                                            response, "import");
}

}  // namespace lindungi::identity

#include "certificate_grpc.h"

#include "lindungi/server/rpc.h"
#include "lindungi/server/stream_reactor.h"

namespace lindungi::certificate {

#define LINDUNGI_UNARY(Owner, Method)                                                            \
  grpc::ServerUnaryReactor* CertificateGrpcService::Method(grpc::CallbackServerContext* ctx,     \
                                                           const v1::Method##Request* request,   \
                                                           v1::Method##Response* response) {     \
    return server::RunBlocking(ctx, workers_, [=] { return Owner.Method(*request, response); }); \
  }

LINDUNGI_UNARY(records_, GetVaccinationStatus)
LINDUNGI_UNARY(issuer_, IssueCertificate)
LINDUNGI_UNARY(issuer_, VerifyCertificate)
LINDUNGI_UNARY(issuer_, RevokeCertificate)
LINDUNGI_UNARY(issuer_, ExportRevocationList)
LINDUNGI_UNARY(issuer_, ListCertificates)

#undef LINDUNGI_UNARY

grpc::ServerReadReactor<v1::ImportVaccinationsRequest>* CertificateGrpcService::ImportVaccinations(
    grpc::CallbackServerContext* ctx, v1::ImportVaccinationsResponse* response) {
  return new server::StreamReactor<v1::ImportVaccinationsRequest, v1::ImportVaccinationsResponse,
                                   VaccinationRegistry::Import>(
      ctx, workers_, records_.StartImport(), response, "vaccination import");
}

}  // namespace lindungi::certificate

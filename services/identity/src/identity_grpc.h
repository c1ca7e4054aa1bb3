#pragma once

// The gRPC face of CitizenRegistry: each unary call runs on the worker pool; ImportCitizens
// reads a message, writes it on a worker, and only then reads the next (back-pressure: a slow
// store slows the sender instead of filling memory).

#include "citizen_registry.h"
#include "lindungi/identity/v1/identity.grpc.pb.h"
#include "lindungi/server/worker_pool.h"

namespace lindungi::identity {

class IdentityGrpcService final : public v1::IdentityService::CallbackService {
 public:
  IdentityGrpcService(CitizenRegistry& registry, server::WorkerPool& workers)
      : registry_(registry), workers_(workers) {}

  grpc::ServerUnaryReactor* IsRegisteredPhone(grpc::CallbackServerContext* ctx,
                                              const v1::IsRegisteredPhoneRequest* request,
                                              v1::IsRegisteredPhoneResponse* response) override;
  grpc::ServerUnaryReactor* FindByPhone(grpc::CallbackServerContext* ctx,
                                        const v1::FindByPhoneRequest* request,
                                        v1::FindByPhoneResponse* response) override;
  grpc::ServerUnaryReactor* GetCitizen(grpc::CallbackServerContext* ctx,
                                       const v1::GetCitizenRequest* request,
                                       v1::GetCitizenResponse* response) override;
  grpc::ServerUnaryReactor* FindByNik(grpc::CallbackServerContext* ctx,
                                      const v1::FindByNikRequest* request,
                                      v1::FindByNikResponse* response) override;
  grpc::ServerUnaryReactor* ResolveNiks(grpc::CallbackServerContext* ctx,
                                        const v1::ResolveNiksRequest* request,
                                        v1::ResolveNiksResponse* response) override;
  grpc::ServerUnaryReactor* ChangePhone(grpc::CallbackServerContext* ctx,
                                        const v1::ChangePhoneRequest* request,
                                        v1::ChangePhoneResponse* response) override;
  grpc::ServerUnaryReactor* RequestCorrection(grpc::CallbackServerContext* ctx,
                                              const v1::RequestCorrectionRequest* request,
                                              v1::RequestCorrectionResponse* response) override;
  grpc::ServerUnaryReactor* ListChangeRequests(grpc::CallbackServerContext* ctx,
                                               const v1::ListChangeRequestsRequest* request,
                                               v1::ListChangeRequestsResponse* response) override;
  grpc::ServerUnaryReactor* DecideChangeRequest(grpc::CallbackServerContext* ctx,
                                                const v1::DecideChangeRequestRequest* request,
                                                v1::DecideChangeRequestResponse* response) override;
  grpc::ServerUnaryReactor* GetCitizenHistory(grpc::CallbackServerContext* ctx,
                                              const v1::GetCitizenHistoryRequest* request,
                                              v1::GetCitizenHistoryResponse* response) override;
  grpc::ServerReadReactor<v1::ImportCitizensRequest>* ImportCitizens(
      grpc::CallbackServerContext* ctx, v1::ImportCitizensResponse* response) override;

 private:
  CitizenRegistry& registry_;
  server::WorkerPool& workers_;
};

}  // namespace lindungi::identity

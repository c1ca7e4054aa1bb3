#pragma once

// The gRPC face of OtpIssuer: translate messages, run the work on the worker pool.

#include "lindungi/otp/v1/otp.grpc.pb.h"
#include "lindungi/server/worker_pool.h"
#include "otp_issuer.h"

namespace lindungi::otp {

class OtpGrpcService final : public lindungi::otp::v1::OtpService::CallbackService {
 public:
  OtpGrpcService(OtpIssuer& issuer, server::WorkerPool& workers)
      : issuer_(issuer), workers_(workers) {}

  grpc::ServerUnaryReactor* RequestOtp(grpc::CallbackServerContext* ctx,
                                       const v1::RequestOtpRequest* request,
                                       v1::RequestOtpResponse* response) override;
  grpc::ServerUnaryReactor* VerifyOtp(grpc::CallbackServerContext* ctx,
                                      const v1::VerifyOtpRequest* request,
                                      v1::VerifyOtpResponse* response) override;

 private:
  OtpIssuer& issuer_;
  server::WorkerPool& workers_;
};

}  // namespace lindungi::otp

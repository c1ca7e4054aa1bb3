#pragma once

// The gRPC face of certificate-service: unary calls run on the worker pool; ImportVaccinations
// reads a message, writes it on a worker, and only then reads the next.

#include "certificate_issuer.h"
#include "lindungi/certificate/v1/certificate.grpc.pb.h"
#include "lindungi/server/worker_pool.h"
#include "vaccination_registry.h"

namespace lindungi::certificate {

class CertificateGrpcService final : public v1::CertificateService::CallbackService {
 public:
  CertificateGrpcService(VaccinationRegistry& records, CertificateIssuer& issuer,
                         server::WorkerPool& workers)
      : records_(records), issuer_(issuer), workers_(workers) {}

  grpc::ServerReadReactor<v1::ImportVaccinationsRequest>* ImportVaccinations(
      grpc::CallbackServerContext* ctx, v1::ImportVaccinationsResponse* response) override;
  grpc::ServerUnaryReactor* GetVaccinationStatus(
      grpc::CallbackServerContext* ctx, const v1::GetVaccinationStatusRequest* request,
      v1::GetVaccinationStatusResponse* response) override;
  grpc::ServerUnaryReactor* IssueCertificate(grpc::CallbackServerContext* ctx,
                                             const v1::IssueCertificateRequest* request,
                                             v1::IssueCertificateResponse* response) override;
  grpc::ServerUnaryReactor* VerifyCertificate(grpc::CallbackServerContext* ctx,
                                              const v1::VerifyCertificateRequest* request,
                                              v1::VerifyCertificateResponse* response) override;
  grpc::ServerUnaryReactor* RevokeCertificate(grpc::CallbackServerContext* ctx,
                                              const v1::RevokeCertificateRequest* request,
                                              v1::RevokeCertificateResponse* response) override;
  grpc::ServerUnaryReactor* ExportRevocationList(
      grpc::CallbackServerContext* ctx, const v1::ExportRevocationListRequest* request,
      v1::ExportRevocationListResponse* response) override;
  grpc::ServerUnaryReactor* ListCertificates(grpc::CallbackServerContext* ctx,
                                             const v1::ListCertificatesRequest* request,
                                             v1::ListCertificatesResponse* response) override;

 private:
  VaccinationRegistry& records_;
  CertificateIssuer& issuer_;
  server::WorkerPool& workers_;
};

}  // namespace lindungi::certificate

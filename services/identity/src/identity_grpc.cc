#include "identity_grpc.h"

#include <atomic>

#include "lindungi/log/log.h"
#include "lindungi/server/rpc.h"

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

namespace {

class ImportReactor final : public grpc::ServerReadReactor<v1::ImportCitizensRequest> {
 public:
  ImportReactor(grpc::CallbackServerContext* ctx, CitizenRegistry& registry,
                server::WorkerPool& workers, v1::ImportCitizensResponse* response)
      : workers_(workers),
        response_(response),
        import_(registry.StartImport()),
        request_id_(server::RequestIdOf(*ctx)) {
    log::RequestIdScope scope(request_id_);
    log::Info("import started");
    StartRead(&message_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client finished sending (or went away): write what is pending
      if (!workers_.TrySubmit([this] { Complete(); })) {
        Done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server busy, retry shortly"));
      }
      return;
    }
    const bool queued = workers_.TrySubmit([this] {
      log::RequestIdScope scope(request_id_);
      const absl::Status added = import_->Add(message_);
      if (!added.ok()) {
        log::Warn("import aborted", {{"error", std::string(added.message())}});
        Done(status::ToGrpc(added));
        return;
      }
      StartRead(&message_);
    });
    if (!queued) Done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server busy, retry shortly"));
  }

  void OnDone() override { delete this; }

  void Complete() {
    log::RequestIdScope scope(request_id_);
    if (absl::Status s = import_->Finish(response_); !s.ok()) {
      log::Warn("import aborted", {{"error", std::string(s.message())}});
      Done(status::ToGrpc(s));
      return;
    }
    log::Info("import finished", {{"rows", response_->rows_received()},
                                  {"created", response_->rows_created()},
                                  {"updated", response_->rows_updated()},
                                  {"unchanged", response_->rows_unchanged()},
                                  {"rejected", response_->rows_rejected()}});
    Done(grpc::Status::OK);
  }

 private:
  void Done(const grpc::Status& status) {
    if (!finished_.exchange(true)) Finish(status);
  }

  server::WorkerPool& workers_;
  v1::ImportCitizensResponse* response_;
  std::unique_ptr<CitizenRegistry::Import> import_;
  const std::string request_id_;
  v1::ImportCitizensRequest message_;
  std::atomic<bool> finished_{false};
};

}  // namespace

grpc::ServerReadReactor<v1::ImportCitizensRequest>* IdentityGrpcService::ImportCitizens(
    grpc::CallbackServerContext* ctx, v1::ImportCitizensResponse* response) {
  return new ImportReactor(ctx, registry_, workers_, response);
}

}  // namespace lindungi::identity

#pragma once

// A client-streaming RPC whose messages are processed one at a time on the worker pool, in
// order: a message is read, handed to `Session::Add` on a worker, and only then is the next one
// read - so a slow store slows the sender instead of filling memory. At the end of the stream
// `Session::Finish(Response*)` runs on a worker too and its status ends the call.
//
//   grpc::ServerReadReactor<Req>* ImportX(grpc::CallbackServerContext* ctx, Resp* resp) override {
//     return new server::StreamReactor<Req, Resp, Registry::Import>(
//         ctx, workers_, registry_.StartImport(), resp, "vaccination import");
//   }

#include <atomic>
#include <memory>
#include <string>

#include "grpcpp/support/server_callback.h"
#include "lindungi/log/log.h"
#include "lindungi/server/rpc.h"
#include "lindungi/server/worker_pool.h"
#include "lindungi/status/status.h"

namespace lindungi::server {

template <typename Request, typename Response, typename Session>
class StreamReactor final : public grpc::ServerReadReactor<Request> {
 public:
  StreamReactor(grpc::CallbackServerContext* ctx, WorkerPool& workers,
                std::unique_ptr<Session> session, Response* response, std::string what)
      : workers_(workers),
        session_(std::move(session)),
        response_(response),
        what_(std::move(what)),
        request_id_(RequestIdOf(*ctx)) {
    log::RequestIdScope scope(request_id_);
    log::Info(what_ + " started");
    this->StartRead(&message_);
  }

  void OnReadDone(bool ok) override {
    // ok == false: the client finished sending (or went away): finish on a worker.
    Submit(ok ? &StreamReactor::AddMessage : &StreamReactor::Complete);
  }

  void OnDone() override { delete this; }

 private:
  void Submit(void (StreamReactor::*step)()) {
    if (!workers_.TrySubmit([this, step] { (this->*step)(); })) {
      Done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server busy, retry shortly"));
    }
  }

  void AddMessage() {
    log::RequestIdScope scope(request_id_);
    if (absl::Status added = session_->Add(message_); !added.ok()) {
      log::Warn(what_ + " aborted", {{"error", std::string(added.message())}});
      Done(status::ToGrpc(added));
      return;
    }
    this->StartRead(&message_);
  }

  void Complete() {
    log::RequestIdScope scope(request_id_);
    if (absl::Status s = session_->Finish(response_); !s.ok()) {
      log::Warn(what_ + " aborted", {{"error", std::string(s.message())}});
      Done(status::ToGrpc(s));
      return;
    }
    log::Info(what_ + " finished", {{"rows", response_->rows_received()},
                                    {"created", response_->rows_created()},
                                    {"updated", response_->rows_updated()},
                                    {"unchanged", response_->rows_unchanged()},
                                    {"rejected", response_->rows_rejected()}});
    Done(grpc::Status::OK);
  }

  void Done(const grpc::Status& status) {
    if (!finished_.exchange(true)) this->Finish(status);
  }

  WorkerPool& workers_;
  std::unique_ptr<Session> session_;
  Response* response_;
  const std::string what_;
  const std::string request_id_;
  Request message_;
  std::atomic<bool> finished_{false};
};

}  // namespace lindungi::server

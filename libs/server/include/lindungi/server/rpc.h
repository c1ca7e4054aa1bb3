#pragma once

// The glue between a callback-API handler and blocking domain code:
//
//   grpc::ServerUnaryReactor* RequestOtp(grpc::CallbackServerContext* ctx,
//                                        const Req* req, Resp* resp) override {
//     return server::RunBlocking(ctx, host_.workers(), [=] { return issuer_.Request(*req, resp);
//     });
//   }
//
// The work runs on the worker pool with the caller's request id (x-request-id, or a new one,
// echoed back in the initial metadata); its absl::Status becomes the RPC status with its details;
// anything thrown becomes INTERNAL; a full pool answers UNAVAILABLE at once; a call whose
// deadline passed while queued is not started.

#include <atomic>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "lindungi/log/log.h"
#include "lindungi/server/worker_pool.h"
#include "lindungi/status/status.h"

namespace lindungi::server {

// The caller's x-request-id, or a fresh one.
std::string RequestIdOf(const grpc::ServerContextBase& ctx);

// For RPCs meant for particular services: OK when the call came without mTLS (development) or
// from a certificate naming one of `allowed` (SAN DNS or CN); PERMISSION_DENIED otherwise.
absl::Status CheckCaller(const grpc::ServerContextBase& ctx,
                         std::initializer_list<absl::string_view> allowed);

template <typename Work>
grpc::ServerUnaryReactor* RunBlocking(grpc::CallbackServerContext* ctx, WorkerPool& pool,
                                      Work work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::string request_id = RequestIdOf(*ctx);
  ctx->AddInitialMetadata("x-request-id", request_id);
  auto task = [ctx, reactor, work = std::move(work), request_id]() mutable {
    log::RequestIdScope scope(request_id);
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled before it started"));
      return;
    }
    grpc::Status result;
    try {
      result = status::ToGrpc(work());
    } catch (const std::exception& e) {
      log::Error("handler threw", {{"what", e.what()}});
      result = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    } catch (...) {
      log::Error("handler threw a non-exception");
      result = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    }
    reactor->Finish(result);
  };
  if (!pool.TrySubmit(std::move(task))) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server busy, retry shortly"));
  }
  return reactor;
}

// For work that completes asynchronously without blocking (a pipelined Redis call):
//
//   return server::RunAsync(ctx, [=](server::Done done) {
//     issuer_.VerifyAsync(check, [=](absl::StatusOr<R> r) { ...; done(status); });
//   });
//
// `start` runs at once on the gRPC thread with the caller's request id; `done` may be called from
// any thread, exactly once (later calls are ignored). Anything `start` throws becomes INTERNAL.
using Done = std::function<void(const absl::Status&)>;

template <typename Start>
grpc::ServerUnaryReactor* RunAsync(grpc::CallbackServerContext* ctx, Start start) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  std::string request_id = RequestIdOf(*ctx);
  ctx->AddInitialMetadata("x-request-id", request_id);
  log::RequestIdScope scope(request_id);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  Done done = [reactor, finished](const absl::Status& status) {
    if (!finished->exchange(true)) reactor->Finish(status::ToGrpc(status));
  };
  try {
    start(done);
  } catch (const std::exception& e) {
    log::Error("handler threw", {{"what", e.what()}});
    done(absl::InternalError("internal error"));
  }
  return reactor;
}

}  // namespace lindungi::server

#pragma once

// The gRPC face of TicketDesk and AccessLog: unary calls run on the worker pool;
// WatchTicketEvents is a WatchReactor.

#include "access_log.h"
#include "lindungi/server/worker_pool.h"
#include "lindungi/ticket/v1/ticket.grpc.pb.h"
#include "ticket_desk.h"

namespace lindungi::ticket {

class TicketGrpcService final : public v1::TicketService::CallbackService {
 public:
  TicketGrpcService(TicketDesk& desk, AccessLog& access, server::WorkerPool& workers)
      : desk_(desk), access_(access), workers_(workers) {}

#define LINDUNGI_TICKET_UNARY(Method)                                  \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,   \
                                   const v1::Method##Request* request, \
                                   v1::Method##Response* response) override;
  LINDUNGI_TICKET_UNARY(CreateTicket)
  LINDUNGI_TICKET_UNARY(GetTicket)
  LINDUNGI_TICKET_UNARY(ListTickets)
  LINDUNGI_TICKET_UNARY(ListTicketEvents)
  LINDUNGI_TICKET_UNARY(AssignTicket)
  LINDUNGI_TICKET_UNARY(AddNote)
  LINDUNGI_TICKET_UNARY(TransitionTicket)
  LINDUNGI_TICKET_UNARY(RecordAccess)
  LINDUNGI_TICKET_UNARY(ListAccess)
#undef LINDUNGI_TICKET_UNARY

  grpc::ServerWriteReactor<v1::WatchTicketEventsResponse>* WatchTicketEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchTicketEventsRequest* request) override;

 private:
  TicketDesk& desk_;
  AccessLog& access_;
  server::WorkerPool& workers_;
};

}  // namespace lindungi::ticket

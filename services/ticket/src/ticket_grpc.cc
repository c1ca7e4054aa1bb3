#include "ticket_grpc.h"

#include "lindungi/server/rpc.h"
#include "watch_reactor.h"

namespace lindungi::ticket {

#define LINDUNGI_TICKET_UNARY(Owner, Method)                                                     \
  grpc::ServerUnaryReactor* TicketGrpcService::Method(grpc::CallbackServerContext* ctx,          \
                                                      const v1::Method##Request* request,        \
                                                      v1::Method##Response* response) {          \
    return server::RunBlocking(ctx, workers_, [=] { return Owner.Method(*request, response); }); \
  }

LINDUNGI_TICKET_UNARY(desk_, CreateTicket)
LINDUNGI_TICKET_UNARY(desk_, GetTicket)
LINDUNGI_TICKET_UNARY(desk_, ListTickets)
LINDUNGI_TICKET_UNARY(desk_, ListTicketEvents)
LINDUNGI_TICKET_UNARY(desk_, AssignTicket)
LINDUNGI_TICKET_UNARY(desk_, AddNote)
LINDUNGI_TICKET_UNARY(desk_, TransitionTicket)
LINDUNGI_TICKET_UNARY(access_, RecordAccess)
LINDUNGI_TICKET_UNARY(access_, ListAccess)

#undef LINDUNGI_TICKET_UNARY

grpc::ServerWriteReactor<v1::WatchTicketEventsResponse>* TicketGrpcService::WatchTicketEvents(
    grpc::CallbackServerContext* /*ctx*/, const v1::WatchTicketEventsRequest* request) {
  return new WatchReactor(desk_, workers_, *request);
}

}  // namespace lindungi::ticket

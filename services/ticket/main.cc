// lindungi-ticket: complaint tickets and the PII access audit log.
#include "lindungi/clock/clock.h"
#include "lindungi/config/config.h"
#include "lindungi/server/process.h"
#include "ticket_server.h"

int main(int argc, char** argv) {
  using namespace lindungi;
  const server::ProcessInfo process = server::InitProcess(
      argc, argv, "lindungi-ticket", "ticket",
      "lindungi-ticket holds complaint tickets from the chatbot, call-centre 119 and e-mail "
      "(lifecycle, SLA, assignment, notes, the event stream the gateway follows) and the "
      "append-only PII access audit log (DESIGN.md \"Services\").");
  absl::StatusOr<ticket::TicketConfig> config = ticket::TicketConfigFromFlags();
  if (!config.ok()) config::ExitBadConfig(process.program, config.status());
  absl::StatusOr<server::ServerOptions> options = server::ServerOptionsFromFlags();
  if (!options.ok()) config::ExitBadConfig(process.program, options.status());
  absl::StatusOr<std::unique_ptr<ticket::TicketServer>> server =
      ticket::TicketServer::Start(*config, *options, clock::RealClock());
  if (!server.ok()) config::ExitBadConfig(process.program, server.status());
  return (*server)->host().Run();
}

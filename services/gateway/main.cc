// lindungi-gateway: the WhatsApp edge. Part 1 (issue 6): the webhook that makes every message
// durable in Redis before Meta gets its 200.
#include "gateway_server.h"
#include "lindungi/config/config.h"
#include "lindungi/redis/redis_flags.h"
#include "lindungi/server/process.h"

int main(int argc, char** argv) {
  using namespace lindungi;
  const server::ProcessInfo process = server::InitProcess(
      argc, argv, "lindungi-gateway", "gateway",
      "lindungi-gateway receives the WhatsApp Cloud API webhook (GET|POST /webhooks/whatsapp on "
      "--http_port) and makes every message durable in Redis before answering "
      "(DESIGN.md \"The gateway pipeline\").");
  absl::StatusOr<gateway::GatewayConfig> config = gateway::GatewayConfigFromFlags(process.env);
  if (!config.ok()) config::ExitBadConfig(process.program, config.status());
  absl::StatusOr<server::ServerOptions> options = server::ServerOptionsFromFlags();
  if (!options.ok()) config::ExitBadConfig(process.program, options.status());
  absl::StatusOr<redis::RedisOptions> redis = redis::RedisOptionsFromFlags();
  if (!redis.ok()) config::ExitBadConfig(process.program, redis.status());
  absl::StatusOr<std::unique_ptr<gateway::GatewayServer>> server =
      gateway::GatewayServer::Start(*config, *options, *redis);
  if (!server.ok()) config::ExitBadConfig(process.program, server.status());
  return (*server)->host().Run();
}

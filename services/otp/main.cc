// lindungi-otp: one-time codes that prove a citizen holds a registered phone number.
#include "lindungi/clock/clock.h"
#include "lindungi/config/config.h"
#include "lindungi/redis/redis_flags.h"
#include "lindungi/server/process.h"
#include "otp_server.h"

int main(int argc, char** argv) {
  using namespace lindungi;
  const server::ProcessInfo process = server::InitProcess(
      argc, argv, "lindungi-otp", "otp",
      "lindungi-otp issues, delivers and verifies one-time codes (DESIGN.md \"One-time codes\").");
  absl::StatusOr<otp::OtpConfig> config = otp::OtpConfigFromFlags(process.env);
  if (!config.ok()) config::ExitBadConfig(process.program, config.status());
  absl::StatusOr<server::ServerOptions> server_options = server::ServerOptionsFromFlags();
  if (!server_options.ok()) config::ExitBadConfig(process.program, server_options.status());
  absl::StatusOr<redis::RedisOptions> redis_options = redis::RedisOptionsFromFlags();
  if (!redis_options.ok()) config::ExitBadConfig(process.program, redis_options.status());

  absl::StatusOr<std::unique_ptr<otp::OtpServer>> server =
      otp::OtpServer::Start(*config, *server_options, *redis_options, clock::RealClock());
  if (!server.ok()) config::ExitBadConfig(process.program, server.status());
  const int code = (*server)->host().Run();
  (*server)->Shutdown();
  return code;
}

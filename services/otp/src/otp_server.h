#pragma once

// The whole otp-service object graph: Redis pool, store, registry, delivery, issuer, gRPC
// service and host. main() builds it from flags; tests build it in-process with a FakeClock.

#include <memory>

#include "absl/status/statusor.h"
#include "code_delivery.h"
#include "lindungi/clock/clock.h"
#include "lindungi/redis/pipeline.h"
#include "lindungi/server/service_host.h"
#include "otp_config.h"
#include "otp_grpc.h"
#include "otp_issuer.h"
#include "otp_metrics.h"
#include "otp_store.h"
#include "phone_registry.h"

namespace lindungi::otp {

class OtpServer {
 public:
  // Builds everything and starts serving. Redis may be down at start: calls then fail with
  // UNAVAILABLE and readiness reports NOT_SERVING until it answers.
  static absl::StatusOr<std::unique_ptr<OtpServer>> Start(const OtpConfig& config,
                                                          const server::ServerOptions& server,
                                                          const redis::RedisOptions& redis,
                                                          clock::Clock& clock);
  ~OtpServer();

  server::ServiceHost& host() { return *host_; }
  OtpIssuer& issuer() { return *issuer_; }
  // Stops serving (draining calls), then delivers what is queued.
  void Shutdown();

 private:
  OtpServer() = default;

  OtpMetrics metrics_;
  std::unique_ptr<redis::RedisPipeline> redis_;
  std::unique_ptr<OtpStore> store_;
  std::unique_ptr<PhoneRegistry> registry_;
  std::unique_ptr<CodeSender> sender_;
  std::unique_ptr<DeliveryQueue> delivery_;
  std::unique_ptr<OtpIssuer> issuer_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<OtpGrpcService> service_;
};

}  // namespace lindungi::otp

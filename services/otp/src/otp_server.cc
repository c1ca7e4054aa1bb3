#include "otp_server.h"

#include "lindungi/grpcclient/channel.h"
#include "lindungi/log/log.h"

namespace lindungi::otp {

absl::StatusOr<std::unique_ptr<OtpServer>> OtpServer::Start(const OtpConfig& config,
                                                            const server::ServerOptions& options,
                                                            const redis::RedisOptions& redis,
                                                            clock::Clock& clock) {
  if (absl::Status valid = Validate(config); !valid.ok()) return valid;
  auto s = std::unique_ptr<OtpServer>(new OtpServer());

  if (!config.identity_addr.empty()) {
    grpcclient::ChannelOptions channel_options;
    channel_options.tls = options.tls;  // the service's own certificate is its client identity
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        grpcclient::MakeChannel(config.identity_addr, channel_options);
    if (!channel.ok()) return channel.status();
    s->registry_ = std::make_unique<IdentityRegistry>(*channel, config.identity_timeout);
    log::Info("registry: identity-service", {{"address", config.identity_addr}});
  } else {
    absl::StatusOr<std::unique_ptr<AllowListRegistry>> registry =
        AllowListRegistry::Load(config.registered_phones_file);
    if (!registry.ok()) return registry.status();
    log::Info("registry: allow-list file", {{"numbers", (*registry)->size()}});
    s->registry_ = std::move(*registry);
  }

  absl::StatusOr<std::unique_ptr<CodeSender>> sender = MakeSender(config.delivery);
  if (!sender.ok()) return sender.status();
  s->sender_ = std::move(*sender);

  s->redis_ = std::make_unique<redis::RedisPipeline>(redis);
  s->store_ = std::make_unique<OtpStore>(*s->redis_);
  if (absl::Status loaded = s->store_->LoadScripts(); !loaded.ok()) {
    log::Warn("redis not reachable at start; scripts load on first use",
              {{"error", std::string(loaded.message())}});
  }
  s->delivery_ = std::make_unique<DeliveryQueue>(*s->sender_, s->metrics_, config.delivery.threads,
                                                 config.delivery.queue);
  s->issuer_ = std::make_unique<OtpIssuer>(config.pepper, config.limits, *s->store_, *s->registry_,
                                           *s->delivery_, clock, s->metrics_);

  s->host_ = std::make_unique<server::ServiceHost>(options);
  s->service_ = std::make_unique<OtpGrpcService>(*s->issuer_, s->host_->workers());
  s->host_->AddService(s->service_.get(), lindungi::otp::v1::OtpService::service_full_name());
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  redis::RedisPipeline* pool = s->redis_.get();
  s->host_->SetReadinessCheck([pool] { return pool->Ping(); }, absl::Seconds(2));
  log::Info("otp-service ready", {{"provider", std::string(ProviderName(config.delivery.provider))},
                                  {"env", std::string(config::EnvName(config.env))}});
  return s;
}

void OtpServer::Shutdown() {
  if (host_) host_->Shutdown();
  if (delivery_) delivery_->Shutdown();
}

OtpServer::~OtpServer() { Shutdown(); }

}  // namespace lindungi::otp

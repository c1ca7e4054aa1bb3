#include "lindungi/grpcclient/channel.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "lindungi/config/config.h"
#include "lindungi/grpcclient/keepalive.h"
#include "lindungi/log/log.h"
#include "lindungi/metrics/grpc_metrics.h"

namespace lindungi::grpcclient {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Adds the current thread's request id to every outgoing call that has none.
class RequestIdInterceptor final : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* md = methods->GetSendInitialMetadata();
      if (md->find(kRequestIdHeader) == md->end()) {
        const std::string& id = log::CurrentRequestId();
        if (!id.empty()) md->emplace(kRequestIdHeader, id);
      }
    }
    methods->Proceed();
  }
};

class RequestIdFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new RequestIdInterceptor();
  }
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(const TlsFiles& tls) {
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  if (tls.cert_file.empty() || tls.key_file.empty() || tls.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "mTLS needs all of --tls_cert_file, --tls_key_file and --tls_ca_file");
  }
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = config::ReadFile(tls.ca_file);
  absl::StatusOr<std::string> cert = config::ReadFile(tls.cert_file);
  absl::StatusOr<std::string> key = config::ReadSecretFile(tls.key_file, "--tls_key_file");
  for (const auto* s : {&ca, &cert, &key}) {
    if (!s->ok()) return s->status();
  }
  ssl.pem_root_certs = *ca;
  ssl.pem_cert_chain = *cert;
  ssl.pem_private_key = *key;
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& target,
                                                           const ChannelOptions& options) {
  if (target.empty()) return absl::InvalidArgumentError("backend address is empty");
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = Credentials(options.tls);
  if (!creds.ok()) return creds.status();

  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS,
              static_cast<int>(absl::ToInt64Milliseconds(kClientKeepaliveTime)));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
              static_cast<int>(absl::ToInt64Milliseconds(kClientKeepaliveTimeout)));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Retries of transparent failures (connection not yet used) are safe for every call.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  if (!options.authority_override.empty()) {
    args.SetSslTargetNameOverride(options.authority_override);
  }

  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<RequestIdFactory>());
  factories.push_back(metrics::NewClientMetricsInterceptorFactory());

  const std::string uri = absl::StrContains(target, ":///") || absl::StartsWith(target, "unix:")
                              ? target
                              : absl::StrCat("dns:///", target);
  return grpc::experimental::CreateCustomChannelWithInterceptors(uri, *creds, args,
                                                                 std::move(factories));
}

std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout));
  return ctx;
}

}  // namespace lindungi::grpcclient

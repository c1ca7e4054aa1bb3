#include "lindungi/server/service_host.h"

#include <algorithm>
#include <csignal>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "lindungi/config/config.h"
#include "lindungi/grpcclient/keepalive.h"
#include "lindungi/log/log.h"
#include "lindungi/metrics/grpc_metrics.h"
#include "lindungi/server/process.h"

namespace lindungi::server {
namespace {

constexpr char kLiveness[] = "liveness";

constexpr char kReflectionPlugin[] = "proto_server_reflection";

// Server reflection on the main port only. libgrpc++_reflection registers its plugin for every
// ServerBuilder when it is loaded; this option makes sure the main server has exactly one, and
// strips it from the health server, which must serve grpc.health.v1 and nothing else.
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const auto& p) { return p->name() == kReflectionPlugin; }),
                   plugins->end());
    if (enabled_) {
      plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
    }
  }

 private:
  const bool enabled_;
};

// With mTLS, lets only callers whose certificate names one of `allowed` through.
class PeerAllowList final : public grpc::AuthMetadataProcessor {
 public:
  explicit PeerAllowList(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata&, grpc::AuthContext* context, OutputMetadata*,
                       OutputMetadata*) override {
    for (const char* property : {"x509_subject_alternative_name", "x509_common_name"}) {
      for (const grpc::string_ref& name : context->FindPropertyValues(property)) {
        for (const std::string& ok : allowed_) {
          if (name == ok) return grpc::Status::OK;
        }
      }
    }
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "caller certificate is not allowed to call this service");
  }

 private:
  const std::vector<std::string> allowed_;
};

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MainCredentials(
    const ServerOptions& options) {
  if (!options.tls.enabled()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> ca = config::ReadFile(options.tls.ca_file);
  absl::StatusOr<std::string> cert = config::ReadFile(options.tls.cert_file);
  absl::StatusOr<std::string> key = config::ReadSecretFile(options.tls.key_file, "--tls_key_file");
  for (const auto* s : {&ca, &cert, &key}) {
    if (!s->ok()) return s->status();
  }
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = *ca;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::SslServerCredentials(ssl);
  if (!options.allowed_peers.empty()) {
    creds->SetAuthMetadataProcessor(std::make_shared<PeerAllowList>(options.allowed_peers));
  }
  return creds;
}

int Ms(absl::Duration d) {
  if (d >= absl::Milliseconds(std::numeric_limits<int>::max())) {
    return std::numeric_limits<int>::max();  // gRPC's "infinite"
  }
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

}  // namespace

ServiceHost::ServiceHost(ServerOptions options) : options_(std::move(options)) {
  workers_ = std::make_unique<WorkerPool>("grpc", options_.worker_threads, options_.worker_queue);
}

ServiceHost::~ServiceHost() { Shutdown(); }

void ServiceHost::AddService(grpc::Service* service, const std::string& full_name) {
  services_.emplace_back(service, full_name);
}

void ServiceHost::OnDrain(std::function<void()> hook) { drain_hooks_.push_back(std::move(hook)); }

absl::Status ServiceHost::Start() {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds = MainCredentials(options_);
  if (!creds.ok()) return creds.status();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat(options_.bind_host, ":", options_.grpc_port), *creds,
                           &grpc_port_);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  builder.RegisterService(&main_health_);
  builder.SetOption(std::make_unique<ReflectionOption>(/*enabled=*/true));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Ms(grpcclient::kServerKeepaliveTime));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Ms(absl::Seconds(20)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Ms(grpcclient::kServerMinPingInterval));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, Ms(options_.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Ms(options_.max_connection_age_grace));
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(metrics::NewServerMetricsInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(factories));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on gRPC port ", options_.grpc_port,
                                               " (in use, or bad --bind_host?)"));
  }

  grpc::ServerBuilder health_builder;
  health_builder.AddListeningPort(absl::StrCat(options_.bind_host, ":", options_.health_port),
                                  grpc::InsecureServerCredentials(), &health_port_);
  health_builder.SetOption(std::make_unique<ReflectionOption>(/*enabled=*/false));
  health_builder.RegisterService(&port_health_);
  health_server_ = health_builder.BuildAndStart();
  if (health_server_ == nullptr || health_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on health port ", options_.health_port));
  }

  absl::StatusOr<std::unique_ptr<metrics::MetricsServer>> m =
      metrics::MetricsServer::Start(options_.bind_host, options_.metrics_port);
  if (!m.ok()) return m.status();
  metrics_ = std::move(*m);

  SetHealth(kLiveness, true);
  SetServing(ready_);
  std::vector<std::string> names;
  for (auto& [service, name] : services_) names.push_back(name);
  log::Info("listening", {{"grpc_port", grpc_port_},
                          {"health_port", health_port_},
                          {"metrics_port", metrics_->port()},
                          {"mtls", options_.tls.enabled()},
                          {"services", absl::StrJoin(names, ",")}});
  return absl::OkStatus();
}

void ServiceHost::SetHealth(const std::string& name, bool serving) {
  health_table_.Set(name, serving);
}

void ServiceHost::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  if (ready_ != serving && server_ != nullptr) {
    log::Info(serving ? "ready" : "not ready");
  }
  ready_ = serving;
  SetHealth("", serving);
  for (auto& [service, name] : services_) SetHealth(name, serving);
}

void ServiceHost::SetReadinessCheck(std::function<absl::Status()> check, absl::Duration interval) {
  readiness_thread_ =
      std::thread([this, check = std::move(check), interval] { ReadinessLoop(check, interval); });
}

void ServiceHost::ReadinessLoop(std::function<absl::Status()> check, absl::Duration interval) {
  std::string last_error;
  for (;;) {
    absl::Status status = check();
    if (!status.ok() && std::string(status.message()) != last_error) {
      log::Warn("readiness check failed", {{"error", std::string(status.message())}});
    }
    last_error = status.ok() ? "" : std::string(status.message());
    SetServing(status.ok());
    std::unique_lock<std::mutex> lock(mu_);
    if (stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(interval),
                          [this] { return stopping_; })) {
      return;
    }
  }
}

int ServiceHost::Run() {
  const int sig = WaitForTerminationSignal();
  log::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  Shutdown();
  return 0;
}

void ServiceHost::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (readiness_thread_.joinable()) readiness_thread_.join();
  // Probes and load balancers see NOT_SERVING first; calls in flight then get drain_timeout.
  health_table_.Shutdown();
  for (auto& hook : drain_hooks_) hook();
  const auto started = absl::Now();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoNanoseconds(options_.drain_timeout));
  }
  workers_->Shutdown();
  if (health_server_ != nullptr) health_server_->Shutdown(std::chrono::system_clock::now());
  if (server_ != nullptr) server_->Wait();
  if (health_server_ != nullptr) health_server_->Wait();
  metrics_.reset();
  if (server_ != nullptr) {
    log::Info("stopped", {{"drain_ms", absl::ToInt64Milliseconds(absl::Now() - started)}});
  }
}

}  // namespace lindungi::server

#include "lindungi/metrics/grpc_metrics.h"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "lindungi/metrics/metrics.h"

namespace lindungi::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr int kCodes = 17;

const char* TypeName(bool client_streaming, bool server_streaming) {
  if (client_streaming && server_streaming) return "bidi_stream";
  if (client_streaming) return "client_stream";
  if (server_streaming) return "server_stream";
  return "unary";
}

// The metric families of one side (server or client).
struct SideFamilies {
  explicit SideFamilies(const std::string& side)
      : started(CounterFamily("grpc_" + side + "_started_total",
                              "Total number of RPCs started on the " + side + ".")),
        handled(CounterFamily("grpc_" + side + "_handled_total",
                              "Total number of RPCs completed on the " + side +
                                  ", regardless of success or failure.")),
        received(
            CounterFamily("grpc_" + side + "_msg_received_total",
                          "Total number of RPC stream messages received on the " + side + ".")),
        sent(CounterFamily("grpc_" + side + "_msg_sent_total",
                           "Total number of gRPC stream messages sent by the " + side + ".")),
        seconds(HistogramFamily("grpc_" + side + "_handling_seconds",
                                "Histogram of response latency (seconds) of gRPC that had been "
                                "application-level handled by the " +
                                    side + ".")) {}
  prometheus::Family<prometheus::Counter>& started;
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Counter>& received;
  prometheus::Family<prometheus::Counter>& sent;
  prometheus::Family<prometheus::Histogram>& seconds;
};

// Metric objects of one method, created once and then used without locks.
struct MethodMetrics {
  MethodMetrics(SideFamilies& f, const std::string& full_method, const char* type) : families(f) {
    absl::string_view m = full_method;
    if (!m.empty() && m[0] == '/') m.remove_prefix(1);
    const size_t slash = m.find('/');
    labels = {
        {"grpc_type", type},
        {"grpc_service", std::string(m.substr(0, slash))},
        {"grpc_method", slash == absl::string_view::npos ? "" : std::string(m.substr(slash + 1))}};
    started = &f.started.Add(labels);
    received = &f.received.Add(labels);
    sent = &f.sent.Add(labels);
    seconds = &f.seconds.Add(labels, LatencyBuckets());
    for (auto& c : handled) c.store(nullptr);
  }

  prometheus::Counter& Handled(int code) {
    if (code < 0 || code >= kCodes) code = 2;  // Unknown
    prometheus::Counter* c = handled[code].load(std::memory_order_acquire);
    if (c == nullptr) {
      auto l = labels;
      l["grpc_code"] = GoCodeName(code);
      c = &families.handled.Add(l);  // the family returns the same counter for the same labels
      handled[code].store(c, std::memory_order_release);
    }
    return *c;
  }

  SideFamilies& families;
  std::map<std::string, std::string> labels;
  prometheus::Counter* started;
  prometheus::Counter* received;
  prometheus::Counter* sent;
  prometheus::Histogram* seconds;
  std::array<std::atomic<prometheus::Counter*>, kCodes> handled;
};

class MethodTable {
 public:
  explicit MethodTable(const std::string& side) : families_(side) {}

  MethodMetrics& Get(const char* method, const char* type) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = methods_[method == nullptr ? "" : method];
    if (!slot) slot = std::make_unique<MethodMetrics>(families_, method ? method : "", type);
    return *slot;
  }

 private:
  SideFamilies families_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
};

MethodTable& ServerTable() {
  static auto* t = new MethodTable("server");
  return *t;
}

MethodTable& ClientTable() {
  static auto* t = new MethodTable("client");
  return *t;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ServerMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ServerMetricsInterceptor(grpc::experimental::ServerRpcInfo* info) {
    using T = grpc::experimental::ServerRpcInfo::Type;
    const T t = info->type();
    metrics_ = &ServerTable().Get(info->method(),
                                  TypeName(t == T::CLIENT_STREAMING || t == T::BIDI_STREAMING,
                                           t == T::SERVER_STREAMING || t == T::BIDI_STREAMING));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      start_ = std::chrono::steady_clock::now();
      metrics_->started->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      metrics_->received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_->sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->Handled(methods->GetSendStatus().error_code()).Increment();
      metrics_->seconds->Observe(SecondsSince(start_));
    }
    methods->Proceed();
  }

 private:
  MethodMetrics* metrics_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class ServerMetricsFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(info);
  }
};

class ClientMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ClientMetricsInterceptor(grpc::experimental::ClientRpcInfo* info) {
    using T = grpc::experimental::ClientRpcInfo::Type;
    const T t = info->type();
    metrics_ = &ClientTable().Get(info->method(),
                                  TypeName(t == T::CLIENT_STREAMING || t == T::BIDI_STREAMING,
                                           t == T::SERVER_STREAMING || t == T::BIDI_STREAMING));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      start_ = std::chrono::steady_clock::now();
      metrics_->started->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      metrics_->sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      metrics_->received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      metrics_->Handled(methods->GetRecvStatus()->error_code()).Increment();
      metrics_->seconds->Observe(SecondsSince(start_));
    }
    methods->Proceed();
  }

 private:
  MethodMetrics* metrics_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class ClientMetricsFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new ClientMetricsInterceptor(info);
  }
};

}  // namespace

const char* GoCodeName(int code) {
  static const char* const kNames[kCodes] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  return code >= 0 && code < kCodes ? kNames[code] : "Unknown";
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewServerMetricsInterceptorFactory() {
  return std::make_unique<ServerMetricsFactory>();
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewClientMetricsInterceptorFactory() {
  return std::make_unique<ClientMetricsFactory>();
}

}  // namespace lindungi::metrics

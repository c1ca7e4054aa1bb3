#pragma once

// Client channels to Lindungi backends: one per backend per process, `dns:///` + round_robin so a
// headless Kubernetes Service spreads calls over every pod, keepalive matched to the servers,
// mTLS when certificate files are given, the go-grpc-prometheus client metrics, and the current
// request id sent along as x-request-id metadata.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace lindungi::grpcclient {

struct TlsFiles {
  std::string cert_file;  // this process's certificate (PEM)
  std::string key_file;   // its private key (PEM)
  std::string ca_file;    // the CA that signed the servers' certificates (PEM)
  bool enabled() const { return !cert_file.empty() || !key_file.empty() || !ca_file.empty(); }
};

struct ChannelOptions {
  TlsFiles tls;                    // mTLS when set, plaintext otherwise
  std::string authority_override;  // TLS name to expect when the address is an IP (tests)
};

// `target` is host:port or a gRPC URI (dns:///svc:port); a bare host:port becomes dns:///.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& target,
                                                           const ChannelOptions& options);

// A context for one outgoing call: deadline set, request id attached by the interceptor.
std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout);

// The metadata key that carries the request id between services.
inline constexpr char kRequestIdHeader[] = "x-request-id";

}  // namespace lindungi::grpcclient

#pragma once

// gRPC interceptors that record the go-grpc-prometheus metrics, so dashboards and alerts written
// for Go services work unchanged:
//   grpc_server_started_total, grpc_server_handled_total{grpc_code},
//   grpc_server_msg_received_total, grpc_server_msg_sent_total, grpc_server_handling_seconds
//   (histogram), and the grpc_client_* twins. Labels: grpc_type, grpc_service, grpc_method (and
//   grpc_code).

#include <memory>

#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace lindungi::metrics {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewServerMetricsInterceptorFactory();
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
NewClientMetricsInterceptorFactory();

// The Go name of a status code ("OK", "InvalidArgument", ...), as go-grpc-prometheus labels it.
const char* GoCodeName(int code);

}  // namespace lindungi::metrics

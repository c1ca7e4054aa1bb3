#pragma once

// Calls that any Lindungi server answers: grpc.health.v1 Check, and a reflection ListServices
// done with raw bytes (Debian ships no reflection.proto for clients).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace lindungi::testing {

std::shared_ptr<grpc::Channel> PlaintextChannel(int port);
// The health status name ("SERVING", "NOT_SERVING", ...) or the call's error.
absl::StatusOr<std::string> HealthCheck(int port, const std::string& service = "");
// The service names reflection lists, or the call's error (UNIMPLEMENTED without reflection).
absl::StatusOr<std::vector<std::string>> ReflectionServices(int port);

}  // namespace lindungi::testing

#pragma once

#include "absl/status/statusor.h"
#include "lindungi/whatsapp/graph_client.h"

namespace lindungi::whatsapp {

// The Cloud API client's configuration from --whatsapp_phone_number_id,
// --whatsapp_access_token_file, --graph_api_base_url, --graph_api_version,
// --graph_messages_per_second and --graph_max_attempts, validated; INVALID_ARGUMENT naming the
// flag otherwise. With --env=production the base URL must be https://. Only binaries that call
// this have those flags (the gateway's workers, otp-service's whatsapp provider).
absl::StatusOr<GraphConfig> GraphConfigFromFlags(bool production);

}  // namespace lindungi::whatsapp

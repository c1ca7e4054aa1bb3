#pragma once

// `lindungictl revoke` and `lindungictl export-revocations`: the operator's side of
// certificate-service's revocation (docs/CERTIFICATE.md "Revocation").

#include <cstdio>
#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace lindungi::ctl {

// Exit codes of both commands: 0 done; 1 the service refused (unknown certificate, bad reason,
// not allowed); 2 bad usage (lindungictl's usual); 3 the service could not be reached or failed.

// Revokes one certificate as `actor` (an admin), printing its id and state.
int RevokeCertificate(const std::string& certificate_id, const std::string& reason,
                      const std::string& actor, std::shared_ptr<grpc::Channel> certificate,
                      std::FILE* out, std::FILE* err);

// Writes the signed revocation list to `path` as JSON (replacing it whole, never half-written):
//   {"format": "lindungi-revocation-list-v1", "generated_at": "<RFC 3339>",
//    "kid": "<base64>", "signature": "<base64 of raw r||s>", "uci_hashes": ["<hex>", ...]}
int ExportRevocations(const std::string& path, const std::string& actor,
                      std::shared_ptr<grpc::Channel> certificate, std::FILE* out, std::FILE* err);

}  // namespace lindungi::ctl

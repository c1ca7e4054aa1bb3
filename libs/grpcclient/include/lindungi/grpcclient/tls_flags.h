#pragma once

#include "absl/status/statusor.h"
#include "lindungi/grpcclient/channel.h"

namespace lindungi::grpcclient {

// --tls_cert_file, --tls_key_file, --tls_ca_file: this process's mTLS identity, used by servers
// for their port and by clients for their calls. All three or none.
absl::StatusOr<TlsFiles> TlsFilesFromFlags();

}  // namespace lindungi::grpcclient

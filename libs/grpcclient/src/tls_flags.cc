#include "lindungi/grpcclient/tls_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, tls_cert_file, "", "This process's certificate (PEM); mTLS on when set");
ABSL_FLAG(std::string, tls_key_file, "", "Private key of --tls_cert_file (PEM)");
ABSL_FLAG(std::string, tls_ca_file, "", "CA certificate that signs every Lindungi service (PEM)");

namespace lindungi::grpcclient {

absl::StatusOr<TlsFiles> TlsFilesFromFlags() {
  TlsFiles tls;
  tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  tls.ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  if (tls.enabled() && (tls.cert_file.empty() || tls.key_file.empty() || tls.ca_file.empty())) {
    return absl::InvalidArgumentError(
        "mTLS needs all of --tls_cert_file, --tls_key_file and --tls_ca_file");
  }
  return tls;
}

}  // namespace lindungi::grpcclient

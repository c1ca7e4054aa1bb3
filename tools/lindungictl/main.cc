// lindungictl: the operator's command line for Lindungi.
//
//   lindungictl import --citizens citizens.csv [--vaccinations vaccinations.csv]
//   lindungictl revoke --certificate_id URN:UVCI:01:ID:... --reason "..."
//   lindungictl export-revocations --out revocations.json
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "certificate_commands.h"
#include "lindungi/config/config.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/grpcclient/tls_flags.h"
#include "lindungi/server/process.h"
#include "registry_import.h"

ABSL_FLAG(std::string, identity_addr, "127.0.0.1:50020",
          "identity-service address (host:port or dns:///host:port)");
ABSL_FLAG(std::string, certificate_addr, "127.0.0.1:50030",
          "certificate-service address (host:port or dns:///host:port)");
ABSL_FLAG(std::string, citizens, "", "import: citizens.csv (nik,full_name,birth_date,sex,phone)");
ABSL_FLAG(std::string, vaccinations, "",
          "import: vaccinations.csv (nik,dose_number,vaccine_code,manufacturer_code,"
          "vaccinated_on,batch,facility,country); with --citizens, citizens go first");
ABSL_FLAG(std::string, reject_file, "",
          "import: where rejected rows go (default: <file>.rejects.csv; with both files, only "
          "the default is used)");
ABSL_FLAG(bool, update_existing, false,
          "import: when a known NIK or dose arrives with other data, the registry's data wins "
          "(a citizen's history keeps the old values; a dose's old certificates are revoked); "
          "otherwise such rows are rejected");
ABSL_FLAG(int, streams, 2, "import: parallel streams to the service");
ABSL_FLAG(int, max_rejects, 10000, "import: rejected rows listed (the count is always exact)");
ABSL_FLAG(std::string, certificate_id, "",
          "revoke: the certificate to revoke (URN:UVCI:01:ID:...#check character)");
ABSL_FLAG(std::string, reason, "",
          "revoke: why, kept with the certificate (at most 500 characters)");
ABSL_FLAG(std::string, out, "",
          "export-revocations: where the signed revocation list goes (JSON; replaced whole)");
ABSL_FLAG(std::string, actor, "",
          "Who runs the command, kept in histories (default: $USER, else \"operator\")");

namespace {

constexpr char kUsage[] =
    "lindungictl is the operator's command line for Lindungi.\n\n"
    "Commands:\n"
    "  import [--citizens FILE] [--vaccinations FILE]   load the national registry (CSV)\n"
    "  revoke --certificate_id ID --reason TEXT         revoke one certificate for good\n"
    "  export-revocations --out FILE                    write the signed revocation list (JSON)\n\n"
    "Examples:\n"
    "  lindungictl import --citizens citizens.csv --identity_addr=127.0.0.1:50020\n"
    "  lindungictl revoke --certificate_id 'URN:UVCI:01:ID:...' --reason 'issued in error'\n"
    "  lindungictl export-revocations --out revocations.json";

std::string Actor() {
  std::string actor = absl::GetFlag(FLAGS_actor);
  if (actor.empty()) {
    const char* user = std::getenv("USER");
    actor = user != nullptr && *user != '\0' ? user : "operator";
  }
  return absl::StrCat("operator:", actor);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& address) {
  using namespace lindungi;
  absl::StatusOr<grpcclient::TlsFiles> tls = grpcclient::TlsFilesFromFlags();
  if (!tls.ok()) return tls.status();
  grpcclient::ChannelOptions options;
  options.tls = *tls;
  return grpcclient::MakeChannel(address, options);
}

std::shared_ptr<grpc::Channel> CertificateChannel(const std::string& program) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Channel(absl::GetFlag(FLAGS_certificate_addr));
  if (!channel.ok()) lindungi::config::ExitBadConfig(program, channel.status());
  return *channel;
}

int Import(const std::string& program) {
  using namespace lindungi;
  const std::string citizens = absl::GetFlag(FLAGS_citizens);
  const std::string vaccinations = absl::GetFlag(FLAGS_vaccinations);
  if (citizens.empty() && vaccinations.empty()) {
    config::ExitBadConfig(program, absl::InvalidArgumentError(
                                       "import needs --citizens FILE and/or --vaccinations FILE"));
  }
  if (absl::GetFlag(FLAGS_streams) < 1 || absl::GetFlag(FLAGS_max_rejects) < 1) {
    config::ExitBadConfig(
        program, absl::InvalidArgumentError("--streams and --max_rejects must be at least 1"));
  }
  ctl::ImportOptions o;
  o.actor = Actor();
  o.update_existing = absl::GetFlag(FLAGS_update_existing);
  o.streams = absl::GetFlag(FLAGS_streams);
  o.max_rejects = absl::GetFlag(FLAGS_max_rejects);
  const bool both = !citizens.empty() && !vaccinations.empty();
  const bool terminal = isatty(STDERR_FILENO) == 1;
  int code = 0;
  if (!citizens.empty()) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> identity =
        Channel(absl::GetFlag(FLAGS_identity_addr));
    if (!identity.ok()) config::ExitBadConfig(program, identity.status());
    o.file = citizens;
    o.reject_file = both ? "" : absl::GetFlag(FLAGS_reject_file);
    code = ctl::ImportCitizens(o, *identity, stdout, stderr, terminal);
    if (code >= 2) return code;  // vaccinations need their citizens
  }
  if (!vaccinations.empty()) {
    o.file = vaccinations;
    o.reject_file = both ? "" : absl::GetFlag(FLAGS_reject_file);
    code = std::max(
        code, ctl::ImportVaccinations(o, CertificateChannel(program), stdout, stderr, terminal));
  }
  return code;
}

int Revoke(const std::string& program) {
  const std::string id = absl::GetFlag(FLAGS_certificate_id);
  const std::string reason = absl::GetFlag(FLAGS_reason);
  if (id.empty() || reason.empty()) {
    lindungi::config::ExitBadConfig(
        program, absl::InvalidArgumentError("revoke needs --certificate_id ID and --reason TEXT"));
  }
  return lindungi::ctl::RevokeCertificate(id, reason, Actor(), CertificateChannel(program), stdout,
                                          stderr);
}

int ExportRevocations(const std::string& program) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    lindungi::config::ExitBadConfig(
        program, absl::InvalidArgumentError("export-revocations needs --out FILE"));
  }
  return lindungi::ctl::ExportRevocations(out, Actor(), CertificateChannel(program), stdout,
                                          stderr);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lindungi;
  // Commands come first: `lindungictl import --citizens f.csv`.
  std::string command = argc > 1 && argv[1][0] != '-' ? argv[1] : "";
  if (!command.empty()) {
    for (int i = 1; i + 1 < argc; ++i) argv[i] = argv[i + 1];
    --argc;
  }
  const server::ProcessInfo process =
      server::InitProcess(argc, argv, "lindungictl", "lindungictl", kUsage);
  if (command == "import") return Import(process.program);
  if (command == "revoke") return Revoke(process.program);
  if (command == "export-revocations") return ExportRevocations(process.program);
  config::ExitBadConfig(
      process.program,
      absl::InvalidArgumentError(
          command.empty()
              ? "say what to do: lindungictl import|revoke|export-revocations ... (see --help)"
              : absl::StrCat("unknown command \"", command, "\" (see --help)")));
}

#include "certificate_server.h"

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "certificate_schema.h"
#include "lindungi/config/config.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/log/log.h"
#include "lindungi/store/migrations.h"
#include "lindungi/store/store_flags.h"

ABSL_FLAG(std::string, identity_addr, "",
          "Required. identity-service address (host:port or dns:///host:port): NIKs of imports "
          "and holders of certificates come from it");
ABSL_FLAG(absl::Duration, identity_timeout, absl::Seconds(2),
          "Deadline of each call to identity-service");
ABSL_FLAG(std::string, signing_key_file, "",
          "Required. The document signer's EC P-256 private key (PEM; tools/gen-keys makes a "
          "development one)");
ABSL_FLAG(std::string, signing_cert_file, "",
          "Required. The document signer's certificate (PEM); must match --signing_key_file; its "
          "kid (first 8 bytes of SHA-256 of the DER) goes into every certificate");
ABSL_FLAG(std::string, earlier_signing_cert_files, "",
          "Comma-separated earlier document signer certificates (PEM) whose certificates still "
          "verify after a key rotation");
ABSL_FLAG(absl::Duration, certificate_validity, absl::Hours(24 * 365),
          "How long an issued certificate is valid (CWT exp - iat)");
ABSL_FLAG(absl::Duration, booster_interval, absl::Hours(24 * 180),
          "Status: a booster is due this long after the primary series or the last booster");
ABSL_FLAG(int, max_boosters, 2, "Status: no further dose is proposed after this many boosters");
ABSL_FLAG(std::string, font_file, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
          "TrueType font of the PDF's text (Debian package fonts-dejavu-core)");
ABSL_FLAG(std::string, bold_font_file, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
          "TrueType font of the PDF's headings");

namespace lindungi::certificate {

absl::StatusOr<CertificateConfig> CertificateConfigFromFlags(config::Env env) {
  CertificateConfig c;
  c.production = env == config::Env::kProduction;
  absl::StatusOr<store::StoreConfig> store = store::StoreConfigFromFlags();
  if (!store.ok()) return store.status();
  if (!store->url.empty()) c.db_url = store->url;
  c.db_options = store->options;
  c.identity_addr = absl::GetFlag(FLAGS_identity_addr);
  if (c.identity_addr.empty()) {
    return absl::InvalidArgumentError("--identity_addr is required (identity-service)");
  }
  c.identity_timeout = absl::GetFlag(FLAGS_identity_timeout);
  absl::StatusOr<std::string> key =
      config::ReadSecretFile(absl::GetFlag(FLAGS_signing_key_file), "--signing_key_file");
  if (!key.ok()) return key.status();
  c.signing_key_pem = *std::move(key);
  const std::string cert_file = absl::GetFlag(FLAGS_signing_cert_file);
  if (cert_file.empty()) return absl::InvalidArgumentError("--signing_cert_file is required");
  absl::StatusOr<std::string> cert = config::ReadFile(cert_file);
  if (!cert.ok()) return cert.status();
  c.signing_cert_pem = *std::move(cert);
  for (absl::string_view file : absl::StrSplit(absl::GetFlag(FLAGS_earlier_signing_cert_files), ',',
                                               absl::SkipWhitespace())) {
    absl::StatusOr<std::string> pem = config::ReadFile(file);
    if (!pem.ok()) return pem.status();
    c.earlier_cert_pems.push_back(*std::move(pem));
  }
  c.issuer.validity = absl::GetFlag(FLAGS_certificate_validity);
  c.due.booster_interval = absl::GetFlag(FLAGS_booster_interval);
  c.due.max_boosters = absl::GetFlag(FLAGS_max_boosters);
  if (c.issuer.validity < absl::Hours(24) || c.due.booster_interval < absl::Hours(24) ||
      c.due.max_boosters < 0) {
    return absl::InvalidArgumentError(
        "--certificate_validity and --booster_interval must be at least a day, --max_boosters "
        "at least 0");
  }
  c.renderer.regular_font_file = absl::GetFlag(FLAGS_font_file);
  c.renderer.bold_font_file = absl::GetFlag(FLAGS_bold_font_file);
  return c;
}

absl::Status CheckSignerForEnv(const DocumentSigner& signer, bool production) {
  const dcc::SigningCertificate* current = signer.Find(signer.kid());
  if (!production || current == nullptr) return absl::OkStatus();
  if (absl::StrContains(absl::AsciiStrToLower(current->subject()), "development")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--env=production refuses a development signing certificate (", current->subject(),
        ", as tools/gen-keys makes); give the Ministry's document signer in --signing_key_file "
        "and --signing_cert_file"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CertificateServer>> CertificateServer::Start(
    const CertificateConfig& config, const server::ServerOptions& options, clock::Clock& clock) {
  auto s = std::unique_ptr<CertificateServer>(new CertificateServer());
  absl::StatusOr<std::unique_ptr<DocumentSigner>> signer = DocumentSigner::Create(
      config.signing_key_pem, config.signing_cert_pem, config.earlier_cert_pems);
  if (!signer.ok()) return signer.status();
  s->signer_ = *std::move(signer);
  if (absl::Status fit = CheckSignerForEnv(*s->signer_, config.production); !fit.ok()) return fit;
  absl::StatusOr<certpdf::CertificateRenderer> renderer =
      certpdf::CertificateRenderer::Create(config.renderer);
  if (!renderer.ok()) return renderer.status();
  s->renderer_ = std::make_unique<certpdf::CertificateRenderer>(*std::move(renderer));
  absl::StatusOr<std::unique_ptr<store::Database>> db =
      store::OpenDatabase(config.db_url, config.db_options);
  if (!db.ok()) return db.status();
  s->db_ = *std::move(db);
  if (absl::Status m = store::Migrate(*s->db_, CertificateMigrations()); !m.ok()) return m;

  grpcclient::ChannelOptions channel_options;
  channel_options.tls = options.tls;  // the service's own certificate is its client identity
  absl::StatusOr<std::shared_ptr<grpc::Channel>> identity =
      grpcclient::MakeChannel(config.identity_addr, channel_options);
  if (!identity.ok()) return identity.status();
  s->directory_ = std::make_unique<IdentityDirectory>(*identity, config.identity_timeout);
  s->records_ = std::make_unique<VaccinationRegistry>(*s->db_, *s->directory_, clock, config.due);
  s->issuer_ = std::make_unique<CertificateIssuer>(*s->db_, *s->directory_, *s->signer_,
                                                   *s->renderer_, clock, config.issuer);
  s->host_ = std::make_unique<server::ServiceHost>(options);
  s->service_ =
      std::make_unique<CertificateGrpcService>(*s->records_, *s->issuer_, s->host_->workers());
  s->host_->AddService(s->service_.get(), v1::CertificateService::service_full_name());
  if (absl::Status started = s->host_->Start(); !started.ok()) return started;
  log::Info("certificate-service ready",
            {{"store", s->db_->backend()}, {"identity", config.identity_addr}});
  return s;
}

void CertificateServer::Shutdown() {
  if (host_) host_->Shutdown();
}

CertificateServer::~CertificateServer() { Shutdown(); }

}  // namespace lindungi::certificate

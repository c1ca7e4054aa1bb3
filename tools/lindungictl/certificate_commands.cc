#include "certificate_commands.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lindungi/certificate/v1/certificate.grpc.pb.h"
#include "lindungi/grpcclient/channel.h"
#include "lindungi/status/status.h"
#include "nlohmann/json.hpp"

namespace lindungi::ctl {
namespace {

namespace certv1 = lindungi::certificate::v1;

constexpr absl::Duration kCallTimeout = absl::Seconds(30);

void SetOperator(const std::string& actor, lindungi::common::v1::Actor* out) {
  out->set_id(actor);
  out->set_role(lindungi::common::v1::ROLE_ADMIN);
  out->set_channel(lindungi::common::v1::CHANNEL_OPERATOR);
}

// Prints why a call failed and returns the exit code: 3 when the service is unreachable or broke,
// 1 when it understood and refused.
int Failed(const char* what, const grpc::Status& status, std::FILE* err) {
  const absl::Status s = status::FromGrpc(status);
  const std::optional<std::string> reason = status::ReasonOf(s);
  std::fprintf(err, "%s failed: %s%s%s\n", what, std::string(s.message()).c_str(),
               reason ? " (" : "", reason ? (*reason + ")").c_str() : "");
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      std::fprintf(err,
                   "certificate-service did not answer; check --certificate_addr and that "
                   "the service is running, then run the same command again\n");
      return 3;
    default:
      return 1;
  }
}

std::string StatusName(certv1::CertificateStatus status) {
  switch (status) {
    case certv1::CERTIFICATE_STATUS_ACTIVE:
      return "active";
    case certv1::CERTIFICATE_STATUS_EXPIRED:
      return "expired";
    case certv1::CERTIFICATE_STATUS_REVOKED:
      return "revoked";
    default:
      return "unknown";
  }
}

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  return absl::FormatTime(absl::RFC3339_full, absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

}  // namespace

int RevokeCertificate(const std::string& certificate_id, const std::string& reason,
                      const std::string& actor, std::shared_ptr<grpc::Channel> certificate,
                      std::FILE* out, std::FILE* err) {
  auto stub = certv1::CertificateService::NewStub(std::move(certificate));
  certv1::RevokeCertificateRequest request;
  request.set_certificate_id(certificate_id);
  request.set_reason(reason);
  SetOperator(actor, request.mutable_actor());
  certv1::RevokeCertificateResponse response;
  auto ctx = grpcclient::NewCallContext(kCallTimeout);
  const grpc::Status status = stub->RevokeCertificate(ctx.get(), request, &response);
  if (!status.ok()) return Failed("revoke", status, err);
  const certv1::CertificateInfo& c = response.certificate();
  std::fprintf(out, "%s %s: dose %d, %s since %s (%s)\n", c.certificate_id().c_str(),
               response.already_revoked() ? "was already revoked" : "revoked", c.dose_number(),
               StatusName(c.status()).c_str(), Rfc3339(c.revoked_at()).c_str(),
               c.revocation_reason().c_str());
  return 0;
}

int ExportRevocations(const std::string& path, const std::string& actor,
                      std::shared_ptr<grpc::Channel> certificate, std::FILE* out, std::FILE* err) {
  auto stub = certv1::CertificateService::NewStub(std::move(certificate));
  certv1::ExportRevocationListRequest request;
  SetOperator(actor, request.mutable_actor());
  certv1::ExportRevocationListResponse response;
  auto ctx = grpcclient::NewCallContext(kCallTimeout);
  const grpc::Status status = stub->ExportRevocationList(ctx.get(), request, &response);
  if (!status.ok()) return Failed("export-revocations", status, err);

  nlohmann::ordered_json doc;
  doc["format"] = "lindungi-revocation-list-v1";
  doc["generated_at"] = Rfc3339(response.generated_at());
  doc["kid"] = absl::Base64Escape(response.kid());
  doc["signature"] = absl::Base64Escape(response.signature());
  doc["uci_hashes"] = nlohmann::json::array();
  for (const std::string& hash : response.uci_hashes()) {
    doc["uci_hashes"].push_back(absl::BytesToHexString(hash));
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << doc.dump(2) << '\n';
    if (!file.flush()) {
      std::fprintf(err, "cannot write %s; check the folder exists and is writable\n",
                   temporary.c_str());
      return 2;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::fprintf(err, "cannot replace %s\n", path.c_str());
    std::remove(temporary.c_str());
    return 2;
  }
  std::fprintf(out, "%d revoked certificates written to %s (signed, kid %s, cut at %s)\n",
               response.uci_hashes_size(), path.c_str(), doc["kid"].get<std::string>().c_str(),
               doc["generated_at"].get<std::string>().c_str());
  return 0;
}

}  // namespace lindungi::ctl

#include "certificate_issuer.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "certificate_metrics.h"
#include "certificate_schema.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/dcc/dcc.h"
#include "lindungi/dcc/hc1.h"
#include "lindungi/dcc/names.h"
#include "lindungi/dcc/uvci.h"
#include "lindungi/records/records.h"
#include "lindungi/status/status.h"
#include "lindungi/vaccines/catalogue.h"
#include "vaccination_registry.h"

namespace lindungi::certificate {
namespace {

using records::SetTime;

constexpr absl::string_view kDomain = "certificate.lindungi";
constexpr size_t kMaxReason = 500;
constexpr char kRevocationListLabel[] = "lindungi-revocation-list-v1\n";

constexpr status::ErrorDomain Failure{kDomain};

std::string DateText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string DayOf(int64_t ms) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(ms), clock::Jakarta());
}

absl::Status CheckCitizenId(absl::string_view id) {
  if (id.empty() || id.size() > 64) {
    return status::InvalidField("citizen_id", "the citizen id is missing or too long");
  }
  return absl::OkStatus();
}

// Crockford base32 (the UVCI character set allows A-Z and 0-9), 5 bits per character.
std::string Base32(absl::string_view bytes, size_t chars) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5 && out.size() < chars) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

// A stored certificate.
struct Stored {
  std::string id;
  std::string citizen_id;
  int dose_number = 0;
  std::string hc1;
  std::string kid;
  bool revoked = false;
  int64_t issued_at = 0;  // ms
  int64_t expires_at = 0;
  int64_t revoked_at = 0;
  std::string revocation_reason;
  bool superseded = false;  // revoked because its data changed (SupersedeCertificates)
};

constexpr absl::string_view kColumns =
    "certificate_id, citizen_id, dose_number, hc1, kid, revoked, issued_at, expires_at, "
    "revoked_at, revocation_reason, superseded";

Stored FromRow(const store::Row& r) {
  Stored s;
  s.id = r.Text(0);
  s.citizen_id = r.Text(1);
  s.dose_number = static_cast<int>(r.Int(2));
  s.hc1 = r.Text(3);
  s.kid = r.Bytes(4);
  s.revoked = r.Int(5) != 0;
  s.issued_at = r.Int(6);
  s.expires_at = r.Int(7);
  s.revoked_at = r.IsNull(8) ? 0 : r.Int(8);
  s.revocation_reason = r.Text(9);
  s.superseded = r.Int(10) != 0;
  return s;
}

absl::StatusOr<std::optional<Stored>> LoadOne(store::Transaction& tx, const std::string& id) {
  std::optional<Stored> found;
  absl::Status s =
      tx.Query(absl::StrCat("SELECT ", kColumns, " FROM certificates WHERE certificate_id = ?"),
               {id}, [&found](const store::Row& r) {
                 found = FromRow(r);
                 return false;
               });
  if (!s.ok()) return s;
  return found;
}

// The certificate id for a fingerprint of certified data, and what is stored under it.
struct CertificateSlot {
  std::string id;
  std::optional<Stored> stored;
};

// Data seen again after they were superseded get the next generation's id; so do data that
// change back and forth (at most kMaxGenerations times). A certificate revoked by an admin
// blocks its data: CERTIFICATE_REVOKED.
constexpr int kMaxGenerations = 100;

absl::StatusOr<CertificateSlot> FindSlot(store::Transaction& tx, const std::string& fingerprint,
                                         absl::string_view country) {
  for (int generation = 0; generation < kMaxGenerations; ++generation) {
    const std::string input =
        generation == 0 ? fingerprint : absl::StrCat(fingerprint, "\x1f", generation);
    absl::StatusOr<std::string> id =
        dcc::MakeUvci(country, absl::StrCat("LDG", Base32(crypto::Sha256(input), 24)));
    if (!id.ok()) return id.status();
    absl::StatusOr<std::optional<Stored>> found = LoadOne(tx, *id);
    if (!found.ok()) return found.status();
    if (!found->has_value() || !(*found)->revoked) return CertificateSlot{*id, *std::move(found)};
    if (!(*found)->superseded) {
      return Failure(absl::StatusCode::kFailedPrecondition, "CERTIFICATE_REVOKED",
                     "the certificate for these data was revoked and is not issued again");
    }
  }
  return Failure(absl::StatusCode::kFailedPrecondition, "TOO_MANY_CORRECTIONS",
                 "these data were corrected back and forth too often; ask an admin");
}

v1::CertificateInfo InfoOf(const Stored& s, absl::Time now) {
  v1::CertificateInfo info;
  info.set_certificate_id(s.id);
  info.set_citizen_id(s.citizen_id);
  info.set_dose_number(s.dose_number);
  info.set_status(s.revoked                                 ? v1::CERTIFICATE_STATUS_REVOKED
                  : absl::ToUnixMillis(now) >= s.expires_at ? v1::CERTIFICATE_STATUS_EXPIRED
                                                            : v1::CERTIFICATE_STATUS_ACTIVE);
  SetTime(s.issued_at, info.mutable_issued_at());
  SetTime(s.expires_at, info.mutable_expires_at());
  if (s.revoked) {
    SetTime(s.revoked_at, info.mutable_revoked_at());
    info.set_revocation_reason(s.revocation_reason);
  }
  info.set_kid(s.kid);
  return info;
}

// The decoded fields of a certificate, as VerifyCertificate returns them.
void FillDecoded(const dcc::DecodedDcc& d, const std::string& kid, v1::DecodedCertificate* out) {
  out->set_certificate_id(d.certificate_id);
  out->set_issuer(d.issuer);
  SetTime(absl::ToUnixMillis(d.issued_at), out->mutable_issued_at());
  SetTime(absl::ToUnixMillis(d.expires_at), out->mutable_expires_at());
  out->set_kid(kid);
  out->set_schema_version(d.schema_version);
  out->set_family_name(d.family_name);
  out->set_given_name(d.given_name);
  out->set_family_name_standardized(d.family_name_standardized);
  out->set_given_name_standardized(d.given_name_standardized);
  out->set_date_of_birth(d.date_of_birth);
  out->set_target_disease(d.target_disease);
  out->set_vaccine_prophylaxis(d.vaccine_prophylaxis);
  out->set_vaccine_code(d.vaccine_code);
  out->set_manufacturer_code(d.manufacturer_code);
  out->set_dose_number(d.dose_number);
  out->set_series_doses(d.series_doses);
  if (d.vaccinated_on_day.has_value()) {
    out->mutable_vaccinated_on()->set_year(static_cast<int32_t>(d.vaccinated_on_day->year()));
    out->mutable_vaccinated_on()->set_month(d.vaccinated_on_day->month());
    out->mutable_vaccinated_on()->set_day(d.vaccinated_on_day->day());
  }
  out->set_country(d.country);
  out->set_certificate_issuer(d.certificate_issuer);
  out->set_dcc_json(d.dcc_json);
}

// "bad_signature" for INVALID_REASON_BAD_SIGNATURE: a metric label.
std::string ReasonLabel(v1::InvalidReason reason) {
  const std::string name = absl::AsciiStrToLower(v1::InvalidReason_Name(reason));
  return std::string(absl::StripPrefix(name, "invalid_reason_"));
}

}  // namespace

CertificateIssuer::CertificateIssuer(store::Database& db, CitizenDirectory& directory,
                                     const DocumentSigner& signer,
                                     const certpdf::CertificateRenderer& renderer,
                                     clock::Clock& clock, IssuerPolicy policy)
    : db_(db),
      directory_(directory),
      signer_(signer),
      renderer_(renderer),
      clock_(clock),
      policy_(std::move(policy)) {}

absl::Status CertificateIssuer::IssueCertificate(const v1::IssueCertificateRequest& request,
                                                 v1::IssueCertificateResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  if (request.dose_number() < 1 || request.dose_number() > 9) {
    return status::InvalidField("dose_number", "the dose number must be from 1 to 9");
  }
  // The dose, then the holder (identity-service owns names; no store transaction is held while
  // it answers).
  std::vector<Dose> doses;
  absl::Status read = db_.Read([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::vector<Dose>> loaded =
        VaccinationRegistry::LoadDoses(tx, request.citizen_id());
    if (!loaded.ok()) return loaded.status();
    doses = *std::move(loaded);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  auto dose = std::find_if(doses.begin(), doses.end(),
                           [&](const Dose& d) { return d.dose_number == request.dose_number(); });
  if (dose == doses.end()) {
    return Failure(absl::StatusCode::kNotFound, "DOSE_NOT_FOUND",
                   absl::StrCat("no dose ", request.dose_number(), " on record for this citizen"));
  }
  absl::StatusOr<Holder> holder = directory_.GetHolder(request.citizen_id());
  if (holder.status().code() == absl::StatusCode::kNotFound) {
    return Failure(absl::StatusCode::kNotFound, "CITIZEN_NOT_FOUND", "no citizen with this id");
  }
  if (!holder.ok()) return holder.status();

  // What the certificate says, and the id those data give.
  const dcc::HolderName name = dcc::SplitIndonesianName(holder->full_name);
  const int series = VaccinationRegistry::SeriesDoses(*dose, doses);
  const vaccines::VaccineProduct* product = vaccines::FindByCode(dose->vaccine_code);
  const std::string fingerprint =
      absl::StrJoin({request.citizen_id(), absl::StrCat(dose->dose_number), absl::StrCat(series),
                     holder->full_name, DateText(holder->birth_date), holder->masked_nik,
                     dose->vaccine_code, dose->manufacturer_code, DateText(dose->vaccinated_on),
                     dose->batch, dose->facility, dose->country},
                    "\x1f");
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now()));
  const int64_t now_ms = absl::ToUnixMillis(now);
  // Reused while unexpired and signed by the current document signer (after a key rotation,
  // certificates are signed afresh under the same id).
  const auto reusable = [&](const std::optional<Stored>& c) {
    return c.has_value() && !c->revoked && now_ms < c->expires_at && c->kid == signer_.kid();
  };
  absl::StatusOr<CertificateSlot> slot;
  absl::Status read_slot = db_.Read([&](store::Transaction& tx) {
    slot = FindSlot(tx, fingerprint, policy_.country);
    return slot.status();
  });
  if (!read_slot.ok()) return read_slot;

  bool newly_issued = false;
  std::optional<Stored> current = slot->stored;
  if (!reusable(current)) {
    dcc::VaccinationCertificateData data;
    data.family_name = name.family_name;
    data.given_name = name.given_name;
    data.date_of_birth = DateText(holder->birth_date);
    data.vaccine_code = dose->vaccine_code;
    data.manufacturer_code = dose->manufacturer_code;
    data.dose_number = dose->dose_number;
    data.series_doses = series;
    data.vaccinated_on = DateText(dose->vaccinated_on);
    data.country = dose->country;
    data.certificate_issuer = policy_.issuer_name;
    data.certificate_id = slot->id;
    absl::StatusOr<dcc::CborValue> payload = dcc::BuildVaccinationDcc(data);
    if (!payload.ok()) return payload.status();
    // A certificate is signed within its document signer's validity and never outlives it
    // (verifiers refuse a signature made outside it).
    const dcc::SigningCertificate* dsc = signer_.Find(signer_.kid());
    const absl::Time dsc_end = dsc != nullptr ? dsc->not_after() : absl::InfiniteFuture();
    if (dsc != nullptr && now < dsc->not_before()) {
      return Failure(absl::StatusCode::kFailedPrecondition, "SIGNER_NOT_YET_VALID",
                     "the document signer certificate is not valid yet (this host's clock, or a "
                     "certificate installed before its start date): until it is, keep the "
                     "current one in --signing_key_file and --signing_cert_file");
    }
    if (now >= dsc_end) {
      return Failure(absl::StatusCode::kFailedPrecondition, "SIGNER_EXPIRED",
                     "the document signer certificate has expired: install a new one "
                     "(--signing_key_file, --signing_cert_file) to issue certificates");
    }
    const absl::Time expires = std::min(now + policy_.validity, dsc_end);
    absl::StatusOr<std::string> claims =
        dcc::EncodeCwtClaims({policy_.country, now, expires}, *payload);
    if (!claims.ok()) return claims.status();
    absl::StatusOr<std::string> hc1 = dcc::EncodeHc1(*claims, signer_.key(), signer_.kid());
    if (!hc1.ok()) return hc1.status();

    const int64_t expires_ms = absl::ToUnixMillis(expires);
    absl::Status wrote = db_.Write([&](store::Transaction& tx) -> absl::Status {
      response->clear_revoked_certificate_ids();
      absl::StatusOr<CertificateSlot> again =
          FindSlot(tx, fingerprint, policy_.country);  // racing?
      if (!again.ok()) return again.status();
      current = again->stored;
      if (again->id != slot->id) {
        return absl::AbortedError("the certificate changed while it was issued; try again");
      }
      if (reusable(current)) return absl::OkStatus();
      // The dose's certificates for other data are superseded.
      absl::StatusOr<std::vector<std::string>> superseded =
          SupersedeCertificates(tx, request.citizen_id(), request.dose_number(), slot->id, now_ms);
      if (!superseded.ok()) return superseded.status();
      for (const std::string& old : *superseded) response->add_revoked_certificate_ids(old);
      absl::StatusOr<int64_t> n =
          current.has_value()
              ? tx.Execute(
                    "UPDATE certificates SET hc1 = ?, kid = ?, issued_at = ?, "
                    "expires_at = ? WHERE certificate_id = ?",
                    {*hc1, store::Blob{signer_.kid()}, now_ms, expires_ms, slot->id})
              : tx.Execute(
                    "INSERT INTO certificates (certificate_id, citizen_id, dose_number, hc1, "
                    "kid, revoked, issued_at, expires_at, revocation_reason) "
                    "VALUES (?, ?, ?, ?, ?, 0, ?, ?, '')",
                    {slot->id, request.citizen_id(), request.dose_number(), *hc1,
                     store::Blob{signer_.kid()}, now_ms, expires_ms});
      if (!n.ok()) return n.status();
      Stored issued;
      issued.id = slot->id;
      issued.citizen_id = request.citizen_id();
      issued.dose_number = request.dose_number();
      issued.hc1 = *hc1;
      issued.kid = signer_.kid();
      issued.issued_at = now_ms;
      issued.expires_at = expires_ms;
      current = std::move(issued);
      newly_issued = true;
      return absl::OkStatus();
    });
    if (!wrote.ok()) return wrote;
  }

  certpdf::CertificateView view;
  view.full_name = holder->full_name;
  view.masked_nik = holder->masked_nik;
  view.birth_date = DateText(holder->birth_date);
  view.dose_number = dose->dose_number;
  view.series_doses = series;
  view.vaccine_name = product != nullptr ? std::string(product->name) : dose->vaccine_code;
  view.manufacturer_name =
      product != nullptr ? std::string(product->manufacturer) : dose->manufacturer_code;
  view.vaccinated_on = DateText(dose->vaccinated_on);
  view.batch = dose->batch;
  view.facility = dose->facility;
  view.country = dose->country == "ID" ? "Indonesia (ID)" : dose->country;
  view.issuer = "Kementerian Kesehatan Republik Indonesia";
  view.certificate_id = current->id;
  view.issued_at = DayOf(current->issued_at);
  view.expires_at = DayOf(current->expires_at);
  view.hc1 = current->hc1;
  absl::StatusOr<std::string> pdf = renderer_.Render(view);
  if (!pdf.ok()) return pdf.status();

  *response->mutable_certificate() = InfoOf(*current, now);
  response->set_hc1(current->hc1);
  response->set_pdf(*std::move(pdf));
  response->set_newly_issued(newly_issued);
  CertificateMetrics::Get().Issued(newly_issued);
  CertificateMetrics::Get().Revoked("superseded", response->revoked_certificate_ids_size());
  return absl::OkStatus();
}

absl::Status CertificateIssuer::VerifyCertificate(const v1::VerifyCertificateRequest& request,
                                                  v1::VerifyCertificateResponse* response) {
  const absl::Time at = request.has_at() ? absl::FromUnixSeconds(request.at().seconds()) +
                                               absl::Nanoseconds(request.at().nanos())
                                         : clock_.Now();
  dcc::Hc1DecodeOptions options;
  options.kid_lookup = [this](absl::string_view kid) { return signer_.Find(kid); };
  dcc::Hc1DecodeResult result = dcc::DecodeHc1(request.hc1(), at, options);
  response->set_valid(result.valid());
  response->set_reason(static_cast<v1::InvalidReason>(result.reason));
  response->set_detail(result.detail);
  if (result.certificate.has_value()) {
    FillDecoded(*result.certificate, result.kid, response->mutable_certificate());
  }
  if (result.valid() && result.certificate.has_value()) {
    // Signature and dates hold; revocation is ours to check.
    bool revoked = false;
    absl::Status s = db_.Read([&](store::Transaction& tx) {
      return tx.Query("SELECT revoked FROM certificates WHERE certificate_id = ?",
                      {result.certificate->certificate_id}, [&revoked](const store::Row& r) {
                        revoked = r.Int(0) != 0;
                        return false;
                      });
    });
    if (!s.ok()) return s;
    if (revoked) {
      response->set_valid(false);
      response->set_reason(v1::INVALID_REASON_REVOKED);
      response->set_detail("the certificate was revoked");
    }
  }
  CertificateMetrics::Get().Verified(response->valid() ? "valid" : ReasonLabel(response->reason()));
  return absl::OkStatus();
}

absl::Status CertificateIssuer::RevokeCertificate(const v1::RevokeCertificateRequest& request,
                                                  v1::RevokeCertificateResponse* response) {
  if (request.certificate_id().empty() || request.certificate_id().size() > dcc::kMaxUvciLength) {
    return status::InvalidField("certificate_id", "not a certificate id");
  }
  const lindungi::common::v1::Role role = request.actor().role();
  if (request.actor().id().empty() ||
      (role != lindungi::common::v1::ROLE_ADMIN && role != lindungi::common::v1::ROLE_SYSTEM)) {
    return Failure(absl::StatusCode::kPermissionDenied, "REVOKE_NOT_ALLOWED",
                   "only an admin, or the system after a data correction, revokes certificates");
  }
  if (absl::StripAsciiWhitespace(request.reason()).empty() ||
      request.reason().size() > kMaxReason) {
    return status::InvalidField("reason", "a reason of at most 500 characters is required");
  }
  const absl::Time now = clock_.Now();
  absl::Status wrote = db_.Write([&](store::Transaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<Stored>> found = LoadOne(tx, request.certificate_id());
    if (!found.ok()) return found.status();
    if (!found->has_value()) {
      return Failure(absl::StatusCode::kNotFound, "CERTIFICATE_NOT_FOUND",
                     "no certificate with this id was issued here");
    }
    Stored s = **found;
    if (s.revoked) {
      response->set_already_revoked(true);
    } else {
      s.revoked = true;
      s.revoked_at = absl::ToUnixMillis(now);
      s.revocation_reason = request.reason();
      absl::StatusOr<int64_t> n = tx.Execute(
          "UPDATE certificates SET revoked = 1, revoked_at = ?, revocation_reason = ?, "
          "revoked_by = ? WHERE certificate_id = ?",
          {s.revoked_at, s.revocation_reason, request.actor().id(), s.id});
      if (!n.ok()) return n.status();
    }
    *response->mutable_certificate() = InfoOf(s, now);
    return absl::OkStatus();
  });
  if (wrote.ok() && !response->already_revoked()) CertificateMetrics::Get().Revoked("admin");
  return wrote;
}

std::string CertificateIssuer::RevocationListSignedBytes(int64_t generated_at_seconds,
                                                         const std::vector<std::string>& hashes) {
  std::string out = kRevocationListLabel;
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((static_cast<uint64_t>(generated_at_seconds) >> shift) & 0xff));
  }
  for (const std::string& h : hashes) out += h;
  return out;
}

absl::Status CertificateIssuer::ExportRevocationList(const v1::ExportRevocationListRequest&,
                                                     v1::ExportRevocationListResponse* response) {
  std::vector<std::string> hashes;
  absl::Status s = db_.Read([&](store::Transaction& tx) {
    return tx.Query("SELECT certificate_id FROM certificates WHERE revoked = 1", {},
                    [&hashes](const store::Row& r) {
                      hashes.push_back(crypto::Sha256(r.TextView(0)).substr(0, 16));
                      return true;
                    });
  });
  if (!s.ok()) return s;
  std::sort(hashes.begin(), hashes.end());
  const int64_t generated_at = absl::ToUnixSeconds(clock_.Now());
  absl::StatusOr<std::string> signature =
      signer_.key().Sign(RevocationListSignedBytes(generated_at, hashes));
  if (!signature.ok()) return signature.status();
  for (std::string& h : hashes) response->add_uci_hashes(std::move(h));
  response->mutable_generated_at()->set_seconds(generated_at);
  response->set_kid(signer_.kid());
  response->set_signature(*std::move(signature));
  return absl::OkStatus();
}

absl::Status CertificateIssuer::ListCertificates(const v1::ListCertificatesRequest& request,
                                                 v1::ListCertificatesResponse* response) {
  if (absl::Status s = CheckCitizenId(request.citizen_id()); !s.ok()) return s;
  const absl::Time now = clock_.Now();
  return db_.Read([&](store::Transaction& tx) {
    return tx.Query(absl::StrCat("SELECT ", kColumns,
                                 " FROM certificates WHERE citizen_id = ? "
                                 "ORDER BY dose_number, issued_at DESC, revoked"),
                    {request.citizen_id()}, [&](const store::Row& r) {
                      *response->add_certificates() = InfoOf(FromRow(r), now);
                      return true;
                    });
  });
}

}  // namespace lindungi::certificate

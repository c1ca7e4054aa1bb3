#include "lindungi/records/records.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lindungi/crypto/hash.h"
#include "lindungi/status/status.h"

namespace lindungi::records {

using lindungi::common::v1::Role;

bool IsAgent(Role role) {
  return role == lindungi::common::v1::ROLE_AGENT ||
         role == lindungi::common::v1::ROLE_SUPERVISOR || role == lindungi::common::v1::ROLE_ADMIN;
}

absl::Status CheckActor(const Actor& actor) {
  if (actor.id().empty() || actor.id().size() > 64) {
    return status::InvalidField("actor.id", "who acts must be named (1 to 64 characters)");
  }
  for (char c : actor.id()) {
    if (c < 0x21 || c > 0x7e) {
      return status::InvalidField("actor.id", "the actor id must be printable ASCII");
    }
  }
  if (actor.role() == lindungi::common::v1::ROLE_UNSPECIFIED ||
      !lindungi::common::v1::Role_IsValid(actor.role())) {
    return status::InvalidField("actor.role", "the actor's role is missing");
  }
  return absl::OkStatus();
}

void ActorColumns(const Actor& a, std::vector<store::Value>* params) {
  params->emplace_back(a.id());
  params->emplace_back(static_cast<int64_t>(a.role()));
  params->emplace_back(static_cast<int64_t>(a.channel()));
}

Actor ActorFrom(const store::Row& row, int col) {
  Actor a;
  a.set_id(row.Text(col));
  a.set_role(static_cast<Role>(row.Int(col + 1)));
  a.set_channel(static_cast<lindungi::common::v1::Channel>(row.Int(col + 2)));
  return a;
}

void SetTime(int64_t ms, google::protobuf::Timestamp* out) {
  int64_t seconds = ms / 1000;
  int64_t rest = ms % 1000;
  if (rest < 0) {  // before 1970: nanos must stay non-negative
    seconds -= 1;
    rest += 1000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000000));
}

int64_t ToMs(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

namespace {

// In hex: the payload's fields are separated by newlines, which raw digest bytes can contain
// (one token in 32 was refused as altered before).
std::string FiltersDigest(absl::string_view filters) {
  return crypto::HexEncode(crypto::Sha256(filters).substr(0, 8));
}

}  // namespace

std::string PageToken(const crypto::PiiVault& vault, absl::string_view kind,
                      absl::string_view filters, absl::string_view cursor) {
  const std::string payload = absl::StrCat(kind, "\n", FiltersDigest(filters), "\n", cursor);
  return crypto::Base64UrlEncode(absl::StrCat(vault.Tag(payload), payload));
}

absl::StatusOr<std::string> ParsePageToken(const crypto::PiiVault& vault, absl::string_view token,
                                           absl::string_view kind, absl::string_view filters) {
  const absl::Status bad =
      status::InvalidField("page_token",
                           "the page token is not valid here (it belongs to another query or was "
                           "altered); start again without it");
  absl::StatusOr<std::string> raw = crypto::Base64UrlDecode(token);
  if (!raw.ok() || raw->size() < 16) return bad;
  const std::string payload = raw->substr(16);
  if (!crypto::ConstantTimeEquals(raw->substr(0, 16), vault.Tag(payload))) return bad;
  std::vector<std::string> parts = absl::StrSplit(payload, absl::MaxSplits('\n', 2));
  if (parts.size() != 3 || parts[0] != kind || parts[1] != FiltersDigest(filters)) {
    return bad;
  }
  return parts[2];
}

}  // namespace lindungi::records

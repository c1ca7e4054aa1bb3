#include "lindungi/crypto/pii_vault.h"

#include "absl/strings/str_cat.h"
#include "lindungi/crypto/hash.h"

namespace lindungi::crypto {
namespace {

constexpr size_t kIndexBytes = 16;  // 2^128: no collisions among billions of values
constexpr size_t kTagBytes = 16;

}  // namespace

absl::StatusOr<std::unique_ptr<PiiVault>> PiiVault::Create(absl::string_view master_key,
                                                           absl::string_view domain) {
  if (master_key.size() < 32) {
    return absl::InvalidArgumentError("--pii_key_file must hold at least 32 bytes");
  }
  const std::string enc_key =
      HmacSha256(master_key, absl::StrCat("lindungi/", domain, "/pii-encryption/v1"));
  absl::StatusOr<Aes256Gcm> aead = Aes256Gcm::Create(enc_key);
  if (!aead.ok()) return aead.status();
  return std::unique_ptr<PiiVault>(
      new PiiVault(*std::move(aead),
                   HmacSha256(master_key, absl::StrCat("lindungi/", domain, "/blind-index/v1")),
                   HmacSha256(master_key, absl::StrCat("lindungi/", domain, "/page-token/v1"))));
}

std::string PiiVault::BlindIndex(absl::string_view kind, absl::string_view value) const {
  return HmacSha256(index_key_, absl::StrCat(kind, ":", value)).substr(0, kIndexBytes);
}

absl::StatusOr<std::string> PiiVault::Seal(absl::string_view context,
                                           absl::string_view value) const {
  return aead_.Seal(value, context);
}

absl::StatusOr<std::string> PiiVault::Open(absl::string_view context,
                                           absl::string_view sealed) const {
  return aead_.Open(sealed, context);
}

std::string PiiVault::Tag(absl::string_view data) const {
  return HmacSha256(token_key_, data).substr(0, kTagBytes);
}

}  // namespace lindungi::crypto

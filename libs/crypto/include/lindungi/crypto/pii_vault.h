#pragma once

// Personal data at rest (DESIGN.md "Data", UU PDP 27/2022): identity-service stores NIKs and
// phone numbers, ticket-service tickets and their events, only as AES-256-GCM ciphertext, found
// through keyed blind indexes (HMAC-SHA256, truncated to 16 bytes), so a database file holds none
// of them in clear. Every key derives from one master key (--pii_key_file) with labels naming the
// service (its domain) and the use; the associated data binds each ciphertext to its row and
// field, so a ciphertext copied to another row or column does not decrypt.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/aead.h"

namespace lindungi::crypto {

class PiiVault {
 public:
  // `master_key` must hold at least 32 bytes of secret material; `domain` ("identity", "ticket")
  // keeps each service's keys apart.
  static absl::StatusOr<std::unique_ptr<PiiVault>> Create(absl::string_view master_key,
                                                          absl::string_view domain);

  // The look-up key of a value of `kind` ("nik", "phone"): equal values, equal indexes.
  std::string BlindIndex(absl::string_view kind, absl::string_view value) const;
  // Encrypts `value`, bound to `context` (e.g. "nik:" + citizen_id).
  absl::StatusOr<std::string> Seal(absl::string_view context, absl::string_view value) const;
  absl::StatusOr<std::string> Open(absl::string_view context, absl::string_view sealed) const;
  // An HMAC tag for opaque tokens handed to callers (page tokens), so they cannot be forged.
  std::string Tag(absl::string_view data) const;

 private:
  PiiVault(Aes256Gcm aead, std::string index_key, std::string token_key)
      : aead_(std::move(aead)),
        index_key_(std::move(index_key)),
        token_key_(std::move(token_key)) {}

  Aes256Gcm aead_;
  std::string index_key_;
  std::string token_key_;
};

}  // namespace lindungi::crypto

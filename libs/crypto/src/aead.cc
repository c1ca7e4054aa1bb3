#include "lindungi/crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lindungi/crypto/openssl_internal.h"
#include "lindungi/crypto/random.h"

namespace lindungi::crypto {
namespace {

using internal::FreeWith;
using internal::NonNullBytes;
using internal::OpenSslError;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, FreeWith<EVP_CIPHER_CTX_free>>;

unsigned char* MutableBytes(std::string& s, size_t offset) {
  return reinterpret_cast<unsigned char*>(s.data()) + offset;
}

}  // namespace

Aes256Gcm::Aes256Gcm(absl::string_view key) { std::copy(key.begin(), key.end(), key_.begin()); }

Aes256Gcm::~Aes256Gcm() { OPENSSL_cleanse(key_.data(), key_.size()); }

absl::StatusOr<Aes256Gcm> Aes256Gcm::Create(absl::string_view key) {
  if (key.size() != kKeySize) {
    return absl::InvalidArgumentError("AES-256-GCM key must be exactly 32 bytes");
  }
  return Aes256Gcm(key);
}

absl::StatusOr<std::string> Aes256Gcm::Seal(absl::string_view plaintext,
                                            absl::string_view aad) const {
  if (plaintext.size() > INT_MAX - kOverhead || aad.size() > INT_MAX) {
    return absl::InvalidArgumentError("AES-256-GCM input too large");
  }
  absl::StatusOr<std::string> nonce = RandomBytes(kNonceSize);
  if (!nonce.ok()) return nonce.status();

  std::string sealed = *std::move(nonce);
  sealed.resize(kOverhead + plaintext.size());
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EVP_CIPHER_CTX_new");
  // The default GCM IV length is 12 bytes, which is kNonceSize.
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(),
                         MutableBytes(sealed, 0)) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_EncryptInit_ex(AES-256-GCM)");
  }
  int len = 0;
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, NonNullBytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_EncryptUpdate(aad)");
  }
  int written = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), MutableBytes(sealed, kNonceSize), &len,
                          NonNullBytes(plaintext), static_cast<int>(plaintext.size())) != 1) {
      return OpenSslError(absl::StatusCode::kInternal, "EVP_EncryptUpdate");
    }
    written = len;
  }
  if (EVP_EncryptFinal_ex(ctx.get(), MutableBytes(sealed, kNonceSize + written), &len) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_EncryptFinal_ex");
  }
  written += len;
  if (static_cast<size_t>(written) != plaintext.size()) {
    return absl::InternalError("AES-256-GCM produced an unexpected ciphertext length");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          MutableBytes(sealed, kNonceSize + plaintext.size())) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_CTRL_GCM_GET_TAG");
  }
  return sealed;
}

absl::StatusOr<std::string> Aes256Gcm::Open(absl::string_view sealed, absl::string_view aad) const {
  if (sealed.size() < kOverhead) {
    return absl::InvalidArgumentError("AES-256-GCM input shorter than nonce and tag");
  }
  if (sealed.size() > INT_MAX || aad.size() > INT_MAX) {
    return absl::InvalidArgumentError("AES-256-GCM input too large");
  }
  const absl::string_view nonce = sealed.substr(0, kNonceSize);
  const absl::string_view ciphertext = sealed.substr(kNonceSize, sealed.size() - kOverhead);
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer, so the tag gets its own copy.
  std::string tag(sealed.substr(sealed.size() - kTagSize));

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return OpenSslError(absl::StatusCode::kInternal, "EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), NonNullBytes(nonce)) !=
      1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_DecryptInit_ex(AES-256-GCM)");
  }
  int len = 0;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, NonNullBytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_DecryptUpdate(aad)");
  }
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  if (!ciphertext.empty()) {
    if (EVP_DecryptUpdate(ctx.get(), MutableBytes(plaintext, 0), &len, NonNullBytes(ciphertext),
                          static_cast<int>(ciphertext.size())) != 1) {
      return OpenSslError(absl::StatusCode::kInternal, "EVP_DecryptUpdate");
    }
    written = len;
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "EVP_CTRL_GCM_SET_TAG");
  }
  // Final checks the tag; on failure the decrypted bytes are unauthenticated and must not leak.
  if (EVP_DecryptFinal_ex(ctx.get(), MutableBytes(plaintext, written), &len) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    ERR_clear_error();
    return absl::UnauthenticatedError(
        "AES-256-GCM authentication failed (wrong key, or nonce, ciphertext, tag or aad changed)");
  }
  return plaintext;
}

}  // namespace lindungi::crypto

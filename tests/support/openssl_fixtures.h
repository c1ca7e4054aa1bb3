#pragma once

// OpenSSL plumbing for tests that build keys and certificates the libraries only read.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "lindungi/crypto/openssl_internal.h"

namespace lindungi::testing {

using TestPkey = std::unique_ptr<EVP_PKEY, crypto::internal::FreeWith<EVP_PKEY_free>>;
using TestBio = std::unique_ptr<BIO, crypto::internal::FreeWith<BIO_free_all>>;
using TestX509 = std::unique_ptr<X509, crypto::internal::FreeWith<X509_free>>;

// Everything written to a memory BIO.
inline std::string DrainBio(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace lindungi::testing

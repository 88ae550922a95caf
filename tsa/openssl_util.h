// tsa/openssl_util.h
// Owning pointers for OpenSSL's objects, and reading keys and certificates from PEM files.
// Internal to tsa/.
//
// Thread-safety: functions are thread-safe.

#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::tsa {

template <typename T>
struct Free;
#define TAMGA_OPENSSL_FREE(T, f)          \
  template <>                             \
  struct Free<T> {                        \
    void operator()(T* p) const { f(p); } \
  };
TAMGA_OPENSSL_FREE(BIO, BIO_free_all)
TAMGA_OPENSSL_FREE(CONF, NCONF_free)
TAMGA_OPENSSL_FREE(ASN1_TYPE, ASN1_TYPE_free)
TAMGA_OPENSSL_FREE(ASN1_STRING, ASN1_STRING_free)  // Also ASN1_INTEGER, _OCTET_STRING, _TIME.
TAMGA_OPENSSL_FREE(ASN1_OBJECT, ASN1_OBJECT_free)
TAMGA_OPENSSL_FREE(EVP_PKEY, EVP_PKEY_free)
TAMGA_OPENSSL_FREE(EVP_PKEY_CTX, EVP_PKEY_CTX_free)
TAMGA_OPENSSL_FREE(X509, X509_free)
TAMGA_OPENSSL_FREE(X509_REQ, X509_REQ_free)
TAMGA_OPENSSL_FREE(X509_NAME, X509_NAME_free)
TAMGA_OPENSSL_FREE(X509_EXTENSION, X509_EXTENSION_free)
TAMGA_OPENSSL_FREE(X509_STORE, X509_STORE_free)
TAMGA_OPENSSL_FREE(GENERAL_NAME, GENERAL_NAME_free)
TAMGA_OPENSSL_FREE(PKCS7, PKCS7_free)
TAMGA_OPENSSL_FREE(ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free)
TAMGA_OPENSSL_FREE(TS_REQ, TS_REQ_free)
TAMGA_OPENSSL_FREE(TS_RESP, TS_RESP_free)
TAMGA_OPENSSL_FREE(TS_TST_INFO, TS_TST_INFO_free)
TAMGA_OPENSSL_FREE(TS_ACCURACY, TS_ACCURACY_free)
TAMGA_OPENSSL_FREE(TS_STATUS_INFO, TS_STATUS_INFO_free)
TAMGA_OPENSSL_FREE(TS_VERIFY_CTX, TS_VERIFY_CTX_free)
#undef TAMGA_OPENSSL_FREE
template <>
struct Free<STACK_OF(X509)> {
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
template <>
struct Free<ASN1_SEQUENCE_ANY> {
  void operator()(ASN1_SEQUENCE_ANY* p) const { sk_ASN1_TYPE_pop_free(p, ASN1_TYPE_free); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free<T>>;

// An Internal status naming `what` and OpenSSL's first queued error (the queue is cleared).
Status OpenSslError(std::string_view what);

// A private key from a PEM file (mode 0600): PKCS#8, encrypted under `passphrase` or plain.
// Never prompts.
Result<Owned<EVP_PKEY>> ReadPrivateKeyPem(const std::string& path,
                                          std::optional<std::string_view> passphrase);
// Every certificate in a PEM file (at least one).
Result<Owned<STACK_OF(X509)>> ReadCertificatesPem(const std::string& path);
Result<Owned<STACK_OF(X509)>> ParseCertificatesPem(std::string_view pem, const std::string& name);
Result<Bytes> CertificateDer(X509* cert);
std::string CertificatePem(X509* cert);

}  // namespace tamga::tsa

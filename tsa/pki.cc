// tsa/pki.cc

#include "tsa/pki.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tsa/openssl_util.h"

namespace tamga::tsa {
namespace {

std::string BioText(BIO* b) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<Owned<X509_NAME>> NameOf(const Subject& s) {
  Owned<X509_NAME> name(X509_NAME_new());
  const auto add = [&](const char* field, const std::string& value) {
    return value.empty() ||
           X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!name || !add("C", s.country) || !add("O", s.organization) || !add("CN", s.common_name)) {
    return Status::InvalidArgument("not a valid certificate subject (the country is two letters)");
  }
  return name;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("adding an extension");
  return Status::Ok();
}

Result<Owned<EVP_PKEY>> KeyOfPem(std::string_view pem) {
  Owned<BIO> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  if (!key) return OpenSslError("reading a plain key");
  return key;
}

// A certificate with the common fields set, before its extensions and signature.
Result<Owned<X509>> NewCertificate(X509_NAME* subject, X509_NAME* issuer, EVP_PKEY* key, int days,
                                   std::uint64_t serial) {
  Owned<X509> c(X509_new());
  const bool ok = c && X509_set_version(c.get(), 2) == 1 &&
                  ASN1_INTEGER_set_uint64(X509_get_serialNumber(c.get()), serial) == 1 &&
                  // An hour back, for clocks a little behind.
                  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600) != nullptr &&
                  X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400L * days) != nullptr &&
                  X509_set_subject_name(c.get(), subject) == 1 &&
                  X509_set_issuer_name(c.get(), issuer) == 1 && X509_set_pubkey(c.get(), key) == 1;
  if (!ok) return OpenSslError("making a certificate");
  return c;
}

}  // namespace

Result<std::string> NewKeyPem(std::optional<std::string_view> passphrase) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("making an ECDSA P-256 key");
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  if (!out) return OpenSslError("making a key");
  if (!passphrase) {
    if (PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                      nullptr) != 1) {
      return OpenSslError("writing a key");
    }
    return BioText(out.get());
  }
  if (passphrase->empty()) return Status::InvalidArgument("the passphrase is empty");
  X509_ALGOR* pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, 1 << 14, 8, 1);
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  X509_SIG* sealed = pbe && info ? PKCS8_set0_pbe(passphrase->data(),
                                                  static_cast<int>(passphrase->size()), info, pbe)
                                 : nullptr;
  if (sealed == nullptr) X509_ALGOR_free(pbe);
  PKCS8_PRIV_KEY_INFO_free(info);
  const bool ok = sealed != nullptr && PEM_write_bio_PKCS8(out.get(), sealed) == 1;
  X509_SIG_free(sealed);
  if (!ok) return OpenSslError("sealing a key");
  return BioText(out.get());
}

Status WriteKeyPem(const std::string& path, std::string_view pem) {
  return WriteFileAtomic(path, pem, WriteFileOptions{0600, /*overwrite=*/false});
}

Result<std::string> MakeRequestPem(const std::string& key_file,
                                   std::optional<std::string_view> passphrase,
                                   const Subject& subject) {
  TAMGA_ASSIGN_OR_RETURN(Owned<EVP_PKEY> key, ReadPrivateKeyPem(key_file, passphrase));
  TAMGA_ASSIGN_OR_RETURN(Owned<X509_NAME> name, NameOf(subject));
  Owned<X509_REQ> req(X509_REQ_new());
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  if (!req || !out || X509_REQ_set_version(req.get(), 0) != 1 ||
      X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.get()) != 1 ||
      X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0 ||
      PEM_write_bio_X509_REQ(out.get(), req.get()) != 1) {
    return OpenSslError("making a certificate signing request");
  }
  return BioText(out.get());
}

Result<LocalCa> NewLocalCa(const Subject& subject, int days) {
  TAMGA_ASSIGN_OR_RETURN(std::string key_pem, NewKeyPem(std::nullopt));
  TAMGA_ASSIGN_OR_RETURN(Owned<EVP_PKEY> key, KeyOfPem(key_pem));
  TAMGA_ASSIGN_OR_RETURN(Owned<X509_NAME> name, NameOf(subject));
  TAMGA_ASSIGN_OR_RETURN(Owned<X509> cert,
                         NewCertificate(name.get(), name.get(), key.get(), days, 1));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  TAMGA_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return OpenSslError("signing the CA");
  return LocalCa{std::move(key_pem), CertificatePem(cert.get())};
}

Result<std::string> IssueTsaCertificate(const LocalCa& ca, std::string_view request_pem, int days,
                                        std::uint64_t serial) {
  TAMGA_ASSIGN_OR_RETURN(Owned<EVP_PKEY> ca_key, KeyOfPem(ca.key_pem));
  TAMGA_ASSIGN_OR_RETURN(auto ca_certs, ParseCertificatesPem(ca.certificate_pem, "the CA"));
  X509* ca_cert = sk_X509_value(ca_certs.get(), 0);
  Owned<BIO> in(BIO_new_mem_buf(request_pem.data(), static_cast<int>(request_pem.size())));
  Owned<X509_REQ> req(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
  if (!req) return OpenSslError("reading the certificate signing request");
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
  if (key == nullptr || X509_REQ_verify(req.get(), key) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("the certificate signing request's signature does not verify");
  }
  TAMGA_ASSIGN_OR_RETURN(Owned<X509> cert,
                         NewCertificate(X509_REQ_get_subject_name(req.get()),
                                        X509_get_subject_name(ca_cert), key, days, serial));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert, NID_basic_constraints, "critical,CA:FALSE"));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert, NID_key_usage, "critical,digitalSignature"));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert, NID_ext_key_usage, "critical,timeStamping"));
  TAMGA_RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert, NID_subject_key_identifier, "hash"));
  TAMGA_RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("signing the TSA certificate");
  }
  return CertificatePem(cert.get());
}

Result<Hash32> CertificateHash(std::string_view certificate_pem) {
  TAMGA_ASSIGN_OR_RETURN(auto certs, ParseCertificatesPem(certificate_pem, "the certificate"));
  TAMGA_ASSIGN_OR_RETURN(Bytes der, CertificateDer(sk_X509_value(certs.get(), 0)));
  return Sha256Of(der);
}

}  // namespace tamga::tsa

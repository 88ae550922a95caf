// tsa/openssl_util.cc

#include "tsa/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstring>

#include "common/file_util.h"

namespace tamga::tsa {
namespace {

constexpr std::size_t kPemMax = 1 << 20;

// PEM's passphrase callback: the given passphrase, or failure (never a prompt).
int GivePassphrase(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* pass = static_cast<const std::optional<std::string_view>*>(u);
  if (!pass->has_value() || (*pass)->size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, (*pass)->data(), (*pass)->size());
  return static_cast<int>((*pass)->size());
}

}  // namespace

Status OpenSslError(std::string_view what) {
  const unsigned long e = ERR_get_error();
  char text[256] = "no detail";
  if (e != 0) ERR_error_string_n(e, text, sizeof text);
  ERR_clear_error();
  return Status::Internal(std::string(what) + ": " + text);
}

Result<Owned<EVP_PKEY>> ReadPrivateKeyPem(const std::string& path,
                                          std::optional<std::string_view> passphrase) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": no such key file");
  if ((st.st_mode & 077) != 0) {
    return Status::PermissionDenied(path +
                                    ": a key file must be readable by its owner only "
                                    "(chmod 600)");
  }
  TAMGA_ASSIGN_OR_RETURN(std::string pem, ReadFileToString(path, kPemMax));
  Owned<BIO> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(in.get(), nullptr, GivePassphrase, &passphrase));
  const bool encrypted = std::string_view(pem).find("ENCRYPTED") != std::string_view::npos;
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key) {
    ERR_clear_error();
    if (encrypted && !passphrase) {
      return Status::InvalidArgument(path + " is encrypted: give its passphrase");
    }
    return encrypted ? Status::PermissionDenied(path + ": wrong passphrase")
                     : Status::Corruption(path + " holds no PEM private key");
  }
  return key;
}

Result<Owned<STACK_OF(X509)>> ParseCertificatesPem(std::string_view pem, const std::string& name) {
  Owned<BIO> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<STACK_OF(X509)> out(sk_X509_new_null());
  if (!in || !out) return OpenSslError("reading certificates");
  while (X509* c = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) {
    if (sk_X509_push(out.get(), c) <= 0) {
      X509_free(c);
      return OpenSslError("reading certificates");
    }
  }
  ERR_clear_error();  // The end of the file.
  if (sk_X509_num(out.get()) == 0) return Status::Corruption(name + " holds no PEM certificate");
  return out;
}

Result<Owned<STACK_OF(X509)>> ReadCertificatesPem(const std::string& path) {
  TAMGA_ASSIGN_OR_RETURN(std::string pem, ReadFileToString(path, kPemMax));
  return ParseCertificatesPem(pem, path);
}

Result<Bytes> CertificateDer(X509* cert) {
  unsigned char* out = nullptr;
  const int n = i2d_X509(cert, &out);
  if (n <= 0) return OpenSslError("encoding a certificate");
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

std::string CertificatePem(X509* cert) {
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), cert) != 1) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace tamga::tsa

// tsa/pki.h
// A TSA's key and certificates: a new ECDSA P-256 key (PKCS#8 PEM, sealed under a
// passphrase with scrypt and AES-256-CBC, or plain for testnets), its certificate signing
// request, and for testnets and tests a local CA that issues TSA certificates (critical
// extendedKeyUsage timeStamping, keyUsage digitalSignature), as `tamga testnet init` does
// for each node. An administration's real TSA certificate comes from its own CA, from the
// request `tamga tsa init` writes (docs/operations.md, "Time stamps").
//
// Thread-safety: functions are thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::tsa {

struct Subject {
  std::string country;       // ISO 3166-1 alpha-2.
  std::string organization;  // The administration.
  std::string common_name;
};

// A new ECDSA P-256 key as PKCS#8 PEM: encrypted when `passphrase` is given (scrypt
// N=2^14, r=8, p=1, then AES-256-CBC), else plain.
Result<std::string> NewKeyPem(std::optional<std::string_view> passphrase);
// Writes a key's PEM with mode 0600; refuses to replace an existing file.
Status WriteKeyPem(const std::string& path, std::string_view pem);
// A certificate signing request for the key in `key_file`, for `subject`.
Result<std::string> MakeRequestPem(const std::string& key_file,
                                   std::optional<std::string_view> passphrase,
                                   const Subject& subject);

struct LocalCa {
  std::string key_pem;  // Plain PKCS#8.
  std::string certificate_pem;
};
// A self-signed CA certificate for a testnet, valid `days` days.
Result<LocalCa> NewLocalCa(const Subject& subject, int days);
// A TSA certificate for the key and subject of `request_pem`, issued by `ca`, valid `days`
// days, with serial number `serial`. Refused when the request's signature does not verify.
Result<std::string> IssueTsaCertificate(const LocalCa& ca, std::string_view request_pem, int days,
                                        std::uint64_t serial);
// SHA-256 of a PEM certificate's DER: what set-timestamp-authority registers.
Result<Hash32> CertificateHash(std::string_view certificate_pem);

}  // namespace tamga::tsa

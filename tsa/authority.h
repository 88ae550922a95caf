// tsa/authority.h
// An administration's time-stamping authority (RFC 3161, profiled by ETSI EN 319 422):
// reads TimeStampReq, and answers TimeStampResp, granted with a token for an imprint the
// ledger committed, or rejected with the reason's PKIFailureInfo.
//
// A token's genTime is the quorum-signed time of the block that committed the request's
// imprint; its serial number is that imprint's log index; and it carries, as a non-critical
// extension (kLocationOid), where the imprint's record is: the chain id, the block height
// and the log index, so the holder can fetch the record's Tamga proof
// (docs/proof-format.md, "Time-stamp tokens"). Tokens are signed with the TSA's key (ECDSA
// P-256 with SHA-256, which stock `openssl ts -verify` accepts) and carry the
// signing-certificate-v2 attribute; the TSA certificate itself is included when the request
// asks for it (certReq).
//
// Every structure is made and read with OpenSSL's TS, PKCS#7, X.509 and ASN.1 functions.
//
// Thread-safety: an Authority is immutable after Load; Grant may run on several threads.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/bytes.h"
#include "common/chain.h"
#include "common/status.h"
#include "contracts/model.h"

namespace tamga::tsa {

// PKIFailureInfo bits (RFC 3161 section 2.4.2).
enum class FailInfo : int {
  kBadAlg = 0,
  kBadRequest = 2,
  kBadDataFormat = 5,
  kTimeNotAvailable = 14,
  kUnacceptedPolicy = 15,
  kUnacceptedExtension = 16,
  kSystemFailure = 25,
};
std::string_view FailInfoName(FailInfo f);

struct Refusal {
  FailInfo fail = FailInfo::kBadRequest;
  std::string text;  // For people; ASCII.
};

// Requests are small: a hash, a nonce, a policy. Larger bodies are refused unread.
inline constexpr std::size_t kRequestMax = 4096;

// A request that passed the profile's checks.
struct Request {
  Bytes der;                   // The request as received (its nonce and certReq are read again).
  contracts::Imprint imprint;  // What the ledger anchors.
  bool cert_req = false;
};

// Checks a DER TimeStampReq against the profile: version 1; SHA-256, SHA-384 or SHA-512
// with absent or NULL parameters (else badAlg); a digest of that algorithm's length (else
// badDataFormat); no policy or `policy_oid` (else unacceptedPolicy); no extensions (else
// unacceptedExtension); the whole body one DER structure (else badDataFormat).
std::variant<Request, Refusal> ParseRequest(ByteView der, std::string_view policy_oid);

// A TimeStampResp of status rejection with `r`'s failure bit and text.
Bytes RejectionResponse(const Refusal& r);

// Where a token's imprint is on the ledger: the content of the kLocationOid extension,
// DER SEQUENCE { chainId OCTET STRING (32), height INTEGER, logIndex INTEGER }.
struct Location {
  ChainId chain_id;
  std::uint64_t height = 0;
  std::uint64_t log_index = 0;
  friend bool operator==(const Location&, const Location&) = default;
};
// The extension's identifier, a UUID-derived OID (ITU-T X.667), so no registry is needed.
inline constexpr const char* kLocationOid = "2.25.263725625734701932232195472775913167386";
// The TSA policy testnets use unless configured otherwise. An administration's TSA names
// its own (docs/operations.md, "Time stamps").
inline constexpr const char* kTestnetPolicyOid = "2.25.270146955479422606629954903273380922523";

struct AuthorityConfig {
  std::string key_file;          // PEM: PKCS#8, encrypted under the passphrase or plain.
  std::string certificate_file;  // PEM: the TSA certificate.
  std::string chain_file;        // PEM: the CA certificates above it (may be empty).
  std::string policy_oid = kTestnetPolicyOid;
  std::uint32_t accuracy_ms = 1000;  // Stated in every token.
};

class Authority {
 public:
  // Loads and checks the key and certificates: the key matches the certificate, which is
  // an ECDSA P-256 key with a critical extendedKeyUsage of timeStamping only, valid now.
  // The policy may be given by a registered name; it is kept as its dotted number.
  static Result<std::unique_ptr<Authority>> Load(const AuthorityConfig& config,
                                                 std::optional<std::string_view> passphrase);
  ~Authority();
  Authority(const Authority&) = delete;
  Authority& operator=(const Authority&) = delete;

  // A granted TimeStampResp (DER) for `request`, dated `gen_time_ms` (milliseconds since
  // the Unix epoch, UTC), for the imprint recorded at `where`.
  Result<Bytes> Grant(const Request& request, std::uint64_t gen_time_ms,
                      const Location& where) const;

  // Ok while the TSA certificate is within its validity period; FailedPrecondition after.
  Status CheckValidNow() const;
  // SHA-256 of the TSA certificate's DER: what set-timestamp-authority registers.
  const Hash32& certificate_hash() const;
  // The TSA certificate, then the chain file's certificates, as PEM.
  const std::string& chain_pem() const;
  const std::string& policy_oid() const;

 private:
  struct Impl;
  explicit Authority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a token says, read back (for `tamga verify` and the tests): its genTime in
// milliseconds, its imprint, its serial and its location extension if present. Does not
// check the signature (OpenSSL's TS_VERIFY does, given the CA).
struct TokenInfo {
  bool granted = false;
  int status = 0;
  std::optional<int> fail_bit;  // The lowest failure bit of a rejection.
  std::uint64_t gen_time_ms = 0;
  contracts::Imprint imprint;
  std::uint64_t serial = 0;
  std::optional<Location> location;
  std::string policy_oid;
  std::string tsa_name;  // The TSA's name in the token ("C=KZ, O=..., CN=..."), if given.
};
Result<TokenInfo> ReadResponse(ByteView der);

// The digest of `data` by an imprint's algorithm.
Bytes DigestOf(contracts::ImprintAlgorithm algorithm, ByteView data);

// The signature part of what `openssl ts -verify` checks: the response is a granted
// version-1 token whose signature verifies under a certificate (in the token, or in
// `ca_file`) that chains to a CA of `ca_file` with the timeStamping purpose, and whose
// signing-certificate attribute names that certificate. BadSignature (with OpenSSL's reason) when
// any of it fails. The caller compares the imprint with its document (DigestOf).
Status VerifyTokenSignature(ByteView response, const std::string& ca_file);

}  // namespace tamga::tsa

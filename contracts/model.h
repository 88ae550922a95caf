// contracts/model.h
// What the rules talk about: transaction types and their payloads, the records kept in
// the authenticated state, roles, statuses and the enumerated rejection reasons, each with
// its canonical encoding (docs/contracts.md lists them all).
//
// Times are Unix milliseconds (block time for "now"); quantities are unsigned integers in
// the certificate's unit; country codes are ISO 3166-1 alpha-2 (two capital letters).
//
// Thread-safety: value types.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/chain.h"
#include "common/encoding.h"

namespace tamga::contracts {

// The rules' version. Stored in the genesis state; an auditor replaying old blocks applies
// the version in force at each block.
inline constexpr std::uint32_t kRulesVersion = 1;

// --- Transaction types --------------------------------------------------------------------

enum class TxType : std::uint16_t {
  kRegisterOffice = 1,        // administrator: a customs office and its key
  kSetOfficeStatus = 2,       // administrator
  kAccreditIssuer = 3,        // administrator: an issuing body, its key and scope
  kSetIssuerStatus = 4,       // administrator
  kRevokeKey = 5,             // administrator: a key of its country, from a given time
  kIssueCertificates = 10,    // issuer (or administrator): one or many certificates of origin
  kReplaceCertificate = 11,   // issuer of the exporting country
  kRevokeCertificate = 12,    // issuer of the exporting country
  kUseCertificate = 13,       // customs office of the importing country
  kRequestVerification = 14,  // administrator or office of the importing country
  kAnswerVerification = 15,   // administrator of the exporting country
};
std::string_view TxTypeName(std::uint16_t type);

// --- Rejection reasons --------------------------------------------------------------------

// Carried in receipts (code 0 is accepted) and by the API. Never renumber.
enum class Reason : std::uint16_t {
  kAccepted = 0,
  kMalformed = 1,  // The payload does not decode, or a field breaks its format.
  kWrongChain = 2,
  kBadSignature = 3,
  kReplayed = 4,  // This exact transaction is already on the ledger.
  kUnknownType = 5,
  kUnknownSigner = 6,
  kSignerLacksRole = 7,
  kSignerSuspended = 8,  // The signer's office or issuer is suspended or withdrawn.
  kSignerRevoked = 9,    // The key was revoked from a time at or before the block's.
  kBadSequence = 10,     // Not the signer's last sequence + 1 (a replay or a gap).
  kOutsideScope = 11,    // An issuer acting outside its accredited record types.
  kWrongCountry = 12,    // Acting for a country that is not the signer's.
  kAlreadyExists = 13,   // A certificate number, office code or issuer id taken.
  kUnknownOffice = 14,
  kUnknownIssuer = 15,
  kCertificateUnknown = 16,
  kCertificateRevoked = 17,
  kCertificateReplaced = 18,
  kCertificateExpired = 19,
  kCertificateNotYetValid = 20,
  kQuantityExceeded = 21,
  kFullyUsed = 22,
  kWrongImportingCountry = 23,
  kDuplicateUse = 24,      // The same import declaration was already recorded.
  kNoPendingRequest = 25,  // An answer to a verification nobody asked for.
  kKeyInUse = 26,          // A key already registered to another role or entity.
};
std::string_view ReasonName(Reason r);
inline constexpr Reason kLastReason = Reason::kKeyInUse;

// --- Roles and statuses -------------------------------------------------------------------

enum class Role : std::uint8_t { kAdministrator = 1, kOffice = 2, kIssuer = 3 };
enum class EntityStatus : std::uint8_t { kActive = 1, kSuspended = 2, kWithdrawn = 3 };

// Record types an issuer may be accredited for (a bit mask).
inline constexpr std::uint32_t kScopeCertificateOfOrigin = 1u << 0;
inline constexpr std::uint32_t kScopeAllKnown = kScopeCertificateOfOrigin;

// --- Genesis ------------------------------------------------------------------------------

struct AdministrationEntry {
  std::string country;  // ISO 3166-1 alpha-2.
  std::string name;
  PublicKey validator_key;
  std::string address;  // host:port of its validator.
  PublicKey admin_key;
  friend bool operator==(const AdministrationEntry&, const AdministrationEntry&) = default;
};

struct Genesis {
  std::string chain_name;
  std::uint64_t genesis_time_ms = 0;
  std::vector<AdministrationEntry> administrations;  // Validator i is entry i.
  friend bool operator==(const Genesis&, const Genesis&) = default;
};

// --- State records ------------------------------------------------------------------------

// Under SignerKey(key): who a key belongs to.
struct SignerRecord {
  Role role = Role::kAdministrator;
  std::string country;
  std::string entity;                 // Office code or issuer id; empty for an administrator.
  std::uint64_t revoked_from_ms = 0;  // 0: not revoked.
  std::uint64_t last_sequence = 0;
  friend bool operator==(const SignerRecord&, const SignerRecord&) = default;
};

// Under AdministrationKey(country).
struct AdministrationRecord {
  AdministrationEntry entry;
  friend bool operator==(const AdministrationRecord&, const AdministrationRecord&) = default;
};

// Under OfficeKey(country, code) or IssuerKey(country, id).
struct EntityRecord {
  std::string country;
  std::string id;  // Office code or issuer id.
  std::string name;
  PublicKey key;
  std::uint32_t scope = 0;  // Issuers only.
  EntityStatus status = EntityStatus::kActive;
  friend bool operator==(const EntityRecord&, const EntityRecord&) = default;
};

enum class CertificateStatus : std::uint8_t { kValid = 1, kReplaced = 2, kRevoked = 3 };
enum class VerificationState : std::uint8_t {
  kNone = 0,
  kRequested = 1,
  kConfirmed = 2,
  kNotConfirmed = 3,
};

// What an issuer states when issuing a certificate of origin.
struct CertificateIssue {
  std::string number;    // Unique per exporting country.
  Hash32 document_hash;  // SHA-256 of the certificate document.
  std::string exporting_country;
  std::string importing_country;
  std::uint64_t issued_ms = 0;
  std::uint64_t valid_until_ms = 0;
  std::vector<std::string> hs_headings;  // Optional; 4 to 10 digits each.
  std::uint64_t quantity = 0;            // Certified quantity, in `unit`.
  std::string unit;                      // "kg", "pcs", ...
  friend bool operator==(const CertificateIssue&, const CertificateIssue&) = default;
};

// Under CertificateKey(exporting country, number).
struct CertificateRecord {
  CertificateIssue issue;
  PublicKey issuer_key;
  std::string issuer;  // Issuer id, or empty for the administration itself.
  CertificateStatus status = CertificateStatus::kValid;
  std::uint64_t remaining = 0;
  std::uint32_t uses = 0;
  std::string replaced_by;  // Number of the corrected certificate, if replaced.
  std::string replaces;     // Number of the certificate this one corrects.
  std::uint16_t revocation_reason = 0;
  std::uint64_t status_changed_ms = 0;
  VerificationState verification = VerificationState::kNone;
  std::uint16_t verification_reason = 0;
  std::uint64_t verification_ms = 0;
  friend bool operator==(const CertificateRecord&, const CertificateRecord&) = default;
};

// Under DocumentKey(hash): which record a document hash belongs to.
struct DocumentRecord {
  std::uint16_t kind = 0;  // TxType that anchored it.
  std::string country;
  std::string number;
  friend bool operator==(const DocumentRecord&, const DocumentRecord&) = default;
};

// --- Payloads -----------------------------------------------------------------------------

struct RegisterOffice {
  std::string code;
  std::string name;
  PublicKey key;
};
struct SetEntityStatus {  // kSetOfficeStatus and kSetIssuerStatus.
  std::string id;
  EntityStatus status = EntityStatus::kActive;
};
struct AccreditIssuer {
  std::string id;
  std::string name;
  PublicKey key;
  std::uint32_t scope = 0;
};
struct RevokeKey {
  PublicKey key;
  std::uint64_t from_ms = 0;
};
struct IssueCertificates {
  std::vector<CertificateIssue> certificates;  // 1 to kBatchMax.
};
inline constexpr std::size_t kBatchMax = 5000;
struct ReplaceCertificate {
  std::string old_number;
  CertificateIssue replacement;
};
struct RevokeCertificate {
  std::string number;
  std::uint16_t reason = 0;
};
struct UseCertificate {
  std::string exporting_country;
  std::string number;
  Hash32 declaration_hash;  // Hash of the import declaration reference.
  std::uint64_t quantity = 0;
};
struct RequestVerification {
  std::string exporting_country;
  std::string number;
};
struct AnswerVerification {
  std::string number;
  bool confirmed = false;
  std::uint16_t reason = 0;
};

// --- Encodings ----------------------------------------------------------------------------

#define TAMGA_CONTRACTS_CODEC(T)         \
  void EncodeTo(Encoder& e, const T& v); \
  void DecodeFrom(Decoder& d, T& v);
TAMGA_CONTRACTS_CODEC(AdministrationEntry)
TAMGA_CONTRACTS_CODEC(Genesis)
TAMGA_CONTRACTS_CODEC(SignerRecord)
TAMGA_CONTRACTS_CODEC(AdministrationRecord)
TAMGA_CONTRACTS_CODEC(EntityRecord)
TAMGA_CONTRACTS_CODEC(CertificateIssue)
TAMGA_CONTRACTS_CODEC(CertificateRecord)
TAMGA_CONTRACTS_CODEC(DocumentRecord)
TAMGA_CONTRACTS_CODEC(RegisterOffice)
TAMGA_CONTRACTS_CODEC(SetEntityStatus)
TAMGA_CONTRACTS_CODEC(AccreditIssuer)
TAMGA_CONTRACTS_CODEC(RevokeKey)
TAMGA_CONTRACTS_CODEC(IssueCertificates)
TAMGA_CONTRACTS_CODEC(ReplaceCertificate)
TAMGA_CONTRACTS_CODEC(RevokeCertificate)
TAMGA_CONTRACTS_CODEC(UseCertificate)
TAMGA_CONTRACTS_CODEC(RequestVerification)
TAMGA_CONTRACTS_CODEC(AnswerVerification)
#undef TAMGA_CONTRACTS_CODEC

// --- Field rules --------------------------------------------------------------------------

bool IsCountryCode(std::string_view s);  // Two capital ASCII letters.
// Codes, ids and certificate numbers: 1 to 40 characters of A-Z, a-z, 0-9, '-', '/', '.'.
bool IsIdentifier(std::string_view s);

// --- State keys ---------------------------------------------------------------------------

Hash32 RulesVersionKey();
Hash32 SignerKey(const PublicKey& key);
Hash32 AdministrationKey(std::string_view country);
Hash32 OfficeKey(std::string_view country, std::string_view code);
Hash32 IssuerKey(std::string_view country, std::string_view id);
Hash32 CertificateKey(std::string_view exporting_country, std::string_view number);
Hash32 DocumentKey(const Hash32& document_hash);
// Import declarations already recorded against a certificate (one use per declaration).
Hash32 DeclarationUseKey(std::string_view exporting_country, std::string_view number,
                         const Hash32& declaration_hash);

}  // namespace tamga::contracts

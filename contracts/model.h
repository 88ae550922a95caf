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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/chain.h"
#include "common/encoding.h"

namespace tamga::contracts {

// The rules' version. Stored in the genesis state; an auditor replaying old blocks applies
// the version in force at each block.
// 2 (2026-12-03): a transaction that holds its signer's next sequence number uses it up
// even when a rule rejects it, and blocks no longer consult the transaction index.
inline constexpr std::uint32_t kRulesVersion = 2;

// --- Transaction types --------------------------------------------------------------------

enum class TxType : std::uint16_t {
  kRegisterOffice = 1,         // administrator: a customs office and its key
  kSetOfficeStatus = 2,        // administrator
  kAccreditIssuer = 3,         // administrator: an issuing body, its key and scope
  kSetIssuerStatus = 4,        // administrator
  kRevokeKey = 5,              // administrator: a key of its country, from a given time
  kRotateKey = 6,              // the key itself, or its administrator: moves a role to a new key
  kSetValidatorAddress = 7,    // administrator: where its validator listens for its peers
  kSetObservers = 8,           // administrator: the keys of its observer nodes
  kSetTimestampAuthority = 9,  // administrator: its time-stamping signer and TSA certificate
  kIssueCertificates = 10,     // issuer (or administrator): one or many certificates of origin
  kReplaceCertificate = 11,    // issuer of the exporting country
  kRevokeCertificate = 12,     // issuer of the exporting country
  kUseCertificate = 13,        // customs office of the importing country
  kRequestVerification = 14,   // administrator or office of the importing country
  kAnswerVerification = 15,    // administrator of the exporting country
  kSetAeoStatus = 20,          // administrator: an operator it certified
  kProposeMra = 21,            // administrator: a mutual-recognition arrangement
  kAcceptMra = 22,             // administrator of the partner
  kSetMraStatus = 23,          // administrator of either party: suspend, resume, end
  kLinkOperator = 24,          // administrator: its operator id X is the partner's Y
  kOpenTransit = 30,           // office of departure
  kTransitEvent = 31,          // office of a country on the route
  kTerminateTransit = 32,      // the destination office
  kDischargeTransit = 33,      // administrator of the departure country
  kAnchorDocument = 40,        // issuer accredited for that document type
  kRevokeAnchor = 41,          // the anchoring issuer or its administration
  kTimestampImprints = 42,     // time-stamping signer: imprints of RFC 3161 requests
  kProposeMembership = 50,     // administrator: add or remove an administration
  kApproveMembership = 51,     // administrator: approve a proposal (two thirds adopt it)
};
std::string_view TxTypeName(std::uint16_t type);

// --- Rejection reasons --------------------------------------------------------------------

// Carried in receipts (code 0 is accepted) and by the API. Never renumber. Each has one row
// in ReasonTable() (model.cc): its stable code, which programs see (the API's refusal codes,
// receipts' reason_code, /metrics labels, audit reports), and its English text, for people,
// which may be reworded. tests/contracts/reason_table_test.cc pins the numbers and codes;
// docs/contracts.md and docs/openapi.json list them.
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
  kMraUnknown = 27,
  kMraNotInForce = 28,  // A transition the arrangement's current status forbids.
  kTransitUnknown = 29,
  kEventOutOfOrder = 30,  // Not the next step of the route.
  kNotOnRoute = 31,       // An office of a country the route does not cross.
  kTransitNotTerminated = 32,
  kTransitClosed = 33,  // Already terminated or discharged.
  kAnchorUnknown = 34,
  kAnchorRevoked = 35,
  kCertificateNotConfirmed = 36,  // The exporting side answered a verification "not confirmed".
  kProposalUnknown = 37,
  kAlreadyApproved = 38,
  kEpochChangePending = 39,  // A validator-set change was already adopted in this block.
};
// The highest reason: move it when adding one (and add its row to the table).
inline constexpr Reason kLastReason = Reason::kEpochChangePending;

// A row of a name table: an enum value, its stable code (snake_case, never renamed: the API,
// metrics and proof readers show it) and its words for people (may be reworded).
template <typename E>
struct NameEntry {
  E value;
  std::string_view code;
  std::string_view text;
};

// Every reason, in numeric order: entry i is Reason i, from kAccepted to kLastReason.
std::span<const NameEntry<Reason>> ReasonTable();
// The stable code ("bad_signature"); "unknown" (no reason's code) for a value outside the enum.
std::string_view ReasonCode(Reason r);
// The English text ("bad signature"); "unknown reason" for a value outside the enum.
std::string_view ReasonText(Reason r);

// --- Roles and statuses -------------------------------------------------------------------

// kTimestamper: the key an administration's node signs its time-stamp batches with
// (set-timestamp-authority); it signs nothing else.
enum class Role : std::uint8_t { kAdministrator = 1, kOffice = 2, kIssuer = 3, kTimestamper = 4 };
enum class EntityStatus : std::uint8_t { kActive = 1, kSuspended = 2, kWithdrawn = 3 };

// Record types an issuer may be accredited for (a bit mask): certificates of origin, and
// the document types of the generic anchor (DocumentType n is bit n).
inline constexpr std::uint32_t kScopeCertificateOfOrigin = 1u << 0;
enum class DocumentType : std::uint8_t {
  kPhytosanitary = 1,
  kInvoice = 2,
  kPackingList = 3,
  kOther = 4
};
inline constexpr std::uint32_t ScopeOf(DocumentType t) { return 1u << static_cast<unsigned>(t); }
inline constexpr std::uint32_t kScopeAllKnown = 0x1f;  // Bits 0 to 4.

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
  bool removed = false;  // Left the chain by a membership vote.
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
  std::string replaced_by;    // Number of the corrected certificate, if replaced.
  std::string replaces;       // Number of the certificate this one corrects.
  std::string origin_number;  // The first certificate of its replacement chain.
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

enum class AeoStatus : std::uint8_t { kGranted = 1, kSuspended = 2, kRevoked = 3, kExpired = 4 };

// Under AeoKey(country, operator): an operator's AEO status as its own administration set it.
struct AeoRecord {
  std::string country;
  Hash32 operator_id;  // SHA-256 of the national identifier.
  AeoStatus status = AeoStatus::kGranted;
  std::string programme;
  std::uint64_t valid_from_ms = 0;
  std::uint64_t valid_until_ms = 0;
  std::uint64_t changed_ms = 0;
  friend bool operator==(const AeoRecord&, const AeoRecord&) = default;
};

enum class MraStatus : std::uint8_t { kProposed = 1, kInForce = 2, kSuspended = 3, kEnded = 4 };

// Under MraKey(a, b) (the pair in alphabetical order): the arrangement between two.
struct MraRecord {
  std::string id;
  std::string proposer;
  std::string partner;
  std::vector<std::string> programmes;  // Empty: every programme.
  std::uint64_t valid_from_ms = 0;
  std::uint64_t valid_until_ms = 0;
  MraStatus status = MraStatus::kProposed;
  std::string suspended_by;  // The party that suspended it: only it may resume.
  std::uint64_t changed_ms = 0;
  friend bool operator==(const MraRecord&, const MraRecord&) = default;
};

// Under OperatorLinkKey(country, operator, partner): "our X is the partner's Y".
struct OperatorLink {
  Hash32 partner_operator;
  bool confirmed = false;  // Both sides have said so.
  friend bool operator==(const OperatorLink&, const OperatorLink&) = default;
};

enum class TransitEventKind : std::uint8_t { kExit = 1, kEntry = 2, kSealCheck = 3, kIncident = 4 };
enum class TransitState : std::uint8_t { kOpen = 1, kTerminated = 2, kDischarged = 3 };

// Under TransitKey(mrn).
struct TransitRecord {
  std::string mrn;
  std::string departure_office;
  std::vector<std::string> route;  // Countries in order; the first is the departure's.
  std::string destination_office;  // An office of the last country.
  Hash32 guarantee_hash;
  Hash32 manifest_hash;
  Hash32 seal_hash;
  TransitState state = TransitState::kOpen;
  // Progress along the route, in border steps: a route of n countries has 2(n - 1). Step
  // 2k is the exit from route[k], step 2k + 1 the entry into route[k + 1].
  std::uint32_t steps_done = 0;
  std::uint32_t events = 0;
  bool seal_broken = false;
  std::uint64_t opened_ms = 0;
  std::uint64_t closed_ms = 0;  // Termination, then discharge.
  friend bool operator==(const TransitRecord&, const TransitRecord&) = default;
};

// Under AnchorKey(hash): a document of another type (ePhyto, invoice, ...).
struct AnchorRecord {
  DocumentType type = DocumentType::kOther;
  std::string country;
  std::string issuer;  // Issuer id, empty for the administration.
  std::string reference;
  bool revoked = false;
  std::uint64_t anchored_ms = 0;
  std::uint64_t revoked_ms = 0;
  friend bool operator==(const AnchorRecord&, const AnchorRecord&) = default;
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
struct RotateKey {
  PublicKey old_key;
  PublicKey new_key;
};
struct SetValidatorAddress {
  std::string address;  // host:port, as in AdministrationEntry.
};
// The keys of an administration's observer nodes, which every validator admits on its peer
// port (up to a number per administration each validator sets). The payload of
// set-observers, and the record under ObserversKey(country): the list replaces the last.
struct ObserverKeys {
  std::vector<PublicKey> keys;  // 0 to kObserversMax, distinct.
  friend bool operator==(const ObserverKeys&, const ObserverKeys&) = default;
};
inline constexpr std::size_t kObserversMax = 16;
// An administration's time-stamping authority (docs/timestamps in operations.md): the
// Ed25519 key its node signs time-stamp batches with, and the SHA-256 of its TSA
// certificate (DER), the X.509 certificate its RFC 3161 tokens are signed under. The
// payload of set-timestamp-authority, and the record under TimestampAuthorityKey(country)
// with the time it took effect. A new one replaces the last; the last signer is revoked
// from that time.
struct TimestampAuthority {
  PublicKey signer;
  Hash32 certificate_hash;
  std::uint64_t since_ms = 0;  // Set by the rules; 0 in the payload.
  friend bool operator==(const TimestampAuthority&, const TimestampAuthority&) = default;
};
// The digest of an RFC 3161 request (its messageImprint): one log record each.
enum class ImprintAlgorithm : std::uint8_t { kSha256 = 1, kSha384 = 2, kSha512 = 3 };
std::size_t ImprintLength(ImprintAlgorithm a);              // 32, 48, 64.
std::string_view ImprintAlgorithmName(ImprintAlgorithm a);  // "sha256", "sha384", "sha512".
struct Imprint {
  ImprintAlgorithm algorithm = ImprintAlgorithm::kSha256;
  Bytes digest;  // ImprintLength(algorithm) bytes.
  friend bool operator==(const Imprint&, const Imprint&) = default;
};
// The payload of timestamp: the imprints of the requests a node received together.
struct TimestampImprints {
  std::vector<Imprint> imprints;  // 1 to kImprintsMax.
};
inline constexpr std::size_t kImprintsMax = 1000;
enum class MembershipAction : std::uint8_t { kAdd = 1, kRemove = 2 };
struct ProposeMembership {
  std::string id;
  MembershipAction action = MembershipAction::kAdd;
  AdministrationEntry entry;  // For a removal only `country` counts.
};
struct ApproveMembership {
  std::string id;
};
enum class ProposalStatus : std::uint8_t { kOpen = 1, kAdopted = 2 };
// Under ProposalKey(id).
struct MembershipProposal {
  std::string id;
  MembershipAction action = MembershipAction::kAdd;
  AdministrationEntry entry;
  std::vector<std::string> approvals;  // Countries, sorted.
  ProposalStatus status = ProposalStatus::kOpen;
  std::uint64_t adopted_ms = 0;
  friend bool operator==(const MembershipProposal&, const MembershipProposal&) = default;
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

struct SetAeoStatus {
  Hash32 operator_id;
  AeoStatus status = AeoStatus::kGranted;
  std::string programme;
  std::uint64_t valid_from_ms = 0;
  std::uint64_t valid_until_ms = 0;
};
struct ProposeMra {
  std::string partner;
  std::string id;
  std::vector<std::string> programmes;
  std::uint64_t valid_from_ms = 0;
  std::uint64_t valid_until_ms = 0;
};
struct AcceptMra {
  std::string proposer;
};
enum class MraAction : std::uint8_t { kSuspend = 1, kResume = 2, kEnd = 3 };
struct SetMraStatus {
  std::string partner;
  MraAction action = MraAction::kSuspend;
};
struct LinkOperator {
  Hash32 operator_id;  // Ours.
  std::string partner;
  Hash32 partner_operator_id;
};
struct OpenTransit {
  std::string mrn;
  std::vector<std::string> route;
  std::string destination_office;
  Hash32 guarantee_hash;
  Hash32 manifest_hash;
  Hash32 seal_hash;
};
struct TransitEvent {
  std::string mrn;
  TransitEventKind kind = TransitEventKind::kExit;
  bool seal_intact = true;  // For a seal check.
  Hash32 note_hash;         // Hash of the office's own record of the event.
};
struct TransitRef {  // kTerminateTransit, kDischargeTransit.
  std::string mrn;
};
struct AnchorDocument {
  DocumentType type = DocumentType::kOther;
  Hash32 document_hash;
  std::string reference;
};
struct RevokeAnchor {
  Hash32 document_hash;
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
TAMGA_CONTRACTS_CODEC(RotateKey)
TAMGA_CONTRACTS_CODEC(SetValidatorAddress)
TAMGA_CONTRACTS_CODEC(ObserverKeys)
TAMGA_CONTRACTS_CODEC(TimestampAuthority)
TAMGA_CONTRACTS_CODEC(Imprint)
TAMGA_CONTRACTS_CODEC(TimestampImprints)
TAMGA_CONTRACTS_CODEC(ProposeMembership)
TAMGA_CONTRACTS_CODEC(ApproveMembership)
TAMGA_CONTRACTS_CODEC(MembershipProposal)
TAMGA_CONTRACTS_CODEC(IssueCertificates)
TAMGA_CONTRACTS_CODEC(ReplaceCertificate)
TAMGA_CONTRACTS_CODEC(RevokeCertificate)
TAMGA_CONTRACTS_CODEC(UseCertificate)
TAMGA_CONTRACTS_CODEC(RequestVerification)
TAMGA_CONTRACTS_CODEC(AnswerVerification)
TAMGA_CONTRACTS_CODEC(AeoRecord)
TAMGA_CONTRACTS_CODEC(MraRecord)
TAMGA_CONTRACTS_CODEC(OperatorLink)
TAMGA_CONTRACTS_CODEC(TransitRecord)
TAMGA_CONTRACTS_CODEC(AnchorRecord)
TAMGA_CONTRACTS_CODEC(SetAeoStatus)
TAMGA_CONTRACTS_CODEC(ProposeMra)
TAMGA_CONTRACTS_CODEC(AcceptMra)
TAMGA_CONTRACTS_CODEC(SetMraStatus)
TAMGA_CONTRACTS_CODEC(LinkOperator)
TAMGA_CONTRACTS_CODEC(OpenTransit)
TAMGA_CONTRACTS_CODEC(TransitEvent)
TAMGA_CONTRACTS_CODEC(TransitRef)
TAMGA_CONTRACTS_CODEC(AnchorDocument)
TAMGA_CONTRACTS_CODEC(RevokeAnchor)
#undef TAMGA_CONTRACTS_CODEC

// --- Names of statuses ----------------------------------------------------------------------

// Each is the stable code the API and proof readers show ("in_force"), from one table beside
// the enum's cases in model.cc; "unknown" for a value outside the enum. MraStatusText is the
// same table's words for sentences ("in force").
std::string_view CertificateStatusName(CertificateStatus s);
std::string_view VerificationStateName(VerificationState v);
std::string_view AeoStatusName(AeoStatus s);
std::string_view MraStatusName(MraStatus s);
std::string_view MraStatusText(MraStatus s);
std::string_view TransitEventName(TransitEventKind k);
std::string_view TransitStateName(TransitState s);
std::string_view DocumentTypeName(DocumentType t);

// --- Field rules --------------------------------------------------------------------------

bool IsCountryCode(std::string_view s);  // Two capital ASCII letters.
// Codes, ids and certificate numbers: 1 to 40 characters of A-Z, a-z, 0-9, '-', '/', '.'.
bool IsIdentifier(std::string_view s);

// --- State keys ---------------------------------------------------------------------------

Hash32 RulesVersionKey();
Hash32 SignerKey(const PublicKey& key);
Hash32 AdministrationKey(std::string_view country);
Hash32 ObserversKey(std::string_view country);
Hash32 TimestampAuthorityKey(std::string_view country);
Hash32 OfficeKey(std::string_view country, std::string_view code);
Hash32 IssuerKey(std::string_view country, std::string_view id);
Hash32 CertificateKey(std::string_view exporting_country, std::string_view number);
Hash32 DocumentKey(const Hash32& document_hash);
Hash32 AeoKey(std::string_view country, const Hash32& operator_id);
Hash32 MraKey(std::string_view a, std::string_view b);  // Order does not matter.
Hash32 OperatorLinkKey(std::string_view country, const Hash32& operator_id,
                       std::string_view partner);
Hash32 TransitKey(std::string_view mrn);
Hash32 ProposalKey(std::string_view id);
Hash32 AnchorKey(const Hash32& document_hash);
// Import declarations already recorded against a certificate (one use per declaration).
Hash32 DeclarationUseKey(std::string_view exporting_country, std::string_view number,
                         const Hash32& declaration_hash);

}  // namespace tamga::contracts

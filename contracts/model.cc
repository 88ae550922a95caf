// contracts/model.cc

#include "contracts/model.h"

#include <iterator>

#include "ledger/state_proof.h"

namespace tamga::contracts {
namespace {

constexpr std::size_t kNameMax = 120;
constexpr std::size_t kIdMax = 40;
constexpr std::size_t kAddressMax = 120;
constexpr std::size_t kUnitMax = 8;
constexpr std::size_t kHsHeadingsMax = 20;
constexpr std::size_t kAdministrationsMax = 256;

template <typename E>
E DecodeEnum(Decoder& d, std::uint8_t first, std::uint8_t last, std::string_view what) {
  const std::uint8_t v = d.U8();
  if (d.ok() && (v < first || v > last)) d.Fail(std::string(what) + " out of range");
  return static_cast<E>(v);
}

Hash32 KeyOf(std::string_view name) { return ledger::StateKeyOf(AsBytes(name)); }

}  // namespace

std::string_view TxTypeName(std::uint16_t type) {
  switch (static_cast<TxType>(type)) {
    case TxType::kRegisterOffice:
      return "register-office";
    case TxType::kSetOfficeStatus:
      return "set-office-status";
    case TxType::kAccreditIssuer:
      return "accredit-issuer";
    case TxType::kSetIssuerStatus:
      return "set-issuer-status";
    case TxType::kRevokeKey:
      return "revoke-key";
    case TxType::kRotateKey:
      return "rotate-key";
    case TxType::kSetValidatorAddress:
      return "set-validator-address";
    case TxType::kSetObservers:
      return "set-observers";
    case TxType::kSetTimestampAuthority:
      return "set-timestamp-authority";
    case TxType::kTimestampImprints:
      return "timestamp";
    case TxType::kProposeMembership:
      return "propose-membership";
    case TxType::kApproveMembership:
      return "approve-membership";
    case TxType::kIssueCertificates:
      return "issue-certificates";
    case TxType::kReplaceCertificate:
      return "replace-certificate";
    case TxType::kRevokeCertificate:
      return "revoke-certificate";
    case TxType::kUseCertificate:
      return "use-certificate";
    case TxType::kRequestVerification:
      return "request-verification";
    case TxType::kAnswerVerification:
      return "answer-verification";
    case TxType::kSetAeoStatus:
      return "set-aeo-status";
    case TxType::kProposeMra:
      return "propose-mra";
    case TxType::kAcceptMra:
      return "accept-mra";
    case TxType::kSetMraStatus:
      return "set-mra-status";
    case TxType::kLinkOperator:
      return "link-operator";
    case TxType::kOpenTransit:
      return "open-transit";
    case TxType::kTransitEvent:
      return "transit-event";
    case TxType::kTerminateTransit:
      return "terminate-transit";
    case TxType::kDischargeTransit:
      return "discharge-transit";
    case TxType::kAnchorDocument:
      return "anchor-document";
    case TxType::kRevokeAnchor:
      return "revoke-anchor";
  }
  return "unknown";
}

namespace {

// One row per reason, in numeric order (checked below). The code is what programs see: never
// rename one (tests/contracts/reason_table_test.cc pins them). The text may be reworded.
constexpr NameEntry<Reason> kReasons[] = {
    {Reason::kAccepted, "accepted", "accepted"},
    {Reason::kMalformed, "malformed", "malformed"},
    {Reason::kWrongChain, "wrong_chain", "wrong chain"},
    {Reason::kBadSignature, "bad_signature", "bad signature"},
    {Reason::kReplayed, "replayed_transaction", "replayed transaction"},
    {Reason::kUnknownType, "unknown_transaction_type", "unknown transaction type"},
    {Reason::kUnknownSigner, "unknown_signer", "unknown signer"},
    {Reason::kSignerLacksRole, "signer_lacks_role", "signer lacks role"},
    {Reason::kSignerSuspended, "signer_suspended_or_withdrawn", "signer suspended or withdrawn"},
    {Reason::kSignerRevoked, "signer_revoked", "signer revoked"},
    {Reason::kBadSequence, "bad_sequence", "bad sequence"},
    {Reason::kOutsideScope, "outside_issuer_scope", "outside the issuer's scope"},
    {Reason::kWrongCountry, "wrong_country", "wrong country"},
    {Reason::kAlreadyExists, "already_exists", "already exists"},
    {Reason::kUnknownOffice, "office_unknown", "office unknown"},
    {Reason::kUnknownIssuer, "issuer_unknown", "issuer unknown"},
    {Reason::kCertificateUnknown, "certificate_unknown", "certificate unknown"},
    {Reason::kCertificateRevoked, "certificate_revoked", "certificate revoked"},
    {Reason::kCertificateReplaced, "certificate_replaced", "certificate replaced"},
    {Reason::kCertificateExpired, "certificate_expired", "certificate expired"},
    {Reason::kCertificateNotYetValid, "certificate_not_yet_valid", "certificate not yet valid"},
    {Reason::kQuantityExceeded, "quantity_exceeded", "quantity exceeded"},
    {Reason::kFullyUsed, "certificate_fully_used", "certificate fully used"},
    {Reason::kWrongImportingCountry, "wrong_importing_country", "wrong importing country"},
    {Reason::kDuplicateUse, "declaration_already_recorded", "declaration already recorded"},
    {Reason::kNoPendingRequest, "no_pending_verification_request",
     "no pending verification request"},
    {Reason::kKeyInUse, "key_already_registered", "key already registered"},
    {Reason::kMraUnknown, "mra_unknown", "MRA unknown"},
    {Reason::kMraNotInForce, "mra_not_in_force", "MRA not in force"},
    {Reason::kTransitUnknown, "transit_unknown", "transit unknown"},
    {Reason::kEventOutOfOrder, "event_out_of_route_order", "event out of route order"},
    {Reason::kNotOnRoute, "office_not_on_the_route", "office not on the route"},
    {Reason::kTransitNotTerminated, "transit_not_terminated", "transit not terminated"},
    {Reason::kTransitClosed, "transit_closed", "transit closed"},
    {Reason::kAnchorUnknown, "document_not_anchored", "document not anchored"},
    {Reason::kAnchorRevoked, "anchor_revoked", "anchor revoked"},
    {Reason::kCertificateNotConfirmed, "certificate_not_confirmed_by_its_exporting_administration",
     "certificate not confirmed by its exporting administration"},
    {Reason::kProposalUnknown, "proposal_unknown", "proposal unknown"},
    {Reason::kAlreadyApproved, "already_approved", "already approved"},
    {Reason::kEpochChangePending, "epoch_change_pending",
     "a validator-set change is already pending in this block"},
};

constexpr bool InNumericOrder() {
  for (std::size_t i = 0; i < std::size(kReasons); ++i) {
    if (static_cast<std::size_t>(kReasons[i].value) != i) return false;
  }
  return true;
}
static_assert(InNumericOrder(), "kReasons: entry i must be Reason i");
static_assert(std::size(kReasons) == static_cast<std::size_t>(kLastReason) + 1,
              "kReasons: one row per reason, up to kLastReason");

const NameEntry<Reason>* ReasonRow(Reason r) {
  const auto i = static_cast<std::size_t>(r);
  return i < std::size(kReasons) ? &kReasons[i] : nullptr;
}

}  // namespace

std::span<const NameEntry<Reason>> ReasonTable() { return kReasons; }

std::string_view ReasonCode(Reason r) {
  const NameEntry<Reason>* e = ReasonRow(r);
  return e == nullptr ? std::string_view("unknown") : e->code;
}

std::string_view ReasonText(Reason r) {
  const NameEntry<Reason>* e = ReasonRow(r);
  return e == nullptr ? std::string_view("unknown reason") : e->text;
}

bool IsCountryCode(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > kIdMax) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '/' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// --- Encodings ----------------------------------------------------------------------------

void EncodeTo(Encoder& e, const AdministrationEntry& v) {
  e.String(v.country);
  e.String(v.name);
  e.Fixed(v.validator_key);
  e.String(v.address);
  e.Fixed(v.admin_key);
}
void DecodeFrom(Decoder& d, AdministrationEntry& v) {
  v.country = d.AsciiString(2, "country");
  v.name = d.AsciiString(kNameMax, "name");
  v.validator_key = d.Fixed<PublicKey>();
  v.address = d.AsciiString(kAddressMax, "address");
  v.admin_key = d.Fixed<PublicKey>();
}

void EncodeTo(Encoder& e, const Genesis& v) {
  e.String(v.chain_name);
  e.U64(v.genesis_time_ms);
  e.Count(v.administrations.size());
  for (const auto& a : v.administrations) EncodeTo(e, a);
}
void DecodeFrom(Decoder& d, Genesis& v) {
  v.chain_name = d.AsciiString(kNameMax, "chain name");
  v.genesis_time_ms = d.U64();
  v.administrations.resize(d.Count(kAdministrationsMax, 70, "administrations"));
  for (auto& a : v.administrations) DecodeFrom(d, a);
}

void EncodeTo(Encoder& e, const SignerRecord& v) {
  e.U8(static_cast<std::uint8_t>(v.role));
  e.String(v.country);
  e.String(v.entity);
  e.U64(v.revoked_from_ms);
  e.U64(v.last_sequence);
}
void DecodeFrom(Decoder& d, SignerRecord& v) {
  v.role = DecodeEnum<Role>(d, 1, 4, "role");
  v.country = d.AsciiString(2, "country");
  v.entity = d.AsciiString(kIdMax, "entity");
  v.revoked_from_ms = d.U64();
  v.last_sequence = d.U64();
}

void EncodeTo(Encoder& e, const AdministrationRecord& v) {
  EncodeTo(e, v.entry);
  e.Bool(v.removed);
}
void DecodeFrom(Decoder& d, AdministrationRecord& v) {
  DecodeFrom(d, v.entry);
  v.removed = d.Bool();
}

void EncodeTo(Encoder& e, const RotateKey& v) {
  e.Fixed(v.old_key);
  e.Fixed(v.new_key);
}
void DecodeFrom(Decoder& d, RotateKey& v) {
  v.old_key = d.Fixed<PublicKey>();
  v.new_key = d.Fixed<PublicKey>();
}

void EncodeTo(Encoder& e, const SetValidatorAddress& v) { e.String(v.address); }
void DecodeFrom(Decoder& d, SetValidatorAddress& v) {
  v.address = d.AsciiString(kAddressMax, "address");
}

void EncodeTo(Encoder& e, const ObserverKeys& v) {
  e.Count(v.keys.size());
  for (const PublicKey& k : v.keys) e.Fixed(k);
}
void DecodeFrom(Decoder& d, ObserverKeys& v) {
  v.keys.resize(d.Count(kObserversMax, 32, "observer keys"));
  for (PublicKey& k : v.keys) k = d.Fixed<PublicKey>();
}

std::size_t ImprintLength(ImprintAlgorithm a) {
  switch (a) {
    case ImprintAlgorithm::kSha256:
      return 32;
    case ImprintAlgorithm::kSha384:
      return 48;
    case ImprintAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

std::string_view ImprintAlgorithmName(ImprintAlgorithm a) {
  switch (a) {
    case ImprintAlgorithm::kSha256:
      return "sha256";
    case ImprintAlgorithm::kSha384:
      return "sha384";
    case ImprintAlgorithm::kSha512:
      return "sha512";
  }
  return "unknown";
}

void EncodeTo(Encoder& e, const TimestampAuthority& v) {
  e.Fixed(v.signer);
  e.Fixed(v.certificate_hash);
  e.U64(v.since_ms);
}
void DecodeFrom(Decoder& d, TimestampAuthority& v) {
  v.signer = d.Fixed<PublicKey>();
  v.certificate_hash = d.Fixed<Hash32>();
  v.since_ms = d.U64();
}

void EncodeTo(Encoder& e, const Imprint& v) {
  e.U8(static_cast<std::uint8_t>(v.algorithm));
  e.Blob(v.digest);
}
void DecodeFrom(Decoder& d, Imprint& v) {
  v.algorithm = DecodeEnum<ImprintAlgorithm>(d, 1, 3, "imprint algorithm");
  v.digest = d.Blob(64, "imprint");
  if (d.ok() && v.digest.size() != ImprintLength(v.algorithm)) {
    d.Fail("the imprint's length does not match its algorithm");
  }
}

void EncodeTo(Encoder& e, const TimestampImprints& v) {
  e.Count(v.imprints.size());
  for (const Imprint& i : v.imprints) EncodeTo(e, i);
}
void DecodeFrom(Decoder& d, TimestampImprints& v) {
  v.imprints.resize(d.Count(kImprintsMax, 34, "imprints"));
  for (Imprint& i : v.imprints) DecodeFrom(d, i);
  if (d.ok() && v.imprints.empty()) d.Fail("no imprint");
}

void EncodeTo(Encoder& e, const ProposeMembership& v) {
  e.String(v.id);
  e.U8(static_cast<std::uint8_t>(v.action));
  EncodeTo(e, v.entry);
}
void DecodeFrom(Decoder& d, ProposeMembership& v) {
  v.id = d.AsciiString(kIdMax, "proposal id");
  v.action = DecodeEnum<MembershipAction>(d, 1, 2, "membership action");
  DecodeFrom(d, v.entry);
}

void EncodeTo(Encoder& e, const ApproveMembership& v) { e.String(v.id); }
void DecodeFrom(Decoder& d, ApproveMembership& v) { v.id = d.AsciiString(kIdMax, "proposal id"); }

void EncodeTo(Encoder& e, const MembershipProposal& v) {
  e.String(v.id);
  e.U8(static_cast<std::uint8_t>(v.action));
  EncodeTo(e, v.entry);
  e.Count(v.approvals.size());
  for (const auto& c : v.approvals) e.String(c);
  e.U8(static_cast<std::uint8_t>(v.status));
  e.U64(v.adopted_ms);
}
void DecodeFrom(Decoder& d, MembershipProposal& v) {
  v.id = d.AsciiString(kIdMax, "proposal id");
  v.action = DecodeEnum<MembershipAction>(d, 1, 2, "membership action");
  DecodeFrom(d, v.entry);
  v.approvals.resize(d.Count(kAdministrationsMax, 6, "approvals"));
  for (auto& c : v.approvals) c = d.AsciiString(2, "country");
  v.status = DecodeEnum<ProposalStatus>(d, 1, 2, "proposal status");
  v.adopted_ms = d.U64();
}

void EncodeTo(Encoder& e, const EntityRecord& v) {
  e.String(v.country);
  e.String(v.id);
  e.String(v.name);
  e.Fixed(v.key);
  e.U32(v.scope);
  e.U8(static_cast<std::uint8_t>(v.status));
}
void DecodeFrom(Decoder& d, EntityRecord& v) {
  v.country = d.AsciiString(2, "country");
  v.id = d.AsciiString(kIdMax, "id");
  v.name = d.AsciiString(kNameMax, "name");
  v.key = d.Fixed<PublicKey>();
  v.scope = d.U32();
  v.status = DecodeEnum<EntityStatus>(d, 1, 3, "status");
}

void EncodeTo(Encoder& e, const CertificateIssue& v) {
  e.String(v.number);
  e.Fixed(v.document_hash);
  e.String(v.exporting_country);
  e.String(v.importing_country);
  e.U64(v.issued_ms);
  e.U64(v.valid_until_ms);
  e.Count(v.hs_headings.size());
  for (const auto& h : v.hs_headings) e.String(h);
  e.U64(v.quantity);
  e.String(v.unit);
}
void DecodeFrom(Decoder& d, CertificateIssue& v) {
  v.number = d.AsciiString(kIdMax, "certificate number");
  v.document_hash = d.Fixed<Hash32>();
  v.exporting_country = d.AsciiString(2, "exporting country");
  v.importing_country = d.AsciiString(2, "importing country");
  v.issued_ms = d.U64();
  v.valid_until_ms = d.U64();
  v.hs_headings.resize(d.Count(kHsHeadingsMax, 4, "HS headings"));
  for (auto& h : v.hs_headings) h = d.AsciiString(10, "HS heading");
  v.quantity = d.U64();
  v.unit = d.AsciiString(kUnitMax, "unit");
}

void EncodeTo(Encoder& e, const CertificateRecord& v) {
  EncodeTo(e, v.issue);
  e.Fixed(v.issuer_key);
  e.String(v.issuer);
  e.U8(static_cast<std::uint8_t>(v.status));
  e.U64(v.remaining);
  e.U32(v.uses);
  e.String(v.replaced_by);
  e.String(v.replaces);
  e.String(v.origin_number);
  e.U16(v.revocation_reason);
  e.U64(v.status_changed_ms);
  e.U8(static_cast<std::uint8_t>(v.verification));
  e.U16(v.verification_reason);
  e.U64(v.verification_ms);
}
void DecodeFrom(Decoder& d, CertificateRecord& v) {
  DecodeFrom(d, v.issue);
  v.issuer_key = d.Fixed<PublicKey>();
  v.issuer = d.AsciiString(kIdMax, "issuer");
  v.status = DecodeEnum<CertificateStatus>(d, 1, 3, "certificate status");
  v.remaining = d.U64();
  v.uses = d.U32();
  v.replaced_by = d.AsciiString(kIdMax, "replaced by");
  v.replaces = d.AsciiString(kIdMax, "replaces");
  v.origin_number = d.AsciiString(kIdMax, "origin number");
  v.revocation_reason = d.U16();
  v.status_changed_ms = d.U64();
  v.verification = DecodeEnum<VerificationState>(d, 0, 3, "verification");
  v.verification_reason = d.U16();
  v.verification_ms = d.U64();
}

void EncodeTo(Encoder& e, const DocumentRecord& v) {
  e.U16(v.kind);
  e.String(v.country);
  e.String(v.number);
}
void DecodeFrom(Decoder& d, DocumentRecord& v) {
  v.kind = d.U16();
  v.country = d.AsciiString(2, "country");
  v.number = d.AsciiString(kIdMax, "number");
}

void EncodeTo(Encoder& e, const RegisterOffice& v) {
  e.String(v.code);
  e.String(v.name);
  e.Fixed(v.key);
}
void DecodeFrom(Decoder& d, RegisterOffice& v) {
  v.code = d.AsciiString(kIdMax, "office code");
  v.name = d.AsciiString(kNameMax, "name");
  v.key = d.Fixed<PublicKey>();
}

void EncodeTo(Encoder& e, const SetEntityStatus& v) {
  e.String(v.id);
  e.U8(static_cast<std::uint8_t>(v.status));
}
void DecodeFrom(Decoder& d, SetEntityStatus& v) {
  v.id = d.AsciiString(kIdMax, "id");
  v.status = DecodeEnum<EntityStatus>(d, 1, 3, "status");
}

void EncodeTo(Encoder& e, const AccreditIssuer& v) {
  e.String(v.id);
  e.String(v.name);
  e.Fixed(v.key);
  e.U32(v.scope);
}
void DecodeFrom(Decoder& d, AccreditIssuer& v) {
  v.id = d.AsciiString(kIdMax, "issuer id");
  v.name = d.AsciiString(kNameMax, "name");
  v.key = d.Fixed<PublicKey>();
  v.scope = d.U32();
}

void EncodeTo(Encoder& e, const RevokeKey& v) {
  e.Fixed(v.key);
  e.U64(v.from_ms);
}
void DecodeFrom(Decoder& d, RevokeKey& v) {
  v.key = d.Fixed<PublicKey>();
  v.from_ms = d.U64();
}

void EncodeTo(Encoder& e, const IssueCertificates& v) {
  e.Count(v.certificates.size());
  for (const auto& c : v.certificates) EncodeTo(e, c);
}
void DecodeFrom(Decoder& d, IssueCertificates& v) {
  v.certificates.resize(d.Count(kBatchMax, 70, "certificates"));
  for (auto& c : v.certificates) DecodeFrom(d, c);
}

void EncodeTo(Encoder& e, const ReplaceCertificate& v) {
  e.String(v.old_number);
  EncodeTo(e, v.replacement);
}
void DecodeFrom(Decoder& d, ReplaceCertificate& v) {
  v.old_number = d.AsciiString(kIdMax, "old number");
  DecodeFrom(d, v.replacement);
}

void EncodeTo(Encoder& e, const RevokeCertificate& v) {
  e.String(v.number);
  e.U16(v.reason);
}
void DecodeFrom(Decoder& d, RevokeCertificate& v) {
  v.number = d.AsciiString(kIdMax, "certificate number");
  v.reason = d.U16();
}

void EncodeTo(Encoder& e, const UseCertificate& v) {
  e.String(v.exporting_country);
  e.String(v.number);
  e.Fixed(v.declaration_hash);
  e.U64(v.quantity);
}
void DecodeFrom(Decoder& d, UseCertificate& v) {
  v.exporting_country = d.AsciiString(2, "exporting country");
  v.number = d.AsciiString(kIdMax, "certificate number");
  v.declaration_hash = d.Fixed<Hash32>();
  v.quantity = d.U64();
}

void EncodeTo(Encoder& e, const RequestVerification& v) {
  e.String(v.exporting_country);
  e.String(v.number);
}
void DecodeFrom(Decoder& d, RequestVerification& v) {
  v.exporting_country = d.AsciiString(2, "exporting country");
  v.number = d.AsciiString(kIdMax, "certificate number");
}

void EncodeTo(Encoder& e, const AnswerVerification& v) {
  e.String(v.number);
  e.Bool(v.confirmed);
  e.U16(v.reason);
}
void DecodeFrom(Decoder& d, AnswerVerification& v) {
  v.number = d.AsciiString(kIdMax, "certificate number");
  v.confirmed = d.Bool();
  v.reason = d.U16();
}

namespace {

void EncodeStrings(Encoder& e, const std::vector<std::string>& v) {
  e.Count(v.size());
  for (const auto& s : v) e.String(s);
}
std::vector<std::string> DecodeStrings(Decoder& d, std::size_t max, std::size_t each,
                                       std::string_view what) {
  std::vector<std::string> v(d.Count(max, 4, what));
  for (auto& s : v) s = d.AsciiString(each, what);
  return v;
}

constexpr std::size_t kRouteMax = 12;
constexpr std::size_t kProgrammesMax = 16;

}  // namespace

void EncodeTo(Encoder& e, const AeoRecord& v) {
  e.String(v.country);
  e.Fixed(v.operator_id);
  e.U8(static_cast<std::uint8_t>(v.status));
  e.String(v.programme);
  e.U64(v.valid_from_ms);
  e.U64(v.valid_until_ms);
  e.U64(v.changed_ms);
}
void DecodeFrom(Decoder& d, AeoRecord& v) {
  v.country = d.AsciiString(2, "country");
  v.operator_id = d.Fixed<Hash32>();
  v.status = DecodeEnum<AeoStatus>(d, 1, 4, "AEO status");
  v.programme = d.AsciiString(kIdMax, "programme");
  v.valid_from_ms = d.U64();
  v.valid_until_ms = d.U64();
  v.changed_ms = d.U64();
}

void EncodeTo(Encoder& e, const MraRecord& v) {
  e.String(v.id);
  e.String(v.proposer);
  e.String(v.partner);
  EncodeStrings(e, v.programmes);
  e.U64(v.valid_from_ms);
  e.U64(v.valid_until_ms);
  e.U8(static_cast<std::uint8_t>(v.status));
  e.String(v.suspended_by);
  e.U64(v.changed_ms);
}
void DecodeFrom(Decoder& d, MraRecord& v) {
  v.id = d.AsciiString(kIdMax, "MRA id");
  v.proposer = d.AsciiString(2, "proposer");
  v.partner = d.AsciiString(2, "partner");
  v.programmes = DecodeStrings(d, kProgrammesMax, kIdMax, "programmes");
  v.valid_from_ms = d.U64();
  v.valid_until_ms = d.U64();
  v.status = DecodeEnum<MraStatus>(d, 1, 4, "MRA status");
  v.suspended_by = d.AsciiString(2, "suspended by");
  v.changed_ms = d.U64();
}

void EncodeTo(Encoder& e, const OperatorLink& v) {
  e.Fixed(v.partner_operator);
  e.Bool(v.confirmed);
}
void DecodeFrom(Decoder& d, OperatorLink& v) {
  v.partner_operator = d.Fixed<Hash32>();
  v.confirmed = d.Bool();
}

void EncodeTo(Encoder& e, const TransitRecord& v) {
  e.String(v.mrn);
  e.String(v.departure_office);
  EncodeStrings(e, v.route);
  e.String(v.destination_office);
  e.Fixed(v.guarantee_hash);
  e.Fixed(v.manifest_hash);
  e.Fixed(v.seal_hash);
  e.U8(static_cast<std::uint8_t>(v.state));
  e.U32(v.steps_done);
  e.U32(v.events);
  e.Bool(v.seal_broken);
  e.U64(v.opened_ms);
  e.U64(v.closed_ms);
}
void DecodeFrom(Decoder& d, TransitRecord& v) {
  v.mrn = d.AsciiString(kIdMax, "MRN");
  v.departure_office = d.AsciiString(kIdMax, "departure office");
  v.route = DecodeStrings(d, kRouteMax, 2, "route");
  v.destination_office = d.AsciiString(kIdMax, "destination office");
  v.guarantee_hash = d.Fixed<Hash32>();
  v.manifest_hash = d.Fixed<Hash32>();
  v.seal_hash = d.Fixed<Hash32>();
  v.state = DecodeEnum<TransitState>(d, 1, 3, "transit state");
  v.steps_done = d.U32();
  v.events = d.U32();
  v.seal_broken = d.Bool();
  v.opened_ms = d.U64();
  v.closed_ms = d.U64();
}

void EncodeTo(Encoder& e, const AnchorRecord& v) {
  e.U8(static_cast<std::uint8_t>(v.type));
  e.String(v.country);
  e.String(v.issuer);
  e.String(v.reference);
  e.Bool(v.revoked);
  e.U64(v.anchored_ms);
  e.U64(v.revoked_ms);
}
void DecodeFrom(Decoder& d, AnchorRecord& v) {
  v.type = DecodeEnum<DocumentType>(d, 1, 4, "document type");
  v.country = d.AsciiString(2, "country");
  v.issuer = d.AsciiString(kIdMax, "issuer");
  v.reference = d.AsciiString(kIdMax, "reference");
  v.revoked = d.Bool();
  v.anchored_ms = d.U64();
  v.revoked_ms = d.U64();
}

void EncodeTo(Encoder& e, const SetAeoStatus& v) {
  e.Fixed(v.operator_id);
  e.U8(static_cast<std::uint8_t>(v.status));
  e.String(v.programme);
  e.U64(v.valid_from_ms);
  e.U64(v.valid_until_ms);
}
void DecodeFrom(Decoder& d, SetAeoStatus& v) {
  v.operator_id = d.Fixed<Hash32>();
  v.status = DecodeEnum<AeoStatus>(d, 1, 4, "AEO status");
  v.programme = d.AsciiString(kIdMax, "programme");
  v.valid_from_ms = d.U64();
  v.valid_until_ms = d.U64();
}

void EncodeTo(Encoder& e, const ProposeMra& v) {
  e.String(v.partner);
  e.String(v.id);
  EncodeStrings(e, v.programmes);
  e.U64(v.valid_from_ms);
  e.U64(v.valid_until_ms);
}
void DecodeFrom(Decoder& d, ProposeMra& v) {
  v.partner = d.AsciiString(2, "partner");
  v.id = d.AsciiString(kIdMax, "MRA id");
  v.programmes = DecodeStrings(d, kProgrammesMax, kIdMax, "programmes");
  v.valid_from_ms = d.U64();
  v.valid_until_ms = d.U64();
}

void EncodeTo(Encoder& e, const AcceptMra& v) { e.String(v.proposer); }
void DecodeFrom(Decoder& d, AcceptMra& v) { v.proposer = d.AsciiString(2, "proposer"); }

void EncodeTo(Encoder& e, const SetMraStatus& v) {
  e.String(v.partner);
  e.U8(static_cast<std::uint8_t>(v.action));
}
void DecodeFrom(Decoder& d, SetMraStatus& v) {
  v.partner = d.AsciiString(2, "partner");
  v.action = DecodeEnum<MraAction>(d, 1, 3, "MRA action");
}

void EncodeTo(Encoder& e, const LinkOperator& v) {
  e.Fixed(v.operator_id);
  e.String(v.partner);
  e.Fixed(v.partner_operator_id);
}
void DecodeFrom(Decoder& d, LinkOperator& v) {
  v.operator_id = d.Fixed<Hash32>();
  v.partner = d.AsciiString(2, "partner");
  v.partner_operator_id = d.Fixed<Hash32>();
}

void EncodeTo(Encoder& e, const OpenTransit& v) {
  e.String(v.mrn);
  EncodeStrings(e, v.route);
  e.String(v.destination_office);
  e.Fixed(v.guarantee_hash);
  e.Fixed(v.manifest_hash);
  e.Fixed(v.seal_hash);
}
void DecodeFrom(Decoder& d, OpenTransit& v) {
  v.mrn = d.AsciiString(kIdMax, "MRN");
  v.route = DecodeStrings(d, kRouteMax, 2, "route");
  v.destination_office = d.AsciiString(kIdMax, "destination office");
  v.guarantee_hash = d.Fixed<Hash32>();
  v.manifest_hash = d.Fixed<Hash32>();
  v.seal_hash = d.Fixed<Hash32>();
}

void EncodeTo(Encoder& e, const TransitEvent& v) {
  e.String(v.mrn);
  e.U8(static_cast<std::uint8_t>(v.kind));
  e.Bool(v.seal_intact);
  e.Fixed(v.note_hash);
}
void DecodeFrom(Decoder& d, TransitEvent& v) {
  v.mrn = d.AsciiString(kIdMax, "MRN");
  v.kind = DecodeEnum<TransitEventKind>(d, 1, 4, "event kind");
  v.seal_intact = d.Bool();
  v.note_hash = d.Fixed<Hash32>();
}

void EncodeTo(Encoder& e, const TransitRef& v) { e.String(v.mrn); }
void DecodeFrom(Decoder& d, TransitRef& v) { v.mrn = d.AsciiString(kIdMax, "MRN"); }

void EncodeTo(Encoder& e, const AnchorDocument& v) {
  e.U8(static_cast<std::uint8_t>(v.type));
  e.Fixed(v.document_hash);
  e.String(v.reference);
}
void DecodeFrom(Decoder& d, AnchorDocument& v) {
  v.type = DecodeEnum<DocumentType>(d, 1, 4, "document type");
  v.document_hash = d.Fixed<Hash32>();
  v.reference = d.AsciiString(kIdMax, "reference");
}

void EncodeTo(Encoder& e, const RevokeAnchor& v) { e.Fixed(v.document_hash); }
void DecodeFrom(Decoder& d, RevokeAnchor& v) { v.document_hash = d.Fixed<Hash32>(); }

// --- State keys ---------------------------------------------------------------------------

Hash32 RulesVersionKey() { return KeyOf("rules/version"); }
Hash32 SignerKey(const PublicKey& key) { return KeyOf("signer/" + key.ToHex()); }
Hash32 AdministrationKey(std::string_view country) {
  return KeyOf("administration/" + std::string(country));
}
Hash32 ObserversKey(std::string_view country) { return KeyOf("observers/" + std::string(country)); }
Hash32 TimestampAuthorityKey(std::string_view country) {
  return KeyOf("tsa/" + std::string(country));
}
Hash32 OfficeKey(std::string_view country, std::string_view code) {
  return KeyOf("office/" + std::string(country) + "/" + std::string(code));
}
Hash32 IssuerKey(std::string_view country, std::string_view id) {
  return KeyOf("issuer/" + std::string(country) + "/" + std::string(id));
}
Hash32 CertificateKey(std::string_view exporting_country, std::string_view number) {
  return KeyOf("coo/" + std::string(exporting_country) + "/" + std::string(number));
}
Hash32 DocumentKey(const Hash32& document_hash) {
  return KeyOf("document/" + document_hash.ToHex());
}
Hash32 AeoKey(std::string_view country, const Hash32& operator_id) {
  return KeyOf("aeo/" + std::string(country) + "/" + operator_id.ToHex());
}
Hash32 MraKey(std::string_view a, std::string_view b) {
  return a < b ? KeyOf("mra/" + std::string(a) + "/" + std::string(b))
               : KeyOf("mra/" + std::string(b) + "/" + std::string(a));
}
Hash32 OperatorLinkKey(std::string_view country, const Hash32& operator_id,
                       std::string_view partner) {
  return KeyOf("operator-link/" + std::string(country) + "/" + operator_id.ToHex() + "/" +
               std::string(partner));
}
Hash32 TransitKey(std::string_view mrn) { return KeyOf("transit/" + std::string(mrn)); }
Hash32 ProposalKey(std::string_view id) { return KeyOf("membership/" + std::string(id)); }
Hash32 AnchorKey(const Hash32& document_hash) { return KeyOf("anchor/" + document_hash.ToHex()); }
Hash32 DeclarationUseKey(std::string_view exporting_country, std::string_view number,
                         const Hash32& declaration_hash) {
  return KeyOf("coo-use/" + std::string(exporting_country) + "/" + std::string(number) + "/" +
               declaration_hash.ToHex());
}

// --- Names of statuses -------------------------------------------------------------------

namespace {

template <typename E, std::size_t N>
const NameEntry<E>* Find(const NameEntry<E> (&table)[N], E value) {
  for (const auto& e : table) {
    if (e.value == value) return &e;
  }
  return nullptr;
}

template <typename E, std::size_t N>
std::string_view CodeOf(const NameEntry<E> (&table)[N], E value) {
  const NameEntry<E>* e = Find(table, value);
  return e == nullptr ? std::string_view("unknown") : e->code;
}

constexpr NameEntry<CertificateStatus> kCertificateStatuses[] = {
    {CertificateStatus::kValid, "valid", "valid"},
    {CertificateStatus::kReplaced, "replaced", "replaced"},
    {CertificateStatus::kRevoked, "revoked", "revoked"},
};
constexpr NameEntry<VerificationState> kVerificationStates[] = {
    {VerificationState::kNone, "none", "not asked"},
    {VerificationState::kRequested, "requested", "requested"},
    {VerificationState::kConfirmed, "confirmed", "confirmed"},
    {VerificationState::kNotConfirmed, "not_confirmed", "not confirmed"},
};
constexpr NameEntry<AeoStatus> kAeoStatuses[] = {
    {AeoStatus::kGranted, "granted", "granted"},
    {AeoStatus::kSuspended, "suspended", "suspended"},
    {AeoStatus::kRevoked, "revoked", "revoked"},
    {AeoStatus::kExpired, "expired", "expired"},
};
constexpr NameEntry<MraStatus> kMraStatuses[] = {
    {MraStatus::kProposed, "proposed", "proposed but not accepted"},
    {MraStatus::kInForce, "in_force", "in force"},
    {MraStatus::kSuspended, "suspended", "suspended"},
    {MraStatus::kEnded, "ended", "ended"},
};
constexpr NameEntry<TransitEventKind> kTransitEvents[] = {
    {TransitEventKind::kExit, "exit", "exit"},
    {TransitEventKind::kEntry, "entry", "entry"},
    {TransitEventKind::kSealCheck, "seal_check", "seal check"},
    {TransitEventKind::kIncident, "incident", "incident"},
};
constexpr NameEntry<TransitState> kTransitStates[] = {
    {TransitState::kOpen, "open", "open"},
    {TransitState::kTerminated, "terminated", "terminated"},
    {TransitState::kDischarged, "discharged", "discharged"},
};
constexpr NameEntry<DocumentType> kDocumentTypes[] = {
    {DocumentType::kPhytosanitary, "phytosanitary", "phytosanitary certificate"},
    {DocumentType::kInvoice, "invoice", "invoice"},
    {DocumentType::kPackingList, "packing_list", "packing list"},
    {DocumentType::kOther, "other", "other document"},
};

}  // namespace

std::string_view CertificateStatusName(CertificateStatus s) {
  return CodeOf(kCertificateStatuses, s);
}
std::string_view VerificationStateName(VerificationState v) {
  return CodeOf(kVerificationStates, v);
}
std::string_view AeoStatusName(AeoStatus s) { return CodeOf(kAeoStatuses, s); }
std::string_view MraStatusName(MraStatus s) { return CodeOf(kMraStatuses, s); }
std::string_view MraStatusText(MraStatus s) {
  const NameEntry<MraStatus>* e = Find(kMraStatuses, s);
  return e == nullptr ? std::string_view("unknown") : e->text;
}
std::string_view TransitEventName(TransitEventKind k) { return CodeOf(kTransitEvents, k); }
std::string_view TransitStateName(TransitState s) { return CodeOf(kTransitStates, s); }
std::string_view DocumentTypeName(DocumentType t) { return CodeOf(kDocumentTypes, t); }

}  // namespace tamga::contracts

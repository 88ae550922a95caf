// contracts/executor.cc

#include "contracts/executor.h"

#include <algorithm>
#include <set>

#include "common/sha256.h"
#include "contracts/rules.h"

namespace tamga::contracts {
namespace {

using rules::Context;
using rules::Read;
using rules::Reject;
using rules::Verdict;
using rules::Write;

// --- Dispatch -----------------------------------------------------------------------------

// Who may send each type.
bool RoleAllowed(TxType t, Role r) {
  switch (t) {
    case TxType::kRotateKey:
      return true;  // The key itself, whatever its role (or its administrator).
    case TxType::kSetValidatorAddress:
    case TxType::kSetObservers:
    case TxType::kSetTimestampAuthority:
    case TxType::kRegisterOffice:
    case TxType::kSetOfficeStatus:
    case TxType::kAccreditIssuer:
    case TxType::kSetIssuerStatus:
    case TxType::kRevokeKey:
    case TxType::kProposeMembership:
    case TxType::kApproveMembership:
    case TxType::kAnswerVerification:
    case TxType::kSetAeoStatus:
    case TxType::kProposeMra:
    case TxType::kAcceptMra:
    case TxType::kSetMraStatus:
    case TxType::kLinkOperator:
    case TxType::kDischargeTransit:
      return r == Role::kAdministrator;
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate:
    case TxType::kRevokeCertificate:
    case TxType::kAnchorDocument:
    case TxType::kRevokeAnchor:
      return r == Role::kIssuer || r == Role::kAdministrator;
    case TxType::kUseCertificate:
    case TxType::kOpenTransit:
    case TxType::kTransitEvent:
    case TxType::kTerminateTransit:
      return r == Role::kOffice;
    case TxType::kRequestVerification:
      return r == Role::kOffice || r == Role::kAdministrator;
    case TxType::kTimestampImprints:
      return r == Role::kTimestamper;
  }
  return false;
}

bool KnownType(std::uint16_t t) { return TxTypeName(t) != "unknown"; }

Result<Verdict> Dispatch(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kRegisterOffice:
    case TxType::kSetOfficeStatus:
    case TxType::kAccreditIssuer:
    case TxType::kSetIssuerStatus:
    case TxType::kRevokeKey:
    case TxType::kRotateKey:
    case TxType::kSetValidatorAddress:
    case TxType::kSetObservers:
    case TxType::kSetTimestampAuthority:
      return rules::RegistryRule(ctx);
    case TxType::kProposeMembership:
    case TxType::kApproveMembership:
      return rules::GovernanceRule(ctx);
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate:
    case TxType::kRevokeCertificate:
    case TxType::kUseCertificate:
    case TxType::kRequestVerification:
    case TxType::kAnswerVerification:
      return rules::OriginRule(ctx);
    case TxType::kSetAeoStatus:
    case TxType::kProposeMra:
    case TxType::kAcceptMra:
    case TxType::kSetMraStatus:
    case TxType::kLinkOperator:
      return rules::AeoRule(ctx);
    case TxType::kOpenTransit:
    case TxType::kTransitEvent:
    case TxType::kTerminateTransit:
    case TxType::kDischargeTransit:
      return rules::TransitRule(ctx);
    case TxType::kAnchorDocument:
    case TxType::kRevokeAnchor:
    case TxType::kTimestampImprints:
      return rules::AnchorRule(ctx);
  }
  return Reject(Reason::kUnknownType, "unknown transaction type " + std::to_string(ctx.tx.type));
}

// A rejection of an issuer outside its scope, or of a suspended office or issuer.
Result<std::optional<Verdict>> CheckEntity(const BlockState& state, const Transaction& tx,
                                           const SignerRecord& signer) {
  // An administrator, or a time-stamping key (its standing is its signer record's).
  if (signer.role == Role::kAdministrator || signer.role == Role::kTimestamper) {
    return std::optional<Verdict>();
  }
  const Hash32 key = signer.role == Role::kOffice ? OfficeKey(signer.country, signer.entity)
                                                  : IssuerKey(signer.country, signer.entity);
  TAMGA_ASSIGN_OR_RETURN(auto entity, Read<EntityRecord>(state, key, "entity"));
  if (!entity) return Status::Corruption("a signer without its office or issuer record");
  if (entity->status != EntityStatus::kActive) {
    return std::optional(
        Reject(Reason::kSignerSuspended,
               signer.country + "/" + signer.entity + " is " +
                   (entity->status == EntityStatus::kSuspended ? "suspended" : "withdrawn")));
  }
  const TxType t = static_cast<TxType>(tx.type);
  const bool coo = t == TxType::kIssueCertificates || t == TxType::kReplaceCertificate ||
                   t == TxType::kRevokeCertificate;
  if (signer.role == Role::kIssuer && coo && (entity->scope & kScopeCertificateOfOrigin) == 0) {
    return std::optional(Reject(Reason::kOutsideScope,
                                signer.entity + " is not accredited for certificates of origin"));
  }
  return std::optional<Verdict>();
}

}  // namespace

Bytes CertificateHistoryPrefix(std::string_view exporting_country, std::string_view number) {
  // The number hashed: numbers may contain '/', and one certificate's prefix must not be
  // the start of another's.
  const std::string s = "coo-history/" + std::string(exporting_country) + "/" +
                        Sha256Of(AsBytes(number)).ToHex() + "/";
  return Bytes(s.begin(), s.end());
}

Bytes TransitHistoryPrefix(std::string_view mrn) {
  const std::string s = "transit-history/" + Sha256Of(AsBytes(mrn)).ToHex() + "/";
  return Bytes(s.begin(), s.end());
}

OnLedgerFn ReplayGuard(const ledger::Ledger& ledger) {
  return [&ledger](const Hash32& id) {
    auto found = ledger.FindTransaction(id);
    if (!found.ok()) return true;
    if (!found->has_value()) return false;
    auto receipts = ledger.ReceiptsAt((*found)->first);
    if (!receipts.ok() || (*found)->second >= receipts->size()) return true;
    return CountsAsOnLedger(static_cast<Reason>((*receipts)[(*found)->second].code));
  };
}

bool CountsAsOnLedger(Reason r) {
  return r != Reason::kWrongChain && r != Reason::kBadSignature && r != Reason::kUnknownSigner &&
         r != Reason::kBadSequence && r != Reason::kReplayed && r != Reason::kEpochChangePending;
}

Result<std::optional<Bytes>> BlockState::Get(const Hash32& key) const {
  if (auto it = pending_.find(key); it != pending_.end()) return std::optional<Bytes>(it->second);
  if (auto it = block_.find(key); it != block_.end()) return std::optional<Bytes>(it->second);
  return parent_.Get(key);
}

void BlockState::KeepPending() {
  for (auto& [k, v] : pending_) block_[k] = std::move(v);
  pending_.clear();
  if (pending_next_) next_ = std::move(pending_next_);
  pending_next_.reset();
}

void BlockState::DiscardPending() {
  pending_.clear();
  pending_next_.reset();
}

std::vector<ledger::StateWrite> BlockState::Writes() const {
  std::vector<ledger::StateWrite> out;
  out.reserve(block_.size());
  for (const auto& [k, v] : block_) out.push_back({k, v});
  return out;
}

Result<TxOutcome> Executor::Apply(BlockState& state, const ChainId& chain, const Transaction& tx,
                                  const Hash32& tx_hash, bool signature_ok, std::uint64_t now_ms,
                                  const OnLedgerFn& on_ledger) {
  TxOutcome out;
  // Set once the transaction holds its signer's next sequence number: from then on it uses
  // that number up whether it is accepted or rejected (a deferral aside), so its bytes can
  // never run later. The state alone then tells a replay, with no lookup in history.
  std::optional<SignerRecord> at_sequence;
  auto use_sequence = [&](SignerRecord record) -> Status {
    // A rule may have rewritten the signer's own record (none does today); read it back
    // so that only the sequence changes here.
    TAMGA_ASSIGN_OR_RETURN(auto current, Read<SignerRecord>(state, SignerKey(tx.signer), "signer"));
    if (current) record = *current;
    record.last_sequence = tx.sequence;
    Write(state, SignerKey(tx.signer), record);
    return Status::Ok();
  };
  auto reject = [&](Reason r, std::string detail) -> Result<TxOutcome> {
    state.DiscardPending();
    out.reason = r;
    out.detail = std::move(detail);
    out.records.clear();
    out.index.clear();
    if (at_sequence && r != Reason::kEpochChangePending) {
      TAMGA_RETURN_IF_ERROR(use_sequence(*at_sequence));
      state.KeepPending();
    }
    return out;
  };
  if (tx.chain_id != chain)
    return reject(Reason::kWrongChain, "the transaction is for another chain");
  if (!signature_ok) return reject(Reason::kBadSignature, "the signature does not verify");
  // Admission only (Executor::Check): an id already on the ledger gets a plainer answer
  // than its sequence's. Blocks need no such lookup.
  if (on_ledger && on_ledger(tx_hash)) {
    return reject(Reason::kReplayed, "this transaction is already on the ledger");
  }
  TAMGA_ASSIGN_OR_RETURN(auto signer, Read<SignerRecord>(state, SignerKey(tx.signer), "signer"));
  if (!signer)
    return reject(Reason::kUnknownSigner, "the key " + tx.signer.ShortHex() + " is not registered");
  if (tx.sequence != signer->last_sequence + 1) {
    return reject(Reason::kBadSequence, "sequence " + std::to_string(tx.sequence) + ", expected " +
                                            std::to_string(signer->last_sequence + 1));
  }
  at_sequence = *signer;
  if (!KnownType(tx.type)) {
    return reject(Reason::kUnknownType, "unknown transaction type " + std::to_string(tx.type));
  }
  if (signer->revoked_from_ms != 0 && now_ms >= signer->revoked_from_ms) {
    return reject(Reason::kSignerRevoked,
                  "the key was revoked from " + std::to_string(signer->revoked_from_ms) + " ms");
  }
  TAMGA_ASSIGN_OR_RETURN(
      auto home,
      Read<AdministrationRecord>(state, AdministrationKey(signer->country), "administration"));
  if (home && home->removed) {
    return reject(Reason::kSignerRevoked, signer->country + " has left the chain");
  }
  const TxType type = static_cast<TxType>(tx.type);
  if (!RoleAllowed(type, signer->role)) {
    return reject(Reason::kSignerLacksRole, std::string("the signer's role may not send ") +
                                                std::string(TxTypeName(tx.type)));
  }
  TAMGA_ASSIGN_OR_RETURN(std::optional<Verdict> entity, CheckEntity(state, tx, *signer));
  if (entity) return reject(entity->reason, entity->detail);

  Context ctx{state, tx, tx_hash, *signer, now_ms, out};
  Result<Verdict> decided = Dispatch(ctx);
  if (!decided.ok()) {
    state.DiscardPending();  // A store failure: nothing of this transaction may stay.
    return decided.error();
  }
  const Verdict v = *decided;
  if (v.reason != Reason::kAccepted) return reject(v.reason, v.detail);
  TAMGA_RETURN_IF_ERROR(use_sequence(*signer));
  state.KeepPending();
  return out;
}

Result<TxOutcome> Executor::Check(const ledger::StateReader& state, const ChainId& chain,
                                  const Transaction& tx, const Hash32& tx_hash,
                                  std::uint64_t now_ms, const OnLedgerFn& on_ledger) {
  BlockState scratch(state);
  return Apply(scratch, chain, tx, tx_hash, tx.VerifySignature().ok(), now_ms, on_ledger);
}

Result<ledger::BlockOutput> Executor::ExecuteBlock(const ledger::StateReader& parent,
                                                   const Block& block,
                                                   const BatchVerifier* verifier,
                                                   const OnLedgerFn& verified) {
  const std::size_t n = block.transactions.size();
  const std::vector<Hash32>& ids = block.TxIds();  // Hashed by the verifier already.
  std::vector<bool> signature_ok(n, true);
  std::vector<std::size_t> to_check;  // Indexes whose signature is checked here.
  for (std::size_t i = 0; i < n; ++i) {
    if (!verified || !verified(ids[i])) to_check.push_back(i);
  }
  if (verifier != nullptr) {
    std::vector<Bytes> messages(to_check.size());
    std::vector<SignatureCheck> checks;
    checks.reserve(to_check.size());
    for (std::size_t k = 0; k < to_check.size(); ++k) {
      const Transaction& tx = block.transactions[to_check[k]];
      messages[k] = tx.SigningBytes();
      checks.push_back({tx.signer, SignDomain::kTransaction, messages[k], tx.signature});
    }
    for (std::size_t k : verifier->Verify(checks).failed) signature_ok[to_check[k]] = false;
  } else {
    for (std::size_t i : to_check) signature_ok[i] = block.transactions[i].VerifySignature().ok();
  }

  BlockState state(parent);
  // The rules in force are the version the state names: a build that does not carry that
  // version must not execute the block (an auditor's replay would then be wrong).
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> version, state.Get(RulesVersionKey()));
  if (!version || version->size() != 4)
    return Status::Corruption("the state names no rules version");
  const std::uint32_t in_force = (std::uint32_t{(*version)[0]} << 24) |
                                 (std::uint32_t{(*version)[1]} << 16) |
                                 (std::uint32_t{(*version)[2]} << 8) | (*version)[3];
  if (in_force != kRulesVersion) {
    return Status::FailedPrecondition("the chain runs rules version " + std::to_string(in_force) +
                                      "; this build implements version " +
                                      std::to_string(kRulesVersion));
  }
  ledger::BlockOutput out;
  const std::uint64_t now = block.header.timestamp_ms;
  for (std::size_t i = 0; i < n; ++i) {
    const Transaction& tx = block.transactions[i];
    const Hash32& id = ids[i];
    // A copy of a transaction that ran (here or in any earlier block) finds its sequence
    // number used up.
    TAMGA_ASSIGN_OR_RETURN(TxOutcome o,
                           Apply(state, block.header.chain_id, tx, id, signature_ok[i], now, {}));
    std::string detail = o.detail.substr(0, ledger::kReceiptDetailMax);
    for (char& c : detail) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    out.receipts.push_back({id, static_cast<std::uint16_t>(o.reason), std::move(detail), 0,
                            static_cast<std::uint32_t>(o.records.size())});
    for (ledger::LogRecord& r : o.records) {
      r.tx_index = static_cast<std::uint32_t>(i);
      out.records.push_back(std::move(r));
    }
    for (auto& e : o.index) out.index.push_back(std::move(e));
  }
  out.writes = state.Writes();
  out.next_validators = state.next_validators();
  return out;
}

}  // namespace tamga::contracts

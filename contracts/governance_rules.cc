// contracts/governance_rules.cc
// Membership: adding or removing an administration (and its validator) needs approvals
// from at least two thirds of the administrations, collected on the ledger; when the last
// approval needed arrives, the change is adopted and the validator set changes at the
// next epoch (docs/contracts.md, "Governance").

#include <algorithm>

#include "contracts/rules.h"
#include "ledger/records.h"

namespace tamga::contracts::rules {
namespace {

Result<ledger::ValidatorSetEntry> CurrentSet(const BlockState& state) {
  TAMGA_ASSIGN_OR_RETURN(auto entry, Read<ledger::ValidatorSetEntry>(
                                         state, ledger::ValidatorSetKey(), "validator set"));
  if (!entry) return Status::Corruption("the state holds no validator set");
  return std::move(*entry);
}

// Adopts `p` if the approvals of current members reach two thirds of the members.
Result<Verdict> MaybeAdopt(Context& ctx, MembershipProposal& p) {
  TAMGA_ASSIGN_OR_RETURN(ledger::ValidatorSetEntry current, CurrentSet(ctx.state));
  const std::size_t members = current.set.validators.size();
  std::size_t approvals = 0;
  for (const std::string& c : p.approvals) {
    TAMGA_ASSIGN_OR_RETURN(
        auto admin, Read<AdministrationRecord>(ctx.state, AdministrationKey(c), "administration"));
    if (admin && !admin->removed) ++approvals;
  }
  if (3 * approvals < 2 * members) {  // Fewer than two thirds: wait for more.
    Write(ctx.state, ProposalKey(p.id), p);
    return Verdict{};
  }
  if (ctx.state.epoch_change_pending()) {
    return Reject(
        Reason::kEpochChangePending,
        "another validator-set change was adopted in this block; approve again in the next one");
  }
  ValidatorSet next{current.set.epoch.Next(), current.set.validators};
  // What held when the proposal was made is checked again: another proposal may have been
  // adopted since (the same country added, or removed, or one member left).
  TAMGA_ASSIGN_OR_RETURN(
      auto member,
      Read<AdministrationRecord>(ctx.state, AdministrationKey(p.entry.country), "administration"));
  const bool is_member = member && !member->removed;
  if (p.action == MembershipAction::kAdd) {
    if (is_member) return Reject(Reason::kAlreadyExists, p.entry.country + " is already a member");
    // Free when proposed; a key rotation since may have taken one.
    for (const PublicKey& k : {p.entry.validator_key, p.entry.admin_key}) {
      TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, k));
      if (taken) return *taken;
    }
    next.validators.push_back(p.entry.validator_key);
    Write(ctx.state, AdministrationKey(p.entry.country), AdministrationRecord{p.entry, false});
    // A country admitted again starts with no observers: those it named before it left
    // went with it. (Written only where a list exists, so other chains' roots stay.)
    TAMGA_ASSIGN_OR_RETURN(auto observers, ctx.state.Get(ObserversKey(p.entry.country)));
    if (observers) Write(ctx.state, ObserversKey(p.entry.country), ObserverKeys{});
    Write(ctx.state, SignerKey(p.entry.admin_key),
          SignerRecord{Role::kAdministrator, p.entry.country, "", 0, 0});
  } else {
    if (!is_member) return Reject(Reason::kWrongCountry, p.entry.country + " is not a member");
    if (members <= 1) return Reject(Reason::kMalformed, "the last administration cannot leave");
    // What leaves is what the registry holds now (its validator key may have been rotated
    // since the proposal).
    const AdministrationEntry entry = member->entry;
    std::erase(next.validators, entry.validator_key);
    Write(ctx.state, AdministrationKey(entry.country), AdministrationRecord{entry, true});
  }
  p.status = ProposalStatus::kAdopted;
  p.adopted_ms = ctx.now_ms;
  Write(ctx.state, ProposalKey(p.id), p);
  ctx.state.SetNextValidators(std::move(next));
  return Verdict{};
}

Result<Verdict> Propose(Context& ctx, const ProposeMembership& m) {
  if (!IsIdentifier(m.id)) return Reject(Reason::kMalformed, "the proposal needs an identifier");
  TAMGA_ASSIGN_OR_RETURN(auto existing, ctx.state.Get(ProposalKey(m.id)));
  if (existing) return Reject(Reason::kAlreadyExists, "proposal " + m.id + " exists");
  if (!IsCountryCode(m.entry.country)) return Reject(Reason::kMalformed, "not a country code");
  TAMGA_ASSIGN_OR_RETURN(
      auto member,
      Read<AdministrationRecord>(ctx.state, AdministrationKey(m.entry.country), "administration"));
  const bool is_member = member && !member->removed;
  MembershipProposal p{m.id, m.action, m.entry, {ctx.signer.country}, ProposalStatus::kOpen, 0};
  if (m.action == MembershipAction::kAdd) {
    if (is_member) return Reject(Reason::kAlreadyExists, m.entry.country + " is already a member");
    if (m.entry.name.empty() || m.entry.address.empty() ||
        m.entry.validator_key == m.entry.admin_key) {
      return Reject(Reason::kMalformed,
                    "a new administration needs a name, an address and two distinct keys");
    }
    for (const PublicKey& k : {m.entry.validator_key, m.entry.admin_key}) {
      TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, k));
      if (taken) return *taken;
    }
  } else {
    if (!is_member) return Reject(Reason::kWrongCountry, m.entry.country + " is not a member");
    TAMGA_ASSIGN_OR_RETURN(ledger::ValidatorSetEntry current, CurrentSet(ctx.state));
    if (current.set.validators.size() <= 1)
      return Reject(Reason::kMalformed, "the last administration cannot leave");
    p.entry = member->entry;  // What is removed is what the ledger holds.
  }
  ctx.Record(ctx.tx.payload);
  return MaybeAdopt(ctx, p);
}

Result<Verdict> Approve(Context& ctx, const ApproveMembership& m) {
  TAMGA_ASSIGN_OR_RETURN(auto p,
                         Read<MembershipProposal>(ctx.state, ProposalKey(m.id), "proposal"));
  if (!p) return Reject(Reason::kProposalUnknown, "no proposal " + m.id);
  if (p->status != ProposalStatus::kOpen)
    return Reject(Reason::kAlreadyApproved, "proposal " + m.id + " was adopted");
  auto at = std::lower_bound(p->approvals.begin(), p->approvals.end(), ctx.signer.country);
  if (at != p->approvals.end() && *at == ctx.signer.country) {
    return Reject(Reason::kAlreadyApproved, ctx.signer.country + " already approved " + m.id);
  }
  p->approvals.insert(at, ctx.signer.country);
  ctx.Record(ctx.tx.payload);
  return MaybeAdopt(ctx, *p);
}

}  // namespace

Result<bool> IsMember(const BlockState& state, std::string_view country) {
  TAMGA_ASSIGN_OR_RETURN(
      auto admin, Read<AdministrationRecord>(state, AdministrationKey(country), "administration"));
  return admin && !admin->removed;
}

Result<Verdict> GovernanceRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kProposeMembership:
      return WithPayload<ProposeMembership>(
          ctx.tx, [&](const ProposeMembership& p) { return Propose(ctx, p); });
    case TxType::kApproveMembership:
      return WithPayload<ApproveMembership>(
          ctx.tx, [&](const ApproveMembership& p) { return Approve(ctx, p); });
    default:
      return Reject(Reason::kUnknownType, "not a governance transaction");
  }
}

}  // namespace tamga::contracts::rules

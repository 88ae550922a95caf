// contracts/aeo_rules.cc
// AEO statuses, mutual-recognition arrangements and operator links (docs/contracts.md,
// "AEO and mutual recognition").

#include "contracts/rules.h"

namespace tamga::contracts::rules {
namespace {

Result<Verdict> SetAeo(Context& ctx, const SetAeoStatus& p) {
  if (!IsIdentifier(p.programme)) return Reject(Reason::kMalformed, "the programme needs a name");
  if (p.valid_until_ms <= p.valid_from_ms) {
    return Reject(Reason::kMalformed, "validity ends before it starts");
  }
  Write(ctx.state, AeoKey(ctx.signer.country, p.operator_id),
        AeoRecord{ctx.signer.country, p.operator_id, p.status, p.programme, p.valid_from_ms,
                  p.valid_until_ms, ctx.now_ms});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The partner must be another administration of the chain.
Result<std::optional<Verdict>> CheckPartner(Context& ctx, const std::string& partner) {
  if (!IsCountryCode(partner) || partner == ctx.signer.country) {
    return std::optional(Reject(Reason::kMalformed, "\"" + partner + "\" is not another country"));
  }
  TAMGA_ASSIGN_OR_RETURN(bool member, IsMember(ctx.state, partner));
  if (!member) {
    return std::optional(
        Reject(Reason::kWrongCountry, partner + " is not an administration of this chain"));
  }
  return std::optional<Verdict>();
}

Result<Verdict> Propose(Context& ctx, const ProposeMra& p) {
  TAMGA_ASSIGN_OR_RETURN(auto bad, CheckPartner(ctx, p.partner));
  if (bad) return *bad;
  if (!IsIdentifier(p.id)) return Reject(Reason::kMalformed, "the MRA needs an identifier");
  for (const std::string& prog : p.programmes) {
    if (!IsIdentifier(prog))
      return Reject(Reason::kMalformed, "programme \"" + prog + "\" is not a name");
  }
  if (p.valid_until_ms <= p.valid_from_ms) {
    return Reject(Reason::kMalformed, "the MRA ends before it starts");
  }
  const Hash32 key = MraKey(ctx.signer.country, p.partner);
  TAMGA_ASSIGN_OR_RETURN(auto existing, Read<MraRecord>(ctx.state, key, "MRA"));
  if (existing && existing->status != MraStatus::kEnded) {
    return Reject(Reason::kAlreadyExists, "an MRA between " + ctx.signer.country + " and " +
                                              p.partner + " exists (" + existing->id + ")");
  }
  Write(ctx.state, key,
        MraRecord{p.id, ctx.signer.country, p.partner, p.programmes, p.valid_from_ms,
                  p.valid_until_ms, MraStatus::kProposed, "", ctx.now_ms});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

Result<Verdict> Accept(Context& ctx, const AcceptMra& p) {
  const Hash32 key = MraKey(ctx.signer.country, p.proposer);
  TAMGA_ASSIGN_OR_RETURN(auto mra, Read<MraRecord>(ctx.state, key, "MRA"));
  if (!mra)
    return Reject(Reason::kMraUnknown,
                  "no MRA between " + ctx.signer.country + " and " + p.proposer);
  if (mra->status != MraStatus::kProposed) {
    return Reject(Reason::kMraNotInForce, "MRA " + mra->id + " is not awaiting acceptance");
  }
  if (mra->partner != ctx.signer.country) {
    return Reject(Reason::kWrongCountry, "only " + mra->partner + " can accept MRA " + mra->id);
  }
  mra->status = MraStatus::kInForce;
  mra->changed_ms = ctx.now_ms;
  Write(ctx.state, key, *mra);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

Result<Verdict> SetMra(Context& ctx, const SetMraStatus& p) {
  const Hash32 key = MraKey(ctx.signer.country, p.partner);
  TAMGA_ASSIGN_OR_RETURN(auto mra, Read<MraRecord>(ctx.state, key, "MRA"));
  if (!mra)
    return Reject(Reason::kMraUnknown,
                  "no MRA between " + ctx.signer.country + " and " + p.partner);
  const MraStatus from = mra->status;
  MraStatus to = from;
  switch (p.action) {
    case MraAction::kSuspend:
      if (from == MraStatus::kInForce) to = MraStatus::kSuspended;
      break;
    case MraAction::kResume:
      if (from == MraStatus::kSuspended) to = MraStatus::kInForce;
      break;
    case MraAction::kEnd:
      if (from != MraStatus::kEnded) to = MraStatus::kEnded;
      break;
  }
  if (to == from) {
    return Reject(Reason::kMraNotInForce,
                  "MRA " + mra->id + " cannot do that in its present status");
  }
  // A suspension protects the party that made it: only that party lifts it (either party
  // may still end the arrangement).
  if (p.action == MraAction::kResume && mra->suspended_by != ctx.signer.country) {
    return Reject(Reason::kWrongCountry, "MRA " + mra->id + " was suspended by " +
                                             mra->suspended_by + ", who alone may resume it");
  }
  mra->suspended_by = to == MraStatus::kSuspended ? ctx.signer.country : "";
  mra->status = to;
  mra->changed_ms = ctx.now_ms;
  Write(ctx.state, key, *mra);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// "Our X is the partner's Y": pending until the partner says the mirror, then confirmed
// on both sides.
Result<Verdict> Link(Context& ctx, const LinkOperator& p) {
  TAMGA_ASSIGN_OR_RETURN(auto bad, CheckPartner(ctx, p.partner));
  if (bad) return *bad;
  const Hash32 mine = OperatorLinkKey(ctx.signer.country, p.operator_id, p.partner);
  const Hash32 theirs = OperatorLinkKey(p.partner, p.partner_operator_id, ctx.signer.country);
  TAMGA_ASSIGN_OR_RETURN(auto mirror, Read<OperatorLink>(ctx.state, theirs, "operator link"));
  const bool confirms = mirror && mirror->partner_operator == p.operator_id;
  // Re-linking X elsewhere withdraws the partner's confirmation of the old pair.
  TAMGA_ASSIGN_OR_RETURN(auto previous, Read<OperatorLink>(ctx.state, mine, "operator link"));
  if (previous && previous->confirmed && previous->partner_operator != p.partner_operator_id) {
    Write(ctx.state, OperatorLinkKey(p.partner, previous->partner_operator, ctx.signer.country),
          OperatorLink{p.operator_id, false});
  }
  Write(ctx.state, mine, OperatorLink{p.partner_operator_id, confirms});
  if (confirms) Write(ctx.state, theirs, OperatorLink{p.operator_id, true});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

}  // namespace

Result<Verdict> AeoRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kSetAeoStatus:
      return WithPayload<SetAeoStatus>(ctx.tx,
                                       [&](const SetAeoStatus& p) { return SetAeo(ctx, p); });
    case TxType::kProposeMra:
      return WithPayload<ProposeMra>(ctx.tx, [&](const ProposeMra& p) { return Propose(ctx, p); });
    case TxType::kAcceptMra:
      return WithPayload<AcceptMra>(ctx.tx, [&](const AcceptMra& p) { return Accept(ctx, p); });
    case TxType::kSetMraStatus:
      return WithPayload<SetMraStatus>(ctx.tx,
                                       [&](const SetMraStatus& p) { return SetMra(ctx, p); });
    case TxType::kLinkOperator:
      return WithPayload<LinkOperator>(ctx.tx, [&](const LinkOperator& p) { return Link(ctx, p); });
    default:
      return Reject(Reason::kUnknownType, "not an AEO or MRA transaction");
  }
}

}  // namespace tamga::contracts::rules

// contracts/anchor_rules.cc
// The generic anchor for other documents (ePhyto, invoices, packing lists) by an issuer
// accredited for that document type (docs/contracts.md, "Other documents"), and the
// imprints of RFC 3161 time-stamp requests ("Time stamps").

#include "contracts/rules.h"

namespace tamga::contracts::rules {
namespace {

Result<Verdict> Anchor(Context& ctx, const AnchorDocument& p) {
  if (!IsIdentifier(p.reference))
    return Reject(Reason::kMalformed, "the reference is not a valid identifier");
  if (ctx.signer.role == Role::kIssuer) {
    TAMGA_ASSIGN_OR_RETURN(
        auto issuer,
        Read<EntityRecord>(ctx.state, IssuerKey(ctx.signer.country, ctx.signer.entity), "issuer"));
    if (!issuer || (issuer->scope & ScopeOf(p.type)) == 0) {
      return Reject(Reason::kOutsideScope,
                    ctx.signer.entity + " is not accredited for this document type");
    }
  }
  TAMGA_ASSIGN_OR_RETURN(auto anchored, ctx.state.Get(DocumentKey(p.document_hash)));
  if (anchored) return Reject(Reason::kAlreadyExists, "that document is already anchored");
  Write(ctx.state, AnchorKey(p.document_hash),
        AnchorRecord{p.type, ctx.signer.country, ctx.signer.entity, p.reference, false, ctx.now_ms,
                     0});
  Write(ctx.state, DocumentKey(p.document_hash),
        DocumentRecord{static_cast<std::uint16_t>(TxType::kAnchorDocument), ctx.signer.country,
                       p.reference});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

Result<Verdict> Revoke(Context& ctx, const RevokeAnchor& p) {
  const Hash32 key = AnchorKey(p.document_hash);
  TAMGA_ASSIGN_OR_RETURN(auto a, Read<AnchorRecord>(ctx.state, key, "anchor"));
  if (!a)
    return Reject(Reason::kAnchorUnknown,
                  "document " + p.document_hash.ShortHex() + " is not anchored");
  const bool may = a->country == ctx.signer.country &&
                   (ctx.signer.role == Role::kAdministrator || ctx.signer.entity == a->issuer);
  if (!may)
    return Reject(Reason::kSignerLacksRole,
                  "only the anchoring issuer or its administration revokes");
  if (a->revoked) return Reject(Reason::kAnchorRevoked, "the anchor is already revoked");
  a->revoked = true;
  a->revoked_ms = ctx.now_ms;
  Write(ctx.state, key, *a);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// A node's batch of RFC 3161 request imprints, signed by its administration's time-stamping
// key: one log record each (the encoded Imprint), in the payload's order, so the n-th
// request's token names the n-th record. The same imprint may be stamped again: each stamp
// is a record of its own.
Result<Verdict> Stamp(Context& ctx, const TimestampImprints& p) {
  for (const Imprint& i : p.imprints) ctx.Record(Encode(i));
  return Verdict{};
}

}  // namespace

Result<Verdict> AnchorRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kAnchorDocument:
      return WithPayload<AnchorDocument>(ctx.tx,
                                         [&](const AnchorDocument& p) { return Anchor(ctx, p); });
    case TxType::kRevokeAnchor:
      return WithPayload<RevokeAnchor>(ctx.tx,
                                       [&](const RevokeAnchor& p) { return Revoke(ctx, p); });
    case TxType::kTimestampImprints:
      return WithPayload<TimestampImprints>(
          ctx.tx, [&](const TimestampImprints& p) { return Stamp(ctx, p); });
    default:
      return Reject(Reason::kUnknownType, "not an anchor transaction");
  }
}

}  // namespace tamga::contracts::rules

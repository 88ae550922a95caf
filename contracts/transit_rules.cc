// contracts/transit_rules.cc
// Transit under customs control, in the shape of eTIR (docs/contracts.md, "Transit").
//
// A route of n countries has 2(n - 1) border steps: step 2k is the exit from route[k],
// step 2k + 1 the entry into route[k + 1]. Exits and entries must come as the next step;
// seal checks and incidents come from the country where the goods are (the one entered
// last, or about to be entered while they are between an exit and an entry).

#include <set>

#include "contracts/rules.h"

namespace tamga::contracts::rules {
namespace {

std::uint32_t TotalSteps(const TransitRecord& t) {
  return 2 * static_cast<std::uint32_t>(t.route.size() - 1);
}

Result<Verdict> Open(Context& ctx, const OpenTransit& p) {
  if (!IsIdentifier(p.mrn)) return Reject(Reason::kMalformed, "the MRN is not a valid identifier");
  if (p.route.size() < 2) return Reject(Reason::kMalformed, "a route crosses at least one border");
  std::set<std::string> seen;
  for (const std::string& c : p.route) {
    if (!IsCountryCode(c) || !seen.insert(c).second) {
      return Reject(Reason::kMalformed, "the route must list distinct country codes");
    }
  }
  for (const std::string& c : p.route) {
    TAMGA_ASSIGN_OR_RETURN(bool member, IsMember(ctx.state, c));
    if (!member)
      return Reject(Reason::kWrongCountry, c + " is not an administration of this chain");
  }
  if (p.route.front() != ctx.signer.country) {
    return Reject(Reason::kWrongCountry,
                  "the route starts in " + p.route.front() + ", not at this office's country");
  }
  TAMGA_ASSIGN_OR_RETURN(
      auto dest,
      Read<EntityRecord>(ctx.state, OfficeKey(p.route.back(), p.destination_office), "office"));
  if (!dest || dest->status != EntityStatus::kActive) {
    return Reject(Reason::kUnknownOffice, p.route.back() + "/" + p.destination_office +
                                              " is not an active registered office");
  }
  const Hash32 key = TransitKey(p.mrn);
  TAMGA_ASSIGN_OR_RETURN(auto existing, ctx.state.Get(key));
  if (existing) return Reject(Reason::kAlreadyExists, "transit " + p.mrn + " already exists");
  TAMGA_ASSIGN_OR_RETURN(auto manifest, ctx.state.Get(DocumentKey(p.manifest_hash)));
  if (manifest) return Reject(Reason::kAlreadyExists, "that manifest is already anchored");
  TransitRecord t;
  t.mrn = p.mrn;
  t.departure_office = ctx.signer.entity;
  t.route = p.route;
  t.destination_office = p.destination_office;
  t.guarantee_hash = p.guarantee_hash;
  t.manifest_hash = p.manifest_hash;
  t.seal_hash = p.seal_hash;
  t.opened_ms = ctx.now_ms;
  Write(ctx.state, key, t);
  // Advance information: the destination sees the manifest's hash before arrival.
  Write(
      ctx.state, DocumentKey(p.manifest_hash),
      DocumentRecord{static_cast<std::uint16_t>(TxType::kOpenTransit), ctx.signer.country, p.mrn});
  ctx.Record(ctx.tx.payload);
  ctx.TransitHistory(p.mrn);
  return Verdict{};
}

// The open transit `mrn`, or a rejection.
Result<Verdict> OpenOne(Context& ctx, const std::string& mrn, TransitRecord& t) {
  TAMGA_ASSIGN_OR_RETURN(auto found, Read<TransitRecord>(ctx.state, TransitKey(mrn), "transit"));
  if (!found) return Reject(Reason::kTransitUnknown, "no transit " + mrn);
  t = std::move(*found);
  if (t.state != TransitState::kOpen)
    return Reject(Reason::kTransitClosed, "transit " + mrn + " is closed");
  return Verdict{};
}

Result<Verdict> Event(Context& ctx, const TransitEvent& p) {
  TransitRecord t;
  TAMGA_ASSIGN_OR_RETURN(Verdict v, OpenOne(ctx, p.mrn, t));
  if (v.reason != Reason::kAccepted) return v;
  bool on_route = false;
  for (const std::string& c : t.route) on_route |= c == ctx.signer.country;
  if (!on_route) {
    return Reject(Reason::kNotOnRoute,
                  "transit " + p.mrn + " does not cross " + ctx.signer.country);
  }
  const std::uint32_t s = t.steps_done;
  if (p.kind == TransitEventKind::kExit || p.kind == TransitEventKind::kEntry) {
    if (s >= TotalSteps(t)) {
      return Reject(Reason::kEventOutOfOrder, "transit " + p.mrn + " has crossed every border");
    }
    const bool exit_next = s % 2 == 0;
    const std::string& where = exit_next ? t.route[s / 2] : t.route[(s + 1) / 2];
    const bool is_exit = p.kind == TransitEventKind::kExit;
    if (is_exit != exit_next || where != ctx.signer.country) {
      return Reject(Reason::kEventOutOfOrder,
                    std::string("the next step of ") + p.mrn + " is " +
                        (exit_next ? "the exit from " : "the entry into ") + where);
    }
    t.steps_done += 1;
  } else {
    const std::string& where = s % 2 == 0 ? t.route[s / 2] : t.route[(s + 1) / 2];
    if (where != ctx.signer.country) {
      return Reject(Reason::kEventOutOfOrder,
                    "the goods of " + p.mrn + " are under the control of " + where);
    }
    if (p.kind == TransitEventKind::kSealCheck && !p.seal_intact) t.seal_broken = true;
  }
  t.events += 1;
  Write(ctx.state, TransitKey(p.mrn), t);
  ctx.Record(ctx.tx.payload);
  ctx.TransitHistory(p.mrn);
  return Verdict{};
}

Result<Verdict> Terminate(Context& ctx, const TransitRef& p) {
  TransitRecord t;
  TAMGA_ASSIGN_OR_RETURN(Verdict v, OpenOne(ctx, p.mrn, t));
  if (v.reason != Reason::kAccepted) return v;
  if (ctx.signer.country != t.route.back() || ctx.signer.entity != t.destination_office) {
    return Reject(Reason::kSignerLacksRole, "only the destination office " + t.route.back() + "/" +
                                                t.destination_office + " terminates");
  }
  if (t.steps_done != TotalSteps(t)) {
    return Reject(Reason::kEventOutOfOrder,
                  "transit " + p.mrn + " has not entered " + t.route.back() + " yet");
  }
  t.state = TransitState::kTerminated;
  t.closed_ms = ctx.now_ms;
  Write(ctx.state, TransitKey(p.mrn), t);
  ctx.Record(ctx.tx.payload);
  ctx.TransitHistory(p.mrn);
  return Verdict{};
}

Result<Verdict> Discharge(Context& ctx, const TransitRef& p) {
  TAMGA_ASSIGN_OR_RETURN(auto t, Read<TransitRecord>(ctx.state, TransitKey(p.mrn), "transit"));
  if (!t) return Reject(Reason::kTransitUnknown, "no transit " + p.mrn);
  if (ctx.signer.country != t->route.front()) {
    return Reject(Reason::kWrongCountry,
                  "only the departure administration (" + t->route.front() + ") discharges");
  }
  if (t->state == TransitState::kOpen) {
    return Reject(Reason::kTransitNotTerminated, "transit " + p.mrn + " is not terminated");
  }
  if (t->state == TransitState::kDischarged) {
    return Reject(Reason::kTransitClosed, "transit " + p.mrn + " is already discharged");
  }
  t->state = TransitState::kDischarged;
  t->closed_ms = ctx.now_ms;
  Write(ctx.state, TransitKey(p.mrn), *t);
  ctx.Record(ctx.tx.payload);
  ctx.TransitHistory(p.mrn);
  return Verdict{};
}

}  // namespace

Result<Verdict> TransitRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kOpenTransit:
      return WithPayload<OpenTransit>(ctx.tx, [&](const OpenTransit& p) { return Open(ctx, p); });
    case TxType::kTransitEvent:
      return WithPayload<TransitEvent>(ctx.tx,
                                       [&](const TransitEvent& p) { return Event(ctx, p); });
    case TxType::kTerminateTransit:
      return WithPayload<TransitRef>(ctx.tx,
                                     [&](const TransitRef& p) { return Terminate(ctx, p); });
    case TxType::kDischargeTransit:
      return WithPayload<TransitRef>(ctx.tx,
                                     [&](const TransitRef& p) { return Discharge(ctx, p); });
    default:
      return Reject(Reason::kUnknownType, "not a transit transaction");
  }
}

}  // namespace tamga::contracts::rules

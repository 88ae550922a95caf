// contracts/registry_rules.cc
// Offices, issuers and key revocation (docs/contracts.md, "Registry").

#include <algorithm>

#include "common/host_port.h"
#include "contracts/rules.h"
#include "ledger/records.h"

namespace tamga::contracts::rules {
namespace {

Result<Verdict> NewEntity(Context& ctx, Role role, const std::string& id, const std::string& name,
                          const PublicKey& key, std::uint32_t scope) {
  if (!IsIdentifier(id))
    return Reject(Reason::kMalformed, "\"" + id + "\" is not a valid identifier");
  const Hash32 entity_key =
      role == Role::kOffice ? OfficeKey(ctx.signer.country, id) : IssuerKey(ctx.signer.country, id);
  TAMGA_ASSIGN_OR_RETURN(auto existing, ctx.state.Get(entity_key));
  if (existing)
    return Reject(Reason::kAlreadyExists, ctx.signer.country + "/" + id + " is already registered");
  TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, key));
  if (taken) return *taken;
  Write(ctx.state, entity_key,
        EntityRecord{ctx.signer.country, id, name, key, scope, EntityStatus::kActive});
  Write(ctx.state, SignerKey(key), SignerRecord{role, ctx.signer.country, id, 0, 0});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

Result<Verdict> SetStatus(Context& ctx, Role role, const SetEntityStatus& p) {
  const Hash32 key = role == Role::kOffice ? OfficeKey(ctx.signer.country, p.id)
                                           : IssuerKey(ctx.signer.country, p.id);
  TAMGA_ASSIGN_OR_RETURN(auto entity, Read<EntityRecord>(ctx.state, key, "entity"));
  if (!entity) {
    return Reject(role == Role::kOffice ? Reason::kUnknownOffice : Reason::kUnknownIssuer,
                  ctx.signer.country + "/" + p.id + " is not registered");
  }
  if (entity->status == EntityStatus::kWithdrawn) {
    return Reject(Reason::kSignerSuspended,
                  ctx.signer.country + "/" + p.id + " was withdrawn; withdrawal is final");
  }
  entity->status = p.status;
  Write(ctx.state, key, *entity);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

Result<Verdict> Revoke(Context& ctx, const RevokeKey& p) {
  TAMGA_ASSIGN_OR_RETURN(auto target, Read<SignerRecord>(ctx.state, SignerKey(p.key), "signer"));
  if (!target)
    return Reject(Reason::kUnknownSigner, "the key " + p.key.ShortHex() + " is not registered");
  if (target->country != ctx.signer.country) {
    return Reject(Reason::kWrongCountry, "the key belongs to " + target->country);
  }
  if (target->role == Role::kAdministrator) {
    return Reject(Reason::kSignerLacksRole,
                  "an administrator key changes only by governance, not by revocation");
  }
  // Not into the past: what the key signed before this block stays valid, as the ledger
  // accepted it.
  if (p.from_ms < ctx.now_ms) {
    return Reject(Reason::kMalformed, "a revocation takes effect now or later, not in the past");
  }
  if (target->revoked_from_ms != 0 && target->revoked_from_ms <= p.from_ms) {
    return Reject(Reason::kSignerRevoked, "the key is already revoked from an earlier time");
  }
  target->revoked_from_ms = p.from_ms;
  Write(ctx.state, SignerKey(p.key), *target);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The validator key of the signer's administration (`admin`) moves to `p.new_key`: the
// validator set changes at the next epoch, with the new key where the old one was. From
// then on the old key's votes and proposals are refused; blocks it certified before stay
// valid (the epoch proofs carry the change). Signed by the administrator key only: a
// validator key signs consensus messages, never transactions, and a validator host that
// is broken into must not be able to hand its seat to the intruder.
Result<Verdict> RotateValidator(Context& ctx, AdministrationRecord admin, const RotateKey& p) {
  TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, p.new_key));
  if (taken) return *taken;
  if (ctx.state.epoch_change_pending()) {
    return Reject(
        Reason::kEpochChangePending,
        "another validator-set change was adopted in this block; rotate again in the next one");
  }
  TAMGA_ASSIGN_OR_RETURN(auto current, Read<ledger::ValidatorSetEntry>(
                                           ctx.state, ledger::ValidatorSetKey(), "validator set"));
  if (!current) return Status::Corruption("the state holds no validator set");
  ValidatorSet next{current->set.epoch.Next(), current->set.validators};
  auto at = std::find(next.validators.begin(), next.validators.end(), p.old_key);
  if (at == next.validators.end()) {
    return Status::Corruption("administration " + admin.entry.country +
                              "'s validator key is not in the validator set");
  }
  *at = p.new_key;
  admin.entry.validator_key = p.new_key;
  Write(ctx.state, AdministrationKey(admin.entry.country), admin);
  ctx.state.SetNextValidators(std::move(next));
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The role of `old_key` moves to `new_key`; the old key is revoked from now (what it
// signed before stays valid). Signed by the old key itself, or by the administrator of
// the key's country for an office's or issuer's key. A validator key is rotated by its
// administrator (RotateValidator).
Result<Verdict> Rotate(Context& ctx, const RotateKey& p) {
  TAMGA_ASSIGN_OR_RETURN(auto old, Read<SignerRecord>(ctx.state, SignerKey(p.old_key), "signer"));
  if (!old && ctx.signer.role == Role::kAdministrator) {
    TAMGA_ASSIGN_OR_RETURN(
        auto admin, Read<AdministrationRecord>(ctx.state, AdministrationKey(ctx.signer.country),
                                               "administration"));
    if (admin && !admin->removed && admin->entry.validator_key == p.old_key) {
      return RotateValidator(ctx, std::move(*admin), p);
    }
  }
  if (!old)
    return Reject(Reason::kUnknownSigner, "the key " + p.old_key.ShortHex() + " is not registered");
  const bool self = ctx.tx.signer == p.old_key;
  if (!self) {
    if (ctx.signer.role != Role::kAdministrator) {
      return Reject(Reason::kSignerLacksRole,
                    "only the key itself or its administrator rotates it");
    }
    if (old->country != ctx.signer.country)
      return Reject(Reason::kWrongCountry, "the key belongs to " + old->country);
    if (old->role == Role::kAdministrator) {
      return Reject(Reason::kSignerLacksRole, "an administrator key is rotated by itself");
    }
  }
  if (old->role == Role::kTimestamper) {
    return Reject(Reason::kSignerLacksRole,
                  "a time-stamping key changes by set-timestamp-authority, with its certificate");
  }
  if (old->revoked_from_ms != 0 && old->revoked_from_ms <= ctx.now_ms) {
    return Reject(Reason::kSignerRevoked, "the key is already revoked");
  }
  TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, p.new_key));
  if (taken) return *taken;
  SignerRecord moved = *old;
  moved.revoked_from_ms = 0;
  moved.last_sequence = 0;
  Write(ctx.state, SignerKey(p.new_key), moved);
  old->revoked_from_ms = ctx.now_ms;
  Write(ctx.state, SignerKey(p.old_key), *old);
  if (old->role == Role::kAdministrator) {
    TAMGA_ASSIGN_OR_RETURN(
        auto admin,
        Read<AdministrationRecord>(ctx.state, AdministrationKey(old->country), "administration"));
    if (!admin) return Status::Corruption("an administrator key without its administration");
    admin->entry.admin_key = p.new_key;
    Write(ctx.state, AdministrationKey(old->country), *admin);
  } else {
    const Hash32 key = old->role == Role::kOffice ? OfficeKey(old->country, old->entity)
                                                  : IssuerKey(old->country, old->entity);
    TAMGA_ASSIGN_OR_RETURN(auto entity, Read<EntityRecord>(ctx.state, key, "entity"));
    if (!entity) return Status::Corruption("a signer without its office or issuer record");
    entity->key = p.new_key;
    Write(ctx.state, key, *entity);
  }
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The signer's administration moves its validator to `p.address`. Takes effect when the
// block commits: every node dials the validators of the epoch at the addresses the
// registry holds after each block that changes one. The address is checked for its form
// (host:port) only; whether anything listens there is the administration's affair.
Result<Verdict> SetAddress(Context& ctx, const SetValidatorAddress& p) {
  if (!ParseHostPort(p.address).ok()) {
    return Reject(Reason::kMalformed, "\"" + p.address + "\" is not host:port");
  }
  TAMGA_ASSIGN_OR_RETURN(
      auto admin, Read<AdministrationRecord>(ctx.state, AdministrationKey(ctx.signer.country),
                                             "administration"));
  if (!admin) return Status::Corruption("an administrator key without its administration");
  if (admin->removed) {
    return Reject(Reason::kSignerLacksRole, ctx.signer.country + " has left the chain");
  }
  admin->entry.address = p.address;
  Write(ctx.state, AdministrationKey(ctx.signer.country), *admin);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The signer's administration names the keys of its observer nodes (the list replaces the
// last; empty clears it). Every validator admits them on its peer port from the block on,
// up to the number per administration it is configured to take. An observer's key is a key
// of its own when named: not a validator's, not a registered signer's, not listed twice.
// (A signer whose administration has left is refused before the rules, as signer revoked.)
Result<Verdict> SetObservers(Context& ctx, const ObserverKeys& p) {
  for (std::size_t i = 0; i < p.keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (p.keys[i] == p.keys[j]) {
        return Reject(Reason::kMalformed, "the key " + p.keys[i].ShortHex() + " is listed twice");
      }
    }
    TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, p.keys[i]));
    if (taken) return *taken;
  }
  Write(ctx.state, ObserversKey(ctx.signer.country), p);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// The signer's administration names its time-stamping authority: the key its node signs
// time-stamp batches with, and the hash of the TSA certificate its tokens are signed under.
// It replaces the last; a new signer key must be a key of its own (KeyTaken), and the last
// signer is revoked from now, so what it stamped before stays valid.
Result<Verdict> SetTimestampAuthority(Context& ctx, const TimestampAuthority& p) {
  if (p.since_ms != 0) return Reject(Reason::kMalformed, "since_ms is set by the ledger: send 0");
  const Hash32 key = TimestampAuthorityKey(ctx.signer.country);
  TAMGA_ASSIGN_OR_RETURN(auto current,
                         Read<TimestampAuthority>(ctx.state, key, "time-stamping authority"));
  if (current && current->signer == p.signer) {
    TAMGA_ASSIGN_OR_RETURN(auto signer,
                           Read<SignerRecord>(ctx.state, SignerKey(p.signer), "signer"));
    if (!signer) return Status::Corruption("a time-stamping authority without its signer record");
    if (signer->revoked_from_ms != 0 && signer->revoked_from_ms <= ctx.now_ms) {
      return Reject(Reason::kSignerRevoked, "the key " + p.signer.ShortHex() + " is revoked");
    }
  } else {
    TAMGA_ASSIGN_OR_RETURN(auto taken, KeyTaken(ctx.state, p.signer));
    if (taken) return *taken;
    if (current) {
      TAMGA_ASSIGN_OR_RETURN(auto old,
                             Read<SignerRecord>(ctx.state, SignerKey(current->signer), "signer"));
      if (old && (old->revoked_from_ms == 0 || old->revoked_from_ms > ctx.now_ms)) {
        old->revoked_from_ms = ctx.now_ms;
        Write(ctx.state, SignerKey(current->signer), *old);
      }
    }
    Write(ctx.state, SignerKey(p.signer),
          SignerRecord{Role::kTimestamper, ctx.signer.country, "tsa", 0, 0});
  }
  Write(ctx.state, key, TimestampAuthority{p.signer, p.certificate_hash, ctx.now_ms});
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

}  // namespace

Result<std::optional<Verdict>> KeyTaken(const BlockState& state, const PublicKey& key) {
  // A validator key signs consensus messages only.
  TAMGA_ASSIGN_OR_RETURN(auto validators, Read<ledger::ValidatorSetEntry>(
                                              state, ledger::ValidatorSetKey(), "validator set"));
  if (validators) {
    for (const PublicKey& v : validators->set.validators) {
      if (v == key)
        return std::optional(
            Reject(Reason::kKeyInUse, "the key " + key.ShortHex() + " is a validator key"));
    }
  }
  TAMGA_ASSIGN_OR_RETURN(auto owner, state.Get(SignerKey(key)));
  if (owner)
    return std::optional(
        Reject(Reason::kKeyInUse, "the key " + key.ShortHex() + " is already registered"));
  return std::optional<Verdict>();
}

Result<Verdict> RegistryRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
    case TxType::kRegisterOffice:
      return WithPayload<RegisterOffice>(ctx.tx, [&](const RegisterOffice& p) {
        return NewEntity(ctx, Role::kOffice, p.code, p.name, p.key, 0);
      });
    case TxType::kAccreditIssuer:
      return WithPayload<AccreditIssuer>(ctx.tx, [&](const AccreditIssuer& p) -> Result<Verdict> {
        if (p.scope == 0 || (p.scope & ~kScopeAllKnown) != 0) {
          return Reject(Reason::kMalformed, "the scope names no known record type");
        }
        return NewEntity(ctx, Role::kIssuer, p.id, p.name, p.key, p.scope);
      });
    case TxType::kSetOfficeStatus:
      return WithPayload<SetEntityStatus>(
          ctx.tx, [&](const SetEntityStatus& p) { return SetStatus(ctx, Role::kOffice, p); });
    case TxType::kSetIssuerStatus:
      return WithPayload<SetEntityStatus>(
          ctx.tx, [&](const SetEntityStatus& p) { return SetStatus(ctx, Role::kIssuer, p); });
    case TxType::kRevokeKey:
      return WithPayload<RevokeKey>(ctx.tx, [&](const RevokeKey& p) { return Revoke(ctx, p); });
    case TxType::kRotateKey:
      return WithPayload<RotateKey>(ctx.tx, [&](const RotateKey& p) { return Rotate(ctx, p); });
    case TxType::kSetValidatorAddress:
      return WithPayload<SetValidatorAddress>(
          ctx.tx, [&](const SetValidatorAddress& p) { return SetAddress(ctx, p); });
    case TxType::kSetObservers:
      return WithPayload<ObserverKeys>(ctx.tx,
                                       [&](const ObserverKeys& p) { return SetObservers(ctx, p); });
    case TxType::kSetTimestampAuthority:
      return WithPayload<TimestampAuthority>(
          ctx.tx, [&](const TimestampAuthority& p) { return SetTimestampAuthority(ctx, p); });
    default:
      return Reject(Reason::kUnknownType, "not a registry transaction");
  }
}

}  // namespace tamga::contracts::rules

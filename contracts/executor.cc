// contracts/executor.cc

#include "contracts/executor.h"

#include <algorithm>
#include <set>

#include "common/sha256.h"

namespace tamga::contracts {
namespace {

// A rule's answer before records are attached.
struct Verdict {
  Reason reason = Reason::kAccepted;
  std::string detail;
};
Verdict Reject(Reason r, std::string detail) { return {r, std::move(detail)}; }

template <typename T>
Result<std::optional<T>> Read(const BlockState& s, const Hash32& key, std::string_view what) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, s.Get(key));
  if (!v) return std::optional<T>();
  // State written by these rules always decodes; a value that does not is corruption.
  TAMGA_ASSIGN_OR_RETURN(T decoded, Decode<T>(*v, what));
  return std::optional<T>(std::move(decoded));
}

template <typename T>
void Write(BlockState& s, const Hash32& key, const T& value) {
  s.Put(key, Encode(value));
}

// What one transaction's rule sees.
struct Context {
  BlockState& state;
  const Transaction& tx;
  const Hash32& tx_hash;  // Hashed once: a batch can be a megabyte.
  const SignerRecord& signer;
  std::uint64_t now_ms;
  TxOutcome& out;

  void Record(ByteView body) {
    out.records.push_back({Height(), 0, tx_hash, tx.type, Bytes(body.begin(), body.end())});
  }
  void History(std::string_view country, std::string_view number) {
    Bytes key = CertificateHistoryPrefix(country, number);
    key.insert(key.end(), tx_hash.data(), tx_hash.data() + 32);
    out.index.emplace_back(std::move(key), Bytes{});
  }
};

// --- Field checks -------------------------------------------------------------------------

std::optional<std::string> CheckIssue(const CertificateIssue& c) {
  if (!IsIdentifier(c.number))
    return "certificate number \"" + c.number + "\" is not a valid identifier";
  if (!IsCountryCode(c.exporting_country) || !IsCountryCode(c.importing_country)) {
    return "country codes must be two capital letters (ISO 3166-1)";
  }
  if (c.exporting_country == c.importing_country)
    return "exporting and importing country are the same";
  if (c.valid_until_ms <= c.issued_ms) return "validity ends before the issue date";
  if (c.quantity == 0) return "the certified quantity is zero";
  if (c.unit.empty()) return "the quantity has no unit";
  for (const std::string& h : c.hs_headings) {
    if (h.size() < 4 || h.size() > 10 ||
        !std::all_of(h.begin(), h.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return "HS heading \"" + h + "\" is not 4 to 10 digits";
    }
  }
  return std::nullopt;
}

// May `ctx.signer` act on a certificate of `cert`'s exporting country as its issuer?
bool MayManage(const Context& ctx, const CertificateRecord& cert) {
  if (ctx.signer.country != cert.issue.exporting_country) return false;
  if (ctx.signer.role == Role::kAdministrator) return true;
  return ctx.signer.role == Role::kIssuer && ctx.signer.entity == cert.issuer;
}

// --- Registry -----------------------------------------------------------------------------

Result<Verdict> NewEntity(Context& ctx, Role role, const std::string& id, const std::string& name,
                          const PublicKey& key, std::uint32_t scope) {
  if (!IsIdentifier(id))
    return Reject(Reason::kMalformed, "\"" + id + "\" is not a valid identifier");
  const Hash32 entity_key =
      role == Role::kOffice ? OfficeKey(ctx.signer.country, id) : IssuerKey(ctx.signer.country, id);
  TAMGA_ASSIGN_OR_RETURN(auto existing, ctx.state.Get(entity_key));
  if (existing)
    return Reject(Reason::kAlreadyExists, ctx.signer.country + "/" + id + " is already registered");
  TAMGA_ASSIGN_OR_RETURN(auto key_owner, ctx.state.Get(SignerKey(key)));
  if (key_owner)
    return Reject(Reason::kKeyInUse, "the key " + key.ShortHex() + " is already registered");
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
  if (p.from_ms == 0) return Reject(Reason::kMalformed, "a revocation needs a time");
  if (target->revoked_from_ms != 0 && target->revoked_from_ms <= p.from_ms) {
    return Reject(Reason::kSignerRevoked, "the key is already revoked from an earlier time");
  }
  target->revoked_from_ms = p.from_ms;
  Write(ctx.state, SignerKey(p.key), *target);
  ctx.Record(ctx.tx.payload);
  return Verdict{};
}

// --- Certificates of origin ---------------------------------------------------------------

Result<Verdict> Issue(Context& ctx, const IssueCertificates& p) {
  if (p.certificates.empty()) return Reject(Reason::kMalformed, "no certificate to issue");
  std::set<std::string> numbers;
  std::set<Hash32> documents;
  for (std::size_t i = 0; i < p.certificates.size(); ++i) {
    const CertificateIssue& c = p.certificates[i];
    const std::string at =
        p.certificates.size() > 1 ? " (certificate " + std::to_string(i + 1) + ")" : "";
    if (auto bad = CheckIssue(c)) return Reject(Reason::kMalformed, *bad + at);
    if (c.exporting_country != ctx.signer.country) {
      return Reject(Reason::kWrongCountry, "an issuer of " + ctx.signer.country +
                                               " cannot issue for exports from " +
                                               c.exporting_country + at);
    }
    if (!numbers.insert(c.number).second || !documents.insert(c.document_hash).second) {
      return Reject(Reason::kAlreadyExists,
                    "certificate " + c.number + " appears twice in the batch");
    }
    TAMGA_ASSIGN_OR_RETURN(auto existing,
                           ctx.state.Get(CertificateKey(c.exporting_country, c.number)));
    if (existing) {
      return Reject(Reason::kAlreadyExists,
                    "certificate " + c.exporting_country + "/" + c.number + " already exists" + at);
    }
    TAMGA_ASSIGN_OR_RETURN(auto anchored, ctx.state.Get(DocumentKey(c.document_hash)));
    if (anchored) {
      return Reject(Reason::kAlreadyExists,
                    "document " + c.document_hash.ShortHex() + " is already anchored" + at);
    }
  }
  for (const CertificateIssue& c : p.certificates) {
    CertificateRecord rec;
    rec.issue = c;
    rec.issuer_key = ctx.tx.signer;
    rec.issuer = ctx.signer.entity;
    rec.remaining = c.quantity;
    rec.status_changed_ms = ctx.now_ms;
    Write(ctx.state, CertificateKey(c.exporting_country, c.number), rec);
    Write(ctx.state, DocumentKey(c.document_hash),
          DocumentRecord{static_cast<std::uint16_t>(TxType::kIssueCertificates),
                         c.exporting_country, c.number});
    ctx.Record(Encode(c));
    ctx.History(c.exporting_country, c.number);
  }
  return Verdict{};
}

// Loads into `cert` a certificate of the signer's own country that the signer may manage
// and that is still valid (not revoked, not replaced), for replacing or revoking.
Result<Verdict> ManagedValid(Context& ctx, const std::string& number, CertificateRecord& cert) {
  const Hash32 key = CertificateKey(ctx.signer.country, number);
  TAMGA_ASSIGN_OR_RETURN(auto found, Read<CertificateRecord>(ctx.state, key, "certificate"));
  if (!found) {
    return Reject(Reason::kCertificateUnknown,
                  "no certificate " + ctx.signer.country + "/" + number);
  }
  cert = std::move(*found);
  if (!MayManage(ctx, cert)) {
    return Reject(Reason::kSignerLacksRole,
                  "only the issuer of " + number + " or its administration may change it");
  }
  if (cert.status == CertificateStatus::kRevoked) {
    return Reject(Reason::kCertificateRevoked, "certificate " + number + " is already revoked");
  }
  if (cert.status == CertificateStatus::kReplaced) {
    return Reject(Reason::kCertificateReplaced,
                  "certificate " + number + " was replaced by " + cert.replaced_by);
  }
  return Verdict{};
}

Result<Verdict> Replace(Context& ctx, const ReplaceCertificate& p) {
  CertificateRecord old;
  TAMGA_ASSIGN_OR_RETURN(Verdict managed, ManagedValid(ctx, p.old_number, old));
  if (managed.reason != Reason::kAccepted) return managed;
  const CertificateIssue& c = p.replacement;
  if (auto bad = CheckIssue(c)) return Reject(Reason::kMalformed, *bad);
  if (c.exporting_country != old.issue.exporting_country) {
    return Reject(Reason::kWrongCountry, "a replacement keeps the exporting country");
  }
  const std::uint64_t used = old.issue.quantity - old.remaining;
  if (c.quantity < used) {
    return Reject(Reason::kQuantityExceeded,
                  "the replacement certifies " + std::to_string(c.quantity) + " " + c.unit +
                      " but " + std::to_string(used) + " were already used");
  }
  TAMGA_ASSIGN_OR_RETURN(auto existing,
                         ctx.state.Get(CertificateKey(c.exporting_country, c.number)));
  if (existing)
    return Reject(Reason::kAlreadyExists, "certificate " + c.number + " already exists");
  TAMGA_ASSIGN_OR_RETURN(auto anchored, ctx.state.Get(DocumentKey(c.document_hash)));
  if (anchored) return Reject(Reason::kAlreadyExists, "that document is already anchored");

  old.status = CertificateStatus::kReplaced;
  old.replaced_by = c.number;
  old.status_changed_ms = ctx.now_ms;
  Write(ctx.state, CertificateKey(old.issue.exporting_country, p.old_number), old);
  CertificateRecord rec;
  rec.issue = c;
  rec.issuer_key = ctx.tx.signer;
  rec.issuer = old.issuer;
  rec.remaining = c.quantity - used;
  rec.uses = old.uses;
  rec.replaces = p.old_number;
  rec.status_changed_ms = ctx.now_ms;
  Write(ctx.state, CertificateKey(c.exporting_country, c.number), rec);
  Write(ctx.state, DocumentKey(c.document_hash),
        DocumentRecord{static_cast<std::uint16_t>(TxType::kReplaceCertificate), c.exporting_country,
                       c.number});
  ctx.Record(ctx.tx.payload);
  ctx.History(c.exporting_country, p.old_number);
  ctx.History(c.exporting_country, c.number);
  return Verdict{};
}

Result<Verdict> RevokeCert(Context& ctx, const RevokeCertificate& p) {
  CertificateRecord cert;
  TAMGA_ASSIGN_OR_RETURN(Verdict managed, ManagedValid(ctx, p.number, cert));
  if (managed.reason != Reason::kAccepted) return managed;
  cert.status = CertificateStatus::kRevoked;
  cert.revocation_reason = p.reason;
  cert.status_changed_ms = ctx.now_ms;
  Write(ctx.state, CertificateKey(cert.issue.exporting_country, p.number), cert);
  ctx.Record(ctx.tx.payload);
  ctx.History(cert.issue.exporting_country, p.number);
  return Verdict{};
}

Result<Verdict> Use(Context& ctx, const UseCertificate& p) {
  const Hash32 key = CertificateKey(p.exporting_country, p.number);
  TAMGA_ASSIGN_OR_RETURN(auto cert, Read<CertificateRecord>(ctx.state, key, "certificate"));
  const std::string name = p.exporting_country + "/" + p.number;
  if (!cert) return Reject(Reason::kCertificateUnknown, "no certificate " + name);
  if (ctx.signer.country != cert->issue.importing_country) {
    return Reject(Reason::kWrongImportingCountry, "certificate " + name + " is for imports into " +
                                                      cert->issue.importing_country + ", not " +
                                                      ctx.signer.country);
  }
  if (cert->status == CertificateStatus::kRevoked) {
    return Reject(Reason::kCertificateRevoked, "certificate " + name + " was revoked");
  }
  if (cert->status == CertificateStatus::kReplaced) {
    return Reject(Reason::kCertificateReplaced,
                  "certificate " + name + " was replaced by " + cert->replaced_by);
  }
  if (ctx.now_ms < cert->issue.issued_ms) {
    return Reject(Reason::kCertificateNotYetValid, "certificate " + name + " is not yet valid");
  }
  if (ctx.now_ms > cert->issue.valid_until_ms) {
    return Reject(Reason::kCertificateExpired, "certificate " + name + " has expired");
  }
  if (p.quantity == 0) return Reject(Reason::kMalformed, "a use of zero");
  if (cert->remaining == 0) {
    return Reject(Reason::kFullyUsed, "certificate " + name + " is fully used");
  }
  if (p.quantity > cert->remaining) {
    return Reject(Reason::kQuantityExceeded,
                  "use of " + std::to_string(p.quantity) + " " + cert->issue.unit +
                      " exceeds the " + std::to_string(cert->remaining) + " remaining on " + name);
  }
  const Hash32 use_key = DeclarationUseKey(p.exporting_country, p.number, p.declaration_hash);
  TAMGA_ASSIGN_OR_RETURN(auto seen, ctx.state.Get(use_key));
  if (seen) {
    return Reject(Reason::kDuplicateUse, "this declaration is already recorded against " + name);
  }
  cert->remaining -= p.quantity;
  cert->uses += 1;
  Write(ctx.state, key, *cert);
  Bytes use;
  ledger::AppendU64(use, p.quantity);
  ledger::AppendU64(use, ctx.now_ms);
  ctx.state.Put(use_key, use);
  ctx.Record(ctx.tx.payload);
  ctx.History(p.exporting_country, p.number);
  return Verdict{};
}

Result<Verdict> Request(Context& ctx, const RequestVerification& p) {
  const Hash32 key = CertificateKey(p.exporting_country, p.number);
  TAMGA_ASSIGN_OR_RETURN(auto cert, Read<CertificateRecord>(ctx.state, key, "certificate"));
  if (!cert)
    return Reject(Reason::kCertificateUnknown,
                  "no certificate " + p.exporting_country + "/" + p.number);
  if (ctx.signer.country != cert->issue.importing_country) {
    return Reject(Reason::kWrongImportingCountry, "only the importing administration (" +
                                                      cert->issue.importing_country + ") may ask");
  }
  cert->verification = VerificationState::kRequested;
  cert->verification_reason = 0;
  cert->verification_ms = ctx.now_ms;
  Write(ctx.state, key, *cert);
  ctx.Record(ctx.tx.payload);
  ctx.History(p.exporting_country, p.number);
  return Verdict{};
}

Result<Verdict> Answer(Context& ctx, const AnswerVerification& p) {
  const Hash32 key = CertificateKey(ctx.signer.country, p.number);
  TAMGA_ASSIGN_OR_RETURN(auto cert, Read<CertificateRecord>(ctx.state, key, "certificate"));
  if (!cert)
    return Reject(Reason::kCertificateUnknown,
                  "no certificate " + ctx.signer.country + "/" + p.number);
  if (cert->verification != VerificationState::kRequested) {
    return Reject(Reason::kNoPendingRequest, "no verification of " + p.number + " was requested");
  }
  cert->verification =
      p.confirmed ? VerificationState::kConfirmed : VerificationState::kNotConfirmed;
  cert->verification_reason = p.reason;
  cert->verification_ms = ctx.now_ms;
  Write(ctx.state, key, *cert);
  ctx.Record(ctx.tx.payload);
  ctx.History(ctx.signer.country, p.number);
  return Verdict{};
}

// --- Dispatch -----------------------------------------------------------------------------

// Who may send each type.
bool RoleAllowed(TxType t, Role r) {
  switch (t) {
    case TxType::kRegisterOffice:
    case TxType::kSetOfficeStatus:
    case TxType::kAccreditIssuer:
    case TxType::kSetIssuerStatus:
    case TxType::kRevokeKey:
    case TxType::kAnswerVerification:
      return r == Role::kAdministrator;
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate:
    case TxType::kRevokeCertificate:
      return r == Role::kIssuer || r == Role::kAdministrator;
    case TxType::kUseCertificate:
      return r == Role::kOffice;
    case TxType::kRequestVerification:
      return r == Role::kOffice || r == Role::kAdministrator;
  }
  return false;
}

bool KnownType(std::uint16_t t) { return TxTypeName(t) != "unknown"; }

template <typename P, typename F>
Result<Verdict> WithPayload(const Transaction& tx, F&& rule) {
  Result<P> p = Decode<P>(tx.payload, TxTypeName(tx.type));
  if (!p.ok()) return Reject(Reason::kMalformed, p.error().message());
  return rule(*p);
}

Result<Verdict> Dispatch(Context& ctx) {
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
    case TxType::kIssueCertificates:
      return WithPayload<IssueCertificates>(
          ctx.tx, [&](const IssueCertificates& p) { return Issue(ctx, p); });
    case TxType::kReplaceCertificate:
      return WithPayload<ReplaceCertificate>(
          ctx.tx, [&](const ReplaceCertificate& p) { return Replace(ctx, p); });
    case TxType::kRevokeCertificate:
      return WithPayload<RevokeCertificate>(
          ctx.tx, [&](const RevokeCertificate& p) { return RevokeCert(ctx, p); });
    case TxType::kUseCertificate:
      return WithPayload<UseCertificate>(ctx.tx,
                                         [&](const UseCertificate& p) { return Use(ctx, p); });
    case TxType::kRequestVerification:
      return WithPayload<RequestVerification>(
          ctx.tx, [&](const RequestVerification& p) { return Request(ctx, p); });
    case TxType::kAnswerVerification:
      return WithPayload<AnswerVerification>(
          ctx.tx, [&](const AnswerVerification& p) { return Answer(ctx, p); });
  }
  return Reject(Reason::kUnknownType, "unknown transaction type " + std::to_string(ctx.tx.type));
}

// A rejection of an issuer outside its scope, or of a suspended office or issuer.
Result<std::optional<Verdict>> CheckEntity(const BlockState& state, const Transaction& tx,
                                           const SignerRecord& signer) {
  if (signer.role == Role::kAdministrator) return std::optional<Verdict>();
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
  const std::string s =
      "coo-history/" + std::string(exporting_country) + "/" + std::string(number) + "/";
  return Bytes(s.begin(), s.end());
}

Result<std::optional<Bytes>> BlockState::Get(const Hash32& key) const {
  if (auto it = pending_.find(key); it != pending_.end()) return std::optional<Bytes>(it->second);
  if (auto it = block_.find(key); it != block_.end()) return std::optional<Bytes>(it->second);
  return parent_.Get(key);
}

void BlockState::KeepPending() {
  for (auto& [k, v] : pending_) block_[k] = std::move(v);
  pending_.clear();
}

void BlockState::DiscardPending() { pending_.clear(); }

std::vector<ledger::StateWrite> BlockState::Writes() const {
  std::vector<ledger::StateWrite> out;
  out.reserve(block_.size());
  for (const auto& [k, v] : block_) out.push_back({k, v});
  return out;
}

Result<GenesisChain> StartChain(const Genesis& g) {
  if (g.administrations.empty()) return Status::InvalidArgument("genesis lists no administration");
  GenesisChain out;
  out.anchor.chain_id = Sha256Of(Encode(g));
  out.anchor.genesis_time_ms = g.genesis_time_ms;
  out.anchor.validators.epoch = Epoch(0);
  std::set<std::string> countries;
  std::set<PublicKey> keys;
  Bytes version;
  for (int s = 24; s >= 0; s -= 8) version.push_back(static_cast<std::uint8_t>(kRulesVersion >> s));
  out.state.push_back({RulesVersionKey(), version});
  for (const AdministrationEntry& a : g.administrations) {
    if (!IsCountryCode(a.country)) {
      return Status::InvalidArgument("\"" + a.country + "\" is not an ISO 3166-1 alpha-2 code");
    }
    if (!countries.insert(a.country).second) {
      return Status::InvalidArgument(a.country + " is listed twice");
    }
    if (!keys.insert(a.validator_key).second || !keys.insert(a.admin_key).second) {
      return Status::InvalidArgument(a.country + " reuses a key listed before");
    }
    out.anchor.validators.validators.push_back(a.validator_key);
    out.state.push_back({AdministrationKey(a.country), Encode(AdministrationRecord{a})});
    out.state.push_back(
        {SignerKey(a.admin_key), Encode(SignerRecord{Role::kAdministrator, a.country, "", 0, 0})});
  }
  return out;
}

Result<TxOutcome> Executor::Apply(BlockState& state, const ChainId& chain, const Transaction& tx,
                                  bool signature_ok, std::uint64_t now_ms,
                                  const OnLedgerFn& on_ledger) {
  TxOutcome out;
  auto reject = [&](Reason r, std::string detail) {
    state.DiscardPending();
    out.reason = r;
    out.detail = std::move(detail);
    out.records.clear();
    out.index.clear();
    return out;
  };
  if (tx.chain_id != chain)
    return reject(Reason::kWrongChain, "the transaction is for another chain");
  if (!signature_ok) return reject(Reason::kBadSignature, "the signature does not verify");
  const Hash32 tx_hash = tx.Hash();
  if (on_ledger && on_ledger(tx_hash)) {
    return reject(Reason::kReplayed, "this transaction is already on the ledger");
  }
  if (!KnownType(tx.type)) {
    return reject(Reason::kUnknownType, "unknown transaction type " + std::to_string(tx.type));
  }
  TAMGA_ASSIGN_OR_RETURN(auto signer, Read<SignerRecord>(state, SignerKey(tx.signer), "signer"));
  if (!signer)
    return reject(Reason::kUnknownSigner, "the key " + tx.signer.ShortHex() + " is not registered");
  if (signer->revoked_from_ms != 0 && now_ms >= signer->revoked_from_ms) {
    return reject(Reason::kSignerRevoked,
                  "the key was revoked from " + std::to_string(signer->revoked_from_ms) + " ms");
  }
  if (tx.sequence != signer->last_sequence + 1) {
    return reject(Reason::kBadSequence, "sequence " + std::to_string(tx.sequence) + ", expected " +
                                            std::to_string(signer->last_sequence + 1));
  }
  const TxType type = static_cast<TxType>(tx.type);
  if (!RoleAllowed(type, signer->role)) {
    return reject(Reason::kSignerLacksRole, std::string("the signer's role may not send ") +
                                                std::string(TxTypeName(tx.type)));
  }
  TAMGA_ASSIGN_OR_RETURN(std::optional<Verdict> entity, CheckEntity(state, tx, *signer));
  if (entity) return reject(entity->reason, entity->detail);

  Context ctx{state, tx, tx_hash, *signer, now_ms, out};
  TAMGA_ASSIGN_OR_RETURN(Verdict v, Dispatch(ctx));
  if (v.reason != Reason::kAccepted) return reject(v.reason, v.detail);
  SignerRecord advanced = *signer;
  advanced.last_sequence = tx.sequence;
  // A rule may have rewritten the signer's own record (none does today); read it back so
  // that only the sequence changes here.
  TAMGA_ASSIGN_OR_RETURN(auto current, Read<SignerRecord>(state, SignerKey(tx.signer), "signer"));
  if (current) {
    advanced = *current;
    advanced.last_sequence = tx.sequence;
  }
  Write(state, SignerKey(tx.signer), advanced);
  state.KeepPending();
  return out;
}

Result<TxOutcome> Executor::Check(const ledger::StateReader& state, const ChainId& chain,
                                  const Transaction& tx, std::uint64_t now_ms,
                                  const OnLedgerFn& on_ledger) {
  BlockState scratch(state);
  return Apply(scratch, chain, tx, tx.VerifySignature().ok(), now_ms, on_ledger);
}

Result<ledger::BlockOutput> Executor::ExecuteBlock(const ledger::StateReader& parent,
                                                   const Block& block, const OnLedgerFn& on_ledger,
                                                   const BatchVerifier* verifier) {
  const std::size_t n = block.transactions.size();
  std::vector<bool> signature_ok(n, true);
  if (verifier != nullptr) {
    std::vector<Bytes> messages(n);
    std::vector<SignatureCheck> checks;
    checks.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Transaction& tx = block.transactions[i];
      messages[i] = tx.SigningBytes();
      checks.push_back({tx.signer, SignDomain::kTransaction, messages[i], tx.signature});
    }
    for (std::size_t i : verifier->Verify(checks).failed) signature_ok[i] = false;
  } else {
    for (std::size_t i = 0; i < n; ++i)
      signature_ok[i] = block.transactions[i].VerifySignature().ok();
  }

  BlockState state(parent);
  ledger::BlockOutput out;
  std::set<Hash32> in_block;
  const std::uint64_t now = block.header.timestamp_ms;
  for (std::size_t i = 0; i < n; ++i) {
    const Transaction& tx = block.transactions[i];
    const Hash32 id = tx.Hash();
    // A transaction twice in one block: the second is a replay of the first.
    auto seen = [&](const Hash32& h) {
      return in_block.count(h) > 0 || (on_ledger && on_ledger(h));
    };
    TAMGA_ASSIGN_OR_RETURN(TxOutcome o,
                           Apply(state, block.header.chain_id, tx, signature_ok[i], now, seen));
    in_block.insert(id);
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
  return out;
}

}  // namespace tamga::contracts

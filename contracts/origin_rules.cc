// contracts/origin_rules.cc
// Certificates of origin (docs/contracts.md, "Certificates of origin").

#include <set>

#include "contracts/queries.h"
#include "contracts/rules.h"

namespace tamga::contracts::rules {
namespace {

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
    rec.origin_number = c.number;
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
  if (c.exporting_country != old.issue.exporting_country ||
      c.importing_country != old.issue.importing_country) {
    return Reject(Reason::kWrongCountry, "a replacement keeps the exporting and importing country");
  }
  if (c.unit != old.issue.unit) {
    return Reject(Reason::kMalformed, "a replacement keeps the unit (" + old.issue.unit + ")");
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
  rec.issuer = ctx.signer.entity;  // Whoever issued the correction (empty: the administration).
  rec.remaining = c.quantity - used;
  rec.uses = old.uses;
  rec.replaces = p.old_number;
  rec.origin_number = old.origin_number;
  // A pending or answered verification follows the certificate into its correction.
  rec.verification = old.verification;
  rec.verification_reason = old.verification_reason;
  rec.verification_ms = old.verification_ms;
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
  if (CertificateUsability u = CertificateUsableAt(*cert, ctx.now_ms);
      u.reason != Reason::kAccepted) {
    return Reject(u.reason, std::move(u.why));
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
  // Keyed by the first certificate of the replacement chain, so a declaration counted
  // against a certificate is not counted again against its correction.
  const Hash32 use_key =
      DeclarationUseKey(p.exporting_country, cert->origin_number, p.declaration_hash);
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

}  // namespace

Result<Verdict> OriginRule(Context& ctx) {
  switch (static_cast<TxType>(ctx.tx.type)) {
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
    default:
      return Reject(Reason::kUnknownType, "not a certificate-of-origin transaction");
  }
}

}  // namespace tamga::contracts::rules

// cli/verify_command.cc

#include "cli/verify_command.h"

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "client/genesis_file.h"
#include "client/http_client.h"
#include "client/verify_link.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/executor.h"
#include "contracts/queries.h"
#include "ledger/proof_file.h"

namespace tamga::cli {
namespace {

// The proven value of state entry `key`: absent from the proof (nullopt), or proven
// absent (an empty optional inside).
std::optional<std::optional<Bytes>> Entry(const ledger::ProvenFacts& f, const Hash32& key) {
  for (const auto& e : f.state) {
    if (e.key == key) return e.value;
  }
  return std::nullopt;
}

template <typename T>
Result<std::optional<T>> Proven(const ledger::ProvenFacts& f, const Hash32& key,
                                std::string_view what) {
  auto e = Entry(f, key);
  if (!e) return Status::NotFound(std::string("the proof does not cover the ") + std::string(what));
  if (!*e) return std::optional<T>();
  TAMGA_ASSIGN_OR_RETURN(T v, Decode<T>(**e, what));
  return std::optional<T>(std::move(v));
}

std::string Age(std::uint64_t ms) {
  if (ms < 120'000) return std::to_string(ms / 1000) + " s";
  if (ms < 7'200'000) return std::to_string(ms / 60'000) + " min";
  if (ms < 172'800'000) return std::to_string(ms / 3'600'000) + " h";
  return std::to_string(ms / 86'400'000) + " days";
}

std::string Quantity(std::uint64_t q, const std::string& unit) {
  return std::to_string(q) + " " + unit;
}

}  // namespace

std::string UtcTime(std::uint64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

DocumentVerdict ExplainDocument(const contracts::Genesis& genesis, const Hash32& document_hash,
                                std::string_view proof_json, std::uint64_t now_ms,
                                std::uint64_t max_age_ms) {
  DocumentVerdict v;
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) {
    v.code = "bad_genesis";
    v.headline = "the pinned genesis is not valid: " + chain.error().message();
    return v;
  }
  const ledger::ProofVerdict pv = ledger::VerifyProofJson(chain->anchor, proof_json);
  if (!pv.ok()) {
    v.exit_code = kVerifyProofInvalid;
    v.code = "proof_invalid";
    v.proof_error = std::string(ledger::ProofErrorCode(pv.error));
    v.headline = "NOT VALID: the proof does not verify against the pinned genesis (" +
                 std::string(ledger::ProofErrorName(pv.error)) + "): " + pv.message;
    return v;
  }
  const ledger::ProvenFacts& f = pv.facts;
  std::map<PublicKey, std::string> country_of;
  for (const auto& a : genesis.administrations) country_of[a.validator_key] = a.country;
  std::string signers;
  for (const PublicKey& k : f.signer_keys) {
    auto it = country_of.find(k);
    signers += (signers.empty() ? "" : ", ") + (it != country_of.end() ? it->second : k.ShortHex());
  }
  const std::string when = UtcTime(f.timestamp_ms);
  v.lines.push_back("Chain: " + chain->anchor.chain_id.ToHex().substr(0, 16) + "... (" +
                    genesis.chain_name + "), block " + f.height.ToString() + " of epoch " +
                    f.epoch.ToString());
  v.lines.push_back("Time " + when + ", signed by " + std::to_string(f.signer_keys.size()) +
                    " of the validators: " + signers);
  const std::uint64_t age_ms = now_ms > f.timestamp_ms ? now_ms - f.timestamp_ms : 0;
  v.lines.push_back("The proof is " + Age(age_ms) +
                    " old: it shows the ledger as it was then, not any change since");
  if (max_age_ms > 0 && age_ms > max_age_ms) {
    v.exit_code = kVerifyNotInForce;
    v.code = "too_old";
    v.headline = "NOT VALID: the proof is " + Age(age_ms) + " old, older than the " +
                 Age(max_age_ms) + " accepted; fetch a fresh one (--node) or raise --max-age-hours";
    return v;
  }

  v.exit_code = kVerifyNotInForce;
  auto doc = Proven<contracts::DocumentRecord>(f, contracts::DocumentKey(document_hash),
                                               "document record");
  if (!doc.ok()) {
    v.code = "not_about_document";
    v.headline = "NOT VALID: the proof is about other records, not this document (SHA-256 " +
                 document_hash.ToHex().substr(0, 16) + "...): " + doc.error().message();
    return v;
  }
  if (!*doc) {
    v.code = "not_anchored";
    v.headline = "NOT VALID: no document with SHA-256 " + document_hash.ToHex().substr(0, 16) +
                 "... is anchored on this chain as of block " + f.height.ToString();
    return v;
  }
  const contracts::DocumentRecord& d = **doc;
  using contracts::TxType;
  switch (static_cast<TxType>(d.kind)) {
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate: {
      auto c = Proven<contracts::CertificateRecord>(
          f, contracts::CertificateKey(d.country, d.number), "certificate");
      if (!c.ok() || !*c) {
        v.code = "record_not_shown";
        v.headline = "NOT VALID: the proof does not show certificate " + d.number;
        return v;
      }
      const contracts::CertificateRecord& r = **c;
      const auto& i = r.issue;
      v.lines.push_back("Certificate of origin " + i.number + ", issued by " +
                        (r.issuer.empty() ? "the administration" : r.issuer) + " of " +
                        i.exporting_country + " on " + UtcTime(i.issued_ms) + ", valid until " +
                        UtcTime(i.valid_until_ms));
      v.lines.push_back("Goods from " + i.exporting_country + " to " + i.importing_country + ": " +
                        Quantity(i.quantity, i.unit) + " certified" +
                        (i.hs_headings.empty() ? "" : ", HS " + i.hs_headings.front()));
      v.lines.push_back(
          "Status at that time: " + std::string(contracts::CertificateStatusName(r.status)) + "; " +
          Quantity(r.remaining, i.unit) + " remaining after " + std::to_string(r.uses) +
          (r.uses == 1 ? " use" : " uses"));
      if (r.verification == contracts::VerificationState::kRequested) {
        v.lines.push_back("A retroactive verification was requested on " +
                          UtcTime(r.verification_ms) + "; the exporting side has not answered");
      } else if (r.verification == contracts::VerificationState::kConfirmed) {
        v.lines.push_back("Confirmed by the exporting administration on " +
                          UtcTime(r.verification_ms));
      }
      const contracts::CertificateUsability u = contracts::CertificateUsableAt(r, f.timestamp_ms);
      if (i.document_hash != document_hash) {
        v.code = "other_file";
        v.headline = "NOT VALID: the certificate's document is another file";
      } else if (u.reason != contracts::Reason::kAccepted) {
        v.code = std::string(contracts::ReasonCode(u.reason));
        v.headline = "NOT VALID: " + u.why + " (as of " + when + ")";
      } else if (r.remaining == 0) {
        v.code = std::string(contracts::ReasonCode(contracts::Reason::kFullyUsed));
        v.headline = "NOT VALID: certificate " + i.number + " is fully used (" +
                     Quantity(i.quantity, i.unit) + " in " + std::to_string(r.uses) + " uses)";
      } else if (now_ms > i.valid_until_ms) {
        v.code = "expired_since";
        v.headline = "NOT VALID: certificate " + i.number + " has expired since the proof (on " +
                     UtcTime(i.valid_until_ms) + ")";
      } else {
        v.exit_code = kVerifyInForce;
        v.code = "in_force";
        v.headline = "VALID: certificate of origin " + i.number + " of " + i.exporting_country +
                     ", in force at " + when + " with " + Quantity(r.remaining, i.unit) +
                     " remaining";
      }
      return v;
    }
    case TxType::kAnchorDocument: {
      auto a = Proven<contracts::AnchorRecord>(f, contracts::AnchorKey(document_hash), "anchor");
      if (!a.ok() || !*a) {
        v.code = "record_not_shown";
        v.headline = "NOT VALID: the proof does not show the anchor";
        return v;
      }
      const contracts::AnchorRecord& r = **a;
      v.lines.push_back(std::string(contracts::DocumentTypeName(r.type)) + " document " +
                        r.reference + ", anchored by " +
                        (r.issuer.empty() ? "the administration" : r.issuer) + " of " + r.country +
                        " on " + UtcTime(r.anchored_ms));
      if (r.revoked) {
        v.code = "anchor_revoked";
        v.headline = "NOT VALID: the document was revoked on " + UtcTime(r.revoked_ms);
      } else {
        v.exit_code = kVerifyInForce;
        v.code = "in_force";
        v.headline = "VALID: " + std::string(contracts::DocumentTypeName(r.type)) + " document " +
                     r.reference + " of " + r.country + ", not revoked at " + when;
      }
      return v;
    }
    case TxType::kOpenTransit: {
      auto t = Proven<contracts::TransitRecord>(f, contracts::TransitKey(d.number), "transit");
      if (!t.ok() || !*t) {
        v.code = "record_not_shown";
        v.headline = "NOT VALID: the proof does not show transit " + d.number;
        return v;
      }
      const contracts::TransitRecord& r = **t;
      std::string route;
      for (const auto& c : r.route) route += (route.empty() ? "" : " -> ") + c;
      v.lines.push_back("Manifest of transit " + r.mrn + " (" + route + "), opened on " +
                        UtcTime(r.opened_ms) + "; " +
                        std::string(contracts::TransitStateName(r.state)) + ", " +
                        std::to_string(r.steps_done) + " border steps done" +
                        (r.seal_broken ? "; a seal was found BROKEN" : ""));
      if (r.manifest_hash != document_hash) {
        v.code = "other_file";
        v.headline = "NOT VALID: transit " + r.mrn + "'s manifest is another file";
        return v;
      }
      v.exit_code = kVerifyInForce;
      v.code = "in_force";
      v.headline = "VALID: the manifest of transit " + r.mrn + ", " +
                   std::string(contracts::TransitStateName(r.state)) + " at " + when;
      return v;
    }
    default:
      v.code = "unreadable_kind";
      v.headline = "NOT VALID: the document is recorded by a " +
                   std::string(contracts::TxTypeName(d.kind)) + " record this command cannot read";
      return v;
  }
}

int RunVerify(const VerifyOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga verify: " << why << "\n";
    return kVerifyError;
  };
  if (o.proof_file.empty() == o.node.empty()) return fail("give either --proof FILE or --node URL");
  const std::string page = !o.page.empty() ? o.page : o.node.empty() ? "" : "http://" + o.node;
  if (!o.qr_file.empty() && page.empty()) {
    return fail("--qr needs the verifier page the link opens: --page URL (or --node)");
  }
  auto genesis = client::LoadGenesisFile(o.genesis_file);
  if (!genesis.ok()) return fail(genesis.error().ToString());
  auto hash = Sha256OfFile(o.document);
  if (!hash.ok()) return fail(hash.error().ToString());
  std::string proof;
  if (!o.proof_file.empty()) {
    auto text = ReadFileToString(o.proof_file, ledger::kProofFileMax);
    if (!text.ok()) return fail(text.error().ToString());
    proof = std::move(*text);
  } else {
    auto client = client::HttpClient::Connect(o.node, 10'000);
    if (!client.ok()) return fail(client.error().ToString());
    // A change committed a moment ago becomes provable once two blocks follow it.
    for (int attempt = 0;; ++attempt) {
      auto r = client->Get("/v1/documents/" + hash->ToHex() + "/proof");
      if (!r.ok()) return fail(r.error().ToString());
      if (r->status == 200) {
        proof = std::move(r->body);
        break;
      }
      const auto j = nlohmann::json::parse(r->body, nullptr, false);
      const std::string message = j.is_object() && j.contains("message") && j["message"].is_string()
                                      ? j["message"].get<std::string>()
                                      : std::string("no answer");
      if (r->status == 404) {
        out << "NOT VALID: " << message << " (asked " << o.node << ")\n";
        return kVerifyNotInForce;
      }
      if (r->status != 503 || attempt == 100) {
        return fail(o.node + " answered " + std::to_string(r->status) + ": " + message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!o.save_proof.empty()) {
      if (Status s = WriteFileAtomic(o.save_proof, proof, {}); !s.ok()) {
        return fail(s.ToString());
      }
    }
  }
  const DocumentVerdict v =
      ExplainDocument(*genesis, *hash, proof, UnixNowMs(), o.max_age_hours * 3'600'000);
  out << v.headline << "\n";
  for (const auto& line : v.lines) out << "  " << line << "\n";
  if (!o.qr_file.empty()) {
    const std::string link = client::VerifyLink(page, *hash);
    auto svg = client::QrSvg(link);
    if (!svg.ok()) return fail(svg.error().ToString());
    if (Status s = WriteFileAtomic(o.qr_file, *svg, {}); !s.ok()) return fail(s.ToString());
    out << "QR code of " << link << " written to " << o.qr_file << "\n";
  }
  return v.exit_code;
}

}  // namespace tamga::cli

// cli/verify_command.cc

#include "cli/verify_command.h"

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/checkpoint_check.h"
#include "cli/verify_texts.h"
#include "cli/verify_token.h"
#include "client/genesis_file.h"
#include "client/http_client.h"
#include "client/log_client.h"
#include "client/verify_link.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "contracts/recognition.h"
#include "contracts/usability.h"
#include "ledger/log_proof.h"
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

}  // namespace

std::string UtcTime(std::uint64_t ms) {
  // Past the year 9999 (a hostile record): the number itself, as the page does.
  if (ms > 253'402'300'799'999) return std::to_string(ms) + " ms";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string SignerNames(const contracts::Genesis& genesis, const std::vector<PublicKey>& keys) {
  std::map<PublicKey, std::string> country_of;
  for (const auto& a : genesis.administrations) country_of[a.validator_key] = a.country;
  std::string out;
  for (const PublicKey& k : keys) {
    auto it = country_of.find(k);
    out +=
        (out.empty() ? "" : ", ") + (it != country_of.end() ? it->second : k.ToHex().substr(0, 16));
  }
  return out;
}

namespace {

// The first steps of every explanation: the pinned genesis, the proof, the lines every
// verdict starts with (chain, signers, age) and the age limit. Returns the proven facts,
// or nullopt when `v` is already decided.
std::optional<ledger::ProvenFacts> Begin(const contracts::Genesis& genesis,
                                         std::string_view proof_json, std::uint64_t now_ms,
                                         std::uint64_t max_age_ms, std::string_view lang,
                                         DocumentVerdict& v,
                                         std::map<std::string, std::string>& values) {
  auto t = [&](std::string_view key, const std::map<std::string, std::string>& vals = {}) {
    return Text(lang, key, vals);
  };
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) {
    v.code = "bad_genesis";
    v.headline = t("error.genesis", {{"why", chain.error().message()}});
    return std::nullopt;
  }
  ledger::ProofVerdict pv = ledger::VerifyProofJson(chain->anchor, proof_json);
  if (!pv.ok()) {
    v.exit_code = kVerifyProofInvalid;
    v.code = "proof_invalid";
    v.proof_error = std::string(ledger::ProofErrorCode(pv.error));
    v.headline = t("verdict.proof_invalid", {{"reason", t("reason." + v.proof_error)}});
    v.lines.push_back(t("line.detail", {{"message", pv.message}}));
    return std::nullopt;
  }
  const ledger::ProvenFacts& f = pv.facts;
  const std::string signers = SignerNames(genesis, f.signer_keys);
  const std::uint64_t age_ms = now_ms > f.timestamp_ms ? now_ms - f.timestamp_ms : 0;
  values = {{"time", UtcTime(f.timestamp_ms)},
            {"height", f.height.ToString()},
            {"age", AgeText(lang, age_ms)},
            {"max", AgeText(lang, max_age_ms)}};
  v.lines.push_back(t("line.chain", {{"chain", chain->anchor.chain_id.ToHex().substr(0, 16) + "…"},
                                     {"name", genesis.chain_name},
                                     {"height", f.height.ToString()},
                                     {"epoch", f.epoch.ToString()}}));
  v.lines.push_back(t("line.signed", {{"time", values["time"]},
                                      {"count", std::to_string(f.signer_keys.size())},
                                      {"signers", signers}}));
  v.lines.push_back(t("line.age", {{"age", values["age"]}}));
  v.exit_code = kVerifyNotInForce;
  if (max_age_ms > 0 && age_ms > max_age_ms) {
    v.code = "too_old";
    v.headline = t("verdict.too_old", values);
    return std::nullopt;
  }
  return std::move(pv.facts);
}

// The proven entries of a proof as a state: a key the proof does not cover is an error.
contracts::StateLookup ProvenState(const ledger::ProvenFacts& f) {
  return [&f](const Hash32& key) -> Result<std::optional<Bytes>> {
    for (const auto& e : f.state) {
      if (e.key == key) return e.value;
    }
    return Status::NotFound("the proof does not cover state key " + key.ShortHex());
  };
}

}  // namespace

DocumentVerdict ExplainDocument(const contracts::Genesis& genesis, const Hash32& document_hash,
                                std::string_view proof_json, std::uint64_t now_ms,
                                std::uint64_t max_age_ms, std::string_view lang) {
  // The words come from the page's table (cli/verify_texts.h): the same keys and values as
  // web/verdict.js describe(), so both say the same in each language.
  auto t = [&](std::string_view key, const std::map<std::string, std::string>& values = {}) {
    return Text(lang, key, values);
  };
  DocumentVerdict v;
  std::map<std::string, std::string> values;
  const std::optional<ledger::ProvenFacts> facts =
      Begin(genesis, proof_json, now_ms, max_age_ms, lang, v, values);
  if (!facts) return v;
  const ledger::ProvenFacts& f = *facts;
  auto done = [&](std::string code, int exit_code = kVerifyNotInForce) {
    v.code = std::move(code);
    v.exit_code = exit_code;
    v.headline = v.code == "in_force" ? t("verdict.in_force." + v.record_kind, values)
                                      : t("verdict." + v.code, values);
    return v;
  };
  auto doc = Proven<contracts::DocumentRecord>(f, contracts::DocumentKey(document_hash),
                                               "document record");
  if (!doc.ok()) return done("not_about_document");
  if (!*doc) return done("not_anchored");
  const contracts::DocumentRecord& d = **doc;
  using contracts::TxType;
  switch (static_cast<TxType>(d.kind)) {
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate: {
      auto c = Proven<contracts::CertificateRecord>(
          f, contracts::CertificateKey(d.country, d.number), "certificate");
      if (!c.ok() || !*c) return done("record_not_shown");
      const contracts::CertificateRecord& r = **c;
      const auto& i = r.issue;
      v.record_kind = "certificate";
      values.insert(
          {{"number", i.number},
           {"exporter", i.exporting_country},
           {"importer", i.importing_country},
           {"issuer", r.issuer.empty() ? t("issuer.administration") : r.issuer},
           {"issued", UtcTime(i.issued_ms)},
           {"until", UtcTime(i.valid_until_ms)},
           {"quantity", Amount(lang, i.quantity, i.unit)},
           {"remaining", Amount(lang, r.remaining, i.unit)},
           {"uses", std::to_string(r.uses)},
           {"status", t("status." + std::string(contracts::CertificateStatusName(r.status)))},
           {"replaced_by", r.replaced_by}});
      v.lines.push_back(t("line.certificate", values));
      v.lines.push_back(t("line.goods", values));
      if (!i.hs_headings.empty()) {
        std::string list;
        for (const auto& h : i.hs_headings) list += (list.empty() ? "" : ", ") + h;
        v.lines.push_back(t("line.hs", {{"list", list}}));
      }
      v.lines.push_back(t("line.status", values));
      if (r.verification == contracts::VerificationState::kRequested ||
          r.verification == contracts::VerificationState::kConfirmed) {
        v.lines.push_back(
            t("line.verification." + std::string(contracts::VerificationStateName(r.verification)),
              {{"time", UtcTime(r.verification_ms)}}));
      }
      const contracts::CertificateUsability u = contracts::CertificateUsableAt(r, f.timestamp_ms);
      if (i.document_hash != document_hash) return done("other_file");
      if (u.reason != contracts::Reason::kAccepted) {
        return done(std::string(contracts::ReasonCode(u.reason)));
      }
      if (r.remaining == 0)
        return done(std::string(contracts::ReasonCode(contracts::Reason::kFullyUsed)));
      if (now_ms > i.valid_until_ms) return done("expired_since");
      return done("in_force", kVerifyInForce);
    }
    case TxType::kAnchorDocument: {
      auto a = Proven<contracts::AnchorRecord>(f, contracts::AnchorKey(document_hash), "anchor");
      if (!a.ok() || !*a) return done("record_not_shown");
      const contracts::AnchorRecord& r = **a;
      v.record_kind = "anchor";
      values.insert({{"type", t("type." + std::string(contracts::DocumentTypeName(r.type)))},
                     {"reference", r.reference},
                     {"country", r.country},
                     {"issuer", r.issuer.empty() ? t("issuer.administration") : r.issuer},
                     {"revoked", UtcTime(r.revoked_ms)}});
      auto line = values;
      line["time"] = UtcTime(r.anchored_ms);
      v.lines.push_back(t("line.anchor", line));
      return r.revoked ? done("anchor_revoked") : done("in_force", kVerifyInForce);
    }
    case TxType::kOpenTransit: {
      auto tr = Proven<contracts::TransitRecord>(f, contracts::TransitKey(d.number), "transit");
      if (!tr.ok() || !*tr) return done("record_not_shown");
      const contracts::TransitRecord& r = **tr;
      v.record_kind = "transit";
      const std::string state = t("transit." + std::string(contracts::TransitStateName(r.state)));
      values.insert({{"mrn", r.mrn}, {"state", state}});
      std::string route;
      for (const auto& c : r.route) route += (route.empty() ? "" : " → ") + c;
      v.lines.push_back(t("line.transit", {{"mrn", r.mrn},
                                           {"route", route},
                                           {"opened", UtcTime(r.opened_ms)},
                                           {"state", state},
                                           {"steps", std::to_string(r.steps_done)}}));
      if (r.seal_broken) v.lines.push_back(t("line.seal_broken"));
      if (r.manifest_hash != document_hash) return done("other_file");
      return done("in_force", kVerifyInForce);
    }
    default:
      return done("unreadable_kind");
  }
}

DocumentVerdict ExplainRecognition(const contracts::Genesis& genesis, std::string_view country,
                                   const Hash32& operator_id, std::string_view by,
                                   std::uint64_t at_ms, std::string_view proof_json,
                                   std::uint64_t now_ms, std::uint64_t max_age_ms,
                                   std::string_view lang) {
  auto t = [&](std::string_view key, const std::map<std::string, std::string>& values = {}) {
    return Text(lang, key, values);
  };
  DocumentVerdict v;
  std::map<std::string, std::string> values;
  const std::optional<ledger::ProvenFacts> facts =
      Begin(genesis, proof_json, now_ms, max_age_ms, lang, v, values);
  if (!facts) return v;
  v.record_kind = "recognition";
  values.insert(
      {{"country", std::string(country)}, {"by", std::string(by)}, {"at", UtcTime(at_ms)}});
  v.lines.push_back(t("line.asked", values));
  auto done = [&](std::string code, int exit_code = kVerifyNotInForce) {
    v.code = std::move(code);
    v.exit_code = exit_code;
    v.headline = t(v.why.empty() ? "verdict." + v.code : "verdict." + v.code + "." + v.why, values);
    return v;
  };
  // A later state does not answer for an earlier time.
  if (facts->timestamp_ms > at_ms) return done("proof_after_time");
  auto r = contracts::RecognitionOf(ProvenState(*facts), country, operator_id, by, at_ms);
  if (!r.ok()) return done("record_not_shown");
  if (r->aeo) {
    const contracts::AeoRecord& a = *r->aeo;
    values["programme"] = a.programme;
    values["aeo_status"] = t("aeo." + std::string(contracts::AeoStatusName(a.status)));
    v.lines.push_back(t("line.aeo", {{"country", a.country},
                                     {"programme", a.programme},
                                     {"aeo_status", values["aeo_status"]},
                                     {"from", UtcTime(a.valid_from_ms)},
                                     {"until", UtcTime(a.valid_until_ms)}}));
  }
  if (r->mra) {
    const contracts::MraRecord& m = *r->mra;
    values["mra"] = m.id;
    values["mra_status"] = t("mra." + std::string(contracts::MraStatusName(m.status)));
    std::string programmes;
    for (const auto& p : m.programmes) programmes += (programmes.empty() ? "" : ", ") + p;
    v.lines.push_back(
        t("line.mra", {{"mra", m.id},
                       {"proposer", m.proposer},
                       {"partner", m.partner},
                       {"mra_status", values["mra_status"]},
                       {"from", UtcTime(m.valid_from_ms)},
                       {"until", UtcTime(m.valid_until_ms)},
                       {"programmes", programmes.empty() ? t("programmes.all") : programmes}}));
  }
  v.why = r->code;
  return r->recognised ? done("recognised", kVerifyInForce) : done("not_recognised");
}

namespace {
constexpr std::size_t kTokenMax = 1 << 16;
constexpr std::size_t kDocumentMax = std::size_t{1} << 30;  // Read whole for a token's digest.
}  // namespace

namespace {

// --witness: the log the proof shows is in a checkpoint a quorum signed and enough of the
// given witnesses cosigned (the same size and root, or a later size with a consistency
// proof from the node, checked here).
int CheckWitnessed(const VerifyOptions& o, const contracts::Genesis& genesis,
                   const std::string& proof, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga verify: " << why << "\n";
    return kVerifyError;
  };
  auto not_valid = [&](const std::string& why) {
    out << "NOT WITNESSED: " << why << "\n";
    return kVerifyProofInvalid;
  };
  std::vector<tlog::NoteVerifier> witnesses;
  for (const std::string& w : o.witnesses) {
    auto key = ReadWitnessKey(w);
    if (!key.ok()) return fail("--witness " + w + ": " + key.error().message());
    witnesses.push_back(*key);
  }
  const std::size_t required = o.witnesses_required == 0 ? witnesses.size() : o.witnesses_required;
  if (required > witnesses.size()) {
    return fail("--witnesses-required " + std::to_string(required) + " of " +
                std::to_string(witnesses.size()) + " witnesses given");
  }
  const auto anchor = contracts::StartChain(genesis)->anchor;
  const ledger::ProofVerdict facts = ledger::VerifyProofJson(anchor, proof);
  if (!facts.ok()) return fail("the proof does not verify");
  std::optional<client::HttpClient> node;
  if (!o.node.empty()) {
    auto c = client::HttpClient::Connect(o.node, 10'000);
    if (!c.ok()) return fail(c.error().ToString());
    node.emplace(std::move(c).value());
  }
  std::string note;
  if (!o.checkpoint.empty()) {
    auto text = ReadFileToString(o.checkpoint, tlog::kMaxNoteSize);
    if (!text.ok()) return fail(text.error().ToString());
    note = std::move(*text);
  } else if (node) {
    // The node serves a witness's cosignature once the witness answered for its newest
    // checkpoint: a moment after each commit.
    for (int attempt = 0;; ++attempt) {
      auto r = node->Get("/checkpoint");
      if (!r.ok()) return fail(r.error().ToString());
      if (r->status != 200) {
        return fail(o.node + " answered " + std::to_string(r->status) + " for its checkpoint");
      }
      note = std::move(r->body);
      if (Cosigners(note, witnesses).size() >= required || attempt == 50) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  } else {
    return fail("--witness needs the checkpoint they cosigned: --checkpoint FILE (or --node)");
  }
  const ledger::ProvenFacts& f = facts.facts;
  std::vector<ValidatorSet> sets{anchor.validators, f.validators, f.validators_after};
  // A later validator set, proven from the genesis on by the proof of the checkpoint's last
  // record, when the node is there to give it.
  if (auto parsed = tlog::ParseNote(note); node && parsed.ok()) {
    auto cp = tlog::ParseCheckpointText(parsed->text);
    auto later = cp.ok() && cp->size > 0 ? client::ProveLogSize(*node, anchor, cp->size, 0)
                                         : Result<ledger::ProvenFacts>(Status::NotFound(""));
    if (later.ok() && later->result.log_size == cp->size && later->result.log_root == cp->root) {
      sets.push_back(later->validators);
      sets.push_back(later->validators_after);
    }
  }
  auto checked = CheckCheckpointNote(note, anchor.chain_id, sets);
  if (!checked.ok()) return not_valid("the checkpoint: " + checked.error().message());
  const tlog::Checkpoint& cp = checked->checkpoint;
  if (cp.size < f.result.log_size) {
    return fail("the checkpoint (" + std::to_string(cp.size) +
                " records) is older than the proof (" + std::to_string(f.result.log_size) +
                "): give a later one");
  }
  std::vector<Hash32> path;
  if (cp.size > f.result.log_size) {
    if (!node) {
      return fail("the checkpoint is of " + std::to_string(cp.size) + " records, the proof of " +
                  std::to_string(f.result.log_size) +
                  ": give a checkpoint of the proof's size, or verify with --node");
    }
    auto fetched = client::FetchConsistency(*node, f.result.log_size, cp.size);
    if (!fetched.ok()) return fail(o.node + ": " + fetched.error().message());
    path = std::move(fetched).value();
  }
  if (ledger::CheckConsistency(f.result.log_size, cp.size, f.result.log_root, cp.root, path) !=
      ledger::PathCheck::kOk) {
    return not_valid("the proof's log (" + std::to_string(f.result.log_size) +
                     " records) is not in " + Describe(*checked));
  }
  const auto cosigners = Cosigners(note, witnesses);
  if (cosigners.size() < required) {
    return not_valid(Describe(*checked) + ", cosigned by " + std::to_string(cosigners.size()) +
                     " of the witnesses given, " + std::to_string(required) + " required");
  }
  out << "WITNESSED: the proof's log is in " << Describe(*checked) << ", cosigned by";
  for (const auto& [w, at] : cosigners) out << " " << w.name << " (" << UtcTime(at * 1000) << ")";
  out << "\n";
  return kVerifyInForce;
}

}  // namespace

int RunVerify(const VerifyOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga verify: " << why << "\n";
    return kVerifyError;
  };
  if (o.proof_file.empty() == o.node.empty()) return fail("give either --proof FILE or --node URL");
  if (!IsLanguage(o.lang)) return fail("--lang is '" + o.lang + "': say en, ru, zh or ko");
  if (o.witnesses.empty() && (o.witnesses_required > 0 || !o.checkpoint.empty())) {
    return fail("--witnesses-required and --checkpoint go with --witness");
  }
  if (!o.witnesses.empty() && !o.token.empty()) {
    return fail("--witness is checked for documents, not with --token (yet)");
  }
  const std::string page = !o.page.empty() ? o.page : o.node.empty() ? "" : "http://" + o.node;
  if (!o.qr_file.empty() && page.empty()) {
    return fail("--qr needs the verifier page the link opens: --page URL (or --node)");
  }
  auto genesis = client::LoadGenesisFile(o.genesis_file);
  if (!genesis.ok()) return fail(genesis.error().ToString());
  // A document's proof, by its SHA-256; with a token, the proof of the record it names
  // (ExplainToken digests the document by the token's own algorithm).
  Hash32 hash;
  std::string proof_target;
  std::string token;
  bool token_names_record = false;
  if (o.token.empty()) {
    auto digest = Sha256OfFile(o.document);
    if (!digest.ok()) return fail(digest.error().ToString());
    hash = *digest;
    proof_target = "/v1/documents/" + hash.ToHex() + "/proof";
  } else {
    if (!o.qr_file.empty()) return fail("--qr is for documents, not with --token");
    auto text = ReadFileToString(o.token, kTokenMax);
    if (!text.ok()) return fail(text.error().ToString());
    token = std::move(*text);
    auto index = TokenRecordIndex(AsBytes(token));
    if (index.ok()) proof_target = "/v1/records/" + std::to_string(*index) + "/proof";
    token_names_record = index.ok();
  }
  std::string proof;
  if (!token.empty() && !token_names_record) {
    // Nothing to fetch: the token alone decides (unreadable, a rejection, no record).
  } else if (!o.proof_file.empty()) {
    auto text = ReadFileToString(o.proof_file, ledger::kProofFileMax);
    if (!text.ok()) return fail(text.error().ToString());
    proof = std::move(*text);
  } else {
    auto client = client::HttpClient::Connect(o.node, 10'000);
    if (!client.ok()) return fail(client.error().ToString());
    // A change committed a moment ago becomes provable once two blocks follow it.
    for (int attempt = 0;; ++attempt) {
      auto r = client->Get(proof_target);
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
        out << Text(o.lang, "error.not_on_node", {{"why", message + " (" + o.node + ")"}}) << "\n";
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
  if (!token.empty()) {
    auto document = ReadFileToString(o.document, kDocumentMax);
    if (!document.ok()) return fail(document.error().ToString());
    std::optional<std::string> ca;
    if (!o.tsa_ca.empty()) ca = o.tsa_ca;
    const DocumentVerdict v = ExplainToken(*genesis, AsBytes(*document), AsBytes(token), ca, proof);
    out << v.headline << "\n";
    for (const auto& line : v.lines) out << "  " << line << "\n";
    return v.exit_code;
  }
  const DocumentVerdict v =
      ExplainDocument(*genesis, hash, proof, UnixNowMs(), o.max_age_hours * 3'600'000, o.lang);
  out << v.headline << "\n";
  for (const auto& line : v.lines) out << "  " << line << "\n";
  if (!o.witnesses.empty() && (v.exit_code == kVerifyInForce || v.exit_code == kVerifyNotInForce)) {
    if (const int w = CheckWitnessed(o, *genesis, proof, out, err); w != kVerifyInForce) return w;
  }
  if (!o.qr_file.empty()) {
    const std::string link = client::VerifyLink(page, hash);
    auto svg = client::QrSvg(link);
    if (!svg.ok()) return fail(svg.error().ToString());
    if (Status s = WriteFileAtomic(o.qr_file, *svg, {}); !s.ok()) return fail(s.ToString());
    out << "QR code of " << link << " written to " << o.qr_file << "\n";
    const bool local =
        page.find("://127.") != std::string::npos || page.find("://localhost") != std::string::npos;
    if (page.rfind("http://", 0) == 0 && !local) {
      // Browsers give their cryptography only to pages served over HTTPS (or locally).
      err << "tamga verify: warning: the link is plain http; the page cannot verify there. "
             "Give the page's HTTPS address with --page\n";
    }
  }
  return v.exit_code;
}

}  // namespace tamga::cli

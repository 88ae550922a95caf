// tests/vectors/vectors.cc

#include "tests/vectors/vectors.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>

#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/genesis.h"
#include "ledger/proof_file.h"
#include "node/facts.h"
#include "tests/contracts/harness.h"
#include "tests/support/samples.h"

namespace tamga::vectors {
namespace {

using contracts::Reason;
using contracts::TxType;
using nlohmann::ordered_json;
using testing::ContractsChain;

constexpr std::uint64_t kMinute = 60'000;
constexpr std::uint64_t kDay = 86'400'000;
constexpr std::uint64_t kMaxAge = 7 * kDay;
constexpr std::size_t kVectorFileMax = 1 << 20;

// --- The record a proof shows -------------------------------------------------------------

// A state entry's value by key; nullopt for none (or not known).
using Lookup = std::function<std::optional<Bytes>(const Hash32&)>;

template <typename T>
std::optional<T> Read(const Lookup& value_of, const Hash32& key) {
  const std::optional<Bytes> bytes = value_of(key);
  if (!bytes) return std::nullopt;
  Result<T> v = Decode<T>(*bytes, "state record");
  if (!v.ok()) return std::nullopt;
  return std::move(*v);
}

// The main fields of the record `value_of` holds for `document` (docs/vectors/README.md),
// or null when it holds none.
ordered_json RecordJson(const Hash32& document, const Lookup& value_of) {
  const auto doc = Read<contracts::DocumentRecord>(value_of, contracts::DocumentKey(document));
  if (!doc) return nullptr;
  switch (static_cast<TxType>(doc->kind)) {
    case TxType::kIssueCertificates:
    case TxType::kReplaceCertificate: {
      const auto c = Read<contracts::CertificateRecord>(
          value_of, contracts::CertificateKey(doc->country, doc->number));
      if (!c) return nullptr;
      const contracts::CertificateIssue& i = c->issue;
      return {{"kind", "certificate"},
              {"number", i.number},
              {"exporting_country", i.exporting_country},
              {"importing_country", i.importing_country},
              {"issuer", c->issuer},
              {"status", std::string(contracts::CertificateStatusName(c->status))},
              {"quantity", i.quantity},
              {"remaining", c->remaining},
              {"unit", i.unit},
              {"uses", c->uses},
              {"issued_ms", i.issued_ms},
              {"valid_until_ms", i.valid_until_ms},
              {"verification", std::string(contracts::VerificationStateName(c->verification))}};
    }
    case TxType::kAnchorDocument: {
      const auto a = Read<contracts::AnchorRecord>(value_of, contracts::AnchorKey(document));
      if (!a) return nullptr;
      return {{"kind", "anchor"},
              {"type", std::string(contracts::DocumentTypeName(a->type))},
              {"country", a->country},
              {"issuer", a->issuer},
              {"reference", a->reference},
              {"revoked", a->revoked},
              {"anchored_ms", a->anchored_ms}};
    }
    case TxType::kOpenTransit: {
      const auto t = Read<contracts::TransitRecord>(value_of, contracts::TransitKey(doc->number));
      if (!t) return nullptr;
      return {{"kind", "transit"},
              {"mrn", t->mrn},
              {"route", t->route},
              {"state", std::string(contracts::TransitStateName(t->state))},
              {"steps_done", t->steps_done},
              {"seal_broken", t->seal_broken},
              {"opened_ms", t->opened_ms}};
    }
    default:
      return nullptr;
  }
}

// The entries a verified proof shows.
Lookup ProvenEntries(const ledger::ProvenFacts& f) {
  return [&f](const Hash32& key) -> std::optional<Bytes> {
    for (const auto& e : f.state) {
      if (e.key == key) return e.value;
    }
    return std::nullopt;
  };
}

// The ledger's state after block `height`.
Lookup LedgerEntries(const ledger::Ledger& ledger, Height height) {
  return [&ledger, height](const Hash32& key) { return ledger.StateAt(height, key).value(); };
}

std::string ProofText(const Vector& v) { return v.proof.is_null() ? v.proof_text : v.proof.dump(); }

// --- Building vectors ---------------------------------------------------------------------

// A vector of `proof` for `document`, checked a minute after the proof's block with a
// week's maximum age; the expected record is read from the ledger at the proof's block
// (the caller clears it for a proof that does not show it).
Vector Make(const std::string& name, const std::string& description, ContractsChain& c,
            const ledger::ProofFile& proof, const Hash32& document, int exit,
            const std::string& code) {
  Vector v;
  v.name = name;
  v.description = description;
  v.genesis = c.genesis();
  v.document_sha256 = document;
  v.now_ms = proof.block.header.timestamp_ms + kMinute;
  v.max_age_ms = kMaxAge;
  v.proof = ordered_json::parse(ledger::ProofToJson(proof));
  v.expect.exit = exit;
  v.expect.code = code;
  v.expect.record = RecordJson(document, LedgerEntries(c.ledger(), proof.block.header.height));
  return v;
}

// `base` with another proof that does not verify, for `proof_error`.
Vector Tampered(const Vector& base, const std::string& name, const std::string& description,
                ordered_json proof, const std::string& proof_error) {
  Vector v = base;
  v.name = name;
  v.description = description;
  v.proof = std::move(proof);
  v.expect = {cli::kVerifyProofInvalid, "proof_invalid", proof_error, nullptr};
  return v;
}

Vector Tampered(const Vector& base, const std::string& name, const std::string& description,
                const ledger::ProofFile& proof, const std::string& proof_error) {
  return Tampered(base, name, description, ordered_json::parse(ledger::ProofToJson(proof)),
                  proof_error);
}

Hash32 Document(const std::string& text) { return Sha256Of(AsBytes(text)); }

// A certificate of origin from KZ to UZ for `document`, valid for 180 days from the next
// block's time.
contracts::CertificateIssue Certificate(ContractsChain& c, const std::string& number,
                                        const Hash32& document, std::uint64_t quantity) {
  contracts::CertificateIssue cert =
      testing::SampleCertificate(number, "KZ", "UZ", quantity, c.NextBlockTime());
  cert.document_hash = document;
  cert.valid_until_ms = c.NextBlockTime() + 180 * kDay;
  return cert;
}

// One transaction in its own block, which must accept it; its receipt.
template <typename P>
ledger::Receipt Commit(ContractsChain& c, const SecretKey& key, TxType type, const P& payload) {
  const ledger::Receipt r = c.Block({c.Tx(key, type, payload)})[0];
  TAMGA_CHECK_MSG(
      r.code == 0,
      std::string(contracts::TxTypeName(static_cast<std::uint16_t>(type))) + ": " + r.detail);
  return r;
}

// Two blocks on top: every change so far becomes provable.
void Settle(ContractsChain& c) {
  c.Block({});
  c.Block({});
}

// The proof the API serves for `document` (GET /v1/documents/{sha256}/proof), with log
// record `log_index` too if given.
ledger::ProofFile ProofOf(ContractsChain& c, const Hash32& document,
                          std::optional<std::uint64_t> log_index = std::nullopt) {
  node::Fact fact = node::DocumentFact(c.ledger(), document).value();
  fact.log_index = log_index;
  return node::ProveFact(c.ledger(), fact).value();
}

// The state entry of `key` in `proof`.
ledger::StateEntryProof& EntryOf(ledger::ProofFile& proof, const Hash32& key) {
  auto it = std::find_if(proof.state.begin(), proof.state.end(),
                         [&](const ledger::StateEntryProof& e) { return e.key == key; });
  TAMGA_CHECK(it != proof.state.end());
  return *it;
}

// One chain of four administrations: certificates in each state, anchors, a transit, a
// document never anchored, and tampered copies of the valid certificate's proof. Every
// proof is of the same block, the highest provable once all the changes are made.
void OnOneChain(std::vector<Vector>& out) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "KZ-CCI");
  const SecretKey uz_office = c.AddOffice("UZ", "UZ-TASH");
  const SecretKey kz_office = c.AddOffice("KZ", "KZ-KHORGOS");
  const SecretKey phyto =
      c.AddIssuer("UZ", "UZ-PHYTO", contracts::ScopeOf(contracts::DocumentType::kPhytosanitary));
  auto issue = [&](const contracts::CertificateIssue& cert) {
    return Commit(c, chamber, TxType::kIssueCertificates, contracts::IssueCertificates{{cert}});
  };
  auto use = [&](const std::string& number, std::uint64_t quantity,
                 const std::string& declaration) {
    Commit(c, uz_office, TxType::kUseCertificate,
           contracts::UseCertificate{"KZ", number, Document(declaration), quantity});
  };

  const Hash32 valid = Document("CERTIFICATE OF ORIGIN KZ-1: 240 000 kg of wheat");
  const std::uint64_t valid_record = issue(Certificate(c, "KZ-1", valid, 240'000)).first_record;

  const Hash32 partly_used = Document("CERTIFICATE OF ORIGIN KZ-2: 240 000 kg of barley");
  issue(Certificate(c, "KZ-2", partly_used, 240'000));
  use("KZ-2", 60'000, "UZ import declaration 1");

  const Hash32 used_up = Document("CERTIFICATE OF ORIGIN KZ-3: 240 000 kg of wheat");
  issue(Certificate(c, "KZ-3", used_up, 240'000));
  use("KZ-3", 200'000, "UZ import declaration 2");
  use("KZ-3", 40'000, "UZ import declaration 3");

  const Hash32 revoked = Document("CERTIFICATE OF ORIGIN KZ-4: 240 000 kg of wheat");
  issue(Certificate(c, "KZ-4", revoked, 240'000));
  Commit(c, chamber, TxType::kRevokeCertificate, contracts::RevokeCertificate{"KZ-4", 2});

  const Hash32 replaced = Document("CERTIFICATE OF ORIGIN KZ-5: 240 000 kg of wheat");
  const Hash32 replacement = Document("CERTIFICATE OF ORIGIN KZ-5R: 240 000 kg of durum wheat");
  issue(Certificate(c, "KZ-5", replaced, 240'000));
  Commit(c, chamber, TxType::kReplaceCertificate,
         contracts::ReplaceCertificate{"KZ-5", Certificate(c, "KZ-5R", replacement, 240'000)});

  // The rules accept a certificate whose validity starts later (a month from now).
  const Hash32 not_yet_valid = Document("CERTIFICATE OF ORIGIN KZ-6: 240 000 kg of wheat");
  contracts::CertificateIssue later = Certificate(c, "KZ-6", not_yet_valid, 240'000);
  later.issued_ms = c.NextBlockTime() + 30 * kDay;
  later.valid_until_ms = later.issued_ms + 180 * kDay;
  issue(later);

  const Hash32 not_confirmed = Document("CERTIFICATE OF ORIGIN KZ-7: 240 000 kg of wheat");
  issue(Certificate(c, "KZ-7", not_confirmed, 240'000));
  Commit(c, c.admin("UZ"), TxType::kRequestVerification,
         contracts::RequestVerification{"KZ", "KZ-7"});
  Commit(c, c.admin("KZ"), TxType::kAnswerVerification,
         contracts::AnswerVerification{"KZ-7", false, 3});

  const Hash32 expiring = Document("CERTIFICATE OF ORIGIN KZ-8: 240 000 kg of wheat");
  contracts::CertificateIssue short_lived = Certificate(c, "KZ-8", expiring, 240'000);
  short_lived.valid_until_ms = c.NextBlockTime() + kDay;
  issue(short_lived);

  const Hash32 phyto_valid = Document("ePhyto certificate PHY-1");
  Commit(c, phyto, TxType::kAnchorDocument,
         contracts::AnchorDocument{contracts::DocumentType::kPhytosanitary, phyto_valid, "PHY-1"});
  const Hash32 phyto_revoked = Document("ePhyto certificate PHY-2");
  Commit(
      c, phyto, TxType::kAnchorDocument,
      contracts::AnchorDocument{contracts::DocumentType::kPhytosanitary, phyto_revoked, "PHY-2"});
  Commit(c, phyto, TxType::kRevokeAnchor, contracts::RevokeAnchor{phyto_revoked});

  const Hash32 manifest = Document("transit manifest MRN-1: 20 pallets of wheat flour");
  Commit(c, kz_office, TxType::kOpenTransit,
         contracts::OpenTransit{"MRN-1",
                                {"KZ", "KG", "UZ"},
                                "UZ-TASH",
                                Document("guarantee MRN-1"),
                                manifest,
                                Document("seals MRN-1")});
  Settle(c);

  const ledger::ProofFile valid_proof = ProofOf(c, valid, valid_record);
  const std::uint64_t block_ms = valid_proof.block.header.timestamp_ms;
  const Vector coo_valid =
      Make("coo-valid",
           "A certificate of origin of 240,000 kg, not used, in force; its proof also holds the "
           "log record of the transaction that issued it.",
           c, valid_proof, valid, cli::kVerifyInForce, "in_force");
  out.push_back(coo_valid);
  out.push_back(Make("coo-partly-used",
                     "A certificate of 240,000 kg of which 60,000 were used: in force, 180,000 "
                     "remaining.",
                     c, ProofOf(c, partly_used), partly_used, cli::kVerifyInForce, "in_force"));
  out.push_back(Make("coo-used-up", "A certificate of 240,000 kg used up in two uses.", c,
                     ProofOf(c, used_up), used_up, cli::kVerifyNotInForce,
                     "certificate_fully_used"));
  out.push_back(Make("coo-revoked", "A certificate its issuer revoked.", c, ProofOf(c, revoked),
                     revoked, cli::kVerifyNotInForce, "certificate_revoked"));
  out.push_back(
      Make("coo-replaced", "The document of a certificate that was replaced by a corrected one.", c,
           ProofOf(c, replaced), replaced, cli::kVerifyNotInForce, "certificate_replaced"));
  out.push_back(Make("coo-replacement",
                     "The document of the corrected certificate that replaced another: in force.",
                     c, ProofOf(c, replacement), replacement, cli::kVerifyInForce, "in_force"));
  out.push_back(Make("coo-not-yet-valid",
                     "A certificate whose validity starts a month after the proof's block.", c,
                     ProofOf(c, not_yet_valid), not_yet_valid, cli::kVerifyNotInForce,
                     "certificate_not_yet_valid"));
  out.push_back(
      Make("coo-not-confirmed",
           "A certificate whose exporting administration answered a retroactive verification "
           "\"not confirmed\".",
           c, ProofOf(c, not_confirmed), not_confirmed, cli::kVerifyNotInForce,
           std::string(contracts::ReasonCode(Reason::kCertificateNotConfirmed))));
  Vector expired = Make("coo-expired-since",
                        "A certificate valid at the proof's block that expired since, by the "
                        "local clock (two days later).",
                        c, ProofOf(c, expiring), expiring, cli::kVerifyNotInForce, "expired_since");
  expired.now_ms = block_ms + 2 * kDay;
  out.push_back(expired);
  Vector too_old = coo_valid;
  too_old.name = "coo-too-old";
  too_old.description =
      "The valid certificate's proof checked eight days after its block, a week being the "
      "maximum age.";
  too_old.now_ms = block_ms + 8 * kDay;
  too_old.expect.exit = cli::kVerifyNotInForce;
  too_old.expect.code = "too_old";
  out.push_back(too_old);

  const Hash32 never = Document("a document nobody anchored");
  out.push_back(Make("not-anchored",
                     "A proof that no document with this hash is on the ledger (an absence "
                     "proof of its document key).",
                     c,
                     c.ledger().BuildProof(std::nullopt, {contracts::DocumentKey(never)}).value(),
                     never, cli::kVerifyNotInForce, "not_anchored"));
  Vector not_shown =
      Make("record-not-shown",
           "A proof of the valid certificate's document record alone, without "
           "the certificate it names.",
           c, c.ledger().BuildProof(std::nullopt, {contracts::DocumentKey(valid)}).value(), valid,
           cli::kVerifyNotInForce, "record_not_shown");
  not_shown.expect.record = nullptr;  // The ledger holds it; the proof does not show it.
  out.push_back(not_shown);
  out.push_back(Make("other-document",
                     "The valid certificate's proof presented for another document: it does not "
                     "cover that document's record.",
                     c, valid_proof, Document("CERTIFICATE OF ORIGIN KZ-1: 420 000 kg of wheat"),
                     cli::kVerifyNotInForce, "not_about_document"));
  out.push_back(Make("anchor-valid", "An ePhyto certificate anchored by an accredited issuer.", c,
                     ProofOf(c, phyto_valid), phyto_valid, cli::kVerifyInForce, "in_force"));
  out.push_back(Make("anchor-revoked", "An ePhyto certificate whose anchor its issuer revoked.", c,
                     ProofOf(c, phyto_revoked), phyto_revoked, cli::kVerifyNotInForce,
                     "anchor_revoked"));
  out.push_back(Make("transit-open",
                     "The manifest of a transit from KZ through KG to UZ, open, no border step "
                     "done.",
                     c, ProofOf(c, manifest), manifest, cli::kVerifyInForce, "in_force"));

  // Tampered copies of coo-valid's proof.
  const Hash32 certificate = contracts::CertificateKey("KZ", "KZ-1");
  ledger::ProofFile p = valid_proof;
  EntryOf(p, certificate).value->back() ^= 1;
  out.push_back(Tampered(coo_valid, "tampered-state-value",
                         "The certificate's state value with its last bit flipped (the low bit "
                         "of verification_ms): its leaf no longer leads to the certified state "
                         "root.",
                         p, "root_mismatch"));
  p = valid_proof;
  std::vector<Hash32>& siblings = EntryOf(p, certificate).proof.siblings;
  siblings.erase(siblings.begin());
  out.push_back(Tampered(coo_valid, "tampered-state-path",
                         "The certificate's state path without its first sibling.", p,
                         "root_mismatch"));
  p = valid_proof;
  TAMGA_CHECK(p.log && !p.log->path.empty());
  p.log->path.pop_back();
  out.push_back(Tampered(coo_valid, "tampered-log-path",
                         "The log record's audit path without its last entry: too short for "
                         "its index and the log's size.",
                         p, "bad_inclusion_path"));
  p = valid_proof;
  p.block.qc.signatures[0].signature.data()[0] ^= 1;
  out.push_back(Tampered(coo_valid, "tampered-signature",
                         "One signature of the block's quorum certificate with a bit flipped.", p,
                         "bad_signature"));
  p = valid_proof;
  p.chain_id.data()[0] ^= 1;
  out.push_back(Tampered(coo_valid, "tampered-chain-id",
                         "The file's chain_id changed: it is not the pinned genesis's chain.", p,
                         "wrong_chain"));
  p = valid_proof;
  p.block.qc.signatures.resize(2);  // The quorum of four is three.
  out.push_back(Tampered(coo_valid, "tampered-quorum",
                         "The block's quorum certificate re-encoded with two signatures, below "
                         "the quorum of three of four.",
                         p, "quorum_not_reached"));
  p = valid_proof;
  p.block.qc.signatures.back().signer = ValidatorIndex(4);
  out.push_back(Tampered(coo_valid, "tampered-signer-index",
                         "The block's quorum certificate re-encoded with its last signer index "
                         "set to 4, outside the set of four (still ascending).",
                         p, "signer_not_in_set"));
  p = valid_proof;
  p.block.commit.headers.clear();
  out.push_back(Tampered(coo_valid, "tampered-commit",
                         "The block's commit evidence without its headers.", p, "not_committed"));

  ordered_json j = coo_valid.proof;
  j["format"] = "tamga-proof/2";
  out.push_back(Tampered(coo_valid, "tampered-format", "The format tag changed to tamga-proof/2.",
                         j, "malformed_file"));
  j = coo_valid.proof;
  for (auto& e : j["state"]) {
    if (e["key"] == certificate.ToHex()) {
      std::string value = e["value"].get<std::string>();
      value.pop_back();
      e["value"] = value;
    }
  }
  out.push_back(Tampered(coo_valid, "tampered-hex",
                         "The certificate's state value with its last hex digit removed (odd "
                         "length).",
                         j, "malformed_file"));
  Vector not_json = Tampered(coo_valid, "not-json",
                             "The first 200 characters of the valid certificate's proof file: "
                             "not JSON (in proof_text).",
                             ordered_json(nullptr), "malformed_file");
  not_json.proof_text = ledger::ProofToJson(valid_proof).substr(0, 200);
  out.push_back(not_json);
}

// A membership vote adds a fifth administration (TJ); a certificate issued in epoch 1 is
// proven through the epoch change.
void AcrossAnEpochChange(std::vector<Vector>& out) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "KZ-CCI");
  const SecretKey tj_validator = testing::TestKey(150), tj_admin = testing::TestKey(151);
  c.KnowValidator(tj_validator);
  c.KnowAdmin("TJ", tj_admin);
  Commit(c, c.admin("KZ"), TxType::kProposeMembership,
         contracts::ProposeMembership{"ADD-TJ",
                                      contracts::MembershipAction::kAdd,
                                      {"TJ", "Customs of TJ", tj_validator.public_key(),
                                       "127.0.0.1:7004", tj_admin.public_key()}});
  Commit(c, c.admin("UZ"), TxType::kApproveMembership, contracts::ApproveMembership{"ADD-TJ"});
  Commit(c, c.admin("KG"), TxType::kApproveMembership, contracts::ApproveMembership{"ADD-TJ"});
  TAMGA_CHECK(c.ledger().Head().validators.epoch == Epoch(1));

  const Hash32 doc = Document("CERTIFICATE OF ORIGIN KZ-1 (epoch 1): 240 000 kg of wheat");
  Commit(c, chamber, TxType::kIssueCertificates,
         contracts::IssueCertificates{{Certificate(c, "KZ-1", doc, 240'000)}});
  Settle(c);
  const ledger::ProofFile proof = ProofOf(c, doc);
  TAMGA_CHECK(proof.epochs.size() == 1);
  const Vector v = Make("coo-after-epoch-change",
                        "A valid certificate issued after a membership vote added a fifth "
                        "administration: proven at a block of epoch 1, through one epoch change.",
                        c, proof, doc, cli::kVerifyInForce, "in_force");
  out.push_back(v);
  ledger::ProofFile p = proof;
  p.epochs.clear();
  out.push_back(Tampered(v, "tampered-epochs-removed",
                         "coo-after-epoch-change's proof without its epoch change: its block is "
                         "of epoch 1, the pinned set is of epoch 0.",
                         p, "broken_epoch_chain"));
}

// An operator of KZ with AEO status, an MRA between KZ and UZ (later suspended): the
// recognition by UZ, by KZ itself, by KG (no MRA), of an unknown operator, asked for a time
// before the proof's block, and after the suspension.
void Recognitions(std::vector<Vector>& out) {
  ContractsChain c;
  const Hash32 op = Document("700101300123");  // SHA-256 of the national identifier.
  Commit(c, c.admin("KZ"), TxType::kSetAeoStatus,
         contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted, "AEO-F", 1,
                                 c.NextBlockTime() + 365 * kDay});
  Commit(c, c.admin("KZ"), TxType::kProposeMra,
         contracts::ProposeMra{"UZ", "MRA-KZ-UZ", {}, 1, c.NextBlockTime() + 365 * kDay});
  Commit(c, c.admin("UZ"), TxType::kAcceptMra, contracts::AcceptMra{"KZ"});
  Settle(c);
  // The question, answered (and proven) at the last block at or before `at`.
  auto vector = [&](const std::string& name, const std::string& description, const Hash32& who,
                    const std::string& by, std::uint64_t at, std::uint64_t proof_at, int exit,
                    const std::string& code, const std::string& why) {
    node::Fact fact = node::RecognitionFact(c.ledger(), "KZ", who, by, proof_at).value();
    const ledger::ProofFile proof = node::ProveFact(c.ledger(), fact).value();
    Vector v;
    v.name = name;
    v.description = description;
    v.genesis = c.genesis();
    v.now_ms = proof.block.header.timestamp_ms + kMinute;
    v.max_age_ms = kMaxAge;
    v.proof = ordered_json::parse(ledger::ProofToJson(proof));
    v.query = {{"kind", "recognition"},
               {"country", "KZ"},
               {"operator", who.ToHex()},
               {"by", by},
               {"at_ms", at}};
    v.expect.exit = exit;
    v.expect.code = code;
    v.expect.record =
        why.empty() ? ordered_json(nullptr) : ordered_json{{"kind", "recognition"}, {"why", why}};
    out.push_back(std::move(v));
  };
  // Two blocks above the MRA's acceptance: its block is the highest provable.
  const std::uint64_t at = c.NextBlockTime() - 3000;
  vector("aeo-recognised", "An AEO of KZ recognised by UZ under their MRA.", op, "UZ", at, at,
         cli::kVerifyInForce, "recognised", "mra");
  vector("aeo-own-country", "An AEO of KZ, asked by KZ itself: no MRA needed.", op, "KZ", at, at,
         cli::kVerifyInForce, "recognised", "own");
  vector("aeo-no-mra", "An AEO of KZ asked by KG, which has no MRA with KZ.", op, "KG", at, at,
         cli::kVerifyNotInForce, "not_recognised", "no_mra");
  vector("aeo-unknown-operator", "An operator KZ never certified.", Document("999999999999"), "UZ",
         at, at, cli::kVerifyNotInForce, "not_recognised", "not_aeo");
  vector("aeo-proof-after-time",
         "aeo-recognised's proof, offered for a time before its block: a later state does not "
         "answer for an earlier time.",
         op, "UZ", c.genesis().genesis_time_ms + 1, at, cli::kVerifyNotInForce, "proof_after_time",
         "");
  Commit(c, c.admin("UZ"), TxType::kSetMraStatus,
         contracts::SetMraStatus{"KZ", contracts::MraAction::kSuspend});
  Settle(c);
  const std::uint64_t later = c.NextBlockTime() - 3000;
  vector("aeo-mra-suspended", "After UZ suspended the MRA: KZ's AEO is no longer recognised by UZ.",
         op, "UZ", later, later, cli::kVerifyNotInForce, "not_recognised", "mra_status");
}

Status Missing(const std::string& field) {
  return Status::InvalidArgument("a vector needs \"" + field +
                                 "\" of the right type (docs/vectors/README.md)");
}

bool IsString(const ordered_json& o, const char* key) {
  return o.contains(key) && o.at(key).is_string();
}

bool IsCount(const ordered_json& o, const char* key) {
  return o.contains(key) && o.at(key).is_number_unsigned();
}

}  // namespace

std::vector<Vector> MakeVectors() {
  std::vector<Vector> out;
  OnOneChain(out);
  AcrossAnEpochChange(out);
  Recognitions(out);
  return out;
}

ordered_json VectorToJson(const Vector& v) {
  ordered_json j;
  j["name"] = v.name;
  j["description"] = v.description;
  j["genesis"] = ordered_json::parse(client::GenesisToJson(v.genesis));
  j["document_sha256"] = v.document_sha256.ToHex();
  j["now_ms"] = v.now_ms;
  j["max_age_ms"] = v.max_age_ms;
  if (v.proof.is_null()) {
    j["proof_text"] = v.proof_text;
  } else {
    j["proof"] = v.proof;
  }
  if (!v.query.is_null()) j["query"] = v.query;
  j["expect"] = {{"exit", v.expect.exit},
                 {"code", v.expect.code},
                 {"proof_error", v.expect.proof_error.empty() ? ordered_json(nullptr)
                                                              : ordered_json(v.expect.proof_error)},
                 {"record", v.expect.record}};
  return j;
}

Result<Vector> VectorFromJson(std::string_view text) {
  const ordered_json j = ordered_json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("a vector is a JSON object");
  for (const char* k : {"name", "description", "document_sha256"}) {
    if (!IsString(j, k)) return Missing(k);
  }
  for (const char* k : {"now_ms", "max_age_ms"}) {
    if (!IsCount(j, k)) return Missing(k);
  }
  if (!j.contains("genesis") || !j.at("genesis").is_object()) return Missing("genesis");
  if (!j.contains("expect") || !j.at("expect").is_object()) return Missing("expect");
  const ordered_json& e = j.at("expect");
  if (!IsCount(e, "exit")) return Missing("expect.exit");
  if (!IsString(e, "code")) return Missing("expect.code");
  if (!e.contains("proof_error") ||
      !(e.at("proof_error").is_string() || e.at("proof_error").is_null())) {
    return Missing("expect.proof_error");
  }
  if (!e.contains("record") || !(e.at("record").is_object() || e.at("record").is_null())) {
    return Missing("expect.record");
  }

  Vector v;
  v.name = j.at("name").get<std::string>();
  v.description = j.at("description").get<std::string>();
  TAMGA_ASSIGN_OR_RETURN(v.genesis, client::ParseGenesisJson(j.at("genesis").dump()));
  TAMGA_ASSIGN_OR_RETURN(v.document_sha256,
                         Hash32::FromHex(j.at("document_sha256").get<std::string>()));
  v.now_ms = j.at("now_ms").get<std::uint64_t>();
  v.max_age_ms = j.at("max_age_ms").get<std::uint64_t>();
  if (j.contains("proof") && j.at("proof").is_object()) {
    v.proof = j.at("proof");
  } else if (IsString(j, "proof_text")) {
    v.proof_text = j.at("proof_text").get<std::string>();
  } else {
    return Missing("proof");
  }
  if (j.contains("query")) {
    const ordered_json& q = j.at("query");
    if (!q.is_object() || !IsString(q, "country") || !IsString(q, "operator") ||
        !IsString(q, "by") || !IsCount(q, "at_ms")) {
      return Missing("query");
    }
    v.query = q;
  }
  v.expect.exit = e.at("exit").get<int>();
  v.expect.code = e.at("code").get<std::string>();
  if (e.at("proof_error").is_string())
    v.expect.proof_error = e.at("proof_error").get<std::string>();
  v.expect.record = e.at("record");
  return v;
}

Status WriteVectors(const std::vector<Vector>& vectors, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  for (const Vector& v : vectors) {
    TAMGA_RETURN_IF_ERROR(
        WriteFileAtomic(dir + "/" + v.name + ".json", VectorToJson(v).dump(1) + "\n", {}));
  }
  return Status::Ok();
}

Result<std::vector<Vector>> ReadVectors(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Vector> out;
  for (const std::string& file : files) {
    TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file, kVectorFileMax));
    Result<Vector> v = VectorFromJson(text);
    if (!v.ok()) return Status::InvalidArgument(file + ": " + v.error().message());
    out.push_back(std::move(*v));
  }
  return out;
}

cli::DocumentVerdict Explain(const Vector& v, std::string_view lang) {
  const std::string text = ProofText(v);
  if (v.query.is_null()) {
    return cli::ExplainDocument(v.genesis, v.document_sha256, text, v.now_ms, v.max_age_ms, lang);
  }
  const ordered_json& q = v.query;
  return cli::ExplainRecognition(v.genesis, q.at("country").get<std::string>(),
                                 Hash32::FromHex(q.at("operator").get<std::string>()).value(),
                                 q.at("by").get<std::string>(), q.at("at_ms").get<std::uint64_t>(),
                                 text, v.now_ms, v.max_age_ms, lang);
}

std::vector<std::string> CheckVector(const Vector& v) {
  const std::string text = ProofText(v);
  const cli::DocumentVerdict d = Explain(v, "en");
  std::vector<std::string> diffs;
  if (d.exit_code != v.expect.exit) {
    diffs.push_back("exit " + std::to_string(d.exit_code) + ", expected " +
                    std::to_string(v.expect.exit));
  }
  if (d.code != v.expect.code) diffs.push_back("code " + d.code + ", expected " + v.expect.code);
  if (d.proof_error != v.expect.proof_error) {
    diffs.push_back("proof error \"" + d.proof_error + "\", expected \"" + v.expect.proof_error +
                    "\"");
  }
  // The record the proof shows, decoded from its proven state entries.
  ordered_json record = nullptr;
  auto chain = contracts::StartChain(v.genesis);
  if (chain.ok()) {
    const ledger::ProofVerdict pv = ledger::VerifyProofJson(chain->anchor, text);
    if (pv.ok() && v.query.is_null())
      record = RecordJson(v.document_sha256, ProvenEntries(pv.facts));
  }
  if (!v.query.is_null() && !d.why.empty()) record = {{"kind", "recognition"}, {"why", d.why}};
  // Compared as JSON values, whatever the order of the fields.
  if (nlohmann::json::parse(record.dump()) != nlohmann::json::parse(v.expect.record.dump())) {
    diffs.push_back("record " + record.dump() + ", expected " + v.expect.record.dump());
  }
  if (!diffs.empty()) diffs.push_back("the verifier said: " + d.headline);
  return diffs;
}

}  // namespace tamga::vectors

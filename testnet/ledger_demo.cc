// tamga_ledger_demo: the ledger and its proofs, for testnet/demo, before the daemon (#6)
// exists. Four administrations (KZ, UZ, KG, KR) hold fresh Ed25519 validator keys; a
// chamber in KZ anchors a document's SHA-256; blocks are executed, certified by a quorum
// of real signatures and committed to RocksDB; governance adds a fifth validator (TJ) at
// an epoch change; then a proof file is written and checked offline against the pinned
// genesis, and tampered copies are refused with their reasons.
//
//   tamga_ledger_demo WORKDIR DOCUMENT

#include <cstdio>
#include <string>

#include "common/file_util.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/ledger.h"

namespace tamga::ledger {
namespace {

struct Demo {
  std::vector<SecretKey> validators;
  std::unique_ptr<Ledger> ledger;
  Epoch epoch;
  Round round;
  QuorumCertificate last_qc;
  BlockHeader last;
  SecretKey chamber = SecretKey::Generate();
  std::uint64_t sequence = 0;

  QuorumCertificate Certify(const Block& b, const ExecutionResult& r) const {
    QuorumCertificate qc;
    qc.data = VoteData{b.header.chain_id, b.header.epoch, b.header.round,
                       b.header.height,   b.header.Id(),  r};
    const Bytes msg = Encode(qc.data);
    for (std::size_t i = 0; i < validators.size() * 2 / 3 + 1; ++i) {
      qc.signatures.push_back({ValidatorIndex(static_cast<std::uint32_t>(i)),
                               validators[i].Sign(SignDomain::kVote, msg)});
    }
    return qc;
  }

  Block Next(std::vector<Transaction> txs) const {
    Block b;
    b.header.chain_id = ledger->anchor().chain_id;
    b.header.epoch = epoch;
    b.header.round = round.Next();
    b.header.height = last.height.Next();
    b.header.parent_id = last.Id();
    b.header.timestamp_ms = last.timestamp_ms + 400;
    std::vector<Hash32> ids;
    for (const Transaction& t : txs) ids.push_back(t.Hash());
    b.header.payload_root = MerkleRoot(ids);
    b.header.transaction_count = static_cast<std::uint32_t>(txs.size());
    b.justify = last_qc;
    b.transactions = std::move(txs);
    return b;
  }

  // Executes, certifies and commits `b`; an epoch-ending block also gets its epoch proof.
  Status Commit(const Block& b, BlockOutput out) {
    const bool ends_epoch = out.next_validators.has_value();
    std::optional<std::vector<SecretKey>> next_keys;
    TAMGA_ASSIGN_OR_RETURN(auto p, ledger->Prepare(nullptr, b, std::move(out)));
    const QuorumCertificate qc = Certify(b, p->result);
    std::vector<CertifiedBlock> epoch_proof;
    if (ends_epoch) {
      Block child = b;
      child.header.round = b.header.round.Next();
      child.header.height = b.header.height.Next();
      child.header.parent_id = b.header.Id();
      child.header.payload_root = MerkleRoot({});
      child.header.transaction_count = 0;
      child.transactions.clear();
      child.justify = qc;
      TAMGA_ASSIGN_OR_RETURN(auto cp, ledger->Prepare(p, child, {}));
      epoch_proof.push_back({child, Certify(child, cp->result)});
    }
    TAMGA_RETURN_IF_ERROR(ledger->Commit(*p, qc, epoch_proof));
    last = b.header;
    last_qc = qc;
    round = b.header.round;
    return Status::Ok();
  }
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "ledger demo: %s\n", what.c_str());
  return 1;
}

int Run(const std::string& work, const std::string& document) {
  const std::vector<std::string> countries = {"KZ", "UZ", "KG", "KR"};
  Demo d;
  for (std::size_t i = 0; i < countries.size(); ++i) d.validators.push_back(SecretKey::Generate());
  TrustAnchor anchor;
  anchor.chain_id = Sha256Of(AsBytes("tamga demo genesis " + work));
  anchor.validators.epoch = Epoch(0);
  for (const SecretKey& k : d.validators) anchor.validators.validators.push_back(k.public_key());
  anchor.genesis_time_ms = 1'795'000'000'000;
  const std::string dir = work + "/ledger";
  auto opened = Ledger::OpenDirectory(dir, anchor);
  if (!opened.ok()) return Fail(opened.error().ToString());
  d.ledger = std::move(opened).value();
  d.last = d.ledger->HeaderAt(Height(0)).value();
  d.last_qc = d.ledger->GenesisQc().value();

  // 1. The chamber's anchor transaction: the document's hash, signed.
  auto file = ReadFileToString(document, 64 << 20);
  if (!file.ok()) return Fail(file.error().ToString());
  const Hash32 doc = Sha256Of(AsBytes(*file));
  Transaction tx;
  tx.chain_id = anchor.chain_id;
  tx.type = 1;
  tx.payload = Bytes(doc.data(), doc.data() + 32);
  tx.sequence = ++d.sequence;
  tx.Sign(d.chamber);
  Block b1 = d.Next({tx});
  BlockOutput out;
  out.receipts.push_back({tx.Hash(), 0, "", 0, 1});
  out.records.push_back({Height(), 0, tx.Hash(), 1, tx.payload});
  const Hash32 doc_key = StateKeyOf(Bytes(doc.data(), doc.data() + 32));
  out.writes.push_back({doc_key, tx.payload});
  if (Status s = d.Commit(b1, out); !s.ok()) return Fail(s.ToString());
  std::printf("block 1 committed: the anchor of %s..., signed by 3 of 4 validators\n",
              doc.ToHex().substr(0, 16).c_str());

  // 2. Governance adds a fifth validator (TJ): the set changes at the next epoch.
  std::vector<SecretKey> next = d.validators;
  next.push_back(SecretKey::Generate());
  BlockOutput gov;
  gov.next_validators = ValidatorSet{Epoch(1), {}};
  for (const SecretKey& k : next) gov.next_validators->validators.push_back(k.public_key());
  if (Status s = d.Commit(d.Next({}), gov); !s.ok()) return Fail(s.ToString());
  d.validators = next;
  d.epoch = Epoch(1);
  d.round = Round(0);
  std::printf("block 2 committed: epoch 1 begins with 5 validators (TJ joins)\n");
  for (int i = 0; i < 3; ++i) {
    if (Status s = d.Commit(d.Next({}), {}); !s.ok()) return Fail(s.ToString());
  }
  std::printf("blocks 3-5 committed in epoch 1, each signed by 4 of 5\n");

  // 3. Restart: the ledger reopens at its head; a second opener is refused.
  d.ledger.reset();
  auto again = Ledger::OpenDirectory(dir, anchor);
  if (!again.ok()) return Fail(again.error().ToString());
  auto second = Ledger::OpenDirectory(dir, anchor);
  std::printf("reopened at height %s; opening it a second time while open: %s\n",
              (*again)->Head().height.ToString().c_str(),
              second.ok() ? "ACCEPTED (wrong)" : second.error().message().c_str());
  if (second.ok()) return Fail("a second opener was accepted");

  // 4. The proof file.
  auto proof = (*again)->BuildProof(0, {doc_key});
  if (!proof.ok()) return Fail(proof.error().ToString());
  const std::string json = ProofToJson(*proof);
  const std::string path = work + "/proof.json";
  if (Status s = WriteFileAtomic(path, json, {}); !s.ok()) return Fail(s.ToString());
  std::printf(
      "proof file %s: %zu bytes (record, log path, state path, header, QCs,\n"
      "  and the epoch change from the 4 genesis validators to 5)\n",
      path.c_str(), json.size());

  const ProofVerdict v = VerifyProofJson(anchor, json);
  if (!v.ok()) return Fail(std::string(ProofErrorName(v.error)) + ": " + v.message);
  std::printf("offline check against the pinned genesis: OK\n");
  std::printf("  record %llu anchors %s...\n", static_cast<unsigned long long>(v.facts.log->index),
              ToHex(v.facts.record->body).substr(0, 16).c_str());
  std::printf("  proven at height %s, epoch %s, block time %llu ms, signed by validators",
              v.facts.height.ToString().c_str(), v.facts.epoch.ToString().c_str(),
              static_cast<unsigned long long>(v.facts.timestamp_ms));
  for (ValidatorIndex s : v.facts.signers) std::printf(" %s", s.ToString().c_str());
  std::printf("\n  the document's state entry is present: %s\n",
              v.facts.state[0].value ? "yes" : "no");

  // 5. Tampered copies.
  auto tampered = [&](const char* what, auto change, const TrustAnchor& a) {
    ProofFile p = *proof;
    change(p);
    const ProofVerdict t = VerifyProof(a, p);
    std::printf("  %-44s -> %s\n", what,
                t.ok() ? "ACCEPTED (wrong)" : std::string(ProofErrorName(t.error)).c_str());
    return !t.ok();
  };
  std::printf("tampered copies:\n");
  bool all = true;
  all &= tampered(
      "record claims another document hash",
      [](ProofFile& p) { p.log->record[p.log->record.size() - 1] ^= 1; }, anchor);
  all &= tampered(
      "one signature removed from the QC", [](ProofFile& p) { p.block.qc.signatures.resize(3); },
      anchor);
  all &= tampered(
      "a signature altered",
      [](ProofFile& p) { p.block.qc.signatures[0].signature.data()[9] ^= 1; }, anchor);
  all &= tampered(
      "the epoch change left out", [](ProofFile& p) { p.epochs.clear(); }, anchor);
  TrustAnchor other = anchor;
  other.chain_id = Sha256Of(AsBytes("another chain"));
  all &= tampered(
      "checked against another genesis", [](ProofFile&) {}, other);
  if (!all) return Fail("a tampered proof was accepted");
  return 0;
}

}  // namespace
}  // namespace tamga::ledger

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s WORKDIR DOCUMENT\n", argv[0]);
    return 2;
  }
  return tamga::ledger::Run(argv[1], argv[2]);
}

// tests/ledger/chain_builder.cc

#include "tests/ledger/chain_builder.h"

#include "common/merkle.h"
#include "common/sha256.h"
#include "tests/support/samples.h"

namespace tamga::testing {

std::vector<SecretKey> ValidatorKeys(std::size_t n, std::uint8_t first) {
  std::vector<SecretKey> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(TestKey(static_cast<std::uint8_t>(first + i)));
  return keys;
}

ValidatorSet SetOf(const std::vector<SecretKey>& keys, Epoch epoch) {
  ValidatorSet set;
  set.epoch = epoch;
  for (const SecretKey& k : keys) set.validators.push_back(k.public_key());
  return set;
}

ledger::TrustAnchor TestAnchor(const std::vector<SecretKey>& keys) {
  return ledger::TrustAnchor{TestChain(), SetOf(keys, Epoch(0)), 1'700'000'000'000};
}

Bytes TestDocument(std::uint64_t height, std::size_t i) {
  const std::string s =
      "certificate of origin, block " + std::to_string(height) + ", item " + std::to_string(i);
  return Bytes(s.begin(), s.end());
}

Hash32 DocumentKey(const Hash32& document_hash) {
  Bytes name = {'d', 'o', 'c', '/'};
  name.insert(name.end(), document_hash.data(), document_hash.data() + 32);
  return ledger::StateKeyOf(name);
}

ChainBuilder::ChainBuilder(ledger::Ledger& ledger, std::vector<SecretKey> keys)
    : ledger_(ledger), keys_(std::move(keys)) {
  const ledger::LedgerHead head = ledger_.Head();
  last_ = ledger_.BlockAt(head.height).value().header;
  last_qc_ = ledger_.QcAt(head.height).value();
  epoch_ = head.validators.epoch;
  round_ = epoch_ == last_.epoch ? last_.round : Round(0);
}

Block ChainBuilder::NextBlock(std::size_t txs, std::uint64_t round_step) const {
  Block b;
  BlockHeader& h = b.header;
  h.chain_id = last_.chain_id;
  h.epoch = epoch_;
  h.round = Round(round_.value() + round_step);
  h.height = last_.height.Next();
  h.parent_id = last_.Id();
  h.timestamp_ms = TimeOf(h.height);
  b.justify = last_qc_;
  static const SecretKey kIssuer = TestKey(200);
  std::vector<Hash32> ids;
  for (std::size_t i = 0; i < txs; ++i) {
    Transaction tx;
    tx.chain_id = h.chain_id;
    tx.type = 1;
    tx.payload = TestDocument(h.height.value(), i);
    tx.sequence = h.height.value() * 100'000 + i;
    tx.Sign(kIssuer);
    ids.push_back(tx.Hash());
    b.transactions.push_back(std::move(tx));
  }
  h.payload_root = MerkleRoot(ids);
  h.transaction_count = static_cast<std::uint32_t>(txs);
  h.proposer = ValidatorIndex(static_cast<std::uint32_t>(h.round.value() % keys_.size()));
  return b;
}

Block ChainBuilder::NextBlockWith(std::vector<Transaction> txs, std::uint64_t round_step) const {
  Block b = NextBlock(0, round_step);
  std::vector<Hash32> ids;
  for (const Transaction& tx : txs) ids.push_back(tx.Hash());
  b.header.payload_root = MerkleRoot(ids);
  b.header.transaction_count = static_cast<std::uint32_t>(txs.size());
  b.transactions = std::move(txs);
  return b;
}

ledger::BlockOutput ChainBuilder::AnchorOutput(const Block& block) {
  ledger::BlockOutput out;
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    const Transaction& tx = block.transactions[i];
    const Hash32 doc = Sha256Of(tx.payload);
    out.receipts.push_back({tx.Hash(), 0, "", 0, 1});
    out.records.push_back({block.header.height, static_cast<std::uint32_t>(i), tx.Hash(), 1,
                           Bytes(doc.data(), doc.data() + 32)});
    Bytes value(doc.data(), doc.data() + 32);
    ledger::AppendU64(value, block.header.height.value());
    out.writes.push_back({DocumentKey(doc), value});
    Bytes index_key = {'d'};
    index_key.insert(index_key.end(), doc.data(), doc.data() + 32);
    out.index.emplace_back(index_key, Bytes{static_cast<std::uint8_t>(i)});
  }
  return out;
}

QuorumCertificate ChainBuilder::Certify(const Block& block, const ExecutionResult& result) const {
  QuorumCertificate qc;
  qc.data = VoteData{block.header.chain_id, block.header.epoch, block.header.round,
                     block.header.height,   block.header.Id(),  result};
  const Bytes msg = Encode(qc.data);
  const std::size_t quorum = keys_.size() * 2 / 3 + 1;
  for (std::size_t i = 0; i < quorum; ++i) {
    qc.signatures.push_back(
        {ValidatorIndex(static_cast<std::uint32_t>(i)), keys_[i].Sign(SignDomain::kVote, msg)});
  }
  return qc;
}

Status ChainBuilder::CommitBlock(const Block& block, ledger::BlockOutput output,
                                 const std::vector<CertifiedBlock>& epoch_proof) {
  TAMGA_ASSIGN_OR_RETURN(auto prepared, ledger_.Prepare(nullptr, block, std::move(output)));
  const QuorumCertificate qc = Certify(block, prepared->result);
  TAMGA_RETURN_IF_ERROR(ledger_.Commit(*prepared, qc, epoch_proof));
  last_ = block.header;
  last_qc_ = qc;
  round_ = block.header.round;
  return Status::Ok();
}

Status ChainBuilder::AppendBlock(std::size_t txs, std::uint64_t round_step) {
  const Block b = NextBlock(txs, round_step);
  return CommitBlock(b, AnchorOutput(b), {});
}

Status ChainBuilder::AppendReconfiguration(std::vector<SecretKey> next_keys) {
  const Block r = NextBlock(0, 1);
  ledger::BlockOutput output;
  output.next_validators = SetOf(next_keys, r.header.epoch.Next());
  return CommitReconfiguration(r, std::move(output), std::move(next_keys));
}

Status ChainBuilder::CommitReconfiguration(const Block& r, ledger::BlockOutput output,
                                           std::vector<SecretKey> next_keys) {
  // Execute R, certify it, then certify an empty child one round later: that two-chain
  // commits R. The child is abandoned when the next epoch starts above R.
  TAMGA_ASSIGN_OR_RETURN(auto prepared, ledger_.Prepare(nullptr, r, output));
  const QuorumCertificate r_qc = Certify(r, prepared->result);
  Block child;
  child.header = r.header;
  child.header.round = r.header.round.Next();
  child.header.height = r.header.height.Next();
  child.header.parent_id = r.header.Id();
  child.header.timestamp_ms += 1;
  child.header.payload_root = MerkleRoot({});
  child.header.transaction_count = 0;
  child.justify = r_qc;
  TAMGA_ASSIGN_OR_RETURN(auto child_prepared, ledger_.Prepare(prepared, child, {}));
  const QuorumCertificate child_qc = Certify(child, child_prepared->result);
  TAMGA_RETURN_IF_ERROR(ledger_.Commit(*prepared, r_qc, {{child, child_qc}}));
  last_ = r.header;
  last_qc_ = r_qc;
  // The new epoch restarts rounds at 1 above R.
  epoch_ = r.header.epoch.Next();
  round_ = Round(0);
  keys_ = std::move(next_keys);
  return Status::Ok();
}

}  // namespace tamga::testing

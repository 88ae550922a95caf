#include "tests/support/samples.h"

#include "common/merkle.h"

namespace tamga::testing {

SecretKey TestKey(std::uint8_t n) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(n);
  return SecretKey::FromSeed(seed);
}

Hash32 TestHash(std::uint8_t n) {
  std::array<std::uint8_t, 32> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(n + i);
  return Hash32(a);
}

ChainId TestChain() { return TestHash(0xc0); }

Transaction SampleTransaction(std::uint8_t key, std::uint64_t sequence, std::size_t payload_size) {
  Transaction tx;
  tx.chain_id = TestChain();
  tx.type = 3;
  tx.payload.resize(payload_size);
  for (std::size_t i = 0; i < payload_size; ++i) {
    tx.payload[i] = static_cast<std::uint8_t>(i * 31 + sequence);
  }
  tx.sequence = sequence;
  tx.Sign(TestKey(key));
  return tx;
}

VoteData SampleVoteData(std::uint64_t round) {
  VoteData v;
  v.chain_id = TestChain();
  v.epoch = Epoch(0);
  v.round = Round(round);
  v.height = Height(round);
  v.block_id = TestHash(static_cast<std::uint8_t>(round));
  v.result = {TestHash(1), TestHash(2), round * 10};
  return v;
}

QuorumCertificate SampleQc(std::uint64_t round, std::uint32_t signers) {
  QuorumCertificate qc;
  qc.data = SampleVoteData(round);
  const Bytes msg = Encode(qc.data);
  for (std::uint32_t i = 0; i < signers; ++i) {
    const SecretKey key = TestKey(static_cast<std::uint8_t>(i + 1));
    qc.signatures.push_back({ValidatorIndex(i), key.Sign(SignDomain::kVote, msg)});
  }
  return qc;
}

TimeoutCertificate SampleTc(std::uint64_t round, std::uint32_t signers) {
  TimeoutCertificate tc;
  tc.chain_id = TestChain();
  tc.epoch = Epoch(0);
  tc.round = Round(round);
  for (std::uint32_t i = 0; i < signers; ++i) {
    const Round hqc(round > i ? round - 1 - i : 0);
    const TimeoutData data{tc.chain_id, tc.epoch, tc.round, hqc};
    const SecretKey key = TestKey(static_cast<std::uint8_t>(i + 1));
    tc.signatures.push_back({ValidatorIndex(i), hqc, key.Sign(SignDomain::kTimeout, Encode(data))});
  }
  return tc;
}

Block SampleBlock(std::uint64_t round, std::size_t transactions) {
  Block b;
  std::vector<Hash32> leaves;
  for (std::size_t i = 0; i < transactions; ++i) {
    b.transactions.push_back(SampleTransaction(static_cast<std::uint8_t>(10 + i % 50), i + 1));
    leaves.push_back(b.transactions.back().Hash());
  }
  b.header.chain_id = TestChain();
  b.header.epoch = Epoch(0);
  b.header.round = Round(round);
  b.header.height = Height(round);
  b.header.parent_id = SampleVoteData(round - 1).block_id;
  b.header.proposer = ValidatorIndex(static_cast<std::uint32_t>(round % 4));
  b.header.timestamp_ms = 1'790'000'000'000 + round * 1000;
  b.header.payload_root = MerkleRoot(leaves);
  b.header.transaction_count = static_cast<std::uint32_t>(transactions);
  b.justify = SampleQc(round - 1, 3);
  return b;
}

Proposal SampleProposal(std::uint64_t round, std::size_t transactions, bool with_tc) {
  Proposal p;
  p.block = SampleBlock(round, transactions);
  if (with_tc) p.last_round_tc = SampleTc(round - 1, 3);
  const Hash32 id = p.block.header.Id();
  p.signature = TestKey(static_cast<std::uint8_t>(p.block.header.proposer.value() + 1))
                    .Sign(SignDomain::kProposal, id.view());
  return p;
}

}  // namespace tamga::testing

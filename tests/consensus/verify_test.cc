#include "consensus/verify.h"

#include <gtest/gtest.h>

#include "common/merkle.h"
#include "tests/sim/fast_crypto.h"

namespace tamga::consensus {
namespace {

const ChainId kChain = Sha256Of(AsBytes("verify test"));

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::uint8_t i = 0; i < 4; ++i) {
      set_.validators.push_back(PublicKey::FromView(Sha256Of(Bytes{i}).view()));
    }
    root_.data = VoteData{kChain, Epoch(0), Round(0), Height(0), Sha256Of(AsBytes("g")), {}};
  }
  QuorumCertificate Qc(std::uint64_t round, std::vector<std::uint32_t> signers) const {
    QuorumCertificate qc;
    qc.data = VoteData{
        kChain, Epoch(0), Round(round), Height(round), Sha256Of(AsBytes(std::to_string(round))),
        {}};
    for (auto s : signers) {
      qc.signatures.push_back(
          {ValidatorIndex(s),
           sim::FastSign(set_.validators[s], SignDomain::kVote, Encode(qc.data))});
    }
    return qc;
  }
  Proposal MakeProposal(std::uint64_t round, const QuorumCertificate& justify) const {
    Proposal p;
    BlockHeader& h = p.block.header;
    h.chain_id = kChain;
    h.round = Round(round);
    h.height = justify.data.height.Next();
    h.parent_id = justify.data.block_id;
    h.proposer = LeaderOf(Round(round), 4);
    h.payload_root = MerkleRoot({});
    p.block.justify = justify;
    p.signature =
        sim::FastSign(set_.validators[h.proposer.value()], SignDomain::kProposal, h.Id().view());
    return p;
  }
  Verifier V() const { return Verifier(kChain, set_, root_, checker_); }

  ValidatorSet set_;
  QuorumCertificate root_;
  sim::FastChecker checker_;
};

TEST_F(VerifyTest, AcceptsAQuorumAndTheRootQc) {
  EXPECT_TRUE(V().VerifyQc(Qc(3, {0, 1, 2})).ok());
  EXPECT_TRUE(V().VerifyQc(root_).ok());
}

TEST_F(VerifyTest, RejectsTooFewDuplicateOrUnknownSigners) {
  EXPECT_EQ(V().VerifyQc(Qc(3, {0, 1})).code(), StatusCode::kPermissionDenied);
  QuorumCertificate dup = Qc(3, {0, 1, 1});
  EXPECT_EQ(V().VerifyQc(dup).code(), StatusCode::kCorruption);
  QuorumCertificate unknown = Qc(3, {0, 1, 2});
  unknown.signatures[2].signer = ValidatorIndex(9);
  EXPECT_EQ(V().VerifyQc(unknown).code(), StatusCode::kPermissionDenied);
}

TEST_F(VerifyTest, RejectsABadSignatureOtherChainAndOtherEpoch) {
  QuorumCertificate bad = Qc(3, {0, 1, 2});
  bad.signatures[1].signature.data()[0] ^= 1;
  EXPECT_EQ(V().VerifyQc(bad).code(), StatusCode::kBadSignature);
  QuorumCertificate other_epoch = Qc(3, {0, 1, 2});
  other_epoch.data.epoch = Epoch(1);
  EXPECT_EQ(V().VerifyQc(other_epoch).code(), StatusCode::kPermissionDenied);
  QuorumCertificate other_chain = Qc(3, {0, 1, 2});
  other_chain.data.chain_id.data()[0] ^= 1;
  EXPECT_EQ(V().VerifyQc(other_chain).code(), StatusCode::kPermissionDenied);
}

TEST_F(VerifyTest, ProposalsMustComeFromTheLeaderAndFitTheirQc) {
  const QuorumCertificate qc = Qc(4, {0, 1, 3});
  EXPECT_TRUE(V().VerifyProposal(MakeProposal(5, qc)).ok());
  Proposal wrong_leader = MakeProposal(5, qc);
  wrong_leader.block.header.proposer = ValidatorIndex(2);
  EXPECT_EQ(V().VerifyProposal(wrong_leader).code(), StatusCode::kPermissionDenied);
  // Skipping a round needs a TC.
  EXPECT_EQ(V().VerifyProposal(MakeProposal(6, qc)).code(), StatusCode::kInvalidArgument);
  Proposal bad_root = MakeProposal(5, qc);
  bad_root.block.header.payload_root.data()[0] ^= 1;
  bad_root.signature =
      sim::FastSign(set_.validators[1], SignDomain::kProposal, bad_root.block.header.Id().view());
  EXPECT_EQ(V().VerifyProposal(bad_root).code(), StatusCode::kInvalidArgument);
  Proposal bad_sig = MakeProposal(5, qc);
  bad_sig.signature.data()[3] ^= 1;
  EXPECT_EQ(V().VerifyProposal(bad_sig).code(), StatusCode::kBadSignature);
}

TEST_F(VerifyTest, ServedBlocksMustMatchTheirQcsAndTransactions) {
  const QuorumCertificate parent_qc = Qc(4, {0, 1, 3});
  Block b = MakeProposal(5, parent_qc).block;
  QuorumCertificate qc;
  qc.data = VoteData{kChain, Epoch(0), Round(5), Height(5), b.header.Id(), {}};
  for (std::uint32_t s : {0u, 2u, 3u}) {
    qc.signatures.push_back(
        {ValidatorIndex(s), sim::FastSign(set_.validators[s], SignDomain::kVote, Encode(qc.data))});
  }
  EXPECT_TRUE(V().VerifyCertifiedBlock(b, qc).ok());
  Block swapped = b;  // Another transaction under the same header: the id does not change.
  swapped.transactions.push_back(Transaction{});
  swapped.header.transaction_count = 1;
  EXPECT_FALSE(V().VerifyCertifiedBlock(swapped, qc).ok());
  Block other_justify = b;  // A genuine QC, but for another block than the parent.
  other_justify.justify = Qc(3, {0, 1, 2});
  EXPECT_FALSE(V().VerifyCertifiedBlock(other_justify, qc).ok());
  QuorumCertificate wrong = Qc(5, {0, 1, 2});  // Certifies some other block of round 5.
  EXPECT_FALSE(V().VerifyCertifiedBlock(b, wrong).ok());
}

TEST_F(VerifyTest, TimeoutsMustCarryTheQcTheyClaim) {
  const QuorumCertificate qc = Qc(4, {0, 1, 2});
  Timeout t{{kChain, Epoch(0), Round(6), Round(4)}, qc, std::nullopt, ValidatorIndex(3), {}};
  t.signature = sim::FastSign(set_.validators[3], SignDomain::kTimeout, Encode(t.data));
  EXPECT_TRUE(V().VerifyTimeout(t).ok());
  Timeout lie = t;
  lie.data.high_qc_round = Round(5);
  lie.signature = sim::FastSign(set_.validators[3], SignDomain::kTimeout, Encode(lie.data));
  EXPECT_EQ(V().VerifyTimeout(lie).code(), StatusCode::kInvalidArgument);
}

TEST_F(VerifyTest, LeadersRotateRoundRobin) {
  EXPECT_EQ(LeaderOf(Round(0), 4), ValidatorIndex(0));
  EXPECT_EQ(LeaderOf(Round(5), 4), ValidatorIndex(1));
  EXPECT_EQ(LeaderOf(Round(7), 7), ValidatorIndex(0));
}

// The proof verifiers (ledger/proof_file.cc, web/verify.js) count a QC's quorum with
// ValidatorSet::QuorumSize; the core and this verifier with the standard rules. One number.
TEST(StandardRules, QuorumIsTheValidatorSetsQuorumSize) {
  for (std::size_t n = 1; n <= 100; ++n) {
    ValidatorSet set;
    set.validators.resize(n);
    EXPECT_EQ(StandardRules().Quorum(n), set.QuorumSize()) << n;
    EXPECT_GT(3 * StandardRules().Quorum(n), 2 * n) << "more than two thirds, n = " << n;
  }
  EXPECT_TRUE(StandardRules().SignerCountsOnce());
  EXPECT_EQ(StandardRules().CommitChainLength(), 2u);
}

}  // namespace
}  // namespace tamga::consensus

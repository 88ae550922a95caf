#include "consensus/safety_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/merkle.h"
#include "tests/sim/fast_crypto.h"

namespace tamga::consensus {
namespace {

const ChainId kChain = Sha256Of(AsBytes("safety rules test"));
const PublicKey kKey = PublicKey::FromView(Sha256Of(AsBytes("key")).view());

// A block of `round` whose justify QC is of `qc_round` (signatures are not SafetyRules'
// concern: the verifier checked them before).
Block MakeBlock(std::uint64_t round, std::uint64_t qc_round, std::uint8_t variant = 0) {
  Block b;
  b.header.chain_id = kChain;
  b.header.round = Round(round);
  b.header.height = Height(round);
  b.header.timestamp_ms = 1000 + round;
  b.header.payload_root = Sha256Of(Bytes{variant});
  b.justify.data.chain_id = kChain;
  b.justify.data.round = Round(qc_round);
  b.justify.data.block_id = Sha256Of(AsBytes("parent " + std::to_string(qc_round)));
  b.header.parent_id = b.justify.data.block_id;
  return b;
}

TimeoutCertificate MakeTc(std::uint64_t round, std::vector<std::uint64_t> hqc_rounds) {
  TimeoutCertificate tc{kChain, Epoch(0), Round(round), {}};
  std::uint32_t i = 0;
  for (auto r : hqc_rounds) tc.signatures.push_back({ValidatorIndex(i++), Round(r), {}});
  return tc;
}

QuorumCertificate QcOfRound(std::uint64_t round) { return MakeBlock(round + 1, round).justify; }

class SafetyRulesTest : public ::testing::Test {
 protected:
  sim::FastSigner signer_{kKey};
  SafetyRules rules_{SafetyData{}, signer_, kChain, ValidatorIndex(2)};
};

TEST_F(SafetyRulesTest, VotesForABlockExtendingThePreviousRoundsQc) {
  auto v = rules_.SignVote(MakeBlock(1, 0), {}, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(v->vote.data.round, Round(1));
  EXPECT_EQ(v->vote.author, ValidatorIndex(2));
  EXPECT_EQ(v->data.last_voted_round, Round(1));
  EXPECT_EQ(v->data.last_vote, v->vote);
  EXPECT_FALSE(v->repeat);
}

TEST_F(SafetyRulesTest, RepeatRequestReturnsTheStoredVoteByteForByte) {
  const Block b = MakeBlock(3, 2);
  auto first = rules_.SignVote(b, {}, std::nullopt);
  auto again = rules_.SignVote(b, {}, std::nullopt);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->repeat);
  EXPECT_EQ(Encode(first->vote), Encode(again->vote));
}

TEST_F(SafetyRulesTest, RefusesASecondBlockInTheSameRound) {
  ASSERT_TRUE(rules_.SignVote(MakeBlock(3, 2, 0), {}, std::nullopt).ok());
  auto other = rules_.SignVote(MakeBlock(3, 2, 1), {}, std::nullopt);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message(), "already voted in round 3 for another block");
}

TEST_F(SafetyRulesTest, RefusesRoundsAtOrBelowTheLastVoted) {
  ASSERT_TRUE(rules_.SignVote(MakeBlock(5, 4), {}, std::nullopt).ok());
  auto lower = rules_.SignVote(MakeBlock(4, 3), {}, std::nullopt);
  ASSERT_FALSE(lower.ok());
  EXPECT_EQ(lower.error().message(), "vote round 4 <= last voted round 5");
}

TEST_F(SafetyRulesTest, SkippingARoundNeedsATcWhoseHighestQcTheBlockReaches) {
  // Round 5 with a QC of round 3: only with a TC of round 4.
  EXPECT_FALSE(rules_.SignVote(MakeBlock(5, 3), {}, std::nullopt).ok());
  // A TC of round 4 whose highest QC is of round 4's predecessor... above the block's QC.
  EXPECT_FALSE(rules_.SignVote(MakeBlock(5, 2), {}, MakeTc(4, {1, 3, 2})).ok());
  // A TC whose highest QC the block's QC reaches.
  EXPECT_TRUE(rules_.SignVote(MakeBlock(5, 3), {}, MakeTc(4, {1, 3, 2})).ok());
}

TEST_F(SafetyRulesTest, TimeoutFollowsAQcOrTcAndRaisesTheLastVotedRound) {
  EXPECT_TRUE(rules_.SignTimeout(Round(4), QcOfRound(3), std::nullopt).ok());
  // Having timed out of round 4, it will not vote in it.
  EXPECT_FALSE(rules_.SignVote(MakeBlock(4, 3), {}, std::nullopt).ok());
  // Round 6 with a QC of round 3 needs the TC of round 5, which it then carries.
  EXPECT_FALSE(rules_.SignTimeout(Round(6), QcOfRound(3), std::nullopt).ok());
  auto t = rules_.SignTimeout(Round(6), QcOfRound(3), MakeTc(5, {3, 3, 2}));
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->timeout.last_round_tc.has_value());
  EXPECT_EQ(t->timeout.last_round_tc->round, Round(5));
  EXPECT_EQ(t->data.highest_timeout_round, Round(6));
}

TEST_F(SafetyRulesTest, TimeoutAfterAVoteInTheSameRoundIsAllowed) {
  ASSERT_TRUE(rules_.SignVote(MakeBlock(4, 3), {}, std::nullopt).ok());
  EXPECT_TRUE(rules_.SignTimeout(Round(4), QcOfRound(3), std::nullopt).ok());
  EXPECT_FALSE(rules_.SignTimeout(Round(3), QcOfRound(2), std::nullopt).ok());
}

TEST_F(SafetyRulesTest, TimeoutMustCarryAQcAtLeastAsHighAsTheLock) {
  ASSERT_TRUE(rules_.SignVote(MakeBlock(5, 4), {}, std::nullopt).ok());  // Lock: round 4.
  auto t = rules_.SignTimeout(Round(7), QcOfRound(3), MakeTc(6, {3, 3, 3}));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("locked round 4"), std::string::npos);
}

TEST_F(SafetyRulesTest, ProposesOncePerRoundAndNotInARoundItLeft) {
  BlockHeader h = MakeBlock(3, 2).header;
  auto p = rules_.SignProposal(h);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->data.last_proposed_round, Round(3));
  h.timestamp_ms += 1;  // A different block for the same round.
  EXPECT_FALSE(rules_.SignProposal(h).ok());
  ASSERT_TRUE(rules_.SignTimeout(Round(4), QcOfRound(3), std::nullopt).ok());
  EXPECT_FALSE(rules_.SignProposal(MakeBlock(4, 3).header).ok());
}

TEST_F(SafetyRulesTest, LostSafetyDataRefusesEverythingUntilAnOperatorResumes) {
  SafetyData lost;
  lost.lost = true;
  SafetyRules rules(lost, signer_, kChain, ValidatorIndex(0));
  EXPECT_FALSE(rules.SignVote(MakeBlock(1, 0), {}, std::nullopt).ok());
  EXPECT_FALSE(rules.SignTimeout(Round(1), QcOfRound(0), std::nullopt).ok());
  EXPECT_FALSE(rules.SignProposal(MakeBlock(1, 0).header).ok());
  const SafetyData resumed = rules.ResumeAfterDataLoss(Epoch(0), Round(40), Round(39));
  EXPECT_FALSE(resumed.lost);
  EXPECT_EQ(resumed.locked_round, Round(39));
  EXPECT_FALSE(rules.SignVote(MakeBlock(40, 39), {}, std::nullopt).ok());
  EXPECT_TRUE(rules.SignVote(MakeBlock(41, 40), {}, std::nullopt).ok());
}

// Resumed at round 11 whose round 10 ended by a TC (no QC of round 10 exists): the lock is
// the highest QC the node kept (9), not 10, so it can time out round 11 with the TC and
// help the others out of it. It still signs nothing for rounds up to 11 but that timeout.
TEST_F(SafetyRulesTest, AResumedValidatorCanTimeOutAfterARoundThatEndedByATimeout) {
  SafetyData lost;
  lost.lost = true;
  SafetyRules rules(lost, signer_, kChain, ValidatorIndex(0));
  const SafetyData resumed = rules.ResumeAfterDataLoss(Epoch(0), Round(11), Round(9));
  EXPECT_EQ(resumed.locked_round, Round(9));
  EXPECT_TRUE(rules.SignTimeout(Round(11), QcOfRound(9), MakeTc(10, {9, 9, 9})).ok());
  EXPECT_FALSE(rules.SignVote(MakeBlock(11, 10), {}, std::nullopt).ok());
  EXPECT_FALSE(rules.SignTimeout(Round(11), QcOfRound(8), MakeTc(10, {8, 8, 8})).ok())
      << "below the kept QC";
}

TEST(SafetyData, EncodingRoundTripsAndIsCanonical) {
  SafetyData d;
  d.epoch = Epoch(2);
  d.last_voted_round = Round(9);
  d.locked_round = Round(7);
  d.highest_timeout_round = Round(8);
  d.last_proposed_round = Round(6);
  d.last_vote = Vote{QcOfRound(8).data, ValidatorIndex(1), {}};
  const Bytes enc = Encode(d);
  auto back = Decode<SafetyData>(enc, "safety data");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, d);
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_FALSE(Decode<SafetyData>(trailing, "safety data").ok());
}

// L0 of TESTING.md: random sequences of vote and timeout requests. Whatever the order, an
// honest key never signs two different votes in a round, never votes in a round at or
// below one it signed in before, and the data it asks to persist never goes back.
TEST(SafetyRulesProperty, RandomSequencesNeverEquivocate) {
  std::mt19937_64 rng(7);
  sim::FastSigner signer(kKey);
  int signed_count = 0;
  for (int seq = 0; seq < 20'000; ++seq) {
    SafetyRules rules(SafetyData{}, signer, kChain, ValidatorIndex(0));
    std::map<std::uint64_t, Hash32> votes;
    std::uint64_t highest_signed = 0;
    Round persisted_voted;
    for (int step = 0; step < 12; ++step) {
      const std::uint64_t round = 1 + rng() % 8;
      const std::uint64_t qc_round = rng() % round;
      std::optional<TimeoutCertificate> tc;
      if (rng() % 2) tc = MakeTc(round - 1, {rng() % round, rng() % round, rng() % round});
      if (rng() % 3) {
        auto v = rules.SignVote(MakeBlock(round, qc_round, static_cast<std::uint8_t>(rng() % 2)),
                                {}, tc);
        if (!v.ok()) continue;
        ++signed_count;
        const Hash32 h = Sha256Of(Encode(v->vote.data));
        auto [it, fresh] = votes.emplace(round, h);
        ASSERT_EQ(it->second, h) << "two different votes in round " << round;
        if (!v->repeat) {
          ASSERT_GT(round, highest_signed) << "vote at or below a round signed before";
          highest_signed = round;
        }
        ASSERT_GE(v->data.last_voted_round, persisted_voted);
        persisted_voted = v->data.last_voted_round;
      } else {
        auto t = rules.SignTimeout(Round(round), QcOfRound(qc_round), tc);
        if (!t.ok()) continue;
        ++signed_count;
        ASSERT_GE(round, highest_signed) << "timeout below a round voted in";
        highest_signed = std::max(highest_signed, round);
        ASSERT_GE(t->data.last_voted_round, persisted_voted);
        persisted_voted = t->data.last_voted_round;
      }
    }
  }
  EXPECT_GT(signed_count, 20'000);  // The rules said yes often enough to test something.
}

}  // namespace
}  // namespace tamga::consensus

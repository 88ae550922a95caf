// The test-only Byzantine modes send what their names say, signed so that only the lie it
// is meant to be, not a forged signature, is what the others see (except bad_signatures).

#include "node/byzantine.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "tests/support/samples.h"

namespace tamga::node {
namespace {

using testing::SampleProposal;
using testing::SampleVoteData;
using testing::TestKey;

class ByzantineTest : public ::testing::Test {
 protected:
  ByzantineTest() : key_(TestKey(3)), signer_(key_) {}

  Vote SignedVote(std::uint64_t round) const {
    Vote v;
    v.data = SampleVoteData(round);
    v.author = ValidatorIndex(3);
    v.signature = signer_.Sign(SignDomain::kVote, Encode(v.data));
    return v;
  }
  Proposal SignedProposal(std::uint64_t round) const {
    Proposal p = SampleProposal(round, 2, false);
    p.signature = signer_.Sign(SignDomain::kProposal, p.block.header.Id().view());
    return p;
  }
  bool Signed(const consensus::Message& m) const {
    const PublicKey& k = key_.public_key();
    if (const auto* v = std::get_if<Vote>(&m))
      return checker_.Verify(k, SignDomain::kVote, Encode(v->data), v->signature);
    if (const auto* p = std::get_if<Proposal>(&m))
      return checker_.Verify(k, SignDomain::kProposal, p->block.header.Id().view(), p->signature);
    const auto& t = std::get<Timeout>(m);
    return checker_.Verify(k, SignDomain::kTimeout, Encode(t.data), t.signature);
  }

  SecretKey key_;
  consensus::Ed25519Signer signer_;
  consensus::Ed25519Checker checker_;
};

TEST_F(ByzantineTest, ModesAreNamedInTheConfiguration) {
  for (const char* name : {"equivocate", "double_vote", "bad_signatures", "future_votes",
                           "skew_timestamps", "withhold_votes", "replay_old"}) {
    auto mode = ParseByzantineMode(name);
    ASSERT_TRUE(mode.ok()) << name;
    EXPECT_EQ(ByzantineModeName(*mode), name);
  }
  auto bad = ParseByzantineMode("honest");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("equivocate"), std::string::npos);
}

TEST_F(ByzantineTest, AnEquivocatorSendsASecondSignedBlockOfTheRoundToOddNumberedValidators) {
  Byzantine b(ByzantineMode::kEquivocate, signer_);
  const Proposal p = SignedProposal(5);
  const auto out = b.Outgoing(std::nullopt, p, 4);
  // 0: p; 1: other, p; 2: p; 3: other, p.
  ASSERT_EQ(out.size(), 6u);
  const auto& other = std::get<Proposal>(out[1].message);
  EXPECT_NE(other.block.header.Id(), p.block.header.Id());
  EXPECT_EQ(other.block.header.round, p.block.header.round);
  EXPECT_EQ(other.block.header.parent_id, p.block.header.parent_id);
  EXPECT_TRUE(Signed(other));
  const std::vector<std::pair<std::uint32_t, Proposal>> expected{{0, p}, {1, other}, {1, p},
                                                                 {2, p}, {3, other}, {3, p}};
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].to, ValidatorIndex(expected[i].first)) << i;
    EXPECT_EQ(std::get<Proposal>(out[i].message), expected[i].second) << i;
  }
  // Votes pass as they are.
  const Vote v = SignedVote(5);
  const auto votes = b.Outgoing(ValidatorIndex(1), v, 4);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(std::get<Vote>(votes[0].message), v);
}

TEST_F(ByzantineTest, ADoubleVoterSignsASecondVoteOfTheRoundForAnotherBlock) {
  Byzantine b(ByzantineMode::kDoubleVote, signer_);
  const Vote v = SignedVote(9);
  const auto out = b.Outgoing(ValidatorIndex(2), v, 4);
  ASSERT_EQ(out.size(), 2u);
  const auto& second = std::get<Vote>(out[1].message);
  EXPECT_EQ(std::get<Vote>(out[0].message), v);
  EXPECT_EQ(out[1].to, ValidatorIndex(2));
  EXPECT_EQ(second.data.round, v.data.round);
  EXPECT_NE(second.data.block_id, v.data.block_id);
  EXPECT_TRUE(Signed(second));
}

TEST_F(ByzantineTest, BadSignaturesBreakEverySecondMessage) {
  Byzantine b(ByzantineMode::kBadSignatures, signer_);
  for (int i = 0; i < 6; ++i) {
    const auto out = b.Outgoing(ValidatorIndex(0), SignedVote(10 + i), 4);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(Signed(out[0].message), i % 2 == 0) << i;
  }
}

TEST_F(ByzantineTest, FutureVotesAreSignedForARoundAThousandAhead) {
  Byzantine b(ByzantineMode::kFutureVotes, signer_);
  const auto out = b.Outgoing(ValidatorIndex(0), SignedVote(7), 4);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[1].to.has_value());
  const auto& future = std::get<Vote>(out[1].message);
  EXPECT_EQ(future.data.round, Round(1007));
  EXPECT_TRUE(Signed(future));
}

TEST_F(ByzantineTest, SkewedProposalsAreDatedTenMinutesAhead) {
  Byzantine b(ByzantineMode::kSkewTimestamps, signer_);
  const Proposal p = SignedProposal(3);
  const auto out = b.Outgoing(std::nullopt, p, 4);
  ASSERT_EQ(out.size(), 1u);
  const auto& skewed = std::get<Proposal>(out[0].message);
  EXPECT_EQ(skewed.block.header.timestamp_ms, p.block.header.timestamp_ms + 600'000);
  EXPECT_TRUE(Signed(skewed));
}

TEST_F(ByzantineTest, AWithholderSendsNoVoteButItsOtherMessages) {
  Byzantine b(ByzantineMode::kWithholdVotes, signer_);
  EXPECT_TRUE(b.Outgoing(ValidatorIndex(0), SignedVote(4), 4).empty());
  EXPECT_EQ(b.Outgoing(std::nullopt, SignedProposal(4), 4).size(), 1u);
}

TEST_F(ByzantineTest, AReplayerSendsAgainWhatItSent8MessagesBefore) {
  Byzantine b(ByzantineMode::kReplayOld, signer_);
  std::vector<Vote> sent;
  for (int i = 0; i < 20; ++i) {
    sent.push_back(SignedVote(100 + i));
    const auto out = b.Outgoing(ValidatorIndex(i % 4), sent.back(), 4);
    ASSERT_EQ(out.size(), i < 8 ? 1u : 2u) << i;
    if (i >= 8) {
      EXPECT_EQ(std::get<Vote>(out[1].message), sent[i - 8]);
      EXPECT_EQ(out[1].to, ValidatorIndex((i - 8) % 4));
    }
  }
}

}  // namespace
}  // namespace tamga::node

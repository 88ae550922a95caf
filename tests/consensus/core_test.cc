#include "consensus/core.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "common/merkle.h"
#include "consensus/verify.h"
#include "tests/sim/fast_crypto.h"

namespace tamga::consensus {
namespace {

const ChainId kChain = Sha256Of(AsBytes("core test"));

struct Fixture {
  explicit Fixture(std::uint32_t n, std::uint32_t self = 0, std::uint64_t idle_wait_ms = 0,
                   bool may_sign = true) {
    for (std::uint32_t i = 0; i < n; ++i) {
      set.validators.push_back(PublicKey::FromView(Sha256Of(Bytes{std::uint8_t(i)}).view()));
    }
    genesis.header.chain_id = kChain;
    genesis.header.payload_root = MerkleRoot({});
    genesis_qc.data = VoteData{kChain, Epoch(0), Round(0), Height(0), genesis.header.Id(), {}};
    signer = std::make_unique<sim::FastSigner>(set.validators[self]);
    CoreConfig c;
    c.chain = kChain;
    c.validators = set;
    c.idle_wait_ms = idle_wait_ms;
    c.may_sign = may_sign;
    core = std::make_unique<Core>(c, *signer, SafetyData{}, genesis, genesis_qc);
  }
  // A proposal of round `round`, by its leader, of an empty block at height 1 on genesis.
  Proposal FirstBlock(std::uint64_t round, std::uint64_t timestamp_ms) const {
    Proposal p;
    p.block.header.chain_id = kChain;
    p.block.header.epoch = Epoch(0);
    p.block.header.round = Round(round);
    p.block.header.height = Height(1);
    p.block.header.parent_id = genesis.header.Id();
    p.block.header.proposer = LeaderOf(Round(round), set.size());
    p.block.header.payload_root = MerkleRoot({});
    p.block.header.timestamp_ms = timestamp_ms;
    p.block.justify = genesis_qc;
    return p;
  }

  ValidatorSet set;
  Block genesis;
  QuorumCertificate genesis_qc;
  std::unique_ptr<sim::FastSigner> signer;
  std::unique_ptr<Core> core;
};

// An observer whose key is in the set (role = "observer"): it has no index, never asks for
// a payload, and signs no vote or timeout however its timers fire. The same node allowed
// to sign is a lone validator and asks for a payload at once.
TEST(Core, AnObserverWithItsKeyInTheSetSignsNothing) {
  Fixture fx(1, 0, 0, /*may_sign=*/false);
  EXPECT_FALSE(fx.core->self().has_value());
  std::vector<Effect> effects = fx.core->Start(1000);
  for (std::uint64_t r = 1; r <= 5; ++r) {
    auto more = fx.core->Handle(1000 + r * 10'000, TimerFired{Round(r)});
    effects.insert(effects.end(), more.begin(), more.end());
  }
  for (const Effect& e : effects) {
    EXPECT_FALSE(std::holds_alternative<RequestPayload>(e));
    EXPECT_FALSE(std::holds_alternative<PersistSafetyData>(e));
    EXPECT_FALSE(std::holds_alternative<Broadcast>(e));
    EXPECT_FALSE(std::holds_alternative<SendTo>(e));
  }
  Fixture validator(1);
  const std::vector<Effect> start = validator.core->Start(1000);
  EXPECT_TRUE(std::any_of(start.begin(), start.end(), [](const Effect& e) {
    return std::holds_alternative<RequestPayload>(e);
  }));
}

// A lone validator (n = 1, quorum 1) runs the whole protocol on its own: propose, execute,
// vote to itself, certify, commit on the two-chain rule. Its owner's loop is this test.
TEST(Core, SingleValidatorCommitsInOrderAndPersistsBeforeSigningLeaves) {
  Fixture fx(1);
  std::deque<Effect> pending;
  for (auto& e : fx.core->Start(1000)) pending.push_back(std::move(e));
  std::vector<CommitBlock> commits;
  std::map<Hash32, ExecutionResult> results{{fx.genesis.header.Id(), {}}};
  std::uint64_t now = 1000;
  int persisted = 0;
  for (int steps = 0; steps < 10'000 && commits.size() < 5; ++steps) {
    ASSERT_FALSE(pending.empty()) << "the core stopped asking for anything";
    Effect e = std::move(pending.front());
    pending.pop_front();
    std::vector<Effect> more;
    now += 1;
    if (auto* p = std::get_if<RequestPayload>(&e)) {
      more = fx.core->Handle(now, PayloadReady{p->round, p->parent, {}});
    } else if (auto* x = std::get_if<ExecuteBlock>(&e)) {
      const Hash32 id = x->block->header.Id();
      ExecutionResult r{Sha256Of(id.view()), {}, 0};
      results[id] = r;
      more = fx.core->Handle(now, BlockExecuted{id, r, std::nullopt});
    } else if (auto* c = std::get_if<CommitBlock>(&e)) {
      commits.push_back(*c);
    } else if (std::get_if<PersistSafetyData>(&e)) {
      ++persisted;
    }
    for (auto& m : more) pending.push_back(std::move(m));
  }
  ASSERT_EQ(commits.size(), 5u);
  for (std::size_t i = 0; i < commits.size(); ++i) {
    EXPECT_EQ(commits[i].block->header.height, Height(i + 1));
    EXPECT_EQ(commits[i].qc.data.block_id, commits[i].block->header.Id());
    EXPECT_EQ(commits[i].qc.data.result, results[commits[i].block->header.Id()]);
  }
  EXPECT_GT(persisted, 5);
  EXPECT_GE(fx.core->safety_data().last_voted_round, Round(6));
}

// A quiet idle chain, on a lone validator: it asks for a payload in each round, and this
// test gives round 3 one transaction (block B). The leader may wait (NothingToCommit) in
// every round but the two after B (the one that certifies B and the one that announces
// its commit) and round 2, whose walk reaches the root (genesis) through the genesis
// QC, which announces nothing: the chain cannot tell, so it proposes at once. Rounds it
// may wait in get the idle grace on their timer; a waiting transaction ends the grace.
TEST(Core, AnIdleLeaderMayWaitExceptWhileABlockWithTransactionsAwaitsItsCommit) {
  Fixture fx(1, 0, /*idle_wait_ms=*/60'000);
  std::deque<Effect> pending;
  for (auto& e : fx.core->Start(1000)) pending.push_back(std::move(e));
  std::map<std::uint64_t, bool> may_wait;         // By round asked for a payload.
  std::map<std::uint64_t, std::uint64_t> timers;  // By round: the first timer's delay.
  std::uint64_t now = 1000;
  Transaction tx;
  tx.chain_id = kChain;
  tx.type = 1;
  tx.sequence = 1;
  for (int steps = 0; steps < 10'000 && may_wait.size() < 8; ++steps) {
    ASSERT_FALSE(pending.empty());
    Effect e = std::move(pending.front());
    pending.pop_front();
    std::vector<Effect> more;
    now += 1;
    if (auto* p = std::get_if<RequestPayload>(&e)) {
      may_wait[p->round.value()] = fx.core->NothingToCommit(fx.core->highest_qc().data.block_id);
      std::vector<Transaction> txs;
      if (p->round == Round(3)) txs.push_back(tx);
      more = fx.core->Handle(now, PayloadReady{p->round, p->parent, txs});
    } else if (auto* x = std::get_if<ExecuteBlock>(&e)) {
      const Hash32 id = x->block->header.Id();
      more = fx.core->Handle(
          now, BlockExecuted{id, ExecutionResult{Sha256Of(id.view()), {}, 0}, std::nullopt});
    } else if (auto* t = std::get_if<SetTimer>(&e)) {
      timers.emplace(t->round.value(), t->delay_ms);
    }
    for (auto& m : more) pending.push_back(std::move(m));
  }
  ASSERT_EQ(may_wait.size(), 8u);
  const std::map<std::uint64_t, bool> want{{1, true},  {2, false}, {3, true}, {4, false},
                                           {5, false}, {6, true},  {7, true}, {8, true}};
  EXPECT_EQ(may_wait, want);
  // Rounds the leader may wait in time out after the wait plus a normal timeout.
  EXPECT_EQ(timers[2], 1000u);
  EXPECT_EQ(timers[4], 1000u);
  EXPECT_EQ(timers[5], 1000u);
  EXPECT_EQ(timers[6], 61'000u);
  // A transaction waiting ends the grace of the current round: a normal timeout from now.
  ASSERT_TRUE(fx.core->idle_grace());
  const Round current = fx.core->current_round();
  const auto effects = fx.core->Handle(now, TransactionsWaiting{});
  ASSERT_EQ(effects.size(), 1u);
  const auto* t = std::get_if<SetTimer>(&effects[0]);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->round, current);
  EXPECT_EQ(t->delay_ms, 1000u);
  EXPECT_FALSE(fx.core->idle_grace());
  EXPECT_TRUE(fx.core->Handle(now, TransactionsWaiting{}).empty()) << "no grace, nothing to end";
}

TEST(Core, RoundWindowBoundsWhatIsWorthVerifying) {
  Fixture fx(4, 1);
  (void)fx.core->Start(1000);
  EXPECT_TRUE(fx.core->InWindow(Epoch(0), Round(1)));
  EXPECT_TRUE(fx.core->InWindow(Epoch(0), Round(101)));
  EXPECT_FALSE(fx.core->InWindow(Epoch(0), Round(102)));
  EXPECT_FALSE(fx.core->InWindow(Epoch(0), Round(~0ull)));
  EXPECT_FALSE(fx.core->InWindow(Epoch(1), Round(1)));
}

TEST(Core, LeaderAsksForAPayloadAndFollowersSetATimer) {
  Fixture leader(4, 1);  // Round 1's leader is validator 1.
  auto effects = leader.core->Start(1000);
  bool asked = false;
  for (const auto& e : effects) asked |= std::holds_alternative<RequestPayload>(e);
  EXPECT_TRUE(asked);
  Fixture follower(4, 2);
  effects = follower.core->Start(1000);
  ASSERT_EQ(effects.size(), 1u);
  const auto* timer = std::get_if<SetTimer>(&effects[0]);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->round, Round(1));
  EXPECT_EQ(timer->delay_ms, 1000u);
}

// A payload is chosen for the parent the request named. Answered for another one (a higher
// QC arrived while the owner chose: the chaos campaign saw leaders put a transaction into
// the block right above the one that held it), the core proposes nothing and asks again
// for the parent it will extend; answered for that one, it proposes on it.
// A leader whose highest QC certifies a block it does not hold yet (the votes overtook
// the proposal) asks for no payload until the block is in its tree: its owner could not
// leave out the transactions of blocks it has not seen (the 60-minute chaos campaign saw
// a transaction proposed again two heights above the block that held it).
TEST(Core, ALeaderAsksForAPayloadOnlyOnceItHoldsTheParent) {
  Fixture fx(4, 2);  // Validator 2 leads round 2.
  (void)fx.core->Start(1000);
  const Proposal p = fx.FirstBlock(1, 1001);
  const Hash32 id = p.block.header.Id();
  // Its QC arrives first, with a timeout of round 1.
  Timeout t;
  t.data.chain_id = kChain;
  t.data.epoch = Epoch(0);
  t.data.round = Round(1);
  t.data.high_qc_round = Round(1);
  t.author = ValidatorIndex(3);
  t.high_qc.data = VoteData{kChain, Epoch(0), Round(1), Height(1), id, {}};
  std::vector<Effect> effects = fx.core->Handle(1002, TimeoutReceived{t});
  EXPECT_EQ(fx.core->current_round(), Round(2));
  for (const Effect& e : effects) {
    EXPECT_FALSE(std::holds_alternative<RequestPayload>(e)) << "asked before holding the parent";
  }
  // The block arrives (a proposal of the round just left): the payload is asked for.
  effects = fx.core->Handle(1003, ProposalReceived{p});
  const RequestPayload* asked = nullptr;
  for (const Effect& e : effects) {
    if (auto* r = std::get_if<RequestPayload>(&e)) asked = r;
  }
  ASSERT_NE(asked, nullptr);
  EXPECT_EQ(asked->round, Round(2));
  EXPECT_EQ(asked->parent, id);
}

TEST(Core, APayloadChosenForAnotherParentIsAskedForAgain) {
  Fixture fx(1);
  const std::vector<Effect> start = fx.core->Start(1000);
  const RequestPayload* asked = nullptr;
  for (const Effect& e : start) {
    if (auto* r = std::get_if<RequestPayload>(&e)) asked = r;
  }
  ASSERT_NE(asked, nullptr);
  EXPECT_EQ(asked->parent, fx.genesis.header.Id());
  Transaction tx;
  tx.chain_id = kChain;
  tx.type = 1;
  tx.sequence = 1;
  const Hash32 other = Sha256Of(Bytes{1, 2, 3});
  std::vector<Effect> effects = fx.core->Handle(1001, PayloadReady{asked->round, other, {tx}});
  ASSERT_EQ(effects.size(), 1u);
  const auto* again = std::get_if<RequestPayload>(&effects[0]);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->round, asked->round);
  EXPECT_EQ(again->parent, fx.genesis.header.Id());

  effects = fx.core->Handle(1002, PayloadReady{again->round, again->parent, {tx}});
  const Proposal* proposed = nullptr;
  for (const Effect& e : effects) {
    if (auto* b = std::get_if<Broadcast>(&e)) proposed = std::get_if<Proposal>(&b->message);
  }
  ASSERT_NE(proposed, nullptr);
  EXPECT_EQ(proposed->block.header.parent_id, fx.genesis.header.Id());
  EXPECT_EQ(proposed->block.transactions.size(), 1u);
}

TEST(Core, TimerExpiryPersistsThenBroadcastsATimeout) {
  Fixture fx(4, 2);
  (void)fx.core->Start(1000);
  auto effects = fx.core->Handle(2000, TimerFired{Round(1)});
  ASSERT_GE(effects.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<PersistSafetyData>(effects[0]));
  const auto* b = std::get_if<Broadcast>(&effects[1]);
  ASSERT_NE(b, nullptr);
  const auto* t = std::get_if<Timeout>(&b->message);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->data.round, Round(1));
  // A stale timer is ignored.
  EXPECT_TRUE(fx.core->Handle(2001, TimerFired{Round(0)}).empty());
}

// A second, different proposal of the current round from its leader is evidence, and the
// validator gives up on the round at once: it signs and sends its timeout without waiting
// for the timer (a split round may have no quorum for either block). A third proposal is
// reported again but sends no second timeout.
TEST(Core, TwoProposalsOfTheRoundAreReportedAndTheRoundIsGivenUpAtOnce) {
  Fixture fx(4, 2);
  (void)fx.core->Start(1000);
  std::vector<Effect> effects = fx.core->Handle(1001, ProposalReceived{fx.FirstBlock(1, 1001)});
  const auto count = [&](auto pred) { return std::count_if(effects.begin(), effects.end(), pred); };
  const auto is_timeout = [](const Effect& e) {
    const auto* b = std::get_if<Broadcast>(&e);
    return b != nullptr && std::holds_alternative<Timeout>(b->message);
  };
  const auto is_report = [](const Effect& e) {
    return std::holds_alternative<ReportEquivocation>(e);
  };
  EXPECT_EQ(count(is_timeout), 0);

  effects = fx.core->Handle(1002, ProposalReceived{fx.FirstBlock(1, 1002)});
  EXPECT_EQ(count(is_report), 1);
  ASSERT_EQ(count(is_timeout), 1) << "the round is given up at once";
  const auto it = std::find_if(effects.begin(), effects.end(), is_timeout);
  EXPECT_EQ(std::get<Timeout>(std::get<Broadcast>(*it).message).data.round, Round(1));
  // Persisted before it leaves, as every signed timeout.
  ASSERT_TRUE(std::holds_alternative<PersistSafetyData>(*std::prev(it)));

  effects = fx.core->Handle(1003, ProposalReceived{fx.FirstBlock(1, 1003)});
  EXPECT_EQ(count(is_report), 1);
  EXPECT_EQ(count(is_timeout), 0) << "already timed out in round 1";
}

// A validator that does not vote says why (an effect its owner logs and counts).
TEST(Core, AProposalStampedTooFarAheadGetsNoVoteAndTheReasonIsSaid) {
  Fixture fx(4, 2);
  (void)fx.core->Start(1000);
  const std::uint64_t now = 1'000'000;
  const Proposal p = fx.FirstBlock(1, now + 3'600'000);  // An hour ahead of this node's clock.
  const auto effects = fx.core->Handle(now, ProposalReceived{p});
  const VoteRefused* refused = nullptr;
  for (const auto& e : effects) {
    EXPECT_FALSE(std::holds_alternative<SendTo>(e)) << "voted for a block an hour ahead";
    if (const auto* r = std::get_if<VoteRefused>(&e)) refused = r;
  }
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->round, Round(1));
  EXPECT_EQ(refused->reason, VoteRefusalReason::kTimestampAhead);
  EXPECT_EQ(VoteRefusalCode(refused->reason), "timestamp_ahead");
  EXPECT_NE(refused->detail.find("ahead of local time"), std::string::npos) << refused->detail;
}

}  // namespace
}  // namespace tamga::consensus

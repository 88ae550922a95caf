// tests/chaos/chaos_check_test.cc
// The chaos checker raises each alarm it is for: a checker that never fires proves nothing.

#include "tests/chaos/chaos_check.h"

#include <gtest/gtest.h>

namespace tamga::chaos {
namespace {

CommittedBlock B(std::string id, std::string root, std::vector<std::string> txs = {}) {
  return {std::move(id), std::move(root), std::move(txs)};
}

// Three nodes, one behind: a safe history.
std::vector<Chain> Safe() {
  const Chain full = {B("b1", "r1", {"t1"}), B("b2", "r2", {"t2", "t3"}), B("b3", "r2")};
  return {full, full, Chain(full.begin(), full.begin() + 2)};
}

TEST(ChaosCheck, ASafeHistoryPasses) {
  const Verdict v = Check(Safe(), {"t1", "t2", "t3"});
  EXPECT_TRUE(v.ok()) << v.problems.front();
  EXPECT_EQ(v.heights_compared, 3u);
  EXPECT_EQ(v.acknowledged_found, 3u);
}

TEST(ChaosCheck, TwoBlocksAtOneHeightAreDivergence) {
  auto chains = Safe();
  chains[2][1] = B("other", "r2", {"t2", "t3"});
  const Verdict v = Check(chains, {"t1"});
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_NE(v.problems[0].find("height 2: node 2 committed block other"), std::string::npos);
}

TEST(ChaosCheck, OneBlockWithTwoStateRootsIsDivergence) {
  auto chains = Safe();
  chains[1][2].state_root = "r9";
  const Verdict v = Check(chains, {});
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_NE(v.problems[0].find("height 3: node 1 has state root r9"), std::string::npos);
}

TEST(ChaosCheck, ATransactionCommittedTwiceIsCaught) {
  auto chains = Safe();
  for (Chain& c : chains) c[1].transactions.push_back("t1");
  const Verdict v = Check(chains, {"t1"});
  ASSERT_EQ(v.problems.size(), 3u);  // On each of the three chains.
  EXPECT_NE(v.problems[0].find("transaction t1 twice: at heights 1 and 2"), std::string::npos);
}

TEST(ChaosCheck, AnAcknowledgedTransactionNoNodeHoldsIsLost) {
  const Verdict v = Check(Safe(), {"t1", "t4"});
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_NE(v.problems[0].find("t4 was acknowledged"), std::string::npos);
  EXPECT_EQ(v.acknowledged_found, 1u);
}

// Nodes that joined from snapshots hold no blocks below them: those heights are compared
// among the nodes that hold them, and transactions there are found on any chain.
TEST(ChaosCheck, HeightsBelowASnapshotAreSkipped) {
  auto chains = Safe();
  chains[0][0] = B("", "");
  chains[0][1] = B("", "");
  Verdict v = Check(chains, {"t1", "t2"});
  EXPECT_TRUE(v.ok()) << v.problems.front();
  EXPECT_EQ(v.acknowledged_found, 2u);
  chains[2][1].id = "fork";
  v = Check(chains, {});
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_NE(v.problems[0].find("height 2: node 2 committed block fork"), std::string::npos);
}

TEST(ChaosCheck, ProblemsAreCapped) {
  std::vector<std::string> lost;
  for (int i = 0; i < 100; ++i) lost.push_back("x" + std::to_string(i));
  EXPECT_EQ(Check(Safe(), lost, 5).problems.size(), 5u);
}

}  // namespace
}  // namespace tamga::chaos

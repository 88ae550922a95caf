#include "consensus/block_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/sha256.h"

namespace tamga::consensus {
namespace {

Block Child(const Block& parent, std::uint64_t round, std::uint8_t variant = 0) {
  Block b;
  b.header.round = Round(round);
  b.header.height = parent.header.height.Next();
  b.header.parent_id = parent.header.Id();
  b.header.payload_root = Sha256Of(Bytes{variant});
  b.justify.data.block_id = parent.header.Id();
  b.justify.data.round = parent.header.round;
  return b;
}

SharedBlock Shared(const Block& b) { return std::make_shared<const Block>(b); }

TEST(BlockTree, InsertsOnlyConnectedBlocksAndRecordsTheParentsQc) {
  Block root;
  BlockTree tree(Shared(root), QuorumCertificate{});
  const Block a = Child(root, 1);
  const Block orphan = Child(Child(a, 2), 3);
  EXPECT_TRUE(tree.Insert(Shared(a)));
  EXPECT_FALSE(tree.Insert(Shared(orphan)));
  EXPECT_EQ(tree.size(), 2u);
  const Block b = Child(a, 2);
  ASSERT_TRUE(tree.Insert(Shared(b)));
  ASSERT_TRUE(tree.Get(a.header.Id())->qc.has_value());
  EXPECT_EQ(tree.Get(a.header.Id())->qc->data.block_id, a.header.Id());
}

TEST(BlockTree, PruningKeepsOnlyDescendantsOfTheNewRoot) {
  Block root;
  BlockTree tree(Shared(root), QuorumCertificate{});
  const Block a = Child(root, 1), a2 = Child(root, 2, 1);
  const Block b = Child(a, 3), c = Child(b, 4), fork = Child(a, 5, 2);
  for (const Block* x : {&a, &a2, &b, &c, &fork}) ASSERT_TRUE(tree.Insert(Shared(*x)));
  const auto path = tree.PathFromRoot(c.header.Id());
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0]->id, a.header.Id());
  EXPECT_EQ(path[2]->id, c.header.Id());
  tree.PruneTo(b.header.Id());
  EXPECT_EQ(tree.root_id(), b.header.Id());
  EXPECT_TRUE(tree.Contains(c.header.Id()));
  EXPECT_FALSE(tree.Contains(a2.header.Id()));
  EXPECT_FALSE(tree.Contains(fork.header.Id()));
  EXPECT_FALSE(tree.Contains(a.header.Id()));
  EXPECT_EQ(tree.size(), 2u);
}

// Random trees pruned again and again: what stays is exactly what descends from the new
// root (found by walking each block's parents, as a reference), and every block's children
// are the blocks that name it, in the order of their ids.
TEST(BlockTree, PruningAndChildrenAgreeWithWalkingParents) {
  std::mt19937_64 rng(7);
  Block root;
  BlockTree tree(Shared(root), QuorumCertificate{});
  std::vector<Block> known{root};  // Every block ever inserted, pruned or not.
  std::uint64_t round = 1;
  for (int step = 0; step < 40; ++step) {
    for (int i = 0; i < 25; ++i) {  // Grow: a child of a random block still in the tree.
      std::vector<const Block*> live;
      for (const Block& b : known) {
        if (tree.Contains(b.header.Id())) live.push_back(&b);
      }
      const Block& parent = *live[rng() % live.size()];
      known.push_back(Child(parent, round++, static_cast<std::uint8_t>(rng())));
      ASSERT_TRUE(tree.Insert(Shared(known.back())));
    }
    for (const Block& b : known) {
      if (!tree.Contains(b.header.Id())) continue;
      std::vector<Hash32> expected;
      for (const Block& c : known) {
        if (tree.Contains(c.header.Id()) && c.header.parent_id == b.header.Id())
          expected.push_back(c.header.Id());
      }
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(tree.ChildrenOf(b.header.Id()), expected);
    }
    // Prune to a random descendant of the root one to three levels down.
    Hash32 to = tree.root_id();
    for (int depth = 1 + static_cast<int>(rng() % 3); depth > 0; --depth) {
      const auto children = tree.ChildrenOf(to);
      if (children.empty()) break;
      to = children[rng() % children.size()];
    }
    std::set<Hash32> descendants;
    for (const Block& b : known) {
      const BlockNode* n = tree.Get(b.header.Id());
      while (n != nullptr && n->id != to) n = tree.Get(n->block->header.parent_id);
      if (n != nullptr) descendants.insert(b.header.Id());
    }
    tree.PruneTo(to);
    EXPECT_EQ(tree.root_id(), to);
    std::set<Hash32> kept;
    for (const Block& b : known) {
      if (tree.Contains(b.header.Id())) kept.insert(b.header.Id());
    }
    ASSERT_EQ(kept, descendants);
    ASSERT_EQ(tree.size(), kept.size());
  }
}

}  // namespace
}  // namespace tamga::consensus

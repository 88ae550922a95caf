#include "consensus/block_tree.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tamga::consensus

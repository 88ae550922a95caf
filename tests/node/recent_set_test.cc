// tests/node/recent_set_test.cc

#include "node/recent_set.h"

#include <gtest/gtest.h>

namespace tamga::node {
namespace {

TEST(RecentSet, KnowsWhatItHoldsAndForgetsTheOldestFirst) {
  RecentSet<int> s(3);
  EXPECT_TRUE(s.Insert(1));
  EXPECT_TRUE(s.Insert(2));
  EXPECT_FALSE(s.Insert(1)) << "a key already held";
  EXPECT_TRUE(s.Insert(3));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.Insert(4));  // Forgets 1, the oldest.
  EXPECT_EQ(s.size(), 3u);
  EXPECT_FALSE(s.Contains(1));
  EXPECT_TRUE(s.Contains(2));
  EXPECT_TRUE(s.Contains(4));
  EXPECT_TRUE(s.Insert(1)) << "a forgotten key is new again";
  EXPECT_FALSE(s.Contains(2));
}

TEST(RecentSet, OfCapacityZeroHoldsNothing) {
  RecentSet<int> s(0);
  EXPECT_FALSE(s.Insert(1));
  EXPECT_FALSE(s.Contains(1));
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace tamga::node

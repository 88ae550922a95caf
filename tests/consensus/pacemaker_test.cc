#include "consensus/pacemaker.h"

#include <gtest/gtest.h>

namespace tamga::consensus {
namespace {

TEST(Pacemaker, BacksOffByHalfOnEachTimeoutUpToTheCapAndResetsOnAQc) {
  Pacemaker p(1000, 8000);
  EXPECT_TRUE(p.Advance(Round(1), false));
  EXPECT_EQ(p.TimeoutMs(), 1000u);
  EXPECT_TRUE(p.Advance(Round(2), true));
  EXPECT_EQ(p.TimeoutMs(), 1500u);
  EXPECT_TRUE(p.Advance(Round(3), true));
  EXPECT_EQ(p.TimeoutMs(), 2250u);
  for (std::uint64_t r = 4; r < 20; ++r) EXPECT_TRUE(p.Advance(Round(r), true));
  EXPECT_EQ(p.TimeoutMs(), 8000u);
  EXPECT_TRUE(p.Advance(Round(20), false));
  EXPECT_EQ(p.TimeoutMs(), 1000u);
}

TEST(Pacemaker, NeverGoesBack) {
  Pacemaker p(1000, 8000);
  EXPECT_TRUE(p.Advance(Round(5), false));
  EXPECT_FALSE(p.Advance(Round(5), false));
  EXPECT_FALSE(p.Advance(Round(3), true));
  EXPECT_EQ(p.current(), Round(5));
}

}  // namespace
}  // namespace tamga::consensus

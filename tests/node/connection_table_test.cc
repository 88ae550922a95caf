// tests/node/connection_table_test.cc
// The API's connection table: caps per address and in all, and who gives up their place.

#include "node/connection_table.h"

#include <gtest/gtest.h>

namespace tamga::node {
namespace {

TEST(ConnectionTable, AnAddressAtItsCapRecyclesItsOwnLongestIdleConnection) {
  ConnectionTable t(/*total=*/10, /*per_address=*/3);
  for (std::uint64_t id = 1; id <= 3; ++id) {
    const auto a = t.Admit("10.0.0.9", id, /*now_ms=*/id);
    EXPECT_TRUE(a.admitted);
    EXPECT_FALSE(a.evict.has_value());
  }
  EXPECT_TRUE(t.Admit("10.0.0.1", 50, 4).admitted);
  // The fourth from 10.0.0.9 takes the place of its own oldest idle one (1), not 50's.
  auto a = t.Admit("10.0.0.9", 4, 5);
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(a.evict, 1u);
  EXPECT_EQ(t.CountFrom("10.0.0.9"), 3u);
  EXPECT_EQ(t.CountFrom("10.0.0.1"), 1u);
  // Busy connections (reading or answering a request) are never evicted: with all three
  // busy, a fourth is refused.
  for (std::uint64_t id : {2, 3, 4}) t.SetIdle(id, false, 6);
  a = t.Admit("10.0.0.9", 5, 7);
  EXPECT_FALSE(a.admitted);
  EXPECT_FALSE(a.evict.has_value());
  EXPECT_EQ(t.size(), 4u);
}

TEST(ConnectionTable, AFullTableGivesTheLongestIdlePlaceToANewcomer) {
  ConnectionTable t(/*total=*/4, /*per_address=*/4);
  t.Admit("a", 1, 10);
  t.Admit("a", 2, 20);
  t.Admit("b", 3, 30);
  t.Admit("b", 4, 40);
  t.SetIdle(1, false, 50);  // 1 is answering a request: busy.
  auto a = t.Admit("c", 5, 60);
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(a.evict, 2u);  // The longest idle (since 20), not the busy 1.
  // A connection that went busy and idle again counts from its new idle time.
  t.SetIdle(3, false, 61);
  t.SetIdle(3, true, 62);
  a = t.Admit("d", 6, 70);
  EXPECT_EQ(a.evict, 4u);  // Idle since 40; 3 only since 62, 5 since 60.
  EXPECT_EQ(t.size(), 4u);
}

TEST(ConnectionTable, AHolderOfManyIdleConnectionsLocksNobodyOut) {
  ConnectionTable t(/*total=*/256, /*per_address=*/32);
  std::uint64_t id = 1;
  // An attacker from one address opens thousands and sends nothing.
  for (int i = 0; i < 5000; ++i, ++id) EXPECT_TRUE(t.Admit("203.0.113.7", id, id).admitted);
  EXPECT_EQ(t.CountFrom("203.0.113.7"), 32u);
  // Two hundred honest clients from other addresses all get in, and keep their places.
  for (int i = 0; i < 200; ++i, ++id) {
    const auto a = t.Admit("198.51.100." + std::to_string(i), id, id);
    EXPECT_TRUE(a.admitted);
    EXPECT_FALSE(a.evict.has_value());
  }
  EXPECT_EQ(t.size(), 232u);
}

TEST(ConnectionTable, ReleaseFreesThePlaceAndUnknownIdsAreIgnored) {
  ConnectionTable t(2, 2);
  t.Admit("a", 1, 1);
  t.Admit("a", 2, 2);
  t.SetIdle(1, false, 3);
  t.SetIdle(2, false, 3);
  EXPECT_FALSE(t.Admit("b", 3, 4).admitted);
  t.Release(1);
  t.Release(1);
  t.Release(99);
  t.SetIdle(99, true, 5);
  EXPECT_TRUE(t.Admit("b", 3, 6).admitted);
  EXPECT_EQ(t.CountFrom("a"), 1u);
  EXPECT_EQ(t.CountFrom("b"), 1u);
}

}  // namespace
}  // namespace tamga::node

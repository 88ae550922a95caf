// tests/node/rate_limiter_test.cc
// The API's submission limits (node/rate_limiter.h): a burst passes, then a key is held to
// its rate and told how long to wait; keys do not share buckets; idle keys are forgotten;
// the table never holds more than its cap; IPv6 clients count by their /64.

#include "node/rate_limiter.h"

#include <gtest/gtest.h>

namespace tamga::node {
namespace {

TEST(RateLimiter, ABurstPassesThenTheKeyWaitsForItsRate) {
  RateLimiter limit(/*per_second=*/10, /*burst=*/3);
  EXPECT_EQ(limit.Take("a", 1000), 0u);
  EXPECT_EQ(limit.Take("a", 1000), 0u);
  EXPECT_EQ(limit.Take("a", 1000), 0u);
  EXPECT_EQ(limit.Take("a", 1000), 100u) << "one token every 100 ms";
  EXPECT_EQ(limit.Take("a", 1060), 40u);
  EXPECT_EQ(limit.Take("a", 1100), 0u);
  EXPECT_EQ(limit.Take("a", 1100), 100u);
}

TEST(RateLimiter, ABatchTakesAsManyTokensAsItHolds) {
  RateLimiter limit(/*per_second=*/10, /*burst=*/5);
  EXPECT_EQ(limit.burst(), 5u);
  EXPECT_EQ(limit.Take("a", 1000, 4), 0u);
  EXPECT_EQ(limit.Take("a", 1000, 2), 100u) << "one left, two asked: one more in 100 ms";
  EXPECT_EQ(limit.Take("a", 1100, 2), 0u);
  EXPECT_EQ(limit.Take("a", 1100, 1), 100u);
  EXPECT_EQ(RateLimiter(0, 0).burst(), 0u) << "no limit";
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  RateLimiter limit(1, 1);
  EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_GT(limit.Take("a", 0), 0u);
  EXPECT_EQ(limit.Take("b", 0), 0u) << "a's flood costs b nothing";
}

TEST(RateLimiter, ARefusedTakeCostsNothing) {
  RateLimiter limit(10, 1);
  EXPECT_EQ(limit.Take("a", 0), 0u);
  for (int i = 0; i < 50; ++i) EXPECT_GT(limit.Take("a", 50), 0u);
  EXPECT_EQ(limit.Take("a", 100), 0u) << "hammering while refused does not push the wait back";
}

TEST(RateLimiter, ARefundGivesBackTheToken) {
  RateLimiter limit(1, 2);
  EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_EQ(limit.Take("a", 0), 0u);
  limit.Refund("a");
  EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_GT(limit.Take("a", 0), 0u);
  limit.Refund("a");
  limit.Refund("a");
  limit.Refund("a");
  EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_GT(limit.Take("a", 0), 0u) << "refunds never fill a bucket past its burst";
  limit.Refund("unknown");
  EXPECT_EQ(limit.size(), 1u);
}

TEST(RateLimiter, IdleKeysAreForgotten) {
  RateLimiter limit(10, 5);
  for (int k = 0; k < 100; ++k) limit.Take("k" + std::to_string(k), 0);
  EXPECT_EQ(limit.size(), 100u);
  limit.Take("late", 1000);  // 1 s later every bucket above is full again.
  EXPECT_EQ(limit.size(), 1u);
}

TEST(RateLimiter, TheTableStaysWithinItsCap) {
  RateLimiter limit(1, 1, /*keys_max=*/8);
  for (int k = 0; k < 1000; ++k) {
    EXPECT_EQ(limit.Take("k" + std::to_string(k), 0), 0u) << "a new key starts with its burst";
    EXPECT_LE(limit.size(), 8u);
  }
  // The most recent keys are still held to their rate.
  EXPECT_GT(limit.Take("k999", 0), 0u);
}

TEST(RateLimiter, ZeroRateIsNoLimit) {
  RateLimiter limit(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limit.Take("a", 0), 0u);
  EXPECT_EQ(limit.size(), 0u);
}

TEST(ClientKey, IPv4AsItIsIPv6ByItsSlash64) {
  EXPECT_EQ(ClientKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientKey("2001:db8:1:2::1"), ClientKey("2001:db8:1:2:ffff::9"));
  EXPECT_NE(ClientKey("2001:db8:1:2::1"), ClientKey("2001:db8:1:3::1"));
  EXPECT_EQ(ClientKey("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientKey("?"), "?");
}

}  // namespace
}  // namespace tamga::node

// tests/common/failpoint_test.cc
// Failpoints (common/failpoint.h): unarmed they do nothing; armed by TAMGA_FAILPOINT they
// end the process at the named point's Nth reach with kFailpointExit, and a malformed
// setting or an unknown name stops the process at its first failpoint instead of
// running unarmed.

#include "common/failpoint.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

namespace tamga {
namespace {

class FailpointTest : public ::testing::Test {
 protected:
  // Death tests run the statement in a fresh process (the arming is read once a process).
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  void TearDown() override { ::unsetenv("TAMGA_FAILPOINT"); }
};

TEST_F(FailpointTest, UnarmedNothingHappens) {
  EXPECT_EXIT(
      {
        for (int i = 0; i < 10; ++i) Failpoint("ledger.commit.before");
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(FailpointTest, ArmedItEndsTheProcessAtTheNthReachOfThatNameOnly) {
  ::setenv("TAMGA_FAILPOINT", "ledger.commit.before@3", 1);
  EXPECT_EXIT(
      {
        Failpoint("ledger.commit.before");
        Failpoint("ledger.commit.after");
        Failpoint("ledger.commit.before");
        Failpoint("ledger.commit.before");
        std::exit(0);
      },
      ::testing::ExitedWithCode(kFailpointExit), "failpoint ledger.commit.before reached \\(3\\)");
  EXPECT_EXIT(
      {
        Failpoint("ledger.commit.before");
        Failpoint("ledger.commit.before");
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  ::setenv("TAMGA_FAILPOINT", "safety.save.after", 1);
  EXPECT_EXIT(Failpoint("safety.save.after"), ::testing::ExitedWithCode(kFailpointExit), "");
}

TEST_F(FailpointTest, AMalformedSettingIsRefused) {
  for (const char* bad : {"ledger.commit.before@0", "ledger.commit.before@x"}) {
    ::setenv("TAMGA_FAILPOINT", bad, 1);
    EXPECT_EXIT(Failpoint("anything"), ::testing::ExitedWithCode(2), "not name or name@N") << bad;
  }
  // A misspelt name would otherwise never fire, and a harness wait for nothing.
  for (const char* unknown : {"ledger.comit.before", "@5", "a@"}) {
    ::setenv("TAMGA_FAILPOINT", unknown, 1);
    EXPECT_EXIT(Failpoint("anything"), ::testing::ExitedWithCode(2), "names no failpoint")
        << unknown;
  }
}

TEST(Failpoints, NamesComeInBeforeAndAfterPairs) {
  std::set<std::string> names(FailpointNames().begin(), FailpointNames().end());
  EXPECT_EQ(names.size(), FailpointNames().size()) << "a name listed twice";
  for (const std::string& n : names) {
    const bool before = n.ends_with(".before"), after = n.ends_with(".after");
    ASSERT_TRUE(before || after) << n;
    const std::string stem = n.substr(0, n.rfind('.'));
    EXPECT_TRUE(names.count(stem + (before ? ".after" : ".before"))) << n << " has no pair";
  }
}

}  // namespace
}  // namespace tamga

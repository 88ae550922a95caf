// tests/e2e/traffic_test.cc
// tamga-traffic (testnet/traffic_main.cc) against four real tamgad processes: a quarter of
// a simulated day of trade, and its follow-ups, played through the API at 100,000 times
// real speed; every step accepted, and the node's own indicators (GET /v1/kpis) count
// every transit, crossing, first use and verification the plan made (--check).

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/cluster.h"
#include "tests/e2e/timestamp_tools.h"

namespace tamga::testing {
namespace {

TEST(TrafficE2e, APlayedPlanIsAcceptedAndCountedByTheNode) {
  Cluster c("e2e_traffic", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }, std::chrono::seconds(30)))
      << c.Log(0);
  const std::string dir = std::filesystem::path(c.GenesisFile()).parent_path().string();
  const Output run = Shell(std::string(TAMGA_TRAFFIC) + " --testnet " + dir +
                           " --days 0.25 --speed 100000 --seed 7 --check");
  EXPECT_EQ(run.exit, 0) << run.text;
  EXPECT_NE(run.text.find("every count as planned"), std::string::npos) << run.text;
  EXPECT_NE(run.text.find("transit_time"), std::string::npos) << run.text;
  EXPECT_EQ(run.text.find("rejected,"), std::string::npos) << run.text;
  EXPECT_EQ(run.text.find("refused,"), std::string::npos) << run.text;
}

}  // namespace
}  // namespace tamga::testing

// tests/e2e/crash_test.cc
// A crash at every durable write (shared/TESTING.md, layer L3), with real processes. For
// each failpoint around a durable write of tamgad (common/failpoint.h), a node of a
// four-validator cluster under load is armed to end there, as a power cut would, the fifth
// time it gets there (a few blocks in); it is started again without the failpoint and
// must commit again within 20 s, with no validator seeing two votes or proposals of one
// round from anyone, and every node at the same state root. The start-up writes (the
// genesis, the first safety data) are crashed at their first reach. The safety data
// written when a node resumes after losing it, or joins from a snapshot without it
// ("safety.reset"), and the snapshot's install ("ledger.snapshot") have their failpoints
// but no crash run here yet. A scan of the daemon's sources checks that every
// durable write has its two failpoints, so a new write without them fails here.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/failpoint.h"
#include "common/sha256.h"
#include "tests/e2e/cluster.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using std::chrono::seconds;

// Node `i` started with TAMGA_FAILPOINT = `spec` in its environment only.
void StartArmed(Cluster& c, std::size_t i, const std::string& spec) {
  ::setenv("TAMGA_FAILPOINT", spec.c_str(), 1);
  c.Start(i);
  ::unsetenv("TAMGA_FAILPOINT");
}

// Anchors through node 0, one every 50 ms, until destroyed: blocks keep coming.
class Load {
 public:
  explicit Load(Cluster& c) : thread_([this, &c] { Run(c); }) {}
  ~Load() {
    stop_ = true;
    thread_.join();
  }

 private:
  void Run(Cluster& c) {
    std::unique_ptr<client::HttpClient> client;
    std::uint64_t seq = 1;
    while (!stop_) {
      if (!client) {
        auto connected = client::HttpClient::Connect(c.api(0), 5'000);
        if (connected.ok()) client = std::make_unique<client::HttpClient>(std::move(*connected));
      }
      const std::string ref = "CRASH-" + std::to_string(seq);
      const Transaction tx = c.Tx(c.admin(2), TxType::kAnchorDocument,
                                  Encode(contracts::AnchorDocument{contracts::DocumentType::kOther,
                                                                   Sha256Of(AsBytes(ref)), ref}),
                                  seq);
      const int status = client ? Cluster::SubmitWith(*client, tx).first : 0;
      if (status == 202) ++seq;
      if (status == 0) client.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// After node 1 came back: it commits again within 20 s, nobody saw an equivocation, and
// the four agree on the state.
void ExpectRecovered(Cluster& c) {
  const std::uint64_t before = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(1) >= before + 3; }, seconds(20)))
      << "node 1 did not commit again within 20 s" << c.Log(1);
  const std::uint64_t h = c.Height(1);
  std::optional<std::string> root;
  for (std::size_t i = 0; i < 4; ++i) {
    auto r = c.StateRootAt(i, h);
    ASSERT_TRUE(r.has_value()) << "node " << i << " at height " << h << c.Log(i);
    if (!root) root = r;
    EXPECT_EQ(*r, *root) << "node " << i << " diverged at height " << h;
    EXPECT_EQ(c.Log(i).find("equivocation"), std::string::npos) << "node " << i << c.Log(i);
  }
}

class CrashAt : public ::testing::TestWithParam<std::string_view> {};

TEST_P(CrashAt, TheNodeComesBackAndNothingDivergesOrIsSignedTwice) {
  const std::string name(GetParam());
  Cluster c("e2e_crash", 4);
  for (std::size_t i : {0, 2, 3}) c.Start(i);
  StartArmed(c, 1, name + "@5");
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);
  {
    Load load(c);
    ASSERT_TRUE(c.WaitForExit(1, seconds(60))) << name << " was never reached" << c.Log(1);
    EXPECT_EQ(c.last_exit(1), kFailpointExit) << c.Log(1);
    EXPECT_NE(c.Log(1).find("failpoint " + name + " reached"), std::string::npos) << c.Log(1);
    c.Start(1);
    ExpectRecovered(c);
  }
  std::cout << name << ": crashed, restarted, committing at height " << c.Height(1) << "\n";
}

INSTANTIATE_TEST_SUITE_P(DurableWrites, CrashAt,
                         ::testing::Values("consensus.save.before", "consensus.save.after",
                                           "safety.save.before", "safety.save.after",
                                           "ledger.commit.before", "ledger.commit.after"),
                         [](const ::testing::TestParamInfo<std::string_view>& param) {
                           std::string n(param.param);
                           for (char& ch : n) ch = ch == '.' ? '_' : ch;
                           return n;
                         });

TEST(CrashAtStart, ACrashWhileTheGenesisOrTheFirstSafetyDataIsWrittenStartsAgain) {
  for (const char* name : {"ledger.initialise.before", "ledger.initialise.after",
                           "safety.create.before", "safety.create.after"}) {
    Cluster c("e2e_crash_start", 4);
    for (std::size_t i : {0, 2, 3}) c.Start(i);
    StartArmed(c, 1, name);
    ASSERT_TRUE(c.WaitForExit(1, seconds(60))) << c.Log(1);
    EXPECT_EQ(c.last_exit(1), kFailpointExit) << c.Log(1);
    c.Start(1);
    ExpectRecovered(c);
  }
}

// Every durable write of the daemon's code has a failpoint just before and just after
// it, and every failpoint is one FailpointNames() lists (and this test crashes at).
TEST(Failpoints, EveryDurableWriteOfTheDaemonHasOneBeforeAndAfter) {
  namespace fs = std::filesystem;
  const std::regex durable(R"(/\*sync=\*/true|safety_\.Save\(|WriteFileAtomic\()");
  const std::regex failpoint(R"re(Failpoint\("([a-z_.]+)"\))re");
  std::set<std::string> used;
  std::size_t sites = 0;
  for (const char* dir : {"node", "ledger", "consensus", "net", "contracts"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(TAMGA_SOURCE_DIR) / dir)) {
      if (entry.path().extension() != ".cc") continue;
      // The safety file's own write is reached only through SafetyFile::Save.
      if (entry.path().filename() == "safety_file.cc") continue;
      std::ifstream in(entry.path());
      std::vector<std::string> lines;
      for (std::string line; std::getline(in, line);) lines.push_back(line);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        if (std::regex_search(lines[i], m, failpoint)) used.insert(m[1]);
        if (!std::regex_search(lines[i], durable)) continue;
        ++sites;
        std::string before, after;
        for (std::size_t k = i >= 2 ? i - 2 : 0; k < i; ++k) before += lines[k];
        for (std::size_t k = i + 1; k < std::min(lines.size(), i + 3); ++k) after += lines[k];
        const std::string where = entry.path().string() + ":" + std::to_string(i + 1);
        EXPECT_NE(before.find(".before\")"), std::string::npos)
            << where << ": a durable write without Failpoint(\"<what>.before\") just above";
        EXPECT_NE(after.find(".after\")"), std::string::npos)
            << where << ": a durable write without Failpoint(\"<what>.after\") just below";
      }
    }
  }
  EXPECT_GE(sites, 5u) << "the scan found fewer durable writes than the daemon has";
  const std::set<std::string> listed(FailpointNames().begin(), FailpointNames().end());
  EXPECT_EQ(used, listed) << "FailpointNames() and the failpoints in the code differ";
}

}  // namespace
}  // namespace tamga::testing

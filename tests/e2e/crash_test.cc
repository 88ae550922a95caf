// tests/e2e/crash_test.cc
// A crash at every durable write (shared/TESTING.md, layer L3), with real processes. For
// each failpoint around a durable write of tamgad (common/failpoint.h), a node of a
// four-validator cluster under load is armed to end there, as kill -9 would, the fifth time
// it gets there (a few blocks in; TAMGA_CRASH_REACHES="3 5 9 17" runs each of those
// reaches, on a fresh cluster each, for other heights and roles); it is started again
// without the failpoint and must commit again within 20 s, with no validator seeing two
// votes or proposals of one round from anyone, and every node at the same state root. The
// start-up writes (the genesis, the first safety data) are crashed at their first reach.
// The safety data written when a node resumes after losing it, or joins from a snapshot
// without it ("safety.reset"), and the snapshot's install ("ledger.snapshot") have their
// failpoints but no crash run here yet. A scan of the daemon's sources checks that every
// durable write has its two failpoints, so a new write without them fails here. And disks
// that fail (DiskFaults): syncs that fail with EIO, and a disk that fills up.

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
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

// Anchors through node 0, one every 20 ms, until destroyed: blocks keep coming, full.
class Load {
 public:
  explicit Load(Cluster& c) : thread_([this, &c] { Run(c); }) {}
  ~Load() {
    stop_ = true;
    thread_.join();
  }
  // The ids of the anchors node 0 acknowledged so far.
  std::vector<Hash32> Acknowledged() {
    std::lock_guard lock(mu_);
    return acknowledged_;
  }
  // Whether at least `count` anchors were acknowledged and the `nth` is committed on `node`.
  bool CommittedOn(Cluster& c, std::size_t node, std::size_t count, std::size_t nth) {
    const auto acked = Acknowledged();
    return acked.size() >= count && c.TxStatus(node, acked[nth]) == "committed";
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
      if (status == 202) {
        ++seq;
        std::lock_guard lock(mu_);
        acknowledged_.push_back(tx.Hash());
      }
      if (status == 0) client.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::mutex mu_;
  std::vector<Hash32> acknowledged_;
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

// The reaches to crash at: TAMGA_CRASH_REACHES ("3 5 9 17", say: each a fresh cluster, so
// the crash comes at other heights and in other roles, leader or not), else the fifth.
std::vector<unsigned> Reaches() {
  std::vector<unsigned> out;
  if (const char* v = std::getenv("TAMGA_CRASH_REACHES")) {
    std::istringstream in(v);
    for (unsigned r; in >> r;) {
      if (r > 0) out.push_back(r);
    }
  }
  if (out.empty()) out.push_back(5);
  return out;
}

void CrashOnce(const std::string& name, unsigned reach) {
  Cluster c("e2e_crash", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);
  Load load(c);
  // Under load (anchors committed, on node 1 too), node 1 is restarted armed, so that the
  // armed reach from then on comes with full blocks, a few heights on.
  ASSERT_TRUE(Cluster::WaitFor([&] { return load.CommittedOn(c, 1, 20, 9); })) << c.Log(1);
  c.Terminate(1);
  StartArmed(c, 1, name + "@" + std::to_string(reach));
  ASSERT_TRUE(c.WaitForExit(1, seconds(60))) << name << " was never reached" << c.Log(1);
  EXPECT_EQ(c.last_exit(1), kFailpointExit) << c.Log(1);
  EXPECT_NE(c.Log(1).find("failpoint " + name + " reached"), std::string::npos) << c.Log(1);
  const std::size_t acked_at_crash = load.Acknowledged().size();
  c.Start(1);
  ExpectRecovered(c);
  // What node 0 acknowledged before the crash is committed on the restarted node.
  const auto acked = load.Acknowledged();
  ASSERT_GE(acked.size(), acked_at_crash);
  EXPECT_TRUE(Cluster::WaitFor([&] {
    return c.TxStatus(1, acked[acked_at_crash - 1]) == "committed";
  })) << c.Log(1);
  std::cout << name << "@" << reach << ": crashed under load, restarted, committing at height "
            << c.Height(1) << " (" << acked.size() << " anchors acknowledged)\n";
}

TEST_P(CrashAt, TheNodeComesBackAndNothingDivergesOrIsSignedTwice) {
  for (unsigned reach : Reaches()) {
    SCOPED_TRACE("reach " + std::to_string(reach));
    CrashOnce(std::string(GetParam()), reach);
    if (HasFatalFailure()) return;
  }
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

// Disks that fail (shared/TESTING.md, scenario 12). The node must stop at once, with exit
// status 3 and the reason in its log, rather than go on with state it could not persist;
// started again on a working disk, it catches up with no double vote and the same state.

// Node 1 stops by itself within 60 s, with exit status 3 and a fatal log line naming `cause`.
void ExpectStoppedFor(Cluster& c, const std::string& cause) {
  ASSERT_TRUE(c.WaitForExit(1, seconds(60))) << "node 1 went on after: " << cause << c.Log(1);
  EXPECT_EQ(c.last_exit(1), 3) << c.Log(1);
  const std::string log = c.Log(1);
  EXPECT_NE(log.find("fatal"), std::string::npos) << log;
  EXPECT_NE(log.find(cause), std::string::npos) << log;
}

// Node 1 started with its fsync and fdatasync calls failing with EIO after the first
// `after` (tests/e2e/fault_sync.cc, preloaded into that process only).
void StartWithFailingSyncs(Cluster& c, long after) {
  ::setenv("LD_PRELOAD", TAMGA_FAULT_SYNC, 1);
  ::setenv("TAMGA_FAULT_SYNC_AFTER", std::to_string(after).c_str(), 1);
  c.Start(1);
  ::unsetenv("LD_PRELOAD");
  ::unsetenv("TAMGA_FAULT_SYNC_AFTER");
}

TEST(DiskFaults, ASyncThatFailsStopsTheNodeAndItComesBackWhole) {
  Cluster c("e2e_disk_eio", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);
  Load load(c);
  ASSERT_TRUE(Cluster::WaitFor([&] { return load.Acknowledged().size() >= 10; })) << c.Log(0);
  c.Terminate(1);
  // Some 40 syncs in (a few rounds under load), every sync fails from then on.
  StartWithFailingSyncs(c, 40);
  ExpectStoppedFor(c, "Input/output error");
  if (HasFatalFailure()) return;
  c.Start(1);
  ExpectRecovered(c);
}

// A tmpfs of `bytes` mounted over `dir` (what was in `dir` is copied onto it), unmounted
// when destroyed; with `Fill` the disk is made full.
class SmallDisk {
 public:
  SmallDisk(std::string dir, std::uint64_t bytes) : dir_(std::move(dir)) {
    namespace fs = std::filesystem;
    const std::string held = dir_ + ".held";
    std::error_code ec;
    fs::create_directories(dir_, ec);
    fs::rename(dir_, held, ec);
    fs::create_directories(dir_, ec);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::strerror(errno);
      fs::remove(dir_, ec);
      fs::rename(held, dir_, ec);
      return;
    }
    mounted_ = true;
    fs::copy(held, dir_, fs::copy_options::recursive, ec);
    fs::remove_all(held, ec);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  const std::string& error() const { return error_; }
  // Takes all the free space but `leave` bytes.
  void Fill(std::uint64_t leave) {
    struct statvfs st {};
    ASSERT_EQ(::statvfs(dir_.c_str(), &st), 0);
    const std::uint64_t free = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
    ASSERT_GT(free, leave);
    std::ofstream filler(dir_ + "/filler", std::ios::binary);
    const std::string block(1 << 16, '\0');
    for (std::uint64_t left = free - leave; left > 0;) {
      const std::uint64_t n = std::min<std::uint64_t>(left, block.size());
      filler.write(block.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
  }
  void Free() { std::filesystem::remove(dir_ + "/filler"); }

 private:
  std::string dir_;
  std::string error_;
  bool mounted_ = false;
};

TEST(DiskFaults, AFullDiskStopsTheNodeAndFreeingSpaceBringsItBack) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  Cluster c("e2e_disk_full", 4);
  // Smaller than RocksDB's preallocation of its log (some 70 MB), which then grows as
  // written: a full disk is felt by the next commit, not 70 MB later.
  SmallDisk disk(c.DataDir(1), 48 << 20);  // Unmounted before the cluster's folder goes.
  if (!disk.error().empty()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(1) >= 1; })) << c.Log(1);
  Load load(c);
  ASSERT_TRUE(Cluster::WaitFor([&] { return load.CommittedOn(c, 1, 10, 5); })) << c.Log(1);
  disk.Fill(16 << 10);
  ExpectStoppedFor(c, "No space left on device");
  if (HasFatalFailure()) return;
  disk.Free();
  c.Start(1);
  ExpectRecovered(c);
}

// Every durable write of the daemon's code has a failpoint of one name just before it and
// just after it ("<what>.before", "<what>.after"), and every failpoint is one
// FailpointNames() lists. Durable writes: a synced write batch, a store's Sync(), a save of
// the safety file, an atomic file replacement, a raw fsync; in every folder of code tamgad runs
// (common/'s own definitions of the primitives aside).
TEST(Failpoints, EveryDurableWriteOfTheDaemonHasOneBeforeAndAfter) {
  namespace fs = std::filesystem;
  const std::regex durable(
      R"(/\*sync=\*/true|sync\s*=\s*true|\.Sync\(\)|safety_\.Save\(|WriteFileAtomic\(|\bf(data)?sync\()");
  const std::regex failpoint(R"re(Failpoint\("([a-z_.]+)\.(before|after)"\))re");
  // Where the primitives themselves are written (KvStore's default Sync among them): reached only
  // through the sites above. And tsa/pki.cc, which writes a new TSA key for the command line (tamga
  // tsa init, testnet init) and is never called by tamgad.
  const std::set<std::string> primitives = {"file_util.h", "file_util.cc", "safety_file.cc",
                                            "kv_store.h",  "key_file.cc",  "pki.cc"};
  std::set<std::string> used;
  std::size_t sites = 0;
  for (const char* dir : {"node", "ledger", "consensus", "net", "contracts", "client", "web",
                          "common", "tsa", "witness"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(TAMGA_SOURCE_DIR) / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      if (primitives.count(entry.path().filename().string())) continue;
      std::ifstream in(entry.path());
      std::vector<std::string> lines;
      for (std::string line; std::getline(in, line);) lines.push_back(line);
      // The stems of the failpoints of one kind in lines [from, to).
      const auto stems = [&](std::size_t from, std::size_t to, const std::string& kind) {
        std::set<std::string> out;
        for (std::size_t k = from; k < std::min(to, lines.size()); ++k) {
          for (std::sregex_iterator m(lines[k].begin(), lines[k].end(), failpoint), e; m != e;
               ++m) {
            if ((*m)[2] == kind) out.insert((*m)[1]);
          }
        }
        return out;
      };
      for (std::size_t i = 0; i < lines.size(); ++i) {
        for (std::sregex_iterator m(lines[i].begin(), lines[i].end(), failpoint), e; m != e; ++m) {
          used.insert(std::string((*m)[1]) + "." + std::string((*m)[2]));
        }
        if (lines[i].find("Failpoint(") != std::string::npos) continue;
        if (!std::regex_search(lines[i], durable)) continue;
        ++sites;
        const auto before = stems(i >= 2 ? i - 2 : 0, i, "before");
        const auto after = stems(i + 1, i + 3, "after");
        bool paired = false;
        for (const std::string& stem : before) paired |= after.count(stem) > 0;
        EXPECT_TRUE(paired) << entry.path().string() << ":" << i + 1
                            << ": a durable write without Failpoint(\"<what>.before\") just above "
                               "and Failpoint(\"<what>.after\") just below";
      }
    }
  }
  EXPECT_GE(sites, 7u) << "the scan found fewer durable writes than the daemon has";
  const std::set<std::string> listed(FailpointNames().begin(), FailpointNames().end());
  EXPECT_EQ(used, listed) << "FailpointNames() and the failpoints in the code differ";
}

}  // namespace
}  // namespace tamga::testing

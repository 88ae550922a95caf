// tests/e2e/snapshot_join_test.cc
// A node that joins from a snapshot, with real processes: four validators commit a history
// of anchored documents; an observer configured with [sync] snapshot_from starts with an
// empty data directory and five sources: one that serves forged state-tree nodes (its
// [testing] serve_forged_state_nodes), one that claims a height 1,000 above what it can
// prove ([testing] serve_inflated_snapshot), one that does not answer, and two honest
// ones. It refuses the inflater and the silent one, drops the forger when its first
// answer fails its hashes, copies the state at a provable block from the honest ones, then follows
// the chain by block sync: its state root equals the validators' at a later height, it serves a
// proof of a new document that verifies offline from the genesis alone, it answers 404 (not 500)
// for a block or an event stream below its snapshot, and after a restart it opens what it installed
// instead of joining again.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/e2e/cluster.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using std::chrono::seconds;

// Anchors invoice `name` through node `via` with `admin`'s next sequence; its id.
Hash32 AnchorInvoice(Cluster& c, std::size_t via, std::size_t admin, std::uint64_t sequence,
                     const std::string& name) {
  const Hash32 document = Sha256Of(AsBytes("invoice " + name));
  const Transaction tx =
      c.Tx(c.admin(admin), TxType::kAnchorDocument,
           Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice, document, name}),
           sequence);
  EXPECT_EQ(c.Submit(via, tx).first, 202) << name;
  return tx.Hash();
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SnapshotJoin, AnObserverStartsFromAVerifiedSnapshotDropsLiarsAndFollows) {
  Cluster c("e2e_snapshot", 4, {}, /*spare=*/1);
  constexpr std::size_t kObserver = 4;
  const std::string toml = c.NodeDir(kObserver) + "/tamgad.toml";
  ASSERT_TRUE(
      WriteFileAtomic(toml, "role = \"observer\"\n" + *ReadFileToString(toml, 1 << 20), {}).ok());
  for (std::size_t i = 0; i < 4; ++i) {
    c.SetConfig(i, "network", "observers", "[\"" + c.validator_key(kObserver).ToHex() + "\"]");
  }
  c.SetConfig(0, "testing", "serve_forged_state_nodes", "true");
  c.SetConfig(3, "testing", "serve_inflated_snapshot", "true");
  const std::string liar = "http://" + c.api(0), inflater = "http://" + c.api(3),
                    silent = "http://127.0.0.1:9";
  c.SetConfig(kObserver, "sync", "snapshot_from",
              "[\"" + liar + "\", \"" + inflater + "\", \"" + silent + "\", \"http://" + c.api(1) +
                  "\", \"http://" + c.api(2) + "\"]");
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(1) >= 1 && c.Height(2) >= 1; })) << c.Log(1);

  // A history: 40 documents from two administrations.
  Hash32 last;
  for (std::uint64_t k = 1; k <= 20; ++k) {
    AnchorInvoice(c, 1, 1, k, "INV-SNAP-UZ-" + std::to_string(k));
    last = AnchorInvoice(c, 2, 2, k, "INV-SNAP-KG-" + std::to_string(k));
  }
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(0, last) == "committed"; })) << c.Log(0);
  const std::uint64_t before_join = c.Height(0);

  c.Start(kObserver);
  ASSERT_TRUE(Cluster::WaitFor(
      [&] { return c.Log(kObserver).find("snapshot_installed") != std::string::npos; },
      seconds(60)))
      << c.Log(kObserver);
  const std::string log = c.Log(kObserver);
  const auto installed = log.find("snapshot_installed");
  const std::string installed_line = log.substr(installed, log.find('\n', installed) - installed);
  EXPECT_NE(log.find("snapshot_source_dropped"), std::string::npos) << log;
  EXPECT_NE(log.find("bytes of another hash"), std::string::npos) << log;
  EXPECT_EQ(Count(log, "snapshot_source_refused"), 2u) << log;
  // The inflater's claim fails the proof's check (its block is not the one the QC signs).
  const auto refused = log.find("snapshot_source_refused source=" + inflater);
  ASSERT_NE(refused, std::string::npos) << log;
  EXPECT_NE(log.substr(refused, log.find('\n', refused) - refused).find("does not verify"),
            std::string::npos)
      << log;

  // It follows: past the validators' height when it joined, with the same state root.
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(kObserver) > before_join + 2; }, seconds(60)))
      << c.Log(kObserver);
  const std::uint64_t h = c.Height(kObserver);
  const auto ours = c.StateRootAt(kObserver, h), theirs = c.StateRootAt(3, h);
  ASSERT_TRUE(ours && theirs);
  EXPECT_EQ(*ours, *theirs) << "at height " << h;

  // A document anchored now: the observer proves it, and the proof verifies offline.
  const Hash32 document = Sha256Of(AsBytes("invoice INV-SNAP-AFTER"));
  const Transaction after = c.Tx(c.admin(3), TxType::kAnchorDocument,
                                 Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice,
                                                                  document, "INV-SNAP-AFTER"}),
                                 1);
  ASSERT_EQ(c.Submit(3, after).first, 202);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(kObserver, after.Hash()) == "committed"; }))
      << c.Log(kObserver);
  std::string proof;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(kObserver, "/v1/documents/" + document.ToHex() + "/proof");
    if (!r || r->status != 200) return false;  // 503 until a later block proves the commit.
    proof = r->body;
    return true;
  })) << c.Log(kObserver);
  auto genesis = client::LoadGenesisFile(c.GenesisFile());
  ASSERT_TRUE(genesis.ok());
  const cli::DocumentVerdict verdict = cli::ExplainDocument(*genesis, document, proof, UnixNowMs());
  EXPECT_EQ(verdict.exit_code, cli::kVerifyInForce) << verdict.code << ": " << verdict.headline;

  // Below its snapshot it holds no blocks and no records, and says so.
  auto old = c.Get(kObserver, "/v1/blocks/1");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->status, 404) << old->body;
  auto events = c.Get(kObserver, "/v1/events?from=0");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(events->status, 404) << events->body;

  // Restarted, it opens the ledger it installed: no second join.
  c.Terminate(kObserver);
  c.Start(kObserver);
  const std::uint64_t resumed = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(kObserver) >= resumed; }, seconds(60)))
      << c.Log(kObserver);
  EXPECT_EQ(Count(c.Log(kObserver), "snapshot_installed"), 1u) << c.Log(kObserver);

  std::cout << "snapshot join: validators at height " << before_join
            << " when it started; followed to " << h << " with equal roots; proof " << verdict.code
            << "\n  " << installed_line << "\n";
}

}  // namespace
}  // namespace tamga::testing

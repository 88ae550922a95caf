// tests/node/consensus_store_test.cc
// The consensus store's order of writes: the ledger's commits are written unsynced, and no
// safety data may become durable while a commit before it could still be lost.

#include "node/consensus_store.h"

#include <gtest/gtest.h>

#include <memory>

#include "tests/ledger/faulty_kv_store.h"
#include "tests/support/temp_dir.h"

namespace tamga::node {
namespace {

constexpr std::string_view kCommitKey = "a commit";

struct Disk {
  explicit Disk(const std::string& name)
      : dir(name),
        memory(std::make_shared<ledger::MemKvStore>()),
        kv(memory),
        safety(dir.File("safety")),
        store(kv, safety) {}
  // What a commit writes, unsynced (ledger::Ledger::set_sync_commits(false)).
  void CommitUnsynced() {
    ledger::WriteBatch b;
    b.Put(ledger::Column::kIndex, AsBytes(kCommitKey), Bytes{1});
    ASSERT_TRUE(kv.Write(b, /*sync=*/false).ok());
  }
  bool CommitSurvivedAPowerCut() {
    kv.Crash();
    return memory->Get(ledger::Column::kIndex, AsBytes(kCommitKey)).value().has_value();
  }
  testing::TempDir dir;
  std::shared_ptr<ledger::MemKvStore> memory;
  testing::FaultyKvStore kv;
  ledger::SafetyFile safety;
  ConsensusStore store;
};

TEST(ConsensusStore, SafetyDataAloneSyncsTheCommitsBeforeIt) {
  Disk d("store_safety_alone");
  ASSERT_TRUE(d.store.Recover(Height(0)).ok());
  d.CommitUnsynced();
  consensus::SafetyData data;
  data.last_voted_round = Round(5);
  consensus::Effect e = consensus::PersistSafetyData{data};
  ASSERT_TRUE(d.store.Stage(e));
  ASSERT_TRUE(d.store.Flush().ok());
  EXPECT_TRUE(d.CommitSurvivedAPowerCut());
  auto saved = d.safety.Load();
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ(Decode<consensus::SafetyData>(**saved, "safety").value().last_voted_round, Round(5));
}

// The control: with nothing to persist, nothing is synced, and a power cut loses the commit
// (so the test above shows the sync, not a store that keeps everything).
TEST(ConsensusStore, WithNothingStagedACommitStaysUnsynced) {
  Disk d("store_nothing");
  ASSERT_TRUE(d.store.Recover(Height(0)).ok());
  d.CommitUnsynced();
  ASSERT_TRUE(d.store.Flush().ok());
  EXPECT_FALSE(d.CommitSurvivedAPowerCut());
}

}  // namespace
}  // namespace tamga::node

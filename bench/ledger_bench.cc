// Benchmarks of the ledger (issue #4): log appends, state updates in blocks of 1,000 and
// 10,000 keys, whole-block commits to RocksDB, proof building and verification for 4, 7
// and 13 validators.
// Run: build/release/bench/tamga_ledger_bench  (figures in BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <random>

#include "common/sha256.h"
#include "ledger/ledger.h"
#include "ledger/merkle_log.h"
#include "ledger/rocks_kv_store.h"
#include "ledger/state_tree.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/temp_dir.h"

namespace tamga::ledger {
namespace {

Hash32 RandomKey(std::mt19937_64& rng) {
  Bytes b;
  AppendU64(b, rng());
  return StateKeyOf(b);
}

// Appending records to the log: leaf hashing plus the completed subtree hashes, in blocks
// of 1,000 records of 100 bytes, into an overlay (no disk).
void BM_LogAppend(benchmark::State& state) {
  MemKvStore store;
  std::uint64_t size = 0;
  std::vector<Bytes> leaves(1000, Bytes(100, 0x5a));
  for (auto _ : state) {
    Overlay o(nullptr, &store);
    benchmark::DoNotOptimize(MerkleLog::Append(o, size, leaves).value());
    WriteBatch b;
    o.AppendTo(b);
    (void)store.Write(b, false);
    size += leaves.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(size));
}
BENCHMARK(BM_LogAppend)->Unit(benchmark::kMillisecond);

// A tree of 100,000 random keys in `store`; returns its root.
Hash32 PopulateTree(KvStore& store, std::mt19937_64& rng) {
  Overlay o(nullptr, &store);
  std::vector<StateWrite> w;
  for (int i = 0; i < 100'000; ++i) w.push_back({RandomKey(rng), Bytes(60, 1)});
  const Hash32 root = StateTree::Update(o, Hash32(), w).value();
  WriteBatch b;
  o.AppendTo(b);
  (void)store.Write(b, false);
  return root;
}

// State updates in one block of state.range(0) random keys on a tree of 100,000 keys,
// reading nodes through `reader` into an overlay (hashing, node encoding, reads; the
// write to disk is measured by BM_CommitBlockRocksDb).
void StateUpdates(benchmark::State& state, const KvReader& reader, const Hash32& root,
                  std::mt19937_64& rng, const StateNodeCache* nodes = nullptr) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::int64_t items = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<StateWrite> w;
    for (std::size_t i = 0; i < n; ++i) w.push_back({RandomKey(rng), Bytes(60, 2)});
    auto o = std::make_unique<Overlay>(nullptr, &reader);
    state.ResumeTiming();
    benchmark::DoNotOptimize(StateTree::Update(*o, root, std::move(w), nodes).value());
    state.PauseTiming();
    o.reset();  // Freeing the overlay is not part of the update.
    state.ResumeTiming();
    items += static_cast<std::int64_t>(n);
  }
  state.SetItemsProcessed(items);
}

void BM_StateUpdateBlock_Memory(benchmark::State& state) {
  static MemKvStore* store = new MemKvStore();
  static std::mt19937_64 rng(1);
  static const Hash32 root = PopulateTree(*store, rng);
  StateUpdates(state, *store, root, rng);
}
BENCHMARK(BM_StateUpdateBlock_Memory)->Arg(1000)->Arg(10'000)->Unit(benchmark::kMillisecond);

// The same on RocksDB through the ledger's caches, as a node reads its state: the nodes
// through a StateNodeCache, the values through an ImmutableCache.
void BM_StateUpdateBlock_RocksDbCached(benchmark::State& state) {
  static testing::TempDir* dir = new testing::TempDir("bench_state");
  static RocksKvStore* store = RocksKvStore::Open(dir->File("db")).value().release();
  static std::mt19937_64 rng(1);
  static const Hash32 root = PopulateTree(*store, rng);
  static ImmutableCache* cache = new ImmutableCache(store, 1 << 19);
  static StateNodeCache* nodes = new StateNodeCache(1 << 19);
  StateUpdates(state, *cache, root, rng, nodes);
}
BENCHMARK(BM_StateUpdateBlock_RocksDbCached)->Arg(1000)->Arg(10'000)->Unit(benchmark::kMillisecond);

// A whole block of state.range(0) anchor records, prepared and committed to RocksDB with
// one synced write (transactions pre-signed; QC signed by 3 of 4 outside the timing).
void BM_CommitBlockRocksDb(benchmark::State& state) {
  testing::TempDir dir("bench_commit");
  const auto keys = testing::ValidatorKeys(4);
  auto ledger = Ledger::OpenDirectory(dir.File("data"), testing::TestAnchor(keys)).value();
  std::optional<testing::ChainBuilder> chain;
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::int64_t items = 0;
  for (auto _ : state) {
    state.PauseTiming();
    chain.emplace(*ledger, keys);  // Picks up the head committed below.
    const Block b = chain->NextBlock(n, 1);
    BlockOutput out = testing::ChainBuilder::AnchorOutput(b);
    state.ResumeTiming();
    auto p = ledger->Prepare(nullptr, b, std::move(out)).value();
    state.PauseTiming();
    const QuorumCertificate qc = chain->Certify(b, p->result);
    state.ResumeTiming();
    if (!ledger->Commit(*p, qc).ok()) state.SkipWithError("commit failed");
    items += static_cast<std::int64_t>(n);
  }
  state.SetItemsProcessed(items);
}
BENCHMARK(BM_CommitBlockRocksDb)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(20);

// A ledger of 20 blocks of 500 records with `validators` validators, for proof benchmarks.
struct ProofFixture {
  explicit ProofFixture(std::size_t validators) : keys(testing::ValidatorKeys(validators)) {
    ledger = Ledger::Open(std::make_unique<MemKvStore>(), testing::TestAnchor(keys)).value();
    testing::ChainBuilder chain(*ledger, keys);
    for (int i = 0; i < 20; ++i) (void)chain.AppendBlock(500);
  }
  std::vector<SecretKey> keys;
  std::unique_ptr<Ledger> ledger;
};

ProofFixture& FixtureFor(std::size_t validators) {
  static std::map<std::size_t, std::unique_ptr<ProofFixture>> fixtures;
  auto& f = fixtures[validators];
  if (!f) f = std::make_unique<ProofFixture>(validators);
  return *f;
}

Hash32 DocKey(std::uint64_t height, std::size_t i) {
  return testing::DocumentKey(Sha256Of(testing::TestDocument(height, i)));
}

void BM_ProofBuild(benchmark::State& state) {
  ProofFixture& f = FixtureFor(4);
  std::uint64_t i = 0;
  for (auto _ : state) {
    ++i;
    benchmark::DoNotOptimize(f.ledger->BuildProof(i % 9000, {DocKey(1 + i % 18, i % 500)}).value());
  }
}
BENCHMARK(BM_ProofBuild)->Unit(benchmark::kMicrosecond);

void BM_ProofVerify(benchmark::State& state) {
  ProofFixture& f = FixtureFor(static_cast<std::size_t>(state.range(0)));
  const ProofFile proof = f.ledger->BuildProof(1234, {DocKey(3, 7)}).value();
  for (auto _ : state) {
    const ProofVerdict v = VerifyProof(f.ledger->anchor(), proof);
    if (!v.ok()) state.SkipWithError(v.message.c_str());
    benchmark::DoNotOptimize(v);
  }
  state.counters["qc_signatures_checked"] =
      static_cast<double>(proof.block.qc.signatures.size() * 2);
}
BENCHMARK(BM_ProofVerify)->Arg(4)->Arg(7)->Arg(13)->Unit(benchmark::kMicrosecond);

void BM_ProofVerifyJson(benchmark::State& state) {
  ProofFixture& f = FixtureFor(4);
  const std::string json = ProofToJson(f.ledger->BuildProof(1234, {DocKey(3, 7)}).value());
  for (auto _ : state) benchmark::DoNotOptimize(VerifyProofJson(f.ledger->anchor(), json));
  state.counters["json_bytes"] = static_cast<double>(json.size());
}
BENCHMARK(BM_ProofVerifyJson)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tamga::ledger
BENCHMARK_MAIN();

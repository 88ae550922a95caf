// tamga_snapshot_join_bench: what it costs a new node to join a chain of N records, by
// replaying every block or by copying the state at a certified block (issue #15). Builds a
// RocksDB ledger of N anchored records (one state entry and one log record each), then
// joins it twice into fresh RocksDB directories, in this process, with no network:
//   replay    every block and its QC read and their encodings counted (what block sync
//             sends), each block executed and committed. The transactions' and QCs'
//             signatures are not checked and the anchors' execution is the ledger's share
//             only, so a real replay costs more than this;
//   snapshot  the proof of the block (GET /v1/snapshot), the state tree copied node by
//             node through StateSync with every answer encoded and decoded as on the wire
//             (POST /v1/state/nodes), the block, and Ledger::InstallSnapshot.
// Both stop at the same height; the bench checks that both ledgers end with the source's
// execution result there.
//
//   build/release/bench/tamga_snapshot_join_bench [--records N] [--per-block B] [--dir PATH]

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "ledger/ledger.h"
#include "ledger/rocks_kv_store.h"
#include "ledger/state_sync.h"
#include "tests/ledger/chain_builder.h"

namespace tamga::ledger {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t records = 1'000'000;
  std::size_t per_block = 1'000;
  std::string dir = "/tmp/tamga_snapshot_bench";
};

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::uint64_t DirectoryBytes(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  return 1;
}

int Run(const Options& o) {
  std::filesystem::remove_all(o.dir);
  const std::string source_dir = o.dir + "/source", replay_dir = o.dir + "/replay",
                    snapshot_dir = o.dir + "/snapshot";
  const auto keys = testing::ValidatorKeys(4);
  const TrustAnchor anchor = testing::TestAnchor(keys);
  auto opened = Ledger::OpenDirectory(source_dir, anchor);
  if (!opened.ok()) return Fail(opened.error());
  Ledger& source = **opened;

  const auto build_start = Clock::now();
  std::uint64_t done = 0;
  while (done < o.records) {
    testing::ChainBuilder chain(source, keys);
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(o.per_block, o.records - done));
    if (Status s = chain.AppendBlock(n); !s.ok()) return Fail(s);
    done += n;
    if (source.Head().height.value() % 20 == 0 || done == o.records) {
      std::fprintf(stderr, "\r  building: %llu / %llu records, %.0f s",
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(o.records), Since(build_start));
    }
  }
  {  // One more block, so that the last one with records is provable (a two-chain).
    testing::ChainBuilder chain(source, keys);
    if (Status s = chain.AppendBlock(0); !s.ok()) return Fail(s);
  }
  std::fprintf(stderr, "\n");
  const Height target = source.ProvableHeight().value();
  const ExecutionResult want = source.ResultAt(target).value();
  std::printf("chain                   %llu records in %llu blocks, provable height %llu\n",
              static_cast<unsigned long long>(want.log_size),
              static_cast<unsigned long long>(source.Head().height.value()),
              static_cast<unsigned long long>(target.value()));
  std::printf("source on disk          %llu bytes\n",
              static_cast<unsigned long long>(DirectoryBytes(source_dir)));

  // --- Replay ---
  double replay_s = 0;
  std::uint64_t replay_bytes = 0;
  {
    auto replay = Ledger::OpenDirectory(replay_dir, anchor);
    if (!replay.ok()) return Fail(replay.error());
    const auto start = Clock::now();
    for (std::uint64_t h = 1; h <= target.value(); ++h) {
      auto block = source.BlockAt(Height(h));
      auto qc = source.QcAt(Height(h));
      if (!block.ok() || !qc.ok()) return Fail(block.ok() ? qc.error() : block.error());
      replay_bytes += Encode(*block).size() + Encode(*qc).size();
      auto p = (*replay)->Prepare(nullptr, *block, testing::ChainBuilder::AnchorOutput(*block));
      if (!p.ok()) return Fail(p.error());
      if (Status s = (*replay)->Commit(**p, *qc); !s.ok()) return Fail(s);
      if (h % 50 == 0) {
        std::fprintf(stderr, "\r  replaying: height %llu / %llu, %.0f s",
                     static_cast<unsigned long long>(h),
                     static_cast<unsigned long long>(target.value()), Since(start));
      }
    }
    replay_s = Since(start);
    std::fprintf(stderr, "\n");
    if ((*replay)->Head().result != want) return Fail(Status::Internal("replay: another result"));
  }

  // --- Snapshot ---
  double snapshot_s = 0;
  std::uint64_t snapshot_bytes = 0, nodes = 0, requests = 0;
  {
    const auto start = Clock::now();
    auto proof = source.BuildProof(want.log_size - 1, {}, target);
    if (!proof.ok()) return Fail(proof.error());
    snapshot_bytes += ProofToJson(*proof).size();
    auto block = source.BlockAt(target);
    if (!block.ok()) return Fail(block.error());
    snapshot_bytes += Encode(*block).size();
    std::filesystem::create_directories(snapshot_dir);
    auto store = RocksKvStore::Open(snapshot_dir);
    if (!store.ok()) return Fail(store.error());
    StateSync sync(want.state_root, {0}, {kStateSyncBatchMax});
    while (!sync.done()) {
      if (sync.failed()) return Fail(Status::Internal("snapshot: the copy failed"));
      auto asked = sync.NextRequests(**store);
      if (!asked.ok()) return Fail(asked.error());
      for (const auto& r : *asked) {
        ++requests;
        snapshot_bytes += 32 * r.hashes.size();  // The request's hashes (JSON has twice).
        auto items = ReadStateNodes(source.tree_reader(), r.hashes);
        if (!items.ok()) return Fail(items.error());
        const Bytes wire = EncodeStateNodes(*items);
        snapshot_bytes += wire.size();
        auto decoded = DecodeStateNodes(wire);
        if (!decoded.ok()) return Fail(decoded.error());
        Overlay out(nullptr, store->get());
        if (auto why = sync.OnAnswer(r.id, *decoded, out)) return Fail(Status::Internal(*why));
        WriteBatch batch;
        out.AppendTo(batch);
        if (Status s = (*store)->Write(batch, false); !s.ok()) return Fail(s);
      }
      if (requests % 200 == 0) {
        std::fprintf(stderr, "\r  copying the state: %llu nodes, %.0f s",
                     static_cast<unsigned long long>(sync.progress().nodes), Since(start));
      }
    }
    nodes = sync.progress().nodes;
    if (Status s = Ledger::InstallSnapshot(**store, anchor, *proof, *block); !s.ok())
      return Fail(s);
    snapshot_s = Since(start);
    std::fprintf(stderr, "\n");
    store->reset();
    auto joined = Ledger::OpenDirectory(snapshot_dir, anchor);
    if (!joined.ok()) return Fail(joined.error());
    if ((*joined)->Head().result != want) return Fail(Status::Internal("snapshot: another result"));
  }

  std::printf("replay                  %.1f s, %llu bytes of blocks and QCs, %llu bytes on disk\n",
              replay_s, static_cast<unsigned long long>(replay_bytes),
              static_cast<unsigned long long>(DirectoryBytes(replay_dir)));
  std::printf(
      "snapshot                %.1f s, %llu bytes (proof, block, %llu state nodes in %llu "
      "requests), %llu bytes on disk\n",
      snapshot_s, static_cast<unsigned long long>(snapshot_bytes),
      static_cast<unsigned long long>(nodes), static_cast<unsigned long long>(requests),
      static_cast<unsigned long long>(DirectoryBytes(snapshot_dir)));
  std::printf("snapshot / replay       time %.2f, bytes %.2f\n", snapshot_s / replay_s,
              static_cast<double>(snapshot_bytes) / static_cast<double>(replay_bytes));
  return 0;
}

}  // namespace
}  // namespace tamga::ledger

int main(int argc, char** argv) {
  tamga::ledger::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--records") {
      o.records = std::stoull(next());
    } else if (a == "--per-block") {
      o.per_block = std::stoul(next());
    } else if (a == "--dir") {
      o.dir = next();
    } else {
      std::fprintf(stderr, "usage: %s [--records N] [--per-block B] [--dir PATH]\n", argv[0]);
      return 2;
    }
  }
  if (o.records == 0 || o.per_block == 0) {
    std::fprintf(stderr, "--records and --per-block must be above 0\n");
    return 2;
  }
  return tamga::ledger::Run(o);
}

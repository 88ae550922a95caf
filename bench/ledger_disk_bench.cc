// tamga_ledger_disk_bench: bytes on disk per anchored record, and lookup latency, for a
// RocksDB ledger of N records (issue #4). Each record is one signed anchor transaction
// (the worst case: batch issuance shares one transaction among many records) that appends
// one log record, writes one state entry and one index entry. Ends with a restart: the
// ledger closed and opened again, timed, with the write-ahead logs it had to read.
//
//   build/release/bench/tamga_ledger_disk_bench [--records N] [--per-block B] [--log-only]
//                                               [--dir PATH]
// --log-only leaves the state tree out, to show its share of the bytes.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "common/sha256.h"
#include "ledger/ledger.h"
#include "ledger/rocks_kv_store.h"
#include "tests/ledger/chain_builder.h"

namespace tamga::ledger {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t records = 1'000'000;
  std::size_t per_block = 10'000;
  bool log_only = false;
  std::string dir = "/tmp/tamga_disk_bench";
};

std::uint64_t DirectoryBytes(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

template <typename F>
void Percentiles(const char* what, int samples, F&& lookup) {
  std::vector<double> us;
  us.reserve(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const auto t0 = Clock::now();
    lookup(i);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("%-34s p50 %8.1f us   p99 %8.1f us   max %8.1f us   (%d lookups)\n", what,
              us[us.size() / 2], us[us.size() * 99 / 100], us.back(), samples);
}

int Run(const Options& o) {
  std::filesystem::remove_all(o.dir);
  const auto keys = testing::ValidatorKeys(4);
  auto opened = Ledger::OpenDirectory(o.dir, testing::TestAnchor(keys));
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
    return 1;
  }
  std::optional<testing::ChainBuilder> chain;
  std::vector<Hash32> sample_docs, sample_txs;
  std::mt19937_64 rng(5);
  const auto start = Clock::now();
  std::uint64_t done = 0;
  while (done < o.records) {
    Ledger& ledger = **opened;
    chain.emplace(ledger, keys);
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(o.per_block, o.records - done));
    const Block b = chain->NextBlock(n, 1);
    BlockOutput out = testing::ChainBuilder::AnchorOutput(b);
    if (o.log_only) out.writes.clear();
    auto p = ledger.Prepare(nullptr, b, std::move(out));
    if (!p.ok()) return std::fprintf(stderr, "%s\n", p.error().ToString().c_str()), 1;
    const Status s = ledger.Commit(**p, chain->Certify(b, (*p)->result));
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
    for (int k = 0; k < 20; ++k) {
      const std::size_t i = rng() % n;
      sample_docs.push_back(Sha256Of(b.transactions[i].payload));
      sample_txs.push_back(b.transactions[i].Hash());
    }
    done += n;
    if (ledger.Head().height.value() % 10 == 0 || done == o.records) {
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "\r  %llu / %llu records, %.0f s", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(o.records), secs);
    }
  }
  std::fprintf(stderr, "\n");
  const double build_s = std::chrono::duration<double>(Clock::now() - start).count();

  // A restart: the store closed as a stopped (or killed) node leaves it, then opened again,
  // which reads back every write-ahead log file RocksDB still keeps.
  opened->reset();
  std::uint64_t wal = 0;
  for (const auto& e : std::filesystem::directory_iterator(o.dir)) {
    if (e.path().extension() == ".log") wal += e.file_size();
  }
  const auto reopen = Clock::now();
  opened = Ledger::OpenDirectory(o.dir, testing::TestAnchor(keys));
  if (!opened.ok()) return std::fprintf(stderr, "%s\n", opened.error().ToString().c_str()), 1;
  const double reopen_s = std::chrono::duration<double>(Clock::now() - reopen).count();
  Ledger& ledger = **opened;

  auto& rocks = dynamic_cast<RocksKvStore&>(ledger.store());
  const std::uint64_t sst = rocks.DiskBytes().value();
  const std::uint64_t total = DirectoryBytes(o.dir);
  std::printf("records                 %llu in %llu blocks (%s)\n",
              static_cast<unsigned long long>(o.records),
              static_cast<unsigned long long>(ledger.Head().height.value()),
              o.log_only ? "log only" : "log + state + index");
  std::printf("build                   %.1f s (signing, executing, committing)\n", build_s);
  std::printf("live SST bytes          %llu  = %.0f bytes per record\n",
              static_cast<unsigned long long>(sst),
              static_cast<double>(sst) / static_cast<double>(o.records));
  std::printf("directory bytes         %llu  = %.0f bytes per record (with WAL, logs)\n",
              static_cast<unsigned long long>(total),
              static_cast<double>(total) / static_cast<double>(o.records));
  std::printf("write-ahead logs kept   %llu bytes when the build ended\n",
              static_cast<unsigned long long>(wal));
  std::printf("reopen (a restart)      %.2f s, reading them back\n", reopen_s);

  const Height head = ledger.Head().height;
  const int samples = 20'000;
  Percentiles("record by log index", samples, [&](int) {
    if (!ledger.RecordAt(rng() % o.records).ok()) std::abort();
  });
  Percentiles("transaction by hash", samples, [&](int i) {
    if (!ledger.FindTransaction(sample_txs[static_cast<std::size_t>(i) % sample_txs.size()])
             .value())
      std::abort();
  });
  if (!o.log_only) {
    Percentiles("state entry of a document", samples, [&](int i) {
      const Hash32& d = sample_docs[static_cast<std::size_t>(i) % sample_docs.size()];
      if (!ledger.StateAt(head, testing::DocumentKey(d)).value()) std::abort();
    });
  }
  Percentiles("proof (record + state entry)", 2'000, [&](int i) {
    const Hash32& d = sample_docs[static_cast<std::size_t>(i) % sample_docs.size()];
    std::vector<Hash32> state_keys;
    if (!o.log_only) state_keys.push_back(testing::DocumentKey(d));
    if (!ledger.BuildProof(rng() % (o.records - o.per_block), state_keys).ok()) std::abort();
  });

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
    } else if (a == "--log-only") {
      o.log_only = true;
    } else if (a == "--dir") {
      o.dir = next();
    } else {
      std::fprintf(stderr, "usage: %s [--records N] [--per-block B] [--log-only] [--dir PATH]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.records <= o.per_block || o.per_block == 0) {
    std::fprintf(stderr, "--records must exceed --per-block (> 0)\n");
    return 2;
  }
  return tamga::ledger::Run(o);
}

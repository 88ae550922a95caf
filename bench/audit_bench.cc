// tamga_audit_bench: the auditor's replay of a long chain (issue #21): its rate as a ratio
// to this machine's Ed25519 ceiling measured in the same run, its peak memory, and the
// size of its scratch folder.
//
//   build/release/bench/tamga_audit_bench [--records N] [--per-block B] [--dir PATH]
//                                         [--keep-chain] [--in-memory]
//
// A child process builds a RocksDB ledger of N records with the contracts harness: each
// record one signed anchor transaction (the signature-bound worst case), B to a block,
// signed by eight accredited issuers. The parent then measures the ceiling (Ed25519
// verifications a second on all cores, 2 s) and replays the chain as `tamga audit
// --data-dir` does, its replayed ledger on disk in a scratch folder, and prints the
// figures; the peak resident memory is the parent's alone (the builder's is its own).
// --keep-chain reuses a chain an earlier run left in PATH; --in-memory replays onto an
// in-memory ledger instead (what the audit did before its scratch folder), to compare.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.h"
#include "bench/verify_ceiling.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "ledger/rocks_kv_store.h"
#include "tests/contracts/harness.h"

namespace tamga {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t records = 1'000'000;
  std::size_t per_block = 2'000;
  std::string dir = "/tmp/tamga_audit_bench";
  bool keep_chain = false;
  bool in_memory = false;
};

std::uint64_t DirectoryBytes(const std::string& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Builds the chain in dir/data/ledger and its genesis in dir/genesis.json.
int BuildChain(const Options& o) {
  std::filesystem::remove_all(o.dir);
  std::filesystem::create_directories(o.dir + "/data");
  auto store = ledger::RocksKvStore::Open(o.dir + "/data/ledger");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    return 1;
  }
  testing::ContractsChain c(std::move(*store));
  c.ledger().set_sync_commits(false);
  std::vector<SecretKey> issuers;
  const char* countries[] = {"KZ", "UZ", "KG", "KR"};
  for (int i = 0; i < 8; ++i) {
    issuers.push_back(c.AddIssuer(countries[i % 4], "BENCH-" + std::to_string(i),
                                  contracts::ScopeOf(contracts::DocumentType::kInvoice)));
  }
  const auto start = Clock::now();
  std::uint64_t made = 0;
  while (made < o.records) {
    std::vector<Transaction> txs;
    const std::uint64_t n = std::min<std::uint64_t>(o.per_block, o.records - made);
    for (std::uint64_t k = 0; k < n; ++k, ++made) {
      const std::string ref = "INV-" + std::to_string(made);
      txs.push_back(c.Tx(issuers[made % issuers.size()], contracts::TxType::kAnchorDocument,
                         contracts::AnchorDocument{contracts::DocumentType::kInvoice,
                                                   Sha256Of(AsBytes(ref)), ref}));
    }
    const auto receipts = c.Block(std::move(txs));
    for (const ledger::Receipt& r : receipts) {
      if (r.code != 0) {
        std::fprintf(stderr, "a bench transaction was rejected (reason %u)\n", r.code);
        return 1;
      }
    }
    if (c.ledger().Head().height.value() % 50 == 0) {
      std::fprintf(stderr, "build: %llu of %llu records, %.0f s\n",
                   static_cast<unsigned long long>(made),
                   static_cast<unsigned long long>(o.records), Seconds(start));
    }
  }
  if (!c.ledger().store().Sync().ok()) return 1;
  const Status s = WriteFileAtomic(o.dir + "/genesis.json", client::GenesisToJson(c.genesis()), {});
  if (!s.ok()) return 1;
  std::fprintf(stderr, "build: %llu records in %llu blocks, %.0f s\n",
               static_cast<unsigned long long>(made),
               static_cast<unsigned long long>(c.ledger().Head().height.value()), Seconds(start));
  return 0;
}

int Run(const Options& o) {
  if (!o.keep_chain || !std::filesystem::exists(o.dir + "/genesis.json")) {
    const pid_t child = ::fork();
    if (child < 0) return 1;
    if (child == 0) std::_Exit(BuildChain(o));
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "building the chain failed\n");
      return 1;
    }
  }
  const double ceiling = bench::MeasureVerifyCeiling(2.0);
  auto genesis = client::LoadGenesisFile(o.dir + "/genesis.json");
  if (!genesis.ok()) return 1;
  auto chain = contracts::StartChain(*genesis);
  auto ledger = audit::OpenDataDirectory(o.dir + "/data", chain->anchor);
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.error().ToString().c_str());
    return 1;
  }
  audit::LedgerSource source(**ledger, o.dir + "/data");
  audit::AuditOptions options;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (!o.in_memory) options.scratch_dir = o.dir + "/scratch";
  std::filesystem::remove_all(o.dir + "/scratch");
  options.progress_every_blocks = 0;
  options.progress_interval_ms = 10'000;
  const auto start = Clock::now();
  options.on_progress = [&](const audit::AuditProgress& p) {
    std::fprintf(stderr, "audit: block %llu of %llu, %.0f s\n",
                 static_cast<unsigned long long>(p.height.value()),
                 static_cast<unsigned long long>(p.head.value()), Seconds(start));
  };
  auto report = audit::Replay(*genesis, source, options);
  const double seconds = Seconds(start);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return 1;
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  // Signatures the replay checks: one per transaction, and the QC's (and the justify
  // QC's) quorum of 3 per block.
  const double signatures = static_cast<double>(report->transactions + 6 * report->blocks);
  const double rate = signatures / seconds;
  std::printf("chain: %llu records, %llu transactions in %llu blocks (%zu a block)\n",
              static_cast<unsigned long long>(report->final_result.log_size),
              static_cast<unsigned long long>(report->transactions),
              static_cast<unsigned long long>(report->blocks), o.per_block);
  std::printf("verdict: %s\n", report->ok() ? "OK" : "NOT OK");
  std::printf("ceiling: %.0f Ed25519 verifications/s on %u cores\n", ceiling,
              std::max(1u, std::thread::hardware_concurrency()));
  std::printf("replay: %.1f s, %.0f transactions/s, %.0f signatures/s = %.2f of the ceiling\n",
              seconds, static_cast<double>(report->transactions) / seconds, rate, rate / ceiling);
  std::printf("peak resident memory: %.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::printf(
      "scratch folder: %.0f MiB; source ledger: %.0f MiB\n",
      o.in_memory ? 0.0 : static_cast<double>(DirectoryBytes(options.scratch_dir)) / (1 << 20),
      static_cast<double>(DirectoryBytes(o.dir + "/data")) / (1 << 20));
  return report->ok() ? 0 : 1;
}

}  // namespace
}  // namespace tamga

int main(int argc, char** argv) {
  tamga::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (a == "--records") {
      o.records = std::stoull(value());
    } else if (a == "--per-block") {
      o.per_block = std::stoull(value());
    } else if (a == "--dir") {
      o.dir = value();
    } else if (a == "--keep-chain") {
      o.keep_chain = true;
    } else if (a == "--in-memory") {
      o.in_memory = true;
    } else {
      std::fprintf(stderr,
                   "usage: tamga_audit_bench [--records N] [--per-block B] [--dir PATH] "
                   "[--keep-chain] [--in-memory]\n");
      return 1;
    }
  }
  if (o.records == 0 || o.per_block == 0 || o.per_block > tamga::kBlockTransactionsMax) {
    std::fprintf(stderr, "--records and --per-block must be positive (a block holds at most %zu)\n",
                 tamga::kBlockTransactionsMax);
    return 1;
  }
  return tamga::Run(o);
}

// Benchmarks of the consensus core (issue #3), for n = 4, 7, 13, 31 and 100 validators:
//  - BM_VoteHandling: votes verified (real Ed25519) and handed to one core per second: the
//    work a leader does to certify each block, and where a growing set costs the most.
//  - BM_SimulatedCommits: blocks committed per wall-clock second by a whole simulated
//    cluster (fast stand-in signatures, no faults), which shows the protocol's own cost.
// Run: build/release/bench/tamga_consensus_bench   (figures in BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include <chrono>

#include "common/merkle.h"
#include "common/sha256.h"
#include "consensus/core.h"
#include "consensus/verify.h"
#include "tests/sim/simulator.h"

namespace tamga {
namespace {

using namespace consensus;

void BM_VoteHandling(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  const ChainId chain = Sha256Of(AsBytes("bench"));
  std::vector<SecretKey> keys;
  ValidatorSet set;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::array<std::uint8_t, 32> seed{};
    seed[0] = static_cast<std::uint8_t>(i);
    seed[1] = static_cast<std::uint8_t>(i >> 8);
    keys.push_back(SecretKey::FromSeed(seed));
    set.validators.push_back(keys.back().public_key());
  }
  Block genesis;
  genesis.header.chain_id = chain;
  genesis.header.payload_root = MerkleRoot({});
  QuorumCertificate root;
  root.data = VoteData{chain, Epoch(0), Round(0), Height(0), genesis.header.Id(), {}};
  // Votes of every validator for rounds 1..kRounds, signed once up front.
  constexpr std::uint64_t kRounds = 20;
  std::vector<std::vector<Vote>> votes(kRounds + 1);
  for (std::uint64_t r = 1; r <= kRounds; ++r) {
    VoteData vd{chain, Epoch(0), Round(r), Height(r), Sha256Of(AsBytes(std::to_string(r))), {}};
    const Bytes msg = Encode(vd);
    for (std::uint32_t i = 0; i < n; ++i) {
      votes[r].push_back({vd, ValidatorIndex(i), keys[i].Sign(SignDomain::kVote, msg)});
    }
  }
  Ed25519Checker checker;
  Verifier verifier(chain, set, root, checker);
  Ed25519Signer signer(keys[0]);
  CoreConfig config;
  config.chain = chain;
  config.validators = set;
  std::unique_ptr<Core> core;
  std::uint64_t round = kRounds + 1;
  std::int64_t handled = 0;
  for (auto _ : state) {
    if (round > kRounds) {
      state.PauseTiming();
      core = std::make_unique<Core>(config, signer, SafetyData{}, genesis, root);
      (void)core->Start(0);
      round = 1;
      state.ResumeTiming();
    }
    for (const Vote& v : votes[round]) {
      if (!core->InWindow(v.data.epoch, v.data.round) || !verifier.VerifyVote(v).ok()) continue;
      benchmark::DoNotOptimize(core->Handle(0, VoteReceived{v}));
      ++handled;
    }
    ++round;
  }
  state.SetItemsProcessed(handled);
  state.counters["validators"] = n;
}
BENCHMARK(BM_VoteHandling)
    ->Arg(4)
    ->Arg(7)
    ->Arg(13)
    ->Arg(31)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond);

void BM_SimulatedCommits(benchmark::State& state) {
  sim::SimOptions o;
  o.validators = static_cast<std::uint32_t>(state.range(0));
  o.faults = false;
  o.network = sim::Network::kLan;
  o.duration_ms = 20'000;
  std::uint64_t commits = 0;
  double wall = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const sim::SimReport r = sim::RunSimulation(o);
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    commits += r.commits;
    ++o.seed;
  }
  state.counters["commits_per_wall_s"] = static_cast<double>(commits) / wall;
  state.counters["simulated_commits_per_s"] =
      static_cast<double>(commits) / static_cast<double>(state.iterations()) / 20.0;
}
BENCHMARK(BM_SimulatedCommits)
    ->Arg(4)
    ->Arg(7)
    ->Arg(13)
    ->Arg(31)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// The same on a WAN-like network (50-150 ms), where round trips, not computation, set the
// pace.
void BM_SimulatedCommitsWan(benchmark::State& state) {
  sim::SimOptions o;
  o.validators = static_cast<std::uint32_t>(state.range(0));
  o.faults = false;
  o.network = sim::Network::kWan;
  o.duration_ms = 20'000;
  std::uint64_t commits = 0;
  for (auto _ : state) {
    commits += sim::RunSimulation(o).commits;
    ++o.seed;
  }
  state.counters["simulated_commits_per_s"] =
      static_cast<double>(commits) / static_cast<double>(state.iterations()) / 20.0;
}
BENCHMARK(BM_SimulatedCommitsWan)
    ->Arg(4)
    ->Arg(7)
    ->Arg(13)
    ->Arg(31)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace
}  // namespace tamga

BENCHMARK_MAIN();

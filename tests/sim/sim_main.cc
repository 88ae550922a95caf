// tamga-sim: long simulation campaigns of the consensus core (tests/sim/simulator.h).
// Prints each failing seed with the one command that replays it, and a summary: seeds run,
// simulated rounds and commits, safety violations, rounds and time from heal to commit
// (max and p99), and peak memory per core.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/sim/simulator.h"

int main(int argc, char** argv) {
  using tamga::sim::SimOptions;
  CLI::App app{"tamga-sim: deterministic simulation of the Tamga consensus core"};
  SimOptions base;
  std::uint64_t seeds = 1;
  std::uint64_t seconds = 90;
  double minutes = 0;
  std::string behaviour = "twins", mutant = "none";
  bool no_faults = false, no_persist_check = false;
  unsigned jobs = 2;
  bool verbose = false;
  app.add_option("--seed", base.seed, "First seed")->capture_default_str();
  app.add_option("--seeds", seeds, "Number of seeds to run")->capture_default_str();
  app.add_option("--validators", base.validators, "Validators per run")->capture_default_str();
  app.add_option("--byzantine", base.byzantine, "Byzantine validators (f is the model)")
      ->capture_default_str();
  app.add_option("--behaviour", behaviour,
                 "twins, equivocator, future-votes, bad-signatures, withhold-votes, timestamp")
      ->capture_default_str();
  app.add_option("--mutant", mutant, "none, skip-persist, quorum-2f, duplicate-signer, one-chain")
      ->capture_default_str();
  app.add_option("--seconds", seconds, "Simulated seconds per seed (faults in the first third)")
      ->capture_default_str();
  app.add_option("--minutes", minutes, "Stop starting new seeds after this much wall time");
  app.add_flag("--real-crypto", base.real_crypto, "Ed25519 instead of the fast stand-in");
  app.add_flag("--no-faults", no_faults, "No network faults, partitions or crashes");
  app.add_flag("--reconfigure", base.reconfigure,
               "Change the validator set mid-run (validator 0 leaves, a new one joins)");
  app.add_option("--idle-wait-ms", base.idle_wait_ms,
                 "Quiet idle chain: an idle leader's wait for transactions (0: none)")
      ->capture_default_str();
  app.add_flag("--no-persist-check", no_persist_check,
               "Turn off the persist-before-send check (a control shows its bug is caught anyway)");
  app.add_option("--jobs", jobs, "Seeds run in parallel")->capture_default_str();
  app.add_flag("-v,--verbose", verbose,
               "Print every violation and the final state of failing seeds");
  CLI11_PARSE(app, argc, argv);

  auto b = tamga::sim::ParseBehaviour(behaviour);
  auto m = tamga::sim::ParseMutant(mutant);
  if (!b || !m) {
    std::fprintf(stderr, "tamga-sim: unknown --behaviour or --mutant\n");
    return 2;
  }
  base.behaviour = *b;
  base.mutant = *m;
  base.faults = !no_faults;
  base.check_persist_before_send = !no_persist_check;
  base.duration_ms = seconds * 1000;

  const auto start = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return minutes > 0 && std::chrono::steady_clock::now() - start >
                              std::chrono::duration<double, std::ratio<60>>(minutes);
  };
  std::mutex mu;
  std::atomic<std::uint64_t> next{0};
  std::uint64_t run = 0, unsafe = 0, not_live = 0, rounds = 0, commits = 0, reconfigured = 0;
  std::uint64_t peak_votes = 0, peak_timeouts = 0, peak_blocks = 0;
  std::vector<std::uint64_t> heal_ms, heal_rounds;
  auto worker = [&] {
    while (!out_of_time()) {
      const std::uint64_t i = next.fetch_add(1);
      if (i >= seeds) return;
      SimOptions o = base;
      o.seed = base.seed + i;
      const tamga::sim::SimReport r = tamga::sim::RunSimulation(o);
      std::lock_guard lock(mu);
      ++run;
      rounds += r.max_round;
      commits += r.commits;
      peak_votes = std::max(peak_votes, r.peak_votes);
      peak_timeouts = std::max(peak_timeouts, r.peak_timeouts);
      peak_blocks = std::max(peak_blocks, r.peak_blocks);
      if (r.heal_to_commit_ms) {
        heal_ms.push_back(*r.heal_to_commit_ms);
        heal_rounds.push_back(*r.heal_to_commit_rounds);
      }
      if (!r.safe()) ++unsafe;
      if (r.final_epoch > 0) ++reconfigured;
      if (r.safe() && !r.ok()) ++not_live;
      {  // Every run prints its seed and derived options; failures print more.
        std::printf("seed %llu: %s; round %llu, height %llu, %llu messages%s\n",
                    static_cast<unsigned long long>(o.seed), r.derived.c_str(),
                    static_cast<unsigned long long>(r.max_round),
                    static_cast<unsigned long long>(r.commits),
                    static_cast<unsigned long long>(r.messages), r.ok() ? "" : "  FAILED");
        for (const auto& v : r.violations) {
          if (!verbose && &v - r.violations.data() >= 5) break;
          std::printf("  %s at %llu ms: %s\n", v.oracle.c_str(),
                      static_cast<unsigned long long>(v.at_ms), v.detail.c_str());
        }
        if (!r.ok()) {
          if (verbose) {
            for (const auto& line : r.final_state) std::printf("  %s\n", line.c_str());
          }
          std::printf("  replay: %s\n", r.ReplayCommand().c_str());
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::max(1u, jobs); ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  auto pct = [](std::vector<std::uint64_t> v, double p) -> std::uint64_t {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "\ntamga-sim: %llu seeds, n=%u, byzantine=%u (%s), mutant=%s, %llu simulated s each, "
      "%s crypto, %.1f s wall\n",
      static_cast<unsigned long long>(run), base.validators, base.byzantine, behaviour.c_str(),
      mutant.c_str(), static_cast<unsigned long long>(seconds),
      base.real_crypto ? "Ed25519" : "fast", wall);
  std::printf("  simulated rounds: %llu, committed blocks: %llu\n",
              static_cast<unsigned long long>(rounds), static_cast<unsigned long long>(commits));
  if (base.reconfigure) {
    std::printf("  seeds that changed the validator set: %llu\n",
                static_cast<unsigned long long>(reconfigured));
  }
  std::printf("  seeds with safety violations: %llu\n", static_cast<unsigned long long>(unsafe));
  std::printf("  seeds without liveness after heal: %llu\n",
              static_cast<unsigned long long>(not_live));
  std::printf(
      "  heal to 3 commits on every honest node: max %llu ms (p99 %llu ms), "
      "max %llu rounds (p99 %llu rounds)\n",
      static_cast<unsigned long long>(pct(heal_ms, 1.0)),
      static_cast<unsigned long long>(pct(heal_ms, 0.99)),
      static_cast<unsigned long long>(pct(heal_rounds, 1.0)),
      static_cast<unsigned long long>(pct(heal_rounds, 0.99)));
  std::printf("  peak per core: %llu blocks, %llu votes, %llu timeouts held\n",
              static_cast<unsigned long long>(peak_blocks),
              static_cast<unsigned long long>(peak_votes),
              static_cast<unsigned long long>(peak_timeouts));
  return unsafe == 0 && not_live == 0 ? 0 : 1;
}

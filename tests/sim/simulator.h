// tests/sim/simulator.h
// A deterministic whole-cluster simulator for the consensus core (TESTING.md layer L1):
// N cores driven by one seeded scheduler with a simulated clock and network. Every run is a
// pure function of its options: the same options replay the same run, event for event.
//
// Faults, chosen per seed: message delays (LAN-like or WAN-like 50-150 ms, with stragglers
// up to 10x), loss, duplication, reordering, partitions (halves, an isolated node, one-way
// links) and their heals, crashes and restarts (including a crash between two effects of
// one event, so a vote can be persisted and never sent), disks that lose unsynced writes
// and writes cut by a crash (tests/sim/sim_storage.h), clock offsets, drift (up to 200 ppm)
// and jumps (5-30 s on up to f nodes until the heal).
//
// The consensus owner's persistence and block sync are tamgad's own classes
// (node/consensus_store.h, node/block_sync.h), wired to the simulated disks and network. Byzantine
// validators: twins sharing a key, equivocating double voters, future-round floods,
// invalid signatures, withheld votes and timestamp manipulation.
//
// Oracles, checked as the run goes: agreement (O1), durability of committed prefixes (O2),
// no honest equivocation and persist-before-send (O3), block time, liveness after the last
// fault heals (O5), and bounded memory per core (O6).

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tamga::sim {

enum class Behaviour : std::uint8_t {
  kTwins,          // Two nodes run with the same key, split across the honest nodes.
  kEquivocator,    // As leader proposes two blocks; votes for every block, twice.
  kFutureVotes,    // Floods validly signed votes for rounds far ahead.
  kBadSignatures,  // Corrupts the signature of half of what it sends.
  kWithholdVotes,  // Never sends a vote or a timeout.
  kTimestamp,      // As leader, stamps blocks a year ahead or before their parent.
};

// Built-in bugs for the positive controls: each must be caught by an oracle.
enum class Mutant : std::uint8_t {
  kNone,
  kSkipPersistVotedRound,
  kQuorum2f,
  kDuplicateSigner,
  kCommitOneChain,
};

enum class Network : std::uint8_t {
  kPerSeed,  // LAN in two seeds of three, WAN in the third.
  kLan,      // 1-10 ms.
  kWan,      // 50-150 ms.
};

struct SimOptions {
  std::uint64_t seed = 1;
  std::uint32_t validators = 4;
  std::uint32_t byzantine = 0;  // Up to f is the model; more is a control.
  Behaviour behaviour = Behaviour::kTwins;
  Mutant mutant = Mutant::kNone;
  bool real_crypto = false;  // Ed25519 instead of the keyed-hash stand-in.
  bool faults = true;        // Network faults, partitions and crashes.
  // Midway through the faults, a governance change removes validator 0 and adds a new
  // validator, which has run from the start as an observer: an epoch change under fire.
  bool reconfigure = false;
  Network network = Network::kPerSeed;
  std::uint64_t duration_ms = 90'000;  // Simulated; faults stop after the first third.
  std::uint64_t round_timeout_ms_base = 1000;
  std::uint64_t round_timeout_ms_max = 8000;
  // A quiet idle chain (consensus::CoreConfig::idle_wait_ms): a leader with no transactions
  // and nothing to commit holds its payload this long, as tamgad does. 0: never holds.
  std::uint64_t idle_wait_ms = 0;
  // The O3 check that nothing is sent before the round it signs is on the disk. A positive
  // control turns it off to show that its bug is also caught by what follows from it.
  bool check_persist_before_send = true;
};

struct Violation {
  std::string oracle;  // "O1 agreement", "O3 equivocation", ...
  std::string detail;
  std::uint64_t at_ms = 0;
};

struct SimReport {
  SimOptions options;
  std::string derived;  // The per-seed fault profile, in words.
  std::uint64_t max_round = 0;
  std::uint64_t commits = 0;  // Highest committed height among honest nodes.
  std::uint64_t messages = 0;
  std::uint64_t final_epoch = 0;  // Highest epoch an honest node reached.
  std::uint64_t events = 0;
  std::vector<Violation> violations;
  // After the heal: time and rounds until every honest node committed 3 new blocks.
  std::optional<std::uint64_t> heal_to_commit_ms;
  std::optional<std::uint64_t> heal_to_commit_rounds;
  // Largest footprint of any one core during the run (entries held).
  std::uint64_t peak_blocks = 0;
  std::uint64_t peak_votes = 0;
  std::uint64_t peak_timeouts = 0;
  // Disk and clock faults that happened: writes a crash cut, unsynced batches a crash lost,
  // clocks that jumped.
  std::uint64_t torn_writes = 0;
  std::uint64_t lost_unsynced_batches = 0;
  std::uint64_t lost_commits = 0;  // Commits a crash lost (committed again later).
  std::uint64_t clock_jumps = 0;

  // Each node's state at the end, for diagnosing a failed seed.
  std::vector<std::string> final_state;

  bool safe() const;  // No safety violation (everything but O5).
  bool ok() const { return violations.empty(); }
  // The one command that replays this run exactly.
  std::string ReplayCommand() const;
};

SimReport RunSimulation(const SimOptions& options);

std::string BehaviourName(Behaviour b);
std::string MutantName(Mutant m);
std::optional<Behaviour> ParseBehaviour(const std::string& s);
std::optional<Mutant> ParseMutant(const std::string& s);

}  // namespace tamga::sim

// tests/sim/mutants.h
// Deliberately wrong variants of the protocol for the simulator's positive controls: each
// must be caught by an oracle (tests/sim/sim_test.cc). Three are variants of the core's
// counting rules (consensus/rules.h); the fourth, a vote whose round never reaches the
// disk, is played by the simulator's consensus store (simulator.cc). No production type
// carries a switch for any of them.

#pragma once

#include <algorithm>
#include <cstddef>

#include "consensus/rules.h"
#include "tests/sim/simulator.h"

namespace tamga::sim {

// Certificates of 2f votes: two quorums need not share an honest validator.
class TwoFQuorumRules : public consensus::Rules {
 public:
  std::size_t Quorum(std::size_t n) const override {
    return std::max<std::size_t>(1, (n - 1) / 3 * 2);
  }
};

// A validator that signs one vote twice (different signature bytes) counts twice, and a QC
// may list a signer more than once.
class SignaturesCountRules : public consensus::Rules {
 public:
  bool SignerCountsOnce() const override { return false; }
};

// A QC commits the block it certifies (a one-chain).
class OneChainRules : public consensus::Rules {
 public:
  std::size_t CommitChainLength() const override { return 1; }
};

// The rules a node runs under `m`: the standard ones unless `m` changes them.
inline const consensus::Rules& RulesFor(Mutant m) {
  static const TwoFQuorumRules two_f;
  static const SignaturesCountRules signatures;
  static const OneChainRules one_chain;
  switch (m) {
    case Mutant::kQuorum2f:
      return two_f;
    case Mutant::kDuplicateSigner:
      return signatures;
    case Mutant::kCommitOneChain:
      return one_chain;
    case Mutant::kNone:
    case Mutant::kSkipPersistVotedRound:
      break;
  }
  return consensus::StandardRules();
}

}  // namespace tamga::sim

// consensus/rules.h
// The protocol's counting rules in one place: how many validators make a certificate,
// whether a signer counts once however many signatures it sends, and how long a chain of
// consecutive certified rounds commits a block (docs/consensus.md).
//
// Core and Verifier consult one Rules object. StandardRules() is the protocol itself and
// the only one tamgad, the audit and the proof verifier use. The simulator's positive
// controls (tests/sim/mutants.h) derive wrong variants from it and check that the oracles
// catch each one, which is why these are virtual rather than constants; nothing in the
// production types knows about those variants.
//
// Thread-safety: implementations must be immutable; StandardRules() is.

#pragma once

#include <cstddef>

namespace tamga::consensus {

class Rules {
 public:
  virtual ~Rules() = default;

  // Distinct validators whose votes (or timeouts) make a certificate in a set of `n`:
  // 2f + 1 for n = 3f + 1, so any two quorums share an honest validator.
  virtual std::size_t Quorum(std::size_t n) const { return n * 2 / 3 + 1; }

  // Whether a validator counts once however many signatures it sends: votes are tallied by
  // author, and a QC must list its signers in strictly ascending order.
  virtual bool SignerCountsOnce() const { return true; }

  // A QC commits the block this many links below it, and everything under that, when the
  // rounds along those links are consecutive: 2 in the two-chain protocol (Jolteon), 3 in
  // the original HotStuff. Never less than 1.
  virtual std::size_t CommitChainLength() const { return 2; }
};

// The protocol as docs/consensus.md specifies it.
const Rules& StandardRules();

}  // namespace tamga::consensus

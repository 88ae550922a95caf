// consensus/pacemaker.h
// The round clock of one validator: which round it is in, and how long to wait in it
// before timing out. It asks for timers through the core's effects and owns none.
//
// A round's timeout is base * 1.5^k, capped at max, where k counts the rounds entered by
// a timeout certificate since the last round entered by a quorum certificate: a healthy
// network keeps short rounds, and a partitioned one backs off so that a slow quorum can
// still meet.
//
// Thread-safety: not thread-safe; owned by the core.

#pragma once

#include <cstdint>

#include "common/ids.h"

namespace tamga::consensus {

class Pacemaker {
 public:
  Pacemaker(std::uint64_t timeout_ms_base, std::uint64_t timeout_ms_max);

  Round current() const { return current_; }
  // Enters `round` if it is higher than the current one. `via_tc` says a timeout
  // certificate ended the previous round. Returns true iff the round changed.
  bool Advance(Round round, bool via_tc);
  // Back to round 0 with no backoff: a new epoch starts its rounds afresh.
  void Reset() {
    current_ = Round(0);
    timeouts_in_a_row_ = 0;
  }
  // The timeout of the current round, in milliseconds.
  std::uint64_t TimeoutMs() const;

 private:
  const std::uint64_t timeout_ms_base_;
  const std::uint64_t timeout_ms_max_;
  Round current_;
  std::uint32_t timeouts_in_a_row_ = 0;
};

}  // namespace tamga::consensus

#include "consensus/pacemaker.h"

#include "common/status.h"

namespace tamga::consensus {

Pacemaker::Pacemaker(std::uint64_t timeout_ms_base, std::uint64_t timeout_ms_max)
    : timeout_ms_base_(timeout_ms_base), timeout_ms_max_(timeout_ms_max) {
  TAMGA_CHECK(timeout_ms_base > 0 && timeout_ms_max >= timeout_ms_base);
}

bool Pacemaker::Advance(Round round, bool via_tc) {
  if (round <= current_) return false;
  current_ = round;
  timeouts_in_a_row_ = via_tc ? timeouts_in_a_row_ + 1 : 0;
  return true;
}

std::uint64_t Pacemaker::TimeoutMs() const {
  std::uint64_t t = timeout_ms_base_;
  for (std::uint32_t i = 0; i < timeouts_in_a_row_ && t < timeout_ms_max_; ++i) t = t * 3 / 2;
  return t < timeout_ms_max_ ? t : timeout_ms_max_;
}

}  // namespace tamga::consensus

// common/clock.h
// The wall clock in Unix milliseconds, the unit of every time on the ledger. Only the
// node, the command line and tools read it; consensus and the rules take times as inputs.
//
// Thread-safety: safe.

#pragma once

#include <chrono>
#include <cstdint>

namespace tamga {

inline std::uint64_t UnixNowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace tamga

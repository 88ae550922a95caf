// bench/verify_ceiling.h
// The machine's ceiling that the benchmarks print their figures against: Ed25519
// verifications a second on all cores, of a signed anchor transaction checked as a
// validator's admission (or an audit) checks it.
//
// Thread-safety: a function; it starts and joins its own threads.

#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "common/chain.h"
#include "contracts/model.h"

namespace tamga::bench {

// Verifications a second on all cores, measured for about `seconds`.
inline double MeasureVerifyCeiling(double seconds) {
  using Clock = std::chrono::steady_clock;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  Transaction tx;
  tx.type = static_cast<std::uint16_t>(contracts::TxType::kAnchorDocument);
  tx.payload =
      Encode(contracts::AnchorDocument{contracts::DocumentType::kOther, Hash32(), "CEILING-1"});
  tx.sequence = 1;
  tx.Sign(SecretKey::Generate());
  std::atomic<std::uint64_t> verified{0};
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::uint64_t n = 0;
      while (Clock::now() < end) {
        for (int k = 0; k < 64; ++k) {
          if (!tx.VerifySignature().ok()) {
            std::fprintf(stderr, "the ceiling's signature does not verify\n");
            std::abort();
          }
          ++n;
        }
      }
      verified += n;
    });
  }
  for (auto& t : pool) t.join();
  return static_cast<double>(verified.load()) /
         std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace tamga::bench

// tests/support/samples.h
// Deterministic sample values for tests and benchmarks: keys from fixed seeds, signed
// transactions, and blocks, votes and certificates with real signatures.
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <vector>

#include "common/chain.h"
#include "common/ed25519.h"

namespace tamga::testing {

// A key whose seed is `n` repeated: the same key in every run.
SecretKey TestKey(std::uint8_t n);
ChainId TestChain();
Hash32 TestHash(std::uint8_t n);

// A transaction of `payload_size` bytes signed by TestKey(key).
Transaction SampleTransaction(std::uint8_t key, std::uint64_t sequence,
                              std::size_t payload_size = 200);
VoteData SampleVoteData(std::uint64_t round);
// A QC on SampleVoteData(round) signed by validators 0..signers-1 (TestKey(i + 1)).
QuorumCertificate SampleQc(std::uint64_t round, std::uint32_t signers);
TimeoutCertificate SampleTc(std::uint64_t round, std::uint32_t signers);
Block SampleBlock(std::uint64_t round, std::size_t transactions);
Proposal SampleProposal(std::uint64_t round, std::size_t transactions, bool with_tc);

}  // namespace tamga::testing

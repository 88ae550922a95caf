// ledger/log_proof.h
// Inclusion and consistency proofs of the RFC 9162 Merkle tree (section 2.1.3 and 2.1.4):
// building them from subtree hashes, and checking them with the RFC's verification
// algorithms. Pure: no storage, so the offline verifier uses the same code.
//
// Tree sizes and indices are 0-based counts as in the RFC (leaf_index < tree_size).
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "ledger/path_check.h"

namespace tamga::ledger {

// MTH(D[start:end]) for a range produced by the RFC's recursion: either a complete subtree
// (size a power of two, start a multiple of it) or a range that splits at the largest
// power of two below its size.
using SubtreeHashFn = std::function<Result<Hash32>(std::uint64_t start, std::uint64_t end)>;

// The largest power of two strictly less than n. REQUIRES: n >= 2.
std::uint64_t SplitPoint(std::uint64_t n);

// MTH(D[start:end]) from `complete`, which must return the hash of complete subtrees only.
Result<Hash32> RangeHash(std::uint64_t start, std::uint64_t end, const SubtreeHashFn& complete);

// PATH(m, D[n]): the audit path of leaf `index` in a tree of `size` leaves.
Result<std::vector<Hash32>> BuildInclusionProof(std::uint64_t index, std::uint64_t size,
                                                const SubtreeHashFn& range_hash);
// PROOF(m, D[n]): the consistency proof between sizes `first` and `second`.
Result<std::vector<Hash32>> BuildConsistencyProof(std::uint64_t first, std::uint64_t second,
                                                  const SubtreeHashFn& range_hash);

// For the checks below, kBadPath means the proof cannot be one for these sizes (wrong
// length, index out of range).

// RFC 9162 section 2.1.3.2.
PathCheck CheckInclusion(std::uint64_t index, std::uint64_t size, const Hash32& leaf_hash,
                         const std::vector<Hash32>& path, const Hash32& root);
// RFC 9162 section 2.1.4.2, with the two cases it leaves aside: equal sizes (the proof is
// empty and the roots equal) and a first size of 0 (the proof is empty).
PathCheck CheckConsistency(std::uint64_t first, std::uint64_t second, const Hash32& first_root,
                           const Hash32& second_root, const std::vector<Hash32>& proof);

}  // namespace tamga::ledger

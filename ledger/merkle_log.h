// ledger/merkle_log.h
// The append-only record log: every accepted record is a leaf of one RFC 9162 Merkle tree.
// Stored in Column::kLog as the leaf bytes and the hash of every complete subtree
// ('n' || level || index: the subtree of leaves [index * 2^level, (index + 1) * 2^level)),
// so the root of any past size and any proof take O(log n) reads, and an append writes
// one leaf plus on average one node.
//
// The log's size is not stored here: the ledger keeps it (in each block's execution
// result) and passes it in.
//
// Thread-safety: stateless; concurrency is that of the reader/overlay passed in.

#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/kv_store.h"

namespace tamga::ledger {

class MerkleLog {
 public:
  // Appends `leaves` to a log of `size` leaves, writing into `out`; returns the new root.
  static Result<Hash32> Append(Overlay& out, std::uint64_t size, std::span<const Bytes> leaves);

  // MTH of the first `size` leaves.
  static Result<Hash32> Root(const KvReader& r, std::uint64_t size);
  static Result<Bytes> Leaf(const KvReader& r, std::uint64_t index);
  // The hash of the complete subtree of leaves [index * 2^level, (index + 1) * 2^level),
  // which the log must hold (the caller checks the log reaches that far).
  static Result<Hash32> Subtree(const KvReader& r, unsigned level, std::uint64_t index);
  static Result<std::vector<Hash32>> InclusionProof(const KvReader& r, std::uint64_t index,
                                                    std::uint64_t size);
  static Result<std::vector<Hash32>> ConsistencyProof(const KvReader& r, std::uint64_t first,
                                                      std::uint64_t second);

  // A log of `size` leaves known only by its last leaf and that leaf's RFC 9162 inclusion
  // path (a node started from a snapshot): writes the leaf and every complete subtree on
  // the log's right edge, which is all that appending, the root and the proofs of later
  // leaves read. Fails unless the path has the length a last leaf's path has. The caller
  // has checked the path against the log's root.
  static Status InstallRightEdge(Overlay& out, std::uint64_t size, const Bytes& last_leaf,
                                 std::span<const Hash32> path);
};

}  // namespace tamga::ledger

// ledger/state_tree.h
// The authenticated state: a compact sparse Merkle tree (ledger/state_proof.h defines its
// hashes) stored content-addressed in Column::kState:
//   'n' || node hash  ->  0x00 || key || value hash        (a leaf)
//                         0x01 || left hash || right hash  (a node)
//   'v' || value hash ->  value bytes
// Nodes are never overwritten or deleted, so every past root stays readable and provable:
// the state at height h is the tree under the root recorded for h.
//
// Update applies a whole block's writes at once, top-down over the sorted keys, so every
// node on the changed paths is hashed and written once per block, not once per key.
//
// Thread-safety: stateless; concurrency is that of the reader/overlay passed in.

#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

struct StateWrite {
  Hash32 key;
  std::optional<Bytes> value;  // nullopt: delete.
  friend bool operator==(const StateWrite&, const StateWrite&) = default;
};

class StateTree {
 public:
  // The root of the tree under `root` after `writes` (for a key written twice, the last
  // write counts), with every new node and value put into `out`.
  static Result<Hash32> Update(Overlay& out, const Hash32& root, std::vector<StateWrite> writes);

  static Result<std::optional<Bytes>> Get(const KvReader& r, const Hash32& root, const Hash32& key);
  // The value (nullopt if absent) and the proof of it under `root`.
  static Result<std::pair<std::optional<Bytes>, StateProof>> Prove(const KvReader& r,
                                                                   const Hash32& root,
                                                                   const Hash32& key);
};

}  // namespace tamga::ledger

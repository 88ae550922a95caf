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

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

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

// Reads of the state under one root: what contracts execute a block against (the parent's
// state) and what the API reads (the state after some height).
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual Result<std::optional<Bytes>> Get(const Hash32& key) const = 0;
};

// A StateReader over a tree root read through `reader` (kept alive by `owner`, if set).
class TreeStateReader final : public StateReader {
 public:
  TreeStateReader(std::shared_ptr<const KvReader> owner, const KvReader& reader, Hash32 root)
      : owner_(std::move(owner)), reader_(reader), root_(root) {}
  Result<std::optional<Bytes>> Get(const Hash32& key) const override {
    return StateTree::Get(reader_, root_, key);
  }

 private:
  std::shared_ptr<const KvReader> owner_;
  const KvReader& reader_;
  Hash32 root_;
};

}  // namespace tamga::ledger

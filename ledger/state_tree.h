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

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

// The tree's nodes by hash, decoded size and all: a node's hash is the hash of its
// encoding, so an entry is right for every tree and every reader, committed or not, and
// is never invalidated. Every walk from a root reads about log2(keys) nodes; through the
// cache each costs one probe of a flat table instead of a lookup in each overlay and the
// store's cache and two heap copies. Nodes a block's update makes go in as they are made
// (the next blocks' walks start on them). Two generations of open-addressed slots
// approximate LRU; a generation is emptied by a new tag, not by clearing its memory.
//
// Thread-safety: thread-safe.
class StateNodeCache {
 public:
  using Node = std::array<std::uint8_t, 65>;  // The stored encoding (above).
  // At most `slots_per_generation` slots (rounded up to a power of two) in each of two
  // generations, a slot about 110 bytes, a generation at most three quarters full; a
  // generation's table grows as it fills, so a small ledger keeps a small one.
  explicit StateNodeCache(std::size_t slots_per_generation);
  bool Find(const Hash32& hash, Node& out) const;
  void Put(const Hash32& hash, const Node& node) const;
  // Entries held in both generations (an entry promoted from the old one counts twice).
  std::size_t size() const;

 private:
  struct Slot {
    std::uint64_t tag = 0;  // The generation's tag when written; other tags: empty.
    Hash32 hash;
    Node node;
  };
  struct Generation {
    std::vector<Slot> slots;  // Empty, or a power of two of them.
    std::uint64_t tag = 0;
    std::size_t count = 0;
  };
  // The slot holding `hash` in `g`, or the empty one where it would go; null if `g` has no
  // slots yet.
  Slot* Probe(Generation& g, const Hash32& hash) const;
  void InsertLocked(const Hash32& hash, const Node& node) const;

  const std::size_t max_slots_;
  const std::uint64_t seed_;  // Node hashes follow from keys clients choose.
  mutable std::mutex mu_;
  mutable Generation young_, old_;
  mutable std::uint64_t next_tag_ = 1;
};

// Whether a key of the store is a state-tree node's ('n' || hash in Column::kState).
inline bool IsStateNodeKey(Column column, ByteView key) {
  return column == Column::kState && !key.empty() && key[0] == 'n';
}

class StateTree {
 public:
  // The root of the tree under `root` after `writes` (for a key written twice, the last
  // write counts), with every new node and value put into `out` (and new nodes into
  // `nodes`, if set: reads of nodes try it first).
  static Result<Hash32> Update(Overlay& out, const Hash32& root, std::vector<StateWrite> writes,
                               const StateNodeCache* nodes = nullptr);

  static Result<std::optional<Bytes>> Get(const KvReader& r, const Hash32& root, const Hash32& key,
                                          const StateNodeCache* nodes = nullptr);
  // The value (nullopt if absent) and the proof of it under `root`.
  static Result<std::pair<std::optional<Bytes>, StateProof>> Prove(
      const KvReader& r, const Hash32& root, const Hash32& key,
      const StateNodeCache* nodes = nullptr);
};

// Reads of the state under one root: what contracts execute a block against (the parent's
// state) and what the API reads (the state after some height).
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual Result<std::optional<Bytes>> Get(const Hash32& key) const = 0;
};

// Values read from state trees, by (root, key), absent keys included. The tree under a
// root never changes, so an entry is never stale and nothing is invalidated. A read walks
// the tree from the root (about log2 of the number of keys nodes, each a lookup through
// the overlays and caches); the same keys are read again and again under one root (a
// signer's record, its administration and entity by every transaction it sends: at
// admission against the head, in execution against the parent), so one lookup answers
// them. Two generations approximate LRU, as in ImmutableCache.
//
// Thread-safety: thread-safe.
class StateValueCache {
 public:
  explicit StateValueCache(std::size_t capacity);
  // nullopt: not cached; otherwise the value, itself nullopt for an absent key.
  std::optional<std::optional<Bytes>> Find(const Hash32& root, const Hash32& key) const;
  void Put(const Hash32& root, const Hash32& key, const std::optional<Bytes>& value) const;
  // Entries held: at most `capacity`.
  std::size_t size() const;

 private:
  struct Key {
    Hash32 root;
    Hash32 key;
    friend bool operator==(const Key&, const Key&) = default;
  };
  // Roots and keys are SHA-256 outputs, but keys are hashes of names clients choose: a
  // seed drawn per process keeps a client from aiming them all at one bucket.
  struct KeyHash {
    std::uint64_t seed = 0;
    std::size_t operator()(const Key& k) const {
      std::uint64_t a, b;
      std::memcpy(&a, k.key.data(), sizeof a);
      std::memcpy(&b, k.root.data(), sizeof b);
      std::uint64_t h = (a ^ seed) * 0x9E3779B97F4A7C15ull;
      h ^= (b + seed) * 0xC2B2AE3D27D4EB4Full;
      return static_cast<std::size_t>(h ^ (h >> 31));
    }
  };
  using Map = std::unordered_map<Key, std::optional<Bytes>, KeyHash>;
  void InsertLocked(const Key& key, const std::optional<Bytes>& value) const;

  const std::size_t capacity_;
  const std::uint64_t seed_;
  mutable std::mutex mu_;
  mutable Map young_, old_;
};

// A StateReader over a tree root read through `reader` (kept alive by `owner`, if set),
// with its values kept in `values` and its nodes in `nodes`, if set.
class TreeStateReader final : public StateReader {
 public:
  TreeStateReader(std::shared_ptr<const KvReader> owner, const KvReader& reader, Hash32 root,
                  const StateValueCache* values = nullptr, const StateNodeCache* nodes = nullptr)
      : owner_(std::move(owner)), reader_(reader), root_(root), values_(values), nodes_(nodes) {}
  Result<std::optional<Bytes>> Get(const Hash32& key) const override;

 private:
  std::shared_ptr<const KvReader> owner_;
  const KvReader& reader_;
  Hash32 root_;
  const StateValueCache* values_;
  const StateNodeCache* nodes_;
};

}  // namespace tamga::ledger

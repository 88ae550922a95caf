// ledger/state_proof.h
// The authenticated state tree's hashes and proofs, without storage (the offline verifier
// uses this file alone; ledger/state_tree.h stores and updates the tree).
//
// The tree is a compact sparse Merkle tree over 256-bit keys (docs/proof-format.md):
//   - a key's path is its bits, most significant first (bit 0 = top bit of byte 0);
//   - an empty subtree hashes to 32 zero bytes;
//   - a subtree holding exactly one entry is that entry's leaf, wherever it sits:
//       leaf = TaggedHash("state-leaf", key || SHA-256(value));
//   - a subtree holding two or more entries is a node:
//       node = TaggedHash("state-node", left || right).
// So the tree's shape depends only on the set of keys, and a proof is the list of
// siblings from the root down to where the key's path ends: at the key's own leaf
// (presence), at an empty subtree, or at the leaf of another key that shares the path so
// far (both absence).
//
// Thread-safety: pure functions and value types.

#pragma once

#include <optional>
#include <vector>

#include "common/bytes.h"
#include "ledger/path_check.h"

namespace tamga::ledger {

// One change of the state: a key set to a value, or deleted.
struct StateWrite {
  Hash32 key;
  std::optional<Bytes> value;  // nullopt: delete.
  friend bool operator==(const StateWrite&, const StateWrite&) = default;
};

inline constexpr std::size_t kStateKeyBits = 256;

Hash32 StateLeafHash(const Hash32& key, const Hash32& value_hash);
Hash32 StateNodeHash(const Hash32& left, const Hash32& right);
// Bit `i` of the key's path (0 = most significant bit of byte 0).
bool KeyBit(const Hash32& key, std::size_t i);
// The key of an application-level name: TaggedHash("state-key", name).
Hash32 StateKeyOf(ByteView name);

struct StateLeaf {
  Hash32 key;
  Hash32 value_hash;
  friend bool operator==(const StateLeaf&, const StateLeaf&) = default;
};

struct StateProof {
  std::vector<Hash32> siblings;   // Root first; siblings[i] is at depth i + 1.
  std::optional<StateLeaf> leaf;  // Where the path ends; nullopt: an empty subtree.
  friend bool operator==(const StateProof&, const StateProof&) = default;
};

// Checks that under `root`, `key` maps to a value with hash `*value_hash` (presence) or to
// nothing (value_hash == nullopt: absence).
PathCheck CheckStateProof(const Hash32& root, const Hash32& key,
                          const std::optional<Hash32>& value_hash, const StateProof& proof);

}  // namespace tamga::ledger

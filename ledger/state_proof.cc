// ledger/state_proof.cc

#include "ledger/state_proof.h"

#include "common/chain.h"
#include "common/sha256.h"

namespace tamga::ledger {
namespace {

Hash32 HashPair(std::string_view tag, const Hash32& a, const Hash32& b) {
  std::uint8_t buf[64];
  std::copy(a.data(), a.data() + 32, buf);
  std::copy(b.data(), b.data() + 32, buf + 32);
  return TaggedHash(tag, ByteView(buf, 64));
}

}  // namespace

Hash32 StateLeafHash(const Hash32& key, const Hash32& value_hash) {
  return HashPair("state-leaf", key, value_hash);
}

Hash32 StateNodeHash(const Hash32& left, const Hash32& right) {
  return HashPair("state-node", left, right);
}

bool KeyBit(const Hash32& key, std::size_t i) {
  return ((key.data()[i / 8] >> (7 - i % 8)) & 1) != 0;
}

Hash32 StateKeyOf(ByteView name) { return TaggedHash("state-key", name); }

PathCheck CheckStateProof(const Hash32& root, const Hash32& key,
                          const std::optional<Hash32>& value_hash, const StateProof& proof) {
  const std::size_t depth = proof.siblings.size();
  if (depth > kStateKeyBits) return PathCheck::kBadPath;
  Hash32 h;  // Zero: the empty subtree.
  if (value_hash) {
    // Presence: the path must end at this key's own leaf with this value.
    if (!proof.leaf || proof.leaf->key != key) return PathCheck::kBadPath;
    if (proof.leaf->value_hash != *value_hash) return PathCheck::kRootMismatch;
    h = StateLeafHash(key, *value_hash);
  } else if (proof.leaf) {
    // Absence shown by another key's leaf: it must share the path walked so far.
    if (proof.leaf->key == key) return PathCheck::kBadPath;
    for (std::size_t i = 0; i < depth; ++i) {
      if (KeyBit(proof.leaf->key, i) != KeyBit(key, i)) return PathCheck::kBadPath;
    }
    h = StateLeafHash(proof.leaf->key, proof.leaf->value_hash);
  }
  for (std::size_t i = depth; i-- > 0;) {
    h = KeyBit(key, i) ? StateNodeHash(proof.siblings[i], h) : StateNodeHash(h, proof.siblings[i]);
  }
  return h == root ? PathCheck::kOk : PathCheck::kRootMismatch;
}

}  // namespace tamga::ledger

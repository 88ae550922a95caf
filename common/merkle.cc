#include "common/merkle.h"

#include <algorithm>

#include "common/sha256.h"

namespace tamga {

Hash32 MerkleLeafHash(ByteView leaf) {
  static constexpr std::uint8_t kLeafPrefix = 0x00;
  return Sha256Of(ByteView(&kLeafPrefix, 1), leaf);
}

Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right) {
  std::uint8_t buf[1 + 2 * Hash32::kSize];
  buf[0] = 0x01;
  std::copy(left.data(), left.data() + Hash32::kSize, buf + 1);
  std::copy(right.data(), right.data() + Hash32::kSize, buf + 1 + Hash32::kSize);
  return Sha256Of(ByteView(buf, sizeof buf));
}

Hash32 MerkleRoot(std::vector<Hash32> level) {
  if (level.empty()) return Sha256Of(ByteView());
  // Pairing neighbours level by level and carrying an odd last node up unchanged gives
  // exactly RFC 9162's split at the largest power of two below n: the left subtrees are
  // always complete, and the lone right node joins at the level where it has a partner.
  while (level.size() > 1) {
    std::size_t out = 0;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      level[out++] = MerkleNodeHash(level[i], level[i + 1]);
    }
    if (level.size() % 2 == 1) level[out++] = level.back();
    level.resize(out);
  }
  return level[0];
}

}  // namespace tamga

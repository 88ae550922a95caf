// common/merkle.h
// The tree hashes of RFC 9162 (Certificate Transparency v2), section 2.1.1:
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256()                       (the hash of the empty string)
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n]))  with k the largest power of two < n.
// Blocks use MerkleRoot() for their payload root; the ledger's record log (ledger/) builds
// inclusion and consistency proofs on these same two functions.
//
// Thread-safety: pure functions.

#pragma once

#include <vector>

#include "common/bytes.h"

namespace tamga {

Hash32 MerkleLeafHash(ByteView leaf);
Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right);
// MTH over leaves whose leaf hashes are given, in order. Linear time, no recursion.
Hash32 MerkleRoot(std::vector<Hash32> leaf_hashes);

}  // namespace tamga

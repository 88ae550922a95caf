// ledger/log_proof.cc

#include "ledger/log_proof.h"

#include <bit>

#include "common/merkle.h"

namespace tamga::ledger {

std::uint64_t SplitPoint(std::uint64_t n) {
  TAMGA_CHECK(n >= 2);
  return std::bit_floor(n - 1);
}

Result<Hash32> RangeHash(std::uint64_t start, std::uint64_t end, const SubtreeHashFn& complete) {
  const std::uint64_t n = end - start;
  if (std::has_single_bit(n)) return complete(start, end);
  const std::uint64_t k = SplitPoint(n);
  TAMGA_ASSIGN_OR_RETURN(Hash32 left, complete(start, start + k));
  TAMGA_ASSIGN_OR_RETURN(Hash32 right, RangeHash(start + k, end, complete));
  return MerkleNodeHash(left, right);
}

Result<std::vector<Hash32>> BuildInclusionProof(std::uint64_t index, std::uint64_t size,
                                                const SubtreeHashFn& range_hash) {
  if (index >= size) {
    return Status::InvalidArgument("leaf " + std::to_string(index) + " is not in a tree of " +
                                   std::to_string(size));
  }
  // Walk down from the root, collecting the sibling of each step; the RFC lists them
  // leaf-first, so reverse at the end.
  std::vector<Hash32> path;
  std::uint64_t start = 0, end = size;
  while (end - start > 1) {
    const std::uint64_t k = SplitPoint(end - start);
    if (index < start + k) {
      TAMGA_ASSIGN_OR_RETURN(Hash32 h, range_hash(start + k, end));
      path.push_back(h);
      end = start + k;
    } else {
      TAMGA_ASSIGN_OR_RETURN(Hash32 h, range_hash(start, start + k));
      path.push_back(h);
      start += k;
    }
  }
  return std::vector<Hash32>(path.rbegin(), path.rend());
}

Result<std::vector<Hash32>> BuildConsistencyProof(std::uint64_t first, std::uint64_t second,
                                                  const SubtreeHashFn& range_hash) {
  if (first > second) {
    return Status::InvalidArgument("consistency from " + std::to_string(first) + " to " +
                                   std::to_string(second) + ": sizes out of order");
  }
  std::vector<Hash32> proof;
  if (first == 0 || first == second) return proof;
  // SUBPROOF(m, D[start:end], b), iteratively; siblings collected root-first.
  std::uint64_t m = first, start = 0, end = second;
  bool whole = true;  // b: the subtree D[start:start+m] is a subtree of the first tree.
  while (m != end - start) {
    const std::uint64_t k = SplitPoint(end - start);
    if (m <= k) {
      TAMGA_ASSIGN_OR_RETURN(Hash32 h, range_hash(start + k, end));
      proof.push_back(h);
      end = start + k;
    } else {
      TAMGA_ASSIGN_OR_RETURN(Hash32 h, range_hash(start, start + k));
      proof.push_back(h);
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) {
    TAMGA_ASSIGN_OR_RETURN(Hash32 h, range_hash(start, end));
    proof.push_back(h);
  }
  return std::vector<Hash32>(proof.rbegin(), proof.rend());
}

PathCheck CheckInclusion(std::uint64_t index, std::uint64_t size, const Hash32& leaf_hash,
                         const std::vector<Hash32>& path, const Hash32& root) {
  if (index >= size) return PathCheck::kBadPath;
  std::uint64_t fn = index, sn = size - 1;
  Hash32 r = leaf_hash;
  for (const Hash32& p : path) {
    if (sn == 0) return PathCheck::kBadPath;
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return PathCheck::kBadPath;
  return r == root ? PathCheck::kOk : PathCheck::kRootMismatch;
}

PathCheck CheckConsistency(std::uint64_t first, std::uint64_t second, const Hash32& first_root,
                           const Hash32& second_root, const std::vector<Hash32>& proof) {
  if (first > second) return PathCheck::kBadPath;
  if (first == second) {
    if (!proof.empty()) return PathCheck::kBadPath;
    return first_root == second_root ? PathCheck::kOk : PathCheck::kRootMismatch;
  }
  if (first == 0) return proof.empty() ? PathCheck::kOk : PathCheck::kBadPath;
  if (proof.empty()) return PathCheck::kBadPath;

  std::vector<Hash32> c;
  if (std::has_single_bit(first)) c.push_back(first_root);
  c.insert(c.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1, sn = second - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = c[0], sr = c[0];
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (sn == 0) return PathCheck::kBadPath;
    if ((fn & 1) == 1 || fn == sn) {
      fr = MerkleNodeHash(c[i], fr);
      sr = MerkleNodeHash(c[i], sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = MerkleNodeHash(sr, c[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return PathCheck::kBadPath;
  return fr == first_root && sr == second_root ? PathCheck::kOk : PathCheck::kRootMismatch;
}

}  // namespace tamga::ledger

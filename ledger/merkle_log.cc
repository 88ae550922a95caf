// ledger/merkle_log.cc

#include "ledger/merkle_log.h"

#include <bit>

#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/log_proof.h"

namespace tamga::ledger {
namespace {

Bytes NodeKey(unsigned level, std::uint64_t index) {
  Bytes k(10);
  k[0] = 'n';
  k[1] = static_cast<std::uint8_t>(level);
  for (std::size_t i = 0; i < 8; ++i) k[2 + i] = static_cast<std::uint8_t>(index >> (56 - 8 * i));
  return k;
}

Result<Hash32> ReadNode(const KvReader& r, unsigned level, std::uint64_t index) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, r.Get(Column::kLog, NodeKey(level, index)));
  if (!v || v->size() != Hash32::kSize) {
    return Status::Corruption("record log: subtree hash (level " + std::to_string(level) +
                              ", index " + std::to_string(index) + ") is " +
                              (v ? "malformed" : "missing"));
  }
  return Hash32::FromView(*v);
}

// The complete-subtree reader the proof builders need.
SubtreeHashFn CompleteFn(const KvReader& r) {
  return [&r](std::uint64_t start, std::uint64_t end) -> Result<Hash32> {
    const std::uint64_t n = end - start;
    if (!std::has_single_bit(n) || start % n != 0) {
      return RangeHash(start, end, CompleteFn(r));
    }
    const unsigned level = static_cast<unsigned>(std::countr_zero(n));
    return ReadNode(r, level, start >> level);
  };
}

}  // namespace

Result<Hash32> MerkleLog::Append(Overlay& out, std::uint64_t size, std::span<const Bytes> leaves) {
  for (const Bytes& leaf : leaves) {
    const std::uint64_t index = size++;
    out.Put(Column::kLog, KeyU64('d', index), leaf);
    Hash32 h = MerkleLeafHash(leaf);
    out.Put(Column::kLog, NodeKey(0, index), h.view());
    // Each time the new leaf completes a subtree, store that subtree's hash.
    std::uint64_t i = index;
    for (unsigned level = 0; (i & 1) == 1; ++level, i >>= 1) {
      TAMGA_ASSIGN_OR_RETURN(Hash32 left, ReadNode(out, level, i - 1));
      h = MerkleNodeHash(left, h);
      out.Put(Column::kLog, NodeKey(level + 1, i >> 1), h.view());
    }
  }
  return Root(out, size);
}

Result<Hash32> MerkleLog::Subtree(const KvReader& r, unsigned level, std::uint64_t index) {
  return ReadNode(r, level, index);
}

Status MerkleLog::InstallRightEdge(Overlay& out, std::uint64_t size, const Bytes& last_leaf,
                                   std::span<const Hash32> path) {
  if (size == 0) return Status::InvalidArgument("record log: an empty log has no last leaf");
  // The left subtrees on the last leaf's path, top down (RFC 9162 section 2.1.3.1: for the
  // last leaf the split always goes right), as [start, start + 2^level).
  struct Range {
    std::uint64_t start;
    unsigned level;
  };
  std::vector<Range> left;
  for (std::uint64_t start = 0, n = size; n > 1;) {
    const std::uint64_t k = std::bit_floor(n - 1);
    left.push_back({start, static_cast<unsigned>(std::countr_zero(k))});
    start += k;
    n -= k;
  }
  if (left.size() != path.size()) {
    return Status::InvalidArgument("record log: a path of " + std::to_string(path.size()) +
                                   " hashes for the last of " + std::to_string(size) +
                                   " leaves, which has " + std::to_string(left.size()));
  }
  const std::uint64_t last = size - 1;
  out.Put(Column::kLog, KeyU64('d', last), last_leaf);
  // Bottom up: each sibling is a complete subtree; so is each union that is a power of two
  // in size and aligned, as the appends that built the log would have stored it.
  Hash32 h = MerkleLeafHash(last_leaf);
  std::uint64_t start = last, width = 1;
  out.Put(Column::kLog, NodeKey(0, last), h.view());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Range& r = left[left.size() - 1 - i];
    out.Put(Column::kLog, NodeKey(r.level, r.start >> r.level), path[i].view());
    h = MerkleNodeHash(path[i], h);
    width += std::uint64_t{1} << r.level;
    start = r.start;
    if (std::has_single_bit(width) && start % width == 0) {
      const auto level = static_cast<unsigned>(std::countr_zero(width));
      out.Put(Column::kLog, NodeKey(level, start >> level), h.view());
    }
  }
  return Status::Ok();
}

Result<Hash32> MerkleLog::Root(const KvReader& r, std::uint64_t size) {
  if (size == 0) return Sha256Of(ByteView());
  return RangeHash(0, size, CompleteFn(r));
}

Result<Bytes> MerkleLog::Leaf(const KvReader& r, std::uint64_t index) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, r.Get(Column::kLog, KeyU64('d', index)));
  if (!v) return Status::NotFound("record " + std::to_string(index) + " is not in the log");
  return std::move(*v);
}

Result<std::vector<Hash32>> MerkleLog::InclusionProof(const KvReader& r, std::uint64_t index,
                                                      std::uint64_t size) {
  return BuildInclusionProof(index, size, CompleteFn(r));
}

Result<std::vector<Hash32>> MerkleLog::ConsistencyProof(const KvReader& r, std::uint64_t first,
                                                        std::uint64_t second) {
  return BuildConsistencyProof(first, second, CompleteFn(r));
}

}  // namespace tamga::ledger

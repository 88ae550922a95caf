// consensus/block_tree.h
// The tree of blocks a validator knows above its last committed block, with what it has
// learned about each: the execution result, the QC that certifies it, and whether the
// executor said it changes the validator set. Committing moves the root up and forgets
// every branch that does not descend from the new root.
//
// Thread-safety: not thread-safe; owned by the core.

#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/chain.h"
#include "common/status.h"

namespace tamga::consensus {

// Blocks are immutable once built or received, and shared: the tree, the effects that
// hand a block to the owner (ExecuteBlock, CommitBlock, SaveBlock) and the ledger's
// prepared blocks hold the same copy. Its transactions' ids (Block::TxIds, a cache) are
// computed before it is shared, and nobody calls ComputeTxIds on a shared block.
using SharedBlock = std::shared_ptr<const Block>;

struct BlockNode {
  SharedBlock block;
  Hash32 id;
  std::optional<ExecutionResult> result;        // Set once executed.
  std::optional<QuorumCertificate> qc;          // A QC certifying this block, once seen.
  std::optional<ValidatorSet> next_validators;  // Set if executing it changes the set.
};

class BlockTree {
 public:
  // `root` is committed and executed; `root_qc` certifies it.
  BlockTree(SharedBlock root, QuorumCertificate root_qc);

  const BlockNode& root() const { return nodes_.at(root_id_); }
  const Hash32& root_id() const { return root_id_; }
  const BlockNode* Get(const Hash32& id) const;
  bool Contains(const Hash32& id) const { return nodes_.count(id) != 0; }
  std::size_t size() const { return nodes_.size(); }

  // Inserts a block whose parent is in the tree. Returns false if the parent is missing
  // (the caller fetches it) or the block is at or below the root.
  bool Insert(SharedBlock block);
  void SetResult(const Hash32& id, const ExecutionResult& result,
                 std::optional<ValidatorSet> next_validators);
  // Records a verified QC for a block in the tree (ignored if the block is unknown).
  void AddQc(const QuorumCertificate& qc);

  // Blocks from the root's child down to `id` inclusive, oldest first; empty if `id` is the
  // root or unknown.
  std::vector<const BlockNode*> PathFromRoot(const Hash32& id) const;
  // Makes `id` the new root and drops every block not descending from it, in time
  // proportional to the blocks dropped.
  void PruneTo(const Hash32& id);

  // Children of `id`, in the order of their ids.
  std::vector<Hash32> ChildrenOf(const Hash32& id) const;

 private:
  std::map<Hash32, BlockNode> nodes_;
  // Each block's children, sorted: a node catching up holds hundreds of fetched blocks, so
  // neither finding children nor pruning may visit the whole tree.
  std::map<Hash32, std::vector<Hash32>> children_;
  Hash32 root_id_;
};

}  // namespace tamga::consensus

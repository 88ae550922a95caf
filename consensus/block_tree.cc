#include "consensus/block_tree.h"

namespace tamga::consensus {

BlockTree::BlockTree(SharedBlock root, QuorumCertificate root_qc) {
  root_id_ = root->header.Id();
  BlockNode node{std::move(root), root_id_, root_qc.data.result, std::move(root_qc), {}};
  nodes_.emplace(root_id_, std::move(node));
}

const BlockNode* BlockTree::Get(const Hash32& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool BlockTree::Insert(SharedBlock block) {
  const Hash32 id = block->header.Id();
  if (nodes_.count(id)) return true;
  auto parent = nodes_.find(block->header.parent_id);
  if (parent == nodes_.end()) return false;
  if (block->header.height <= root().block->header.height) return false;
  // The block's justify certifies its parent: remember it there too.
  if (!parent->second.qc) parent->second.qc = block->justify;
  nodes_.emplace(id, BlockNode{std::move(block), id, std::nullopt, std::nullopt, std::nullopt});
  return true;
}

void BlockTree::SetResult(const Hash32& id, const ExecutionResult& result,
                          std::optional<ValidatorSet> next_validators) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  it->second.result = result;
  it->second.next_validators = std::move(next_validators);
}

void BlockTree::AddQc(const QuorumCertificate& qc) {
  auto it = nodes_.find(qc.data.block_id);
  if (it != nodes_.end() && !it->second.qc) it->second.qc = qc;
}

std::vector<const BlockNode*> BlockTree::PathFromRoot(const Hash32& id) const {
  std::vector<const BlockNode*> path;
  const BlockNode* n = Get(id);
  while (n != nullptr && n->id != root_id_) {
    path.push_back(n);
    n = Get(n->block->header.parent_id);
  }
  if (n == nullptr) return {};  // Not connected to the root.
  return {path.rbegin(), path.rend()};
}

std::vector<Hash32> BlockTree::ChildrenOf(const Hash32& id) const {
  std::vector<Hash32> out;
  for (const auto& [child_id, node] : nodes_) {
    if (node.block->header.parent_id == id && child_id != root_id_) out.push_back(child_id);
  }
  return out;
}

void BlockTree::PruneTo(const Hash32& id) {
  TAMGA_CHECK(nodes_.count(id));
  // Keep the new root and its descendants: walk each node up until it reaches the new
  // root (keep) or falls to its height (drop). The tree holds only uncommitted blocks, so
  // the walks stay short.
  const Height root_height = nodes_.at(id).block->header.height;
  std::vector<Hash32> drop;
  for (const auto& [nid, node] : nodes_) {
    const BlockNode* n = &node;
    while (n != nullptr && n->id != id && n->block->header.height > root_height) {
      n = Get(n->block->header.parent_id);
    }
    if (n == nullptr || n->id != id) drop.push_back(nid);
  }
  for (const Hash32& d : drop) nodes_.erase(d);
  root_id_ = id;
}

}  // namespace tamga::consensus

#include "consensus/block_tree.h"

#include <algorithm>

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
  std::vector<Hash32>& siblings = children_[parent->first];
  siblings.insert(std::lower_bound(siblings.begin(), siblings.end(), id), id);
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
  auto it = children_.find(id);
  return it == children_.end() ? std::vector<Hash32>{} : it->second;
}

void BlockTree::PruneTo(const Hash32& id) {
  TAMGA_CHECK(nodes_.count(id));
  // Every block descends from the old root, so what does not descend from the new one is
  // the path from the old root down to it and the branches that leave that path.
  std::vector<Hash32> drop;
  Hash32 child = id;
  for (auto p = nodes_.find(nodes_.at(id).block->header.parent_id); p != nodes_.end();) {
    for (const Hash32& c : ChildrenOf(p->first)) {
      if (c != child) drop.push_back(c);
    }
    child = p->first;
    const Hash32 up = p->second.block->header.parent_id;
    nodes_.erase(p);
    children_.erase(child);
    p = nodes_.find(up);
  }
  while (!drop.empty()) {
    const Hash32 d = drop.back();
    drop.pop_back();
    if (auto c = children_.find(d); c != children_.end()) {
      drop.insert(drop.end(), c->second.begin(), c->second.end());
      children_.erase(c);
    }
    nodes_.erase(d);
  }
  root_id_ = id;
}

}  // namespace tamga::consensus

// node/block_sync.cc

#include "node/block_sync.h"

#include <algorithm>

#include "common/encoding.h"

namespace tamga::node {

Result<net::BlockResponse> BlockSync::Serve(const CommittedChain& chain,
                                            const consensus::Core& core,
                                            const net::BlockRequest& request) const {
  net::BlockResponse resp;
  const Height head = chain.head();
  resp.highest_height = head;
  const std::uint32_t max =
      std::min(std::max<std::uint32_t>(request.max_blocks, 1), limits_.fetch_blocks_max);
  std::size_t bytes = 0;
  // Adds a block unless it would take the reply over its limits (the first always goes:
  // any block fits a frame, kBlockBytesMax < the frame cap).
  auto add = [&](const Block& block, const QuorumCertificate& qc) {
    const std::size_t size = Encode(block).size() + Encode(qc).size() + 64;
    if (!resp.blocks.empty() &&
        (resp.blocks.size() >= max || bytes + size > limits_.reply_bytes_max)) {
      return false;
    }
    bytes += size;
    resp.blocks.push_back({block, qc});
    return true;
  };
  // A node started from a snapshot cannot serve what lies below it: it says how high it
  // is and sends nothing, and the asker turns to another peer.
  if (request.from_height < chain.lowest()) return resp;
  bool room = true;
  for (std::uint64_t h = std::max<std::uint64_t>(request.from_height.value(), 1);
       h <= head.value() && room; ++h) {
    TAMGA_ASSIGN_OR_RETURN(CertifiedBlock cb, chain.CommittedAt(Height(h)));
    room = add(cb.block, cb.qc);
    if (!room) break;
    // The blocks that prove an epoch change go with it, or the block waits.
    TAMGA_ASSIGN_OR_RETURN(std::vector<CertifiedBlock> proof, chain.EpochProofAt(Height(h)));
    for (const auto& p : proof) {
      if (!(room = add(p.block, p.qc))) break;
    }
  }
  if (room) {
    for (const auto* n : core.tree().PathFromRoot(core.highest_qc().data.block_id)) {
      if (!n->qc || n->block->header.height < request.from_height ||
          n->block->header.height <= head) {
        continue;
      }
      if (!add(*n->block, *n->qc)) break;
    }
  }
  return resp;
}

bool BlockSync::Distrusted(const PublicKey& peer, std::uint64_t now_ms) const {
  auto it = distrusted_until_.find(peer);
  return it != distrusted_until_.end() && now_ms < it->second;
}

void BlockSync::Distrust(const PublicKey& peer, const std::string& why, std::uint64_t now_ms) {
  distrusted_until_[peer] = now_ms + limits_.distrust_ms;
  ++peers_dropped_;
  network_.Drop(peer, why);
}

void BlockSync::Fetch(Height from, const PublicKey& suggested,
                      const std::vector<PublicKey>& validators, std::uint64_t now_ms) {
  PublicKey peer = suggested;
  if (Distrusted(peer, now_ms) && !validators.empty()) {
    const auto at = std::find(validators.begin(), validators.end(), suggested);
    const std::size_t start =
        at == validators.end() ? 0 : static_cast<std::size_t>(at - validators.begin());
    for (std::size_t i = 1; i <= validators.size(); ++i) {
      const PublicKey& candidate = validators[(start + i) % validators.size()];
      if (!Distrusted(candidate, now_ms)) {
        peer = candidate;
        break;
      }
    }
  }
  network_.Request(peer, net::BlockRequest{from, limits_.fetch_blocks_max});
}

std::size_t BlockSync::OnResponse(const PublicKey& from, const net::BlockResponse& response,
                                  SyncTarget& target, std::uint64_t now_ms) {
  if (response.blocks.size() > limits_.served_blocks_max) {
    Distrust(from, "served " + std::to_string(response.blocks.size()) + " blocks, more than asked",
             now_ms);
    return 0;
  }
  if (response.blocks.empty()) return 0;
  // Whether the reply starts where this node asked: its next height, or where this
  // server's previous reply ended (a chained request).
  const Height first = response.blocks.front().block.header.height;
  const Height last = response.blocks.back().block.header.height;
  auto chained = chained_.find(from);
  const bool asked =
      first == target.committed().Next() || (chained != chained_.end() && chained->second == first);
  if (chained != chained_.end()) chained_.erase(chained);
  std::size_t used = 0;
  std::vector<CertifiedBlock> verified;
  // Each block against the set of the epoch the target is in: the blocks after one that
  // ends an epoch are of the next epoch, and wait until the target has entered it (the
  // epoch changes when that block commits, after this delivery).
  for (const auto& cb : response.blocks) {
    if (target.stopped()) break;
    const Epoch epoch = cb.block.header.epoch;
    if (epoch < target.epoch()) continue;  // Behind us already.
    if (epoch > target.epoch()) break;     // Needs the epoch change first; asked again later.
    if (cb.block.header.height <= target.committed()) continue;
    if (Status s = target.verifier().VerifyCertifiedBlock(cb.block, cb.qc); !s.ok()) {
      Distrust(from,
               "served block at height " + cb.block.header.height.ToString() +
                   " that does not verify: " + s.ToString(),
               now_ms);
      break;
    }
    ++used;
    verified.push_back(CertifiedBlock{cb.block, cb.qc});
  }
  if (!verified.empty() && !target.stopped()) target.Deliver(std::move(verified));
  if (asked && used == response.blocks.size() && response.highest_height > last &&
      !target.stopped()) {
    paused_ = Paused{from, last.Next()};
    OnCommitted(target);
  }
  return used;
}

void BlockSync::OnCommitted(const SyncTarget& target) {
  if (!paused_ || target.stopped()) return;
  const Height from = std::max(paused_->next, target.committed().Next());
  // The next reply may reach fetch_blocks_max above `from`.
  if (from.value() - 1 + limits_.fetch_blocks_max >
      target.committed().value() + limits_.ahead_blocks_max) {
    return;
  }
  const PublicKey server = paused_->server;
  paused_.reset();
  chained_[server] = from;
  network_.Request(server, net::BlockRequest{from, limits_.fetch_blocks_max});
}

}  // namespace tamga::node

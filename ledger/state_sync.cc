// ledger/state_sync.cc

#include "ledger/state_sync.h"

#include <algorithm>

#include "common/sha256.h"

namespace tamga::ledger {
namespace {

constexpr std::size_t kNodeBytes = 65;

Bytes StateKey(std::uint8_t tag, const Hash32& h) {
  Bytes k(33);
  k[0] = tag;
  std::copy(h.data(), h.data() + 32, k.begin() + 1);
  return k;
}

bool IsLeaf(const Bytes& node) { return node.size() == kNodeBytes && node[0] == 0; }
bool IsInner(const Bytes& node) { return node.size() == kNodeBytes && node[0] == 1; }
Hash32 Half(const Bytes& node, std::size_t at) {
  return Hash32::FromView(ByteView(node.data() + at, 32));
}

}  // namespace

Result<std::vector<StateNodeItem>> ReadStateNodes(const KvReader& store,
                                                  std::span<const Hash32> hashes,
                                                  std::size_t max_bytes) {
  std::vector<StateNodeItem> out;
  std::size_t bytes = 0;
  for (const Hash32& h : hashes.first(std::min(hashes.size(), kStateSyncBatchMax))) {
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> node, store.Get(Column::kState, StateKey('n', h)));
    if (!node || node->size() != kNodeBytes || (*node)[0] > 1) break;
    StateNodeItem item{h, std::move(*node), std::nullopt};
    if (IsLeaf(item.node)) {
      TAMGA_ASSIGN_OR_RETURN(item.value,
                             store.Get(Column::kState, StateKey('v', Half(item.node, 33))));
      if (!item.value) break;
    }
    const std::size_t size = 32 + kNodeBytes + (item.value ? 4 + item.value->size() : 0);
    if (!out.empty() && bytes + size > max_bytes) break;  // The first always goes.
    bytes += size;
    out.push_back(std::move(item));
  }
  return out;
}

Bytes EncodeStateNodes(std::span<const StateNodeItem> items) {
  Bytes out;
  for (const StateNodeItem& it : items) {
    out.insert(out.end(), it.hash.data(), it.hash.data() + 32);
    out.insert(out.end(), it.node.begin(), it.node.end());
    if (it.value) {
      const auto n = static_cast<std::uint32_t>(it.value->size());
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(n >> s));
      out.insert(out.end(), it.value->begin(), it.value->end());
    }
  }
  return out;
}

Result<std::vector<StateNodeItem>> DecodeStateNodes(ByteView bytes) {
  std::vector<StateNodeItem> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (out.size() >= kStateSyncBatchMax) {
      return Status::Corruption("state nodes: more than " + std::to_string(kStateSyncBatchMax));
    }
    if (bytes.size() - at < 32 + kNodeBytes) return Status::Corruption("state nodes: truncated");
    StateNodeItem it;
    it.hash = Hash32::FromView(bytes.subspan(at, 32));
    const ByteView node = bytes.subspan(at + 32, kNodeBytes);
    it.node.assign(node.begin(), node.end());
    at += 32 + kNodeBytes;
    if (it.node[0] > 1) return Status::Corruption("state nodes: a node of unknown kind");
    if (it.node[0] == 0) {
      if (bytes.size() - at < 4) return Status::Corruption("state nodes: truncated value length");
      const std::uint32_t n = (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
                              (std::uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
      at += 4;
      if (bytes.size() - at < n) return Status::Corruption("state nodes: truncated value");
      const ByteView value = bytes.subspan(at, n);
      it.value = Bytes(value.begin(), value.end());
      at += n;
    }
    out.push_back(std::move(it));
  }
  return out;
}

bool StateNodeMatches(const StateNodeItem& item) {
  if (IsLeaf(item.node)) {
    return item.value && StateLeafHash(Half(item.node, 1), Half(item.node, 33)) == item.hash &&
           Sha256Of(*item.value) == Half(item.node, 33);
  }
  if (IsInner(item.node)) {
    return !item.value && StateNodeHash(Half(item.node, 1), Half(item.node, 33)) == item.hash;
  }
  return false;
}

StateSync::StateSync(Hash32 root, std::vector<PeerId> peers, Options options)
    : root_(root), options_(options), live_peers_(peers.begin(), peers.end()) {
  options_.batch = std::clamp<std::size_t>(options_.batch, 1, kStateSyncBatchMax);
  if (root_ != Hash32()) queue_.push_back(root_);  // The zero root is the empty tree.
  progress_.pending = queue_.size();
}

Result<std::vector<StateSync::Request>> StateSync::NextRequests(const KvReader& local) {
  std::set<PeerId> busy;
  for (const auto& [id, r] : outstanding_) busy.insert(r.peer);
  std::vector<PeerId> idle;
  for (PeerId p : live_peers_) {
    if (!busy.count(p)) idle.push_back(p);
  }
  // Round-robin, so every peer serves a share and a slow one cannot hold all the work.
  if (!idle.empty()) {
    std::rotate(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(next_peer_ % idle.size()),
                idle.end());
  }
  std::vector<Request> out;
  for (PeerId peer : idle) {
    Request r{next_id_, peer, {}};
    // Depth first (the queue is a stack), so the queue holds about a path's siblings.
    while (!queue_.empty() && r.hashes.size() < options_.batch) {
      const Hash32 h = queue_.back();
      queue_.pop_back();
      TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> node, local.Get(Column::kState, StateKey('n', h)));
      bool have = node && node->size() == kNodeBytes && (*node)[0] <= 1;
      if (have && IsLeaf(*node)) {
        TAMGA_ASSIGN_OR_RETURN(auto value, local.Get(Column::kState, StateKey('v', Half(*node, 33))));
        have = value.has_value();
      }
      if (!have) {
        r.hashes.push_back(h);
        continue;
      }
      ++progress_.nodes;
      ++progress_.local;
      if (IsInner(*node)) {
        for (const Hash32& child : {Half(*node, 33), Half(*node, 1)}) {
          if (child != Hash32()) queue_.push_back(child);
        }
      }
    }
    if (r.hashes.empty()) break;
    ++next_id_;
    ++next_peer_;
    outstanding_.emplace(r.id, r);
    out.push_back(std::move(r));
  }
  std::uint64_t asked = 0;
  for (const auto& [id, r] : outstanding_) asked += r.hashes.size();
  progress_.pending = queue_.size() + asked;
  return out;
}

std::optional<std::string> StateSync::OnAnswer(std::uint64_t id,
                                               std::span<const StateNodeItem> items,
                                               Overlay& out) {
  auto it = outstanding_.find(id);
  if (it == outstanding_.end()) return std::nullopt;  // Late, after a drop: ignored.
  Request r = std::move(it->second);
  outstanding_.erase(it);
  std::optional<std::string> why;
  if (items.empty()) why = "answered none of the nodes asked";
  if (items.size() > r.hashes.size()) why = "answered more nodes than asked";
  std::size_t good = 0;
  for (; !why && good < items.size(); ++good) {
    const StateNodeItem& item = items[good];
    if (item.hash != r.hashes[good]) {
      why = "answered node " + item.hash.ShortHex() + " for " + r.hashes[good].ShortHex();
    } else if (!StateNodeMatches(item)) {
      why = "served node " + item.hash.ShortHex() + " with bytes of another hash";
    }
  }
  if (why) good = 0;  // Nothing from a lying peer is kept.
  for (std::size_t i = 0; i < good; ++i) Take(items[i], out);
  for (std::size_t i = r.hashes.size(); i > good; --i) queue_.push_back(r.hashes[i - 1]);
  if (why) Drop(r.peer, *why);
  return why;
}

void StateSync::OnFailure(std::uint64_t id, std::string why) {
  auto it = outstanding_.find(id);
  if (it == outstanding_.end()) return;
  const Request r = std::move(it->second);
  outstanding_.erase(it);
  for (auto h = r.hashes.rbegin(); h != r.hashes.rend(); ++h) queue_.push_back(*h);
  Drop(r.peer, std::move(why));
}

void StateSync::Take(const StateNodeItem& item, Overlay& out) {
  out.Put(Column::kState, StateKey('n', item.hash), item.node);
  ++progress_.nodes;
  ++progress_.fetched;
  progress_.bytes += 32 + item.node.size();
  if (item.value) {
    out.Put(Column::kState, StateKey('v', Half(item.node, 33)), *item.value);
    progress_.bytes += 4 + item.value->size();
  } else {
    for (const Hash32& child : {Half(item.node, 33), Half(item.node, 1)}) {
      if (child != Hash32()) queue_.push_back(child);
    }
  }
}

void StateSync::Drop(PeerId peer, std::string why) {
  if (!live_peers_.erase(peer)) return;
  dropped_.emplace(peer, std::move(why));
  ++progress_.peers_dropped;
  // Its other requests (there is at most one) go back too.
  for (auto it = outstanding_.begin(); it != outstanding_.end();) {
    if (it->second.peer != peer) {
      ++it;
      continue;
    }
    for (auto h = it->second.hashes.rbegin(); h != it->second.hashes.rend(); ++h) {
      queue_.push_back(*h);
    }
    it = outstanding_.erase(it);
  }
}

}  // namespace tamga::ledger

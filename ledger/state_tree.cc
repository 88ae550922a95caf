// ledger/state_tree.cc

#include "ledger/state_tree.h"

#include <algorithm>
#include <random>

#include "common/sha256.h"

namespace tamga::ledger {
namespace {

// kUnread: a non-empty subtree not read from the store (a leaf or a node).
enum class Kind { kEmpty, kLeaf, kNode, kUnread };

struct Sub {
  Kind kind = Kind::kEmpty;
  Hash32 hash;         // Zero when empty.
  StateLeaf leaf;      // kLeaf.
  Hash32 left, right;  // kNode.
};

struct Item {
  Hash32 key;
  std::optional<Hash32> value_hash;  // nullopt: delete.
};

Bytes Key(std::uint8_t tag, const Hash32& h) {
  Bytes k(33);
  k[0] = tag;
  std::copy(h.data(), h.data() + 32, k.begin() + 1);
  return k;
}

Result<Sub> Load(const KvReader& r, const StateNodeCache* nodes, const Hash32& hash) {
  Sub s;
  if (hash == Hash32()) return s;
  StateNodeCache::Node enc;
  if (nodes == nullptr || !nodes->Find(hash, enc)) {
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, r.Get(Column::kState, Key('n', hash)));
    if (!v || v->size() != enc.size() || (*v)[0] > 1) {
      return Status::Corruption("state tree: node " + hash.ShortHex() + " is " +
                                (v ? "malformed" : "missing"));
    }
    std::copy(v->begin(), v->end(), enc.begin());
    if (nodes != nullptr) nodes->Put(hash, enc);
  }
  const ByteView a(enc.data() + 1, 32), b(enc.data() + 33, 32);
  s.hash = hash;
  if (enc[0] == 0) {
    s.kind = Kind::kLeaf;
    s.leaf = {Hash32::FromView(a), Hash32::FromView(b)};
  } else {
    s.kind = Kind::kNode;
    s.left = Hash32::FromView(a);
    s.right = Hash32::FromView(b);
  }
  return s;
}

Sub Unread(const Hash32& hash) {
  Sub s;
  s.hash = hash;
  s.kind = hash == Hash32() ? Kind::kEmpty : Kind::kUnread;
  return s;
}

// Where an update puts what it makes: the block's overlay, and the node cache if any.
struct Out {
  Overlay& overlay;
  const StateNodeCache* nodes;

  void PutNode(const Hash32& hash, std::uint8_t kind, const Hash32& a, const Hash32& b) const {
    StateNodeCache::Node enc;
    enc[0] = kind;
    std::copy(a.data(), a.data() + 32, enc.begin() + 1);
    std::copy(b.data(), b.data() + 32, enc.begin() + 33);
    overlay.Put(Column::kState, Key('n', hash), enc);
    if (nodes != nullptr) nodes->Put(hash, enc);
  }
};

Sub MakeLeaf(const Out& out, const Hash32& key, const Hash32& value_hash) {
  Sub s;
  s.kind = Kind::kLeaf;
  s.leaf = {key, value_hash};
  s.hash = StateLeafHash(key, value_hash);
  out.PutNode(s.hash, 0, key, value_hash);
  return s;
}

// The canonical subtree over two children: a lone leaf floats up, two empties vanish.
// A child may be kUnread only if the other is not empty.
Sub Combine(const Out& out, const Sub& l, const Sub& r) {
  if (l.kind == Kind::kEmpty && r.kind != Kind::kNode) return r;
  if (r.kind == Kind::kEmpty && l.kind == Kind::kLeaf) return l;
  Sub s;
  s.kind = Kind::kNode;
  s.left = l.hash;
  s.right = r.hash;
  s.hash = StateNodeHash(l.hash, r.hash);
  out.PutNode(s.hash, 1, l.hash, r.hash);
  return s;
}

// Index of the first item whose bit `depth` is 1 (items are sorted by key).
std::size_t SplitAt(std::span<const Item> items, std::size_t depth) {
  return static_cast<std::size_t>(
      std::partition_point(items.begin(), items.end(),
                           [depth](const Item& it) { return !KeyBit(it.key, depth); }) -
      items.begin());
}

// The subtree at `depth` holding exactly the present items of `items`.
Sub Build(const Out& out, std::size_t depth, std::span<const Item> items) {
  std::size_t present = 0;
  const Item* only = nullptr;
  for (const Item& it : items) {
    if (it.value_hash) {
      ++present;
      only = &it;
    }
  }
  if (present == 0) return Sub{};
  if (present == 1) return MakeLeaf(out, only->key, *only->value_hash);
  const std::size_t k = SplitAt(items, depth);
  return Combine(out, Build(out, depth + 1, items.first(k)),
                 Build(out, depth + 1, items.subspan(k)));
}

Result<Sub> Apply(const Out& out, const Sub& node, std::size_t depth, std::span<const Item> items) {
  if (items.empty()) return node;
  switch (node.kind) {
    case Kind::kEmpty:
      return Build(out, depth, items);
    case Kind::kUnread:
      return Status::Internal("state tree: applying writes to an unread subtree");
    case Kind::kLeaf: {
      // The existing entry joins the writes unless one of them replaces it.
      std::vector<Item> merged(items.begin(), items.end());
      auto pos = std::lower_bound(merged.begin(), merged.end(), node.leaf.key,
                                  [](const Item& it, const Hash32& k) { return it.key < k; });
      if (pos == merged.end() || pos->key != node.leaf.key) {
        merged.insert(pos, Item{node.leaf.key, node.leaf.value_hash});
      }
      return Build(out, depth, merged);
    }
    case Kind::kNode: {
      if (depth >= kStateKeyBits) return Status::Corruption("state tree deeper than 256");
      const std::size_t k = SplitAt(items, depth);
      // Only the sides that change are read. An unchanged side matters only if the other
      // side empties, when a lone leaf on it must float up: then it is read too.
      Sub l = Unread(node.left), r = Unread(node.right);
      if (k > 0) {
        TAMGA_ASSIGN_OR_RETURN(Sub child, Load(out.overlay, out.nodes, node.left));
        TAMGA_ASSIGN_OR_RETURN(l, Apply(out, child, depth + 1, items.first(k)));
      }
      if (k < items.size()) {
        TAMGA_ASSIGN_OR_RETURN(Sub child, Load(out.overlay, out.nodes, node.right));
        TAMGA_ASSIGN_OR_RETURN(r, Apply(out, child, depth + 1, items.subspan(k)));
      }
      if (l.kind == Kind::kEmpty && r.kind == Kind::kUnread) {
        TAMGA_ASSIGN_OR_RETURN(r, Load(out.overlay, out.nodes, r.hash));
      }
      if (r.kind == Kind::kEmpty && l.kind == Kind::kUnread) {
        TAMGA_ASSIGN_OR_RETURN(l, Load(out.overlay, out.nodes, l.hash));
      }
      return Combine(out, l, r);
    }
  }
  return Status::Internal("unreachable");
}

}  // namespace

Result<Hash32> StateTree::Update(Overlay& overlay, const Hash32& root,
                                 std::vector<StateWrite> writes, const StateNodeCache* nodes) {
  std::stable_sort(writes.begin(), writes.end(),
                   [](const StateWrite& a, const StateWrite& b) { return a.key < b.key; });
  std::vector<Item> items;
  items.reserve(writes.size());
  for (const StateWrite& w : writes) {
    std::optional<Hash32> vh;
    if (w.value) {
      vh = Sha256Of(*w.value);
      overlay.Put(Column::kState, Key('v', *vh), *w.value);
    }
    if (!items.empty() && items.back().key == w.key) {
      items.back().value_hash = vh;  // The last write of a key counts.
    } else {
      items.push_back({w.key, vh});
    }
  }
  TAMGA_ASSIGN_OR_RETURN(Sub top, Load(overlay, nodes, root));
  TAMGA_ASSIGN_OR_RETURN(Sub result, Apply(Out{overlay, nodes}, top, 0, items));
  return result.hash;
}

namespace {

// The value under `key` (nullopt if absent), with the siblings on its path into `proof` if
// one is asked for.
Result<std::optional<Bytes>> Walk(const KvReader& r, const StateNodeCache* nodes,
                                  const Hash32& root, const Hash32& key, StateProof* proof) {
  Hash32 h = root;
  for (std::size_t depth = 0;; ++depth) {
    TAMGA_ASSIGN_OR_RETURN(Sub s, Load(r, nodes, h));
    if (s.kind == Kind::kEmpty) return std::optional<Bytes>();
    if (s.kind == Kind::kLeaf) {
      if (proof != nullptr) proof->leaf = s.leaf;
      if (s.leaf.key != key) return std::optional<Bytes>();
      TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v,
                             r.Get(Column::kState, Key('v', s.leaf.value_hash)));
      if (!v)
        return Status::Corruption("state tree: value " + s.leaf.value_hash.ShortHex() +
                                  " is missing");
      return v;
    }
    if (depth >= kStateKeyBits) return Status::Corruption("state tree deeper than 256");
    const bool right = KeyBit(key, depth);
    if (proof != nullptr) proof->siblings.push_back(right ? s.left : s.right);
    h = right ? s.right : s.left;
  }
}

}  // namespace

Result<std::pair<std::optional<Bytes>, StateProof>> StateTree::Prove(const KvReader& r,
                                                                     const Hash32& root,
                                                                     const Hash32& key,
                                                                     const StateNodeCache* nodes) {
  StateProof proof;
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, Walk(r, nodes, root, key, &proof));
  return std::make_pair(std::move(v), std::move(proof));
}

Result<std::optional<Bytes>> StateTree::Get(const KvReader& r, const Hash32& root,
                                            const Hash32& key, const StateNodeCache* nodes) {
  return Walk(r, nodes, root, key, nullptr);
}

namespace {
std::uint64_t RandomSeed() {
  return (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
}
std::size_t RoundUpToPowerOfTwo(std::size_t n) {
  std::size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

StateNodeCache::StateNodeCache(std::size_t slots_per_generation)
    : max_slots_(RoundUpToPowerOfTwo(slots_per_generation)), seed_(RandomSeed()) {
  young_.tag = next_tag_++;
  old_.tag = next_tag_++;
}

StateNodeCache::Slot* StateNodeCache::Probe(Generation& g, const Hash32& hash) const {
  if (g.slots.empty()) return nullptr;
  std::uint64_t a;
  std::memcpy(&a, hash.data(), sizeof a);
  const std::uint64_t h = (a ^ seed_) * 0x9E3779B97F4A7C15ull;
  const std::size_t mask = g.slots.size() - 1;
  // Linear probing; a generation is never more than three quarters full, so this ends.
  for (std::size_t i = static_cast<std::size_t>(h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
    Slot& slot = g.slots[i];
    if (slot.tag != g.tag || slot.hash == hash) return &slot;
  }
}

bool StateNodeCache::Find(const Hash32& hash, Node& out) const {
  std::lock_guard lock(mu_);
  if (const Slot* s = Probe(young_, hash); s != nullptr && s->tag == young_.tag) {
    out = s->node;
    return true;
  }
  const Slot* s = Probe(old_, hash);
  if (s == nullptr || s->tag != old_.tag) return false;
  out = s->node;
  InsertLocked(hash, out);  // Promoted, within the bound like any insertion.
  return true;
}

void StateNodeCache::Put(const Hash32& hash, const Node& node) const {
  std::lock_guard lock(mu_);
  InsertLocked(hash, node);
}

void StateNodeCache::InsertLocked(const Hash32& hash, const Node& node) const {
  if (young_.count >= young_.slots.size() / 4 * 3) {
    if (young_.slots.size() < max_slots_) {
      // Grown as it fills (a small ledger keeps a small table), up to the bound.
      Generation bigger;
      bigger.slots.resize(
          std::min(max_slots_, std::max<std::size_t>(young_.slots.size() * 2, 1024)));
      bigger.tag = young_.tag;
      for (const Slot& slot : young_.slots) {
        if (slot.tag == young_.tag) *Probe(bigger, slot.hash) = slot;
      }
      bigger.count = young_.count;
      young_ = std::move(bigger);
    } else {
      // The young generation becomes the old one; the old one's slots, all empty under a
      // new tag, the young one (a 64-bit tag does not wrap).
      std::swap(young_, old_);
      if (young_.slots.size() != max_slots_) young_.slots.assign(max_slots_, Slot{});
      young_.tag = next_tag_++;
      young_.count = 0;
    }
  }
  Slot* slot = Probe(young_, hash);
  if (slot->tag != young_.tag) {
    slot->tag = young_.tag;
    slot->hash = hash;
    ++young_.count;
  }
  slot->node = node;
}

std::size_t StateNodeCache::size() const {
  std::lock_guard lock(mu_);
  return young_.count + old_.count;
}

StateValueCache::StateValueCache(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 2)),
      seed_(RandomSeed()),
      young_(0, KeyHash{seed_}),
      old_(0, KeyHash{seed_}) {}

std::optional<std::optional<Bytes>> StateValueCache::Find(const Hash32& root,
                                                          const Hash32& key) const {
  const Key k{root, key};
  std::lock_guard lock(mu_);
  if (auto it = young_.find(k); it != young_.end()) return it->second;
  auto it = old_.find(k);
  if (it == old_.end()) return std::nullopt;
  std::optional<Bytes> v = it->second;
  InsertLocked(k, v);  // Promoted, within the bound like any insertion.
  return v;
}

void StateValueCache::Put(const Hash32& root, const Hash32& key,
                          const std::optional<Bytes>& value) const {
  std::lock_guard lock(mu_);
  InsertLocked(Key{root, key}, value);
}

void StateValueCache::InsertLocked(const Key& key, const std::optional<Bytes>& value) const {
  if (young_.size() >= capacity_ / 2) {
    old_ = std::move(young_);
    young_ = Map(0, KeyHash{seed_});
    young_.reserve(capacity_ / 2);
  }
  young_.insert_or_assign(key, value);
}

std::size_t StateValueCache::size() const {
  std::lock_guard lock(mu_);
  return young_.size() + old_.size();
}

Result<std::optional<Bytes>> TreeStateReader::Get(const Hash32& key) const {
  if (values_ != nullptr) {
    if (auto cached = values_->Find(root_, key)) return std::move(*cached);
  }
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, StateTree::Get(reader_, root_, key, nodes_));
  if (values_ != nullptr) values_->Put(root_, key, v);
  return v;
}

}  // namespace tamga::ledger

// ledger/kv_store.cc

#include "ledger/kv_store.h"

#include <algorithm>
#include <mutex>

namespace tamga::ledger {

std::string_view ColumnName(Column c) {
  switch (c) {
    case Column::kMeta:
      return "meta";
    case Column::kBlocks:
      return "blocks";
    case Column::kCertificates:
      return "certificates";
    case Column::kTransactions:
      return "transactions";
    case Column::kReceipts:
      return "receipts";
    case Column::kLog:
      return "log";
    case Column::kState:
      return "state";
    case Column::kIndex:
      return "index";
  }
  return "unknown";
}

Result<std::optional<Bytes>> MemKvStore::Get(Column column, ByteView key) const {
  std::shared_lock lock(mu_);
  const Map& m = columns_[static_cast<std::size_t>(column)];
  auto it = m.find(key);
  if (it == m.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

Status MemKvStore::Write(const WriteBatch& batch, bool /*sync*/) {
  std::unique_lock lock(mu_);
  for (const WriteBatch::Op& op : batch.ops()) {
    Map& m = columns_[static_cast<std::size_t>(op.column)];
    if (op.value) {
      m.insert_or_assign(op.key, *op.value);
    } else {
      m.erase(op.key);
    }
  }
  return Status::Ok();
}

Status MemKvStore::Scan(Column column, ByteView prefix, ByteView start, const ScanFn& fn) const {
  std::shared_lock lock(mu_);
  const Map& m = columns_[static_cast<std::size_t>(column)];
  for (auto it = m.lower_bound(start.empty() ? prefix : start); it != m.end(); ++it) {
    const Bytes& k = it->first;
    if (k.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), k.begin())) break;
    if (!fn(k, it->second)) break;
  }
  return Status::Ok();
}

namespace {

std::string FlatKey(Column column, ByteView key) {
  std::string k(1 + key.size(), '\0');
  k[0] = static_cast<char>(column);
  std::copy(key.begin(), key.end(), k.begin() + 1);
  return k;
}

// The flat key in a buffer on the stack when it fits (node keys do), else on the heap.
class FlatKeyView {
 public:
  FlatKeyView(Column column, ByteView key) {
    if (1 + key.size() <= sizeof small_) {
      small_[0] = static_cast<char>(column);
      std::copy(key.begin(), key.end(), small_ + 1);
      view_ = std::string_view(small_, 1 + key.size());
    } else {
      large_ = FlatKey(column, key);
      view_ = large_;
    }
  }
  std::string_view view() const { return view_; }

 private:
  char small_[64];
  std::string large_;
  std::string_view view_;
};

}  // namespace

Result<std::optional<Bytes>> Overlay::Get(Column column, ByteView key) const {
  const FlatKeyView flat(column, key);
  for (const Overlay* o = this; o != nullptr; o = o->parent_.get()) {
    auto it = o->entries_.find(flat.view());
    if (it != o->entries_.end()) {
      return std::optional<Bytes>(std::in_place, it->second.begin(), it->second.end());
    }
    if (o->parent_ == nullptr) return o->base_->Get(column, key);
  }
  return std::optional<Bytes>();
}

void Overlay::Put(Column column, ByteView key, ByteView value) {
  // One lookup; a key put twice (rare: the tree's nodes are content-addressed) leaves its
  // second copy unused in the arena until the overlay goes.
  auto it = entries_.try_emplace(std::pmr::string(FlatKeyView(column, key).view(), &arena_)).first;
  it->second.assign(value.begin(), value.end());
}

void Overlay::AppendTo(WriteBatch& batch) const {
  // Sorted, so that the batch (and the bytes RocksDB writes) do not depend on hashing.
  std::vector<const ArenaMap::value_type*> sorted;
  sorted.reserve(entries_.size());
  batch.Reserve(entries_.size());
  for (const auto& e : entries_) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* e : sorted) {
    const std::pmr::string& k = e->first;
    batch.Put(static_cast<Column>(k[0]),
              ByteView(reinterpret_cast<const std::uint8_t*>(k.data()) + 1, k.size() - 1),
              ByteView(e->second.data(), e->second.size()));
  }
}

void Overlay::Detach() {
  // The empty map takes the old buckets and drops them; a map without entries holds
  // nothing from the arena, so the arena can be released.
  ArenaMap(&arena_).swap(entries_);
  arena_.release();
  parent_.reset();
}

Result<std::optional<Bytes>> ImmutableCache::Get(Column column, ByteView key) const {
  if (!Cached(column, key)) return base_->Get(column, key);
  const FlatKeyView flat(column, key);
  {
    std::lock_guard lock(mu_);
    if (auto it = young_.find(flat.view()); it != young_.end()) {
      return std::optional<Bytes>(it->second);
    }
    if (auto it = old_.find(flat.view()); it != old_.end()) {
      Bytes v = it->second;
      InsertLocked(std::string(flat.view()), v);
      return std::optional<Bytes>(std::move(v));
    }
  }
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, base_->Get(column, key));
  if (v) {
    std::lock_guard lock(mu_);
    InsertLocked(std::string(flat.view()), *v);
  }
  return v;
}

void ImmutableCache::Insert(Column column, ByteView key, ByteView value) const {
  if (!Cached(column, key)) return;
  std::lock_guard lock(mu_);
  InsertLocked(FlatKey(column, key), Bytes(value.begin(), value.end()));
}

void ImmutableCache::InsertLocked(std::string key, Bytes value) const {
  if (young_.size() >= capacity_ / 2) {
    old_ = std::move(young_);
    young_ = FlatMap();
    young_.reserve(capacity_ / 2);  // Grown once, not rehashed all the way up again.
  }
  young_.insert_or_assign(std::move(key), std::move(value));
}

void AppendU64(Bytes& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t ReadU64(ByteView in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

Bytes KeyU64(std::uint8_t tag, std::uint64_t v) {
  Bytes out(9);
  out[0] = tag;
  for (std::size_t i = 0; i < 8; ++i) out[1 + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
  return out;
}

}  // namespace tamga::ledger

// ledger/kv_store.h
// The narrow key-value interface under the ledger: a few named columns of byte keys and
// values, point reads, ordered prefix scans and atomic batches of writes. Two
// implementations: MemKvStore (tests, simulation) and RocksKvStore (ledger/rocks_kv_store.h,
// one RocksDB column family per column).
//
// A batch is atomic: after a crash either all of it is visible or none. A batch written
// with `sync` is durable when Write returns; an unsynced batch may be lost by a crash (and
// then so is every later one).
//
// Thread-safety: implementations allow concurrent reads and one writer.

#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::ledger {

enum class Column : std::uint8_t {
  kMeta,          // Format version, chain id, heads; small values.
  kBlocks,        // Committed blocks by height.
  kCertificates,  // QCs and epoch proofs by height.
  kTransactions,  // Transaction location by hash.
  kReceipts,      // Receipts by height.
  kLog,           // Record log: leaves and complete subtree hashes.
  kState,         // State tree nodes, content-addressed.
  kIndex,         // Secondary indexes (records by key, heights by epoch...).
};
inline constexpr std::size_t kColumnCount = 8;
std::string_view ColumnName(Column c);

class WriteBatch {
 public:
  struct Op {
    Column column;
    Bytes key;
    std::optional<Bytes> value;  // nullopt: delete.
  };
  void Put(Column column, ByteView key, ByteView value) {
    bytes_ += key.size() + value.size();
    ops_.push_back({column, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
  }
  void Delete(Column column, ByteView key) {
    bytes_ += key.size();
    ops_.push_back({column, Bytes(key.begin(), key.end()), std::nullopt});
  }
  void Reserve(std::size_t ops) { ops_.reserve(ops_.size() + ops); }
  const std::vector<Op>& ops() const { return ops_; }
  std::size_t ApproximateBytes() const { return bytes_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
  std::size_t bytes_ = 0;
};

// Called for each key in order; return false to stop.
using ScanFn = std::function<bool(ByteView key, ByteView value)>;

// Point reads: what the log and the state tree need to read their nodes.
class KvReader {
 public:
  virtual ~KvReader() = default;
  // nullopt if absent; an error only when the store itself fails.
  virtual Result<std::optional<Bytes>> Get(Column column, ByteView key) const = 0;
};

class KvStore : public KvReader {
 public:
  // Applies the batch atomically. With `sync`, durable on return. An error means the
  // batch may or may not have been applied and the store must not be written again: the
  // owner stops (a failed sync leaves the on-disk state unknown).
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Makes every batch written so far durable, as a synced Write would; cheap when nothing
  // is unsynced. The default writes an empty synced batch.
  virtual Status Sync() { return Write(WriteBatch(), /*sync=*/true); }
  // Keys starting with `prefix`, ascending, from `start` (inclusive; empty: from prefix).
  virtual Status Scan(Column column, ByteView prefix, ByteView start, const ScanFn& fn) const = 0;
  // Figures about the store for /metrics (name, value: "live_data_bytes", ...), summed over
  // its columns; none for a store that keeps no such figures.
  virtual std::vector<std::pair<std::string, std::uint64_t>> Figures() const { return {}; }
};

// Everything in memory; Write is atomic under a lock and "durable" for the process's life.
class MemKvStore final : public KvStore {
 public:
  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  Status Write(const WriteBatch& batch, bool sync) override;
  Status Scan(Column column, ByteView prefix, ByteView start, const ScanFn& fn) const override;

 private:
  // Ordered by bytes, and searchable by a ByteView without copying it.
  struct Less {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    }
  };
  using Map = std::map<Bytes, Bytes, Less>;
  mutable std::shared_mutex mu_;
  Map columns_[kColumnCount];
};

// Keys of the in-memory maps below: the column's byte, then the key. Looked up through
// a string_view (FlatKeyView) so that a read allocates nothing.
struct FlatKeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using FlatMap = std::unordered_map<std::string, Bytes, FlatKeyHash, std::equal_to<>>;

// Writes not yet in the store: those of a block being executed, on top of its parent's
// (another Overlay, for a parent not yet committed) or of the store. Reads see this
// overlay's writes, then the parent's, then the base's. Entries are only added, never
// deleted: the log and the state tree never overwrite or delete what they wrote.
//
// The entries live in an arena of the overlay's own (a block's thousands of tree nodes
// and log entries cost a bump of a pointer each instead of three heap allocations), all
// freed at once when the overlay is detached or destroyed.
class Overlay final : public KvReader {
 public:
  Overlay(std::shared_ptr<const Overlay> parent, const KvReader* base)
      : parent_(std::move(parent)), base_(base) {}
  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  void Put(Column column, ByteView key, ByteView value);
  // This overlay's own writes (not the parent's), in key order.
  void AppendTo(WriteBatch& batch) const;
  // Once its writes are in the base store: drops them and the link to the parent, so a
  // chain of overlays stays as long as the blocks not yet committed, and reads go
  // straight to the base. Not thread-safe: the owner calls it between reads.
  void Detach();
  std::size_t size() const { return entries_.size(); }

 private:
  using ArenaMap = std::pmr::unordered_map<std::pmr::string, std::pmr::vector<std::uint8_t>,
                                           FlatKeyHash, std::equal_to<>>;
  std::shared_ptr<const Overlay> parent_;
  const KvReader* base_;
  std::pmr::monotonic_buffer_resource arena_;  // Before entries_, which allocate from it.
  ArenaMap entries_{&arena_};
};

// Caches reads of the columns whose entries never change once written (the log and the
// state tree are content-addressed or append-only), so a cached value is never stale.
// Other columns pass through. Two generations approximate LRU cheaply: lookups check the
// young one, then the old one (promoting the hit); when the young one is full it becomes
// the old one.
//
// Thread-safety: thread-safe.
class ImmutableCache final : public KvReader {
 public:
  // Which entries it keeps: by default every one of the log and state columns.
  using Filter = bool (*)(Column column, ByteView key);
  ImmutableCache(const KvReader* base, std::size_t capacity, Filter cached = nullptr)
      : base_(base), capacity_(capacity), filter_(cached) {}
  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  // Entries just committed: recent nodes are the ones the next blocks read.
  void Insert(Column column, ByteView key, ByteView value) const;

 private:
  bool Cached(Column c, ByteView key) const {
    return filter_ != nullptr ? filter_(c, key) : c == Column::kLog || c == Column::kState;
  }
  void InsertLocked(std::string key, Bytes value) const;

  const KvReader* base_;
  const std::size_t capacity_;
  const Filter filter_;
  mutable std::mutex mu_;
  mutable FlatMap young_, old_;
};

// Big-endian fixed-width integers in keys keep numeric order equal to byte order.
void AppendU64(Bytes& out, std::uint64_t v);
std::uint64_t ReadU64(ByteView in);  // REQUIRES: in.size() >= 8.
Bytes KeyU64(std::uint8_t tag, std::uint64_t v);

}  // namespace tamga::ledger

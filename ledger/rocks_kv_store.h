// ledger/rocks_kv_store.h
// KvStore on RocksDB: one column family per Column, batches as rocksdb::WriteBatch across
// families (atomic), `sync` as WriteOptions::sync (WAL fsync before return).
//
// RocksDB's own LOCK file keeps a second process out of the directory; Open turns that into
// a plain "in use" message. After any failed write the store refuses further writes: the
// state on disk is then unknown and the owner must stop and restart from it.
//
// OpenReadOnly is for readers beside the writer (an auditor next to a running node): it
// takes no lock and sees the database as it was when opened.
//
// Thread-safety: concurrent reads and one writer.

#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "ledger/kv_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace tamga::ledger {

// What a store may hold in memory, where RocksDB's defaults are not wanted.
struct RocksLimits {
  // The memtables of all column families together (RocksDB's db_write_buffer_size: past
  // it the largest is flushed); 0: RocksDB's default of up to two 64 MiB memtables a
  // family.
  std::size_t memtable_bytes = 0;
  // The write-ahead log files kept (RocksDB's max_total_wal_size: past it the families
  // whose unflushed data keep the oldest log alive are flushed); 0: RocksDB's default of
  // four times the memtables' total. A family written rarely (the head key) otherwise
  // keeps every log since its last flush, gigabytes on a long chain, all read again at
  // each open.
  std::size_t wal_bytes = 0;
};

class RocksKvStore final : public KvStore {
 public:
  // Opens or creates the database in `directory` (created if missing).
  static Result<std::unique_ptr<RocksKvStore>> Open(const std::string& directory,
                                                    const RocksLimits& limits = {});
  // Opens an existing database for reading only (no lock taken, nothing created; every
  // Write fails). Reads see the database as it was when opened, even while another process
  // keeps writing it. Fails if `directory` holds no database.
  static Result<std::unique_ptr<RocksKvStore>> OpenReadOnly(const std::string& directory);
  ~RocksKvStore() override;

  Result<std::optional<Bytes>> Get(Column column, ByteView key) const override;
  Status Write(const WriteBatch& batch, bool sync) override;
  // Syncs the write-ahead log if a write since the last sync was not synced.
  Status Sync() override;
  Status Scan(Column column, ByteView prefix, ByteView start, const ScanFn& fn) const override;
  // RocksDB's own figures: estimated live data, SST files, memtables, block caches,
  // estimated keys and pending compaction summed over the column families; running
  // flushes and compactions, and background errors since the store opened, of the whole
  // database.
  std::vector<std::pair<std::string, std::uint64_t>> Figures() const override;

  // Bytes of live SST and WAL files (for benchmarks); flushes memtables first.
  Result<std::uint64_t> DiskBytes();

 private:
  RocksKvStore() = default;
  std::string directory_;
  bool read_only_ = false;
  std::unique_ptr<rocksdb::DB> db_;
  // [0] is RocksDB's default family (unused); [1 + Column] is that column's family.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::atomic<bool> failed_{false};
  // A write not yet synced; true at open, so that the first Sync also covers whatever
  // RocksDB replayed from its log when it opened.
  std::atomic<bool> unsynced_{true};
};

}  // namespace tamga::ledger

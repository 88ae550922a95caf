// ledger/rocks_kv_store.cc

#include "ledger/rocks_kv_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

namespace tamga::ledger {
namespace {

rocksdb::Slice ToSlice(ByteView v) { return {reinterpret_cast<const char*>(v.data()), v.size()}; }
ByteView FromSlice(const rocksdb::Slice& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsNoSpace()) return Status::ResourceExhausted("disk full: " + message);
  if (s.IsCorruption()) return Status::Corruption(message);
  if (s.IsIOError()) return Status::IoError(message);
  return Status::Internal(message);
}

class NoAutomaticRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

rocksdb::ColumnFamilyOptions FamilyOptions(Column c) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  // Point reads by hash dominate the state, transaction and log columns: a Bloom filter
  // per SST file saves a disk read for every file a key is not in.
  if (c == Column::kState || c == Column::kTransactions || c == Column::kIndex ||
      c == Column::kLog) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Families() {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    const Column c = static_cast<Column>(i);
    families.emplace_back(std::string(ColumnName(c)), FamilyOptions(c));
  }
  return families;
}

}  // namespace

Result<std::unique_ptr<RocksKvStore>> RocksKvStore::Open(const std::string& directory,
                                                         const RocksLimits& limits) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Status::IoError("cannot create " + directory + ": " + ec.message());

  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  options.max_open_files = 512;
  options.keep_log_file_num = 4;
  if (limits.memtable_bytes > 0) options.db_write_buffer_size = limits.memtable_bytes;
  if (limits.wal_bytes > 0) options.max_total_wal_size = limits.wal_bytes;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // After a failed write the owner stops and recovers at the next start; RocksDB must not
  // resume on its own meanwhile (its retry would write to a log that already failed, which
  // Debian's RocksDB 7.8 answers with an assertion): no retry of retryable I/O errors, and
  // no recovery from a full disk (which its file manager would start when space appears).
  options.max_bgerror_resume_count = 0;
  options.listeners.push_back(std::make_shared<NoAutomaticRecovery>());

  std::unique_ptr<RocksKvStore> store(new RocksKvStore());
  store->directory_ = directory;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, directory, Families(), &handles, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::FailedPrecondition("data directory " + directory +
                                        " is in use by another process (" + s.ToString() + ")");
    }
    return FromRocks(s, "opening " + directory);
  }
  store->db_.reset(db);
  // handles[0] is the default family, unused: it is kept only because RocksDB requires it.
  store->handles_ = std::move(handles);
  return store;
}

Result<std::unique_ptr<RocksKvStore>> RocksKvStore::OpenReadOnly(const std::string& directory) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(directory) / "CURRENT", ec)) {
    return Status::NotFound("no database in " + directory);
  }
  rocksdb::DBOptions options;
  options.paranoid_checks = true;
  // Every table file is opened now and kept open: a writer beside us may compact a file
  // away, and an open file stays readable after it is deleted, so our view stays whole.
  options.max_open_files = -1;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // After a failed write the owner stops and recovers at the next start; RocksDB must not
  // resume on its own meanwhile (its retry would sync a log that already failed).
  options.max_bgerror_resume_count = 0;

  std::unique_ptr<RocksKvStore> store(new RocksKvStore());
  store->directory_ = directory;
  store->read_only_ = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  TAMGA_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::OpenForReadOnly(options, directory, Families(), &handles, &db),
                "opening " + directory + " read-only"));
  store->db_.reset(db);
  store->handles_ = std::move(handles);
  return store;
}

RocksKvStore::~RocksKvStore() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    (void)db_->DestroyColumnFamilyHandle(h);
  }
  (void)db_->Close();
}

Result<std::optional<Bytes>> RocksKvStore::Get(Column column, ByteView key) const {
  std::string value;
  rocksdb::Status s = db_->Get(
      rocksdb::ReadOptions(), handles_[1 + static_cast<std::size_t>(column)], ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<Bytes>();
  TAMGA_RETURN_IF_ERROR(FromRocks(s, "reading " + std::string(ColumnName(column))));
  return std::optional<Bytes>(Bytes(value.begin(), value.end()));
}

Status RocksKvStore::Write(const WriteBatch& batch, bool sync) {
  if (read_only_) return Status::FailedPrecondition(directory_ + " is open read-only");
  if (failed_.load()) {
    return Status::FailedPrecondition("an earlier write to " + directory_ +
                                      " failed; restart the node to recover from disk");
  }
  // Its buffer sized once (each entry adds a tag, a column id and two lengths).
  rocksdb::WriteBatch wb(batch.ApproximateBytes() + 16 * batch.ops().size() + 12);
  for (const WriteBatch::Op& op : batch.ops()) {
    rocksdb::ColumnFamilyHandle* h = handles_[1 + static_cast<std::size_t>(op.column)];
    rocksdb::Status s =
        op.value ? wb.Put(h, ToSlice(op.key), ToSlice(*op.value)) : wb.Delete(h, ToSlice(op.key));
    TAMGA_RETURN_IF_ERROR(FromRocks(s, "building a write batch"));
  }
  rocksdb::WriteOptions options;
  options.sync = sync;
  Status st = FromRocks(db_->Write(options, &wb), "writing to " + directory_);
  if (!st.ok()) {
    failed_.store(true);
  } else if (!sync) {
    unsynced_.store(true);
  } else {
    unsynced_.store(false);  // A synced write syncs the log up to it, earlier writes too.
  }
  return st;
}

Status RocksKvStore::Sync() {
  if (read_only_ || !unsynced_.load()) return Status::Ok();
  if (failed_.load()) {
    return Status::FailedPrecondition("an earlier write to " + directory_ +
                                      " failed; restart the node to recover from disk");
  }
  Status st = FromRocks(db_->SyncWAL(), "syncing the log of " + directory_);
  if (!st.ok()) {
    failed_.store(true);
  } else {
    unsynced_.store(false);
  }
  return st;
}

Status RocksKvStore::Scan(Column column, ByteView prefix, ByteView start, const ScanFn& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[1 + static_cast<std::size_t>(column)]));
  it->Seek(ToSlice(start.empty() ? prefix : start));
  for (; it->Valid(); it->Next()) {
    ByteView k = FromSlice(it->key());
    if (k.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), k.begin())) break;
    if (!fn(k, FromSlice(it->value()))) break;
  }
  return FromRocks(it->status(), "scanning " + std::string(ColumnName(column)));
}

Result<std::uint64_t> RocksKvStore::DiskBytes() {
  TAMGA_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions(), handles_), "flushing"));
  std::uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    std::string v;
    if (db_->GetProperty(h, rocksdb::DB::Properties::kLiveSstFilesSize, &v)) {
      total += std::stoull(v);
    }
  }
  return total;
}

std::vector<std::pair<std::string, std::uint64_t>> RocksKvStore::Figures() const {
  // Our name for each figure, and RocksDB's property.
  static const std::pair<const char*, const std::string*> kFigures[] = {
      {"live_data_bytes", &rocksdb::DB::Properties::kEstimateLiveDataSize},
      {"sst_files_bytes", &rocksdb::DB::Properties::kTotalSstFilesSize},
      {"memtable_bytes", &rocksdb::DB::Properties::kCurSizeAllMemTables},
      {"block_cache_bytes", &rocksdb::DB::Properties::kBlockCacheUsage},
      {"estimated_keys", &rocksdb::DB::Properties::kEstimateNumKeys},
      {"pending_compaction_bytes", &rocksdb::DB::Properties::kEstimatePendingCompactionBytes},
      {"running_flushes", &rocksdb::DB::Properties::kNumRunningFlushes},
      {"running_compactions", &rocksdb::DB::Properties::kNumRunningCompactions},
      {"background_errors", &rocksdb::DB::Properties::kBackgroundErrors},
  };
  // Figures of the whole database rather than of a column family: read once.
  static const std::string* const kWholeDb[] = {&rocksdb::DB::Properties::kNumRunningFlushes,
                                                &rocksdb::DB::Properties::kNumRunningCompactions,
                                                &rocksdb::DB::Properties::kBackgroundErrors};
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& [name, property] : kFigures) {
    const bool whole_db =
        std::find(std::begin(kWholeDb), std::end(kWholeDb), property) != std::end(kWholeDb);
    std::uint64_t total = 0;
    bool any = false;
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      std::uint64_t v = 0;
      if (db_->GetIntProperty(h, *property, &v)) {
        // Each family has a block cache of its own (FamilyOptions): summed.
        total += v;
        any = true;
        if (whole_db) break;
      }
    }
    if (any) out.emplace_back(name, total);
  }
  return out;
}

}  // namespace tamga::ledger

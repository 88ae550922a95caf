// tests/ledger/faulty_kv_store.h
// A KvStore that behaves like a disk under a crash: unsynced batches live only in the
// "page cache" (pending) until a synced batch flushes them; Crash() discards the page
// cache. It can also fail a chosen write (an fsync error or a full disk), having applied
// that batch durably, to the page cache only, or not at all, as a real failure might.
//
// Thread-safety: not thread-safe.

#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "ledger/kv_store.h"

namespace tamga::testing {

class FaultyKvStore final : public ledger::KvStore {
 public:
  enum class FailedBatch { kLost, kDurable };

  explicit FaultyKvStore(std::shared_ptr<ledger::MemKvStore> disk) : disk_(std::move(disk)) {}

  // The `n`th Write from now (0 = the next) fails with `status`.
  void FailWrite(std::size_t n, Status status, FailedBatch what) {
    fail_at_ = writes_ + n;
    fail_status_ = std::move(status);
    fail_what_ = what;
  }
  // Drops every unsynced write, as a power cut would.
  void Crash() { pending_.clear(); }

  Result<std::optional<Bytes>> Get(ledger::Column c, ByteView key) const override {
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
      for (auto op = it->ops().rbegin(); op != it->ops().rend(); ++op) {
        if (op->column == c && std::equal(op->key.begin(), op->key.end(), key.begin(), key.end())) {
          return op->value;
        }
      }
    }
    return disk_->Get(c, key);
  }

  Status Write(const ledger::WriteBatch& batch, bool sync) override {
    const std::size_t n = writes_++;
    if (fail_at_ && n == *fail_at_) {
      if (fail_what_ == FailedBatch::kDurable) {
        Flush();
        TAMGA_RETURN_IF_ERROR(disk_->Write(batch, true));
      }
      return fail_status_;
    }
    pending_.push_back(batch);
    if (sync) Flush();
    return Status::Ok();
  }

  Status Sync() override {
    Flush();
    return Status::Ok();
  }

  Status Scan(ledger::Column c, ByteView prefix, ByteView start,
              const ledger::ScanFn& fn) const override {
    if (!pending_.empty()) return Status::Internal("FaultyKvStore scans only synced data");
    return disk_->Scan(c, prefix, start, fn);
  }

 private:
  void Flush() {
    for (const ledger::WriteBatch& b : pending_) (void)disk_->Write(b, true);
    pending_.clear();
  }

  std::shared_ptr<ledger::MemKvStore> disk_;
  std::vector<ledger::WriteBatch> pending_;
  std::size_t writes_ = 0;
  std::optional<std::size_t> fail_at_;
  Status fail_status_;
  FailedBatch fail_what_ = FailedBatch::kLost;
};

}  // namespace tamga::testing

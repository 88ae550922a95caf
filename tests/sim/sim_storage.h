// tests/sim/sim_storage.h
// The simulator's disks, under the same interfaces as the daemon's (ledger/kv_store.h,
// ledger/safety_file.h), so the simulator runs tamgad's own ConsensusStore over them.
//
// What a crash does to them, as to a real disk under RocksDB and the safety file:
//   - a write without sync may be lost: a crash keeps a prefix of the unsynced batches
//     (chosen by the simulator's random stream) and loses the rest;
//   - a write may be cut by the crash itself (a "torn" write): the store is armed to crash
//     on its next write, which then lands whole or not at all (a batch is atomic; the
//     safety file is replaced by rename), and the write reports an I/O error, so the flush
//     that issued it stops halfway (certificates on disk, safety data not yet, say) and
//     the node crashes there.
//
// Thread-safety: single-threaded, like the simulator.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/safety_file.h"

namespace tamga::sim {

// Decides, write by write, whether the node crashes during it (set by the simulator).
using CrashDuringWrite = std::function<bool()>;
// A number below the argument, from the simulator's random stream.
using RandomBelow = std::function<std::uint64_t(std::uint64_t)>;

class SimKvStore final : public ledger::KvStore {
 public:
  explicit SimKvStore(CrashDuringWrite crash) : crash_(std::move(crash)) {}
  Result<std::optional<Bytes>> Get(ledger::Column column, ByteView key) const override;
  Status Write(const ledger::WriteBatch& batch, bool sync) override;
  // A crash may come during it too: then the unsynced batches are kept or lost at the crash.
  Status Sync() override;
  Status Scan(ledger::Column column, ByteView prefix, ByteView start,
              const ledger::ScanFn& fn) const override;

  // The node crashed: a prefix of the unsynced batches survives.
  void Crash(const RandomBelow& below);
  std::uint64_t lost_batches() const { return lost_batches_; }

 private:
  using Map = std::map<Bytes, Bytes>;
  static void ApplyTo(Map* columns, const ledger::WriteBatch& batch);

  CrashDuringWrite crash_;
  Map visible_[ledger::kColumnCount];  // What reads see.
  Map durable_[ledger::kColumnCount];  // What survives a crash.
  std::vector<ledger::WriteBatch> unsynced_;
  std::uint64_t lost_batches_ = 0;
};

class SimSafetyStore final : public ledger::SafetyStore {
 public:
  SimSafetyStore(CrashDuringWrite crash, RandomBelow below)
      : crash_(std::move(crash)), below_(std::move(below)) {}
  Status Save(ByteView payload) override;
  Result<std::optional<Bytes>> Load() const override { return record_; }
  std::string where() const override { return "simulated safety file"; }

  std::uint64_t torn_saves() const { return torn_saves_; }

 private:
  CrashDuringWrite crash_;
  RandomBelow below_;
  std::optional<Bytes> record_;
  std::uint64_t torn_saves_ = 0;
};

}  // namespace tamga::sim

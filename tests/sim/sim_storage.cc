// tests/sim/sim_storage.cc

#include "tests/sim/sim_storage.h"

#include <algorithm>

namespace tamga::sim {

void SimKvStore::ApplyTo(Map* columns, const ledger::WriteBatch& batch) {
  for (const auto& op : batch.ops()) {
    Map& m = columns[static_cast<std::size_t>(op.column)];
    if (op.value) {
      m[op.key] = *op.value;
    } else {
      m.erase(op.key);
    }
  }
}

Result<std::optional<Bytes>> SimKvStore::Get(ledger::Column column, ByteView key) const {
  const Map& m = visible_[static_cast<std::size_t>(column)];
  auto it = m.find(Bytes(key.begin(), key.end()));
  if (it == m.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

Status SimKvStore::Write(const ledger::WriteBatch& batch, bool sync) {
  if (crash_ && crash_()) {
    // Cut by the crash: the batch lands whole or not at all, and the writer sees an error.
    // Which one is decided at the crash (Crash keeps or drops it like any unsynced one).
    ApplyTo(visible_, batch);
    unsynced_.push_back(batch);
    return Status::IoError("simulated crash during a write");
  }
  ApplyTo(visible_, batch);
  if (!sync) {
    unsynced_.push_back(batch);
    return Status::Ok();
  }
  for (const auto& b : unsynced_) ApplyTo(durable_, b);
  unsynced_.clear();
  ApplyTo(durable_, batch);
  return Status::Ok();
}

Status SimKvStore::Sync() {
  if (unsynced_.empty()) return Status::Ok();
  if (crash_ && crash_()) return Status::IoError("simulated crash during a sync");
  for (const auto& b : unsynced_) ApplyTo(durable_, b);
  unsynced_.clear();
  return Status::Ok();
}

Status SimKvStore::Scan(ledger::Column column, ByteView prefix, ByteView start,
                        const ledger::ScanFn& fn) const {
  const Map& m = visible_[static_cast<std::size_t>(column)];
  const Bytes from =
      start.empty() ? Bytes(prefix.begin(), prefix.end()) : Bytes(start.begin(), start.end());
  for (auto it = m.lower_bound(from); it != m.end(); ++it) {
    const Bytes& k = it->first;
    if (k.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), k.begin())) break;
    if (!fn(k, it->second)) break;
  }
  return Status::Ok();
}

void SimKvStore::Crash(const RandomBelow& below) {
  const std::size_t kept = static_cast<std::size_t>(below(unsynced_.size() + 1));
  for (std::size_t i = 0; i < kept; ++i) ApplyTo(durable_, unsynced_[i]);
  lost_batches_ += unsynced_.size() - kept;
  unsynced_.clear();
  for (std::size_t c = 0; c < ledger::kColumnCount; ++c) visible_[c] = durable_[c];
}

Status SimSafetyStore::Save(ByteView payload) {
  if (crash_ && crash_()) {
    // Cut by the crash: the rename happened or it did not.
    ++torn_saves_;
    if (below_(2) == 0) record_ = Bytes(payload.begin(), payload.end());
    return Status::IoError("simulated crash while saving the safety data");
  }
  record_ = Bytes(payload.begin(), payload.end());
  return Status::Ok();
}

}  // namespace tamga::sim

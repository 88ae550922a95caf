// node/consensus_store.h
// What the consensus core asks its owner to keep across a crash (consensus/core.h): the
// safety data (last voted round, lock), the highest certificates, and the uncommitted
// blocks it saved; and, at start, reading them back.
//
// Durability, in the order the core requires: the persist effects of one event are staged
// (Stage) and written together (Flush) before the next effect that is not a persist one, so
// no vote or timeout leaves before its record. Certificates and blocks go in one synced
// batch of the key-value store, then the safety data is saved (ledger/safety_file.h). The
// store's earlier unsynced writes (the ledger's commits, which the node does not sync) are
// made durable first, by that batch or by a sync of their own: the safety data never gets
// ahead of the committed chain on disk. A failed write leaves the disk's state unknown:
// the owner stops.
//
// The daemon runs it over RocksDB and the safety file; the simulator (tests/sim) runs the
// same class over stores that lose unsynced writes and cut a flush in the middle when a
// node crashes.
//
// Thread-safety: not thread-safe; one owner.

#pragma once

#include <map>
#include <optional>
#include <vector>

#include "consensus/core.h"
#include "ledger/kv_store.h"
#include "ledger/safety_file.h"

namespace tamga::node {

class ConsensusStore {
 public:
  // Both must outlive the store.
  ConsensusStore(ledger::KvStore& kv, ledger::SafetyStore& safety) : kv_(kv), safety_(safety) {}

  struct Recovered {
    consensus::SafetyData safety;
    consensus::RecoveryData core;  // Certificates, and the saved blocks above `committed`.
    // The safety data is missing although this validator has taken part (it committed
    // blocks or kept certificates): safety.lost is set and it must sign nothing until an
    // operator resumes it (docs/operations.md).
    bool safety_lost = false;
  };
  // Reads back what was saved. `committed`: the height of the last committed block. A
  // fresh validator's (empty) safety data is written now, so a later restart is not
  // mistaken for a loss.
  Result<Recovered> Recover(Height committed);

  // Takes a persist effect (PersistSafetyData, SaveCertificates, SaveBlock) to write at the
  // next Flush; false for any other effect. Consecutive ones coalesce.
  bool Stage(consensus::Effect& effect);
  // Writes what is staged, synced; nothing if nothing is.
  Status Flush();
  // Saves safety data at once (the operator's resume after a loss).
  Status SaveSafety(const consensus::SafetyData& data);
  // Forgets the saved blocks at or below a newly committed height. Not synced: a block left
  // behind by a crash is below the committed height at restart, and ignored.
  Status PruneCommitted(Height height);

  std::string safety_where() const { return safety_.where(); }

 private:
  ledger::KvStore& kv_;
  ledger::SafetyStore& safety_;
  std::optional<consensus::SafetyData> pending_safety_;
  std::optional<consensus::SaveCertificates> pending_certs_;
  std::vector<consensus::SharedBlock> pending_blocks_;
  std::map<Hash32, Height> saved_blocks_;  // Uncommitted blocks on disk, to prune.
};

}  // namespace tamga::node

// node/snapshot_join.h
// A node that starts from a snapshot instead of replaying from genesis
// (docs/operations.md, "Joining from a snapshot"). Before tamgad opens a ledger directory
// that holds no ledger yet, it:
//   1. asks every source ([sync] snapshot_from: other nodes' APIs) for the proof of its
//      highest provable block (GET /v1/snapshot) and keeps the sources whose proof
//      verifies against the genesis alone (a source cannot invent a height: a height needs
//      a quorum's certificates); the lowest such block that does not end an epoch is the
//      snapshot, since every source holds its whole state tree;
//   2. copies the state tree under that block's certified root from all kept sources
//      (POST /v1/state/nodes; ledger/state_sync.h checks every node by its hash and drops
//      a source that lies);
//   3. fetches the block itself (GET /v1/blocks/{h}/raw) and installs the ledger
//      (ledger::Ledger::InstallSnapshot).
// The node then starts as usual and fetches the blocks since by block sync. A copy cut
// short resumes at the next start: the nodes already stored are walked, not fetched.
//
// Thread-safety: blocking; called once, before the node runs.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/chain.h"
#include "ledger/ledger.h"

namespace tamga::node {

struct SnapshotJoinReport {
  Height height;                               // The snapshot's block.
  std::uint64_t nodes = 0;                     // State-tree nodes in place at the end.
  std::uint64_t fetched = 0;                   // Of which fetched in this run.
  std::uint64_t bytes = 0;                     // Bytes of nodes and values fetched.
  std::size_t sources = 0;                     // Sources whose proof verified.
  std::map<std::string, std::string> dropped;  // Source -> why it was not used.
  double seconds = 0;
};

// Joins `ledger_dir` from `sources`; nullopt when the directory already holds a ledger
// (nothing to do). Fails when no source gives a proof that verifies, or every source that
// did was dropped before the copy completed.
Result<std::optional<SnapshotJoinReport>> JoinFromSnapshot(const std::string& ledger_dir,
                                                           const ledger::TrustAnchor& anchor,
                                                           const std::vector<std::string>& sources);

}  // namespace tamga::node

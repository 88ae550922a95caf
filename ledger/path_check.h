// ledger/path_check.h
// The outcome of checking a Merkle path, shared by the record log (RFC 9162) and the state
// tree: the path fits, it cannot be a path for this position or key (kBadPath), or it has
// the right shape but does not lead to the expected root (kRootMismatch).

#pragma once

namespace tamga::ledger {

enum class PathCheck { kOk, kBadPath, kRootMismatch };

}  // namespace tamga::ledger

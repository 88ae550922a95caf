// client/log_client.h
// Asking a node about its record log, with nothing taken on trust: the proof file behind a
// log size (verified here against the pinned genesis) and an RFC 9162 consistency proof
// (which the caller checks against the two roots it holds). Used by the `tamga log`
// commands, `tamga verify --witness` and the witness learning a new validator set.
//
// Thread-safety: blocking calls; one HttpClient per caller.

#pragma once

#include <cstdint>
#include <vector>

#include "client/http_client.h"
#include "common/bytes.h"
#include "common/status.h"
#include "ledger/proof_file.h"

namespace tamga::client {

// The facts of the proof file of record `size` - 1 (GET /v1/records/{index}/proof), that
// is of the block that made the log that size, verified against `anchor` from the genesis
// on: its result (log size and root) and the validator sets of its epoch and after it.
// A proof a node cannot build yet (two certified blocks must follow) is asked for again
// for up to `wait_ms`. InvalidArgument for a size of 0; BadSignature when the proof does
// not verify; Unavailable when the node does not give it.
Result<ledger::ProvenFacts> ProveLogSize(HttpClient& node, const ledger::TrustAnchor& anchor,
                                         std::uint64_t size, std::uint64_t wait_ms);

// The node's RFC 9162 consistency proof between two sizes (GET /v1/log/consistency),
// unchecked. Unavailable or Corruption when the answer is not one.
Result<std::vector<Hash32>> FetchConsistency(HttpClient& node, std::uint64_t from,
                                             std::uint64_t to);

}  // namespace tamga::client

// client/witness_client.h
// Asking a C2SP tlog-witness to cosign a checkpoint (c2sp.org/tlog-witness): first as if
// the witness had cosigned nothing ("old 0"); when it answers 409 with the size it last
// cosigned, again with a consistency proof from that size. The witness's answer is checked
// against its verifier key. Used by `tamga log witness` and by a node that feeds its
// witnesses ([[witness]] in tamgad.toml).
//
// Thread-safety: a blocking call; one HttpClient per caller.

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client/http_client.h"
#include "common/bytes.h"
#include "common/status.h"
#include "tlog/note.h"

namespace tamga::client {

struct Cosigned {
  std::string line;                 // The witness's signature line, with its '\n'.
  std::uint64_t timestamp = 0;      // When it cosigned (POSIX seconds).
  std::uint64_t previous_size = 0;  // The size it had cosigned before (0: none).
};

// The RFC 9162 consistency proof between two sizes of the log.
using ConsistencyFn = std::function<Result<std::vector<Hash32>>(std::uint64_t, std::uint64_t)>;

// Asks the witness at `witness` to cosign `note`, a checkpoint of `size` records.
// FailedPrecondition when the witness holds another root for that size, or a larger size
// (it has seen another history, or a log further ahead); BadSignature when its answer
// carries no valid cosignature by `key`; Unavailable or the HTTP status otherwise.
Result<Cosigned> AskWitness(HttpClient& witness, const tlog::NoteVerifier& key,
                            const std::string& note, std::uint64_t size,
                            const ConsistencyFn& consistency);

}  // namespace tamga::client

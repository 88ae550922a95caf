// tlog/witness.h
// The decisions of a C2SP tlog-witness (c2sp.org/tlog-witness) answering add-checkpoint,
// as a pure state machine: no sockets, no disk, no clock (the caller passes the time). It
// follows logs whose checkpoints a quorum of known keys must sign: each signature line is
// named after the log's origin and its key ID tells the signers apart (type 0x01), as
// Tamga's validators sign their chain's checkpoints.
//
// Request body:
//   "old <size>\n"           the size the client believes the witness cosigned last, in
//                            decimal without leading zeros ("0" for zero)
//   "<base64 hash>\n" * k    a consistency proof from that size, 0 <= k <= 63 hashes
//   "\n"
//   <signed note>            the checkpoint: text, blank line, signature lines
// Answers, checked in this order:
//   413  the body is over kWitnessBodyMax bytes
//   400  the body is malformed
//   404  the checkpoint's origin is not a log this witness follows
//   403  a signature by one of the log's keys fails, or fewer than its quorum verify
//   400  the old size exceeds the checkpoint's size
//   409  the old size is not the size last cosigned for the origin (0 if never); the body
//        is that size and '\n', of type text/x.tlog.size
//   422  the consistency proof does not verify (it must be empty when the old size is 0 or
//        equals the checkpoint's size)
//   409  the old size is the checkpoint's size but the root is not the one cosigned (body
//        and type as above)
//   200  the body is the witness's cosignature line (tlog/cosignature.h) at the given
//        time; the record of the origin becomes the checkpoint's size and root.
// The same checkpoint as the record (old size = size = recorded size, same root) is
// cosigned again, at the new time. The answers other than 200 and 409 carry a sentence.
//
// Thread-safety: a Witness is not thread-safe. The specification requires checking the
// old size and recording the new checkpoint to be atomic: run one AddCheckpoint at a time
// and persist state() before sending its answer.

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "common/status.h"
#include "tlog/note.h"

namespace tamga::tlog {

// The largest add-checkpoint body a witness reads.
inline constexpr std::size_t kWitnessBodyMax = std::size_t{64} << 10;
// The most consistency proof lines a request may carry.
inline constexpr std::size_t kWitnessMaxProofLines = 63;

// A log the witness follows: checkpoints named `origin`, valid when at least `quorum` of
// `keys` sign them under the name `origin`. `generation` numbers the key set (Tamga: the
// validators' epoch): a set can only be replaced by a later one.
struct WitnessedLog {
  std::string origin;
  std::vector<PublicKey> keys;
  std::size_t quorum = 0;
  std::uint64_t generation = 0;
};

// The latest checkpoint the witness cosigned for one log.
struct WitnessLatest {
  std::uint64_t size = 0;
  Hash32 root;

  friend bool operator==(const WitnessLatest&, const WitnessLatest&) = default;
};

// What a witness must remember, by origin. An origin absent has never been cosigned.
struct WitnessState {
  std::map<std::string, WitnessLatest> latest;

  friend bool operator==(const WitnessState&, const WitnessState&) = default;
};

// One line "<origin> <size> <base64 root>\n" per origin, in the map's order; the empty
// state is the empty string.
std::string EncodeWitnessState(const WitnessState& state);
// The inverse of EncodeWitnessState, accepting only what it writes: valid origins, sizes
// without leading zeros, canonical base64 of 32 bytes, origins in strictly increasing
// order, every line ending in '\n'. kCorruption otherwise.
Result<WitnessState> DecodeWitnessState(std::string_view text);

// The answer to one add-checkpoint request.
struct WitnessAnswer {
  int status = 0;            // HTTP status code.
  std::string content_type;  // Of `body`.
  std::string body;
  // On a 200 that changed the record: the origin's new record, already in state().
  std::optional<WitnessLatest> updated;
  std::string origin;  // The checkpoint's origin, once the body parsed; empty before.
};

class Witness {
 public:
  // The witness named `name`, cosigning with `key`, following `logs` from `state`.
  // REQUIRES (checked): ValidKeyName(name); every origin valid and distinct; each log's
  // keys distinct with distinct key IDs, and 1 <= quorum <= keys.size(). Records in
  // `state` for origins not in `logs` are kept and never consulted.
  Witness(std::string name, SecretKey key, std::vector<WitnessedLog> logs, WitnessState state);

  // Decides one add-checkpoint request at `now` (POSIX seconds). When the answer has
  // `updated`, the caller must persist state() (already updated in memory) before sending
  // the answer. REQUIRES: now <= kMaxCosignatureTime (checked).
  WitnessAnswer AddCheckpoint(std::string_view body, std::uint64_t now);

  // Replaces the keys and quorum of a log it follows by a later generation (its signers
  // changed: a new validator set, proven by the caller). The record of what it cosigned
  // stays. NotFound for a log it does not follow; FailedPrecondition for a generation not
  // after the one held (an old set can never come back); InvalidArgument as the
  // constructor's checks.
  Status SetLogKeys(const WitnessedLog& log);

  const WitnessState& state() const { return state_; }
  // The verifier of this witness's cosignatures (key ID by the 0x04 rule).
  NoteVerifier verifier() const;
  const std::string& name() const { return name_; }

 private:
  struct Log {
    std::vector<NoteVerifier> keys;  // Named after the origin, type 0x01 key IDs.
    std::size_t quorum = 0;
    std::uint64_t generation = 0;
  };

  static Result<Log> BuildLog(const WitnessedLog& l);

  std::string name_;
  SecretKey key_;
  std::map<std::string, Log> logs_;  // By origin.
  WitnessState state_;
};

}  // namespace tamga::tlog

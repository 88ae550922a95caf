// cli/checkpoint_check.h
// Checking a C2SP checkpoint of a chain's record log offline (docs/proof-format.md,
// "Checkpoints"): that a quorum of one trusted validator set signed it, and which witnesses
// cosigned it. Used by `tamga verify --checkpoint/--witness` and the `tamga log` commands.
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/chain.h"
#include "common/status.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace tamga::cli {

struct CheckedCheckpoint {
  tlog::Checkpoint checkpoint;
  ValidatorSet validators;  // The set whose quorum signed it.
  std::size_t signed_by = 0;
};

// `note` must be a checkpoint of chain `chain` signed by at least a quorum of one of `sets`
// (tried from the last: validators keep their keys across epochs, and the epoch named
// should be the latest that signed). Every error is a reason the checkpoint is not valid.
Result<CheckedCheckpoint> CheckCheckpointNote(std::string_view note, const ChainId& chain,
                                              const std::vector<ValidatorSet>& sets);

// "the checkpoint of N records (root ...), signed by k of the n validators of epoch E".
std::string Describe(const CheckedCheckpoint& c);

// A witness's cosignature key: the verifier key string itself ("name+id+base64", type
// 0x04), or a file whose first line is one.
Result<tlog::NoteVerifier> ReadWitnessKey(const std::string& key_or_file);

// The witnesses among `witnesses` whose cosignature on `note` verifies, with its time
// (POSIX seconds), each witness once. A bad cosignature by one of them counts as none.
std::vector<std::pair<tlog::NoteVerifier, std::uint64_t>> Cosigners(
    std::string_view note, std::span<const tlog::NoteVerifier> witnesses);

}  // namespace tamga::cli

// ledger/proof_file.h
// Proof files and their verification: what a trader ships with the goods and an auditor
// checks with nothing but the pinned genesis (TrustAnchor). No storage, no network.
// docs/proof-format.md specifies the JSON layout, every byte layout and hash input, and
// the checks below in order.
//
// A proof says: under the validator set of genesis, followed through every epoch change
// to the proven block's epoch, a quorum certified block B with execution result R, and B
// is committed (a two-chain of QCs above it); the log record at index i is in R's log,
// and/or each listed state key has the listed value (or none) in R's state.
//
// Thread-safety: pure functions and value types.

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/chain.h"
#include "ledger/records.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

inline constexpr std::string_view kProofFormat = "tamga-proof/1";
// Parser limits (docs/proof-format.md, "Limits").
inline constexpr std::size_t kProofFileMax = 32 << 20;
inline constexpr std::size_t kProofEpochsMax = 4096;
inline constexpr std::size_t kProofStateEntriesMax = 1024;
inline constexpr std::size_t kCommitHeadersMax = 2048;
inline constexpr std::uint64_t kLogIndexMax = (std::uint64_t{1} << 53) - 1;  // Exact in JSON.

// Why block B is committed: the headers above it, each the parent of the next, and the
// QCs of the last two, whose rounds are consecutive (the two-chain commit rule).
struct CommitEvidence {
  std::vector<BlockHeader> headers;    // H1..Hm above B; m >= 1.
  std::vector<QuorumCertificate> qcs;  // QC(H(m-1)), QC(Hm); H0 is B.
  friend bool operator==(const CommitEvidence&, const CommitEvidence&) = default;
};

struct CommittedHeader {
  BlockHeader header;
  QuorumCertificate qc;  // Certifies header with its execution result.
  CommitEvidence commit;
  friend bool operator==(const CommittedHeader&, const CommittedHeader&) = default;
};

// The block that ended an epoch, and the set of the next one, proven by the state entry
// ValidatorSetKey() under the block's state root (whose changed_at is that block).
struct EpochChange {
  CommittedHeader block;
  ValidatorSetEntry next;
  StateProof next_proof;
  friend bool operator==(const EpochChange&, const EpochChange&) = default;
};

struct LogEntryProof {
  std::uint64_t index = 0;
  Bytes record;  // Encode(LogRecord): the leaf's bytes.
  std::vector<Hash32> path;
  friend bool operator==(const LogEntryProof&, const LogEntryProof&) = default;
};

struct StateEntryProof {
  Hash32 key;
  std::optional<Bytes> value;  // nullopt: proven absent.
  StateProof proof;
  friend bool operator==(const StateEntryProof&, const StateEntryProof&) = default;
};

struct ProofFile {
  ChainId chain_id;
  std::vector<EpochChange> epochs;  // From epoch 0 up to the block's epoch.
  CommittedHeader block;
  // The ValidatorSetKey() entry under the block's state root: shows that the block does
  // not lie above the end of its epoch.
  ValidatorSetEntry block_validators;
  StateProof block_validators_proof;
  std::optional<LogEntryProof> log;
  std::vector<StateEntryProof> state;
  friend bool operator==(const ProofFile&, const ProofFile&) = default;
};

std::string ProofToJson(const ProofFile& proof);
// kMalformed-worthy failures come back as a Corruption status with the field named.
Result<ProofFile> ProofFromJson(std::string_view json);

enum class ProofError {
  kOk,
  kMalformed,         // Not JSON, wrong format tag, missing field, bad hex, bad encoding;
                      // also a pinned genesis that is not a valid set.
  kWrongChain,        // Chain id differs from the pinned genesis.
  kBrokenEpochChain,  // Epoch changes missing, out of order, or not matching.
  kSignerNotInSet,    // A QC names a validator index outside its epoch's set.
  kQuorumNotReached,  // A QC with fewer than floor(2n/3) + 1 signers.
  kBadSignature,      // A QC signature that does not verify.
  kNotCommitted,      // The commit evidence does not show the block committed, or the
                      // block lies above the end of its epoch (abandoned).
  kBadInclusionPath,  // A log or state path that cannot be a path for its position.
  kRootMismatch,      // A path of the right shape that does not lead to the root.
};
// Words for people ("bad signature"), which may be reworded.
std::string_view ProofErrorName(ProofError e);
// The stable code ("bad_signature"): what programs and test vectors (docs/vectors) compare.
std::string_view ProofErrorCode(ProofError e);

struct ProvenFacts {
  Height height;
  Epoch epoch;
  Round round;
  std::uint64_t timestamp_ms = 0;  // The block's time, certified by the quorum.
  Hash32 block_id;
  ExecutionResult result;
  std::vector<ValidatorIndex> signers;  // Of the block's QC.
  std::vector<PublicKey> signer_keys;
  ValidatorSet validators;           // The block's epoch's, proven from the genesis on.
  ValidatorSet validators_after;     // In force after the block (the next epoch's if it ended one).
  std::optional<LogEntryProof> log;  // As in the file, now proven.
  std::optional<LogRecord> record;   // The log entry decoded.
  std::vector<StateEntryProof> state;  // As in the file, now proven.
};

struct ProofVerdict {
  ProofError error = ProofError::kOk;
  std::string message;  // Why, in a sentence, when error != kOk.
  ProvenFacts facts;    // Valid only when error == kOk.
  bool ok() const { return error == ProofError::kOk; }
};

ProofVerdict VerifyProof(const TrustAnchor& anchor, const ProofFile& proof);
ProofVerdict VerifyProofJson(const TrustAnchor& anchor, std::string_view json);

}  // namespace tamga::ledger

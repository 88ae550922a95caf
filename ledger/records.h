// ledger/records.h
// What the ledger stores per block beside the block itself: the records appended to the
// log, the receipts of the transactions, and the trust anchor a chain starts from. The
// record and receipt bodies are defined by contracts/; to the ledger they are bytes with a
// kind. Canonical encodings in docs/encoding.md.
//
// Thread-safety: value types.

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/chain.h"
#include "common/encoding.h"

namespace tamga::ledger {

// One leaf of the record log: Encode(LogRecord) is the leaf's bytes.
struct LogRecord {
  Height height;               // Of the block whose transaction produced it.
  std::uint32_t tx_index = 0;  // Position of that transaction in the block.
  Hash32 tx_hash;
  std::uint16_t kind = 0;  // Defined by contracts/.
  Bytes body;              // Defined by contracts/, at most kRecordBodyMax bytes.
  friend bool operator==(const LogRecord&, const LogRecord&) = default;
};
inline constexpr std::size_t kRecordBodyMax = 1 << 20;

// The outcome of one transaction. code 0 is "accepted"; others are contracts' rejection
// reasons. A rejected transaction writes nothing and appends no record.
struct Receipt {
  Hash32 tx_hash;
  std::uint16_t code = 0;
  std::string detail;              // A sentence for people; ASCII, at most 256 bytes.
  std::uint64_t first_record = 0;  // Log index of its first record.
  std::uint32_t record_count = 0;
  friend bool operator==(const Receipt&, const Receipt&) = default;
};
inline constexpr std::size_t kReceiptDetailMax = 256;

// The certified blocks above an epoch's last block, up to the QC that committed it
// (consensus' CommitBlock::epoch_proof), stored with that block.
struct EpochProof {
  std::vector<CertifiedBlock> blocks;
  friend bool operator==(const EpochProof&, const EpochProof&) = default;
};
inline constexpr std::size_t kEpochProofMax = 1000;

void EncodeTo(Encoder& e, const LogRecord& v);
void DecodeFrom(Decoder& d, LogRecord& v);
void EncodeTo(Encoder& e, const Receipt& v);
void DecodeFrom(Decoder& d, Receipt& v);
void EncodeTo(Encoder& e, const std::vector<Receipt>& v);
void DecodeFrom(Decoder& d, std::vector<Receipt>& v);
void EncodeTo(Encoder& e, const EpochProof& v);
void DecodeFrom(Decoder& d, EpochProof& v);

// What a chain starts from and a verifier pins: the chain id (SHA-256 of the genesis
// document) and the validators of epoch 0.
struct TrustAnchor {
  ChainId chain_id;
  ValidatorSet validators;  // epoch 0.
  std::uint64_t genesis_time_ms = 0;
};

// The genesis block (height 0, round 0, epoch 0, no transactions) of `anchor`.
Block GenesisBlock(const TrustAnchor& anchor);

// The state entry under ValidatorSetKey(): the validator set in force after a block, and
// the height of the block that ended the previous epoch by setting it (0 for genesis).
// Proofs rest on it twice: an epoch change is proven by the entry under the certified
// root of the block that made it, and a proven block is shown not to lie above the end of
// its epoch (blocks certified there are abandoned when the next epoch starts).
struct ValidatorSetEntry {
  ValidatorSet set;
  Height changed_at;
  friend bool operator==(const ValidatorSetEntry&, const ValidatorSetEntry&) = default;
};
void EncodeTo(Encoder& e, const ValidatorSetEntry& v);
void DecodeFrom(Decoder& d, ValidatorSetEntry& v);
Hash32 ValidatorSetKey();

}  // namespace tamga::ledger

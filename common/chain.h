// common/chain.h
// The plain structs of what Tamga hashes and signs: transactions, block headers and blocks,
// votes and quorum certificates, timeouts and timeout certificates, proposals and
// validator sets, with their canonical encodings (docs/encoding.md) and signing messages.
//
// These live in common/ because three parts meet on them: consensus signs and checks them,
// the ledger stores them and builds proofs on them, and net/ converts them to and from the
// Cap'n Proto wire schema. Nothing here signs wire bytes: signatures always cover the
// canonical encoding of the struct.
//
// Decoders reject every non-canonical input: trailing bytes, booleans other than 0/1,
// lengths or counts over their limits, signer lists that are not strictly ascending.
//
// Thread-safety: value types.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/status.h"

namespace tamga {

// SHA-256 of the chain's genesis document; carried by everything signed so that a
// signature on one chain means nothing on another.
using ChainId = Hash32;

// Limits checked by every decoder before it allocates.
inline constexpr std::size_t kTxPayloadMax = 1 << 20;  // Batch issuance fits.
inline constexpr std::size_t kBlockTransactionsMax = 10000;
// A block's whole canonical encoding; below the wire's frame cap (net/wire.h) so that any
// block that decodes also travels.
inline constexpr std::size_t kBlockBytesMax = 8 << 20;
inline constexpr std::size_t kValidatorsMax = 1024;
inline constexpr std::uint32_t kBlockHeaderVersion = 1;

// A signed request to change the ledger. `type` and `payload` are defined by contracts/;
// to everything below contracts the payload is opaque bytes.
struct Transaction {
  ChainId chain_id;
  std::uint16_t type = 0;
  Bytes payload;
  PublicKey signer;
  std::uint64_t sequence = 0;  // Per signer; the first transaction of a key is 1.
  Signature signature;         // Over SigningBytes(), domain kTransaction.

  // The canonical encoding of every field but the signature.
  Bytes SigningBytes() const;
  // SHA-256 of the full canonical encoding: the transaction's id.
  Hash32 Hash() const;
  void Sign(const SecretKey& key);  // Sets signer and signature.
  Status VerifySignature() const;
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

// What executing a block produced: the roots a quorum vouches for together with the block.
struct ExecutionResult {
  Hash32 state_root;           // Authenticated state tree after the block.
  Hash32 log_root;             // RFC 9162 root of the record log after the block.
  std::uint64_t log_size = 0;  // Number of records in the log after the block.
  friend bool operator==(const ExecutionResult&, const ExecutionResult&) = default;
};

struct BlockHeader {
  std::uint32_t version = kBlockHeaderVersion;
  ChainId chain_id;
  Epoch epoch;
  Round round;
  Height height;
  Hash32 parent_id;
  ValidatorIndex proposer;
  std::uint64_t timestamp_ms = 0;  // Proposer's Unix time in milliseconds.
  Hash32 payload_root;             // RFC 9162 root over the transactions' hashes.
  std::uint32_t transaction_count = 0;

  // The block id: SHA-256 over a tag and the canonical encoding.
  Hash32 Id() const;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

// What a vote signs: a block and the result of executing it.
struct VoteData {
  ChainId chain_id;
  Epoch epoch;
  Round round;
  Height height;
  Hash32 block_id;
  ExecutionResult result;
  friend bool operator==(const VoteData&, const VoteData&) = default;
};

struct Vote {
  VoteData data;
  ValidatorIndex author;
  Signature signature;  // Over Encode(data), domain kVote.
  friend bool operator==(const Vote&, const Vote&) = default;
};

struct QuorumSignature {
  ValidatorIndex signer;
  Signature signature;
  friend bool operator==(const QuorumSignature&, const QuorumSignature&) = default;
};

// A quorum's votes on one VoteData. Signers are strictly ascending, so a signer cannot be
// counted twice and the encoding is unique.
struct QuorumCertificate {
  VoteData data;
  std::vector<QuorumSignature> signatures;
  friend bool operator==(const QuorumCertificate&, const QuorumCertificate&) = default;
};

// What a timeout signs: "round `round` of `epoch` timed out for me; the highest QC I hold
// is of round `high_qc_round`".
struct TimeoutData {
  ChainId chain_id;
  Epoch epoch;
  Round round;
  Round high_qc_round;
  friend bool operator==(const TimeoutData&, const TimeoutData&) = default;
};

struct TimeoutSignature {
  ValidatorIndex signer;
  Round high_qc_round;
  Signature signature;  // Over Encode(TimeoutData{chain, epoch, round, high_qc_round}).
  friend bool operator==(const TimeoutSignature&, const TimeoutSignature&) = default;
};

// A quorum's timeouts for one round; signers strictly ascending.
struct TimeoutCertificate {
  ChainId chain_id;
  Epoch epoch;
  Round round;
  std::vector<TimeoutSignature> signatures;
  friend bool operator==(const TimeoutCertificate&, const TimeoutCertificate&) = default;
};

struct Timeout {
  TimeoutData data;
  QuorumCertificate high_qc;  // Its round equals data.high_qc_round.
  // The TC that ended the previous round, when the author entered this round by one: it
  // lets a peer that missed it catch up, and shows the timeout was safe to sign.
  std::optional<TimeoutCertificate> last_round_tc;
  ValidatorIndex author;
  Signature signature;  // Over Encode(data), domain kTimeout.
  friend bool operator==(const Timeout&, const Timeout&) = default;
};

struct Block {
  BlockHeader header;
  QuorumCertificate justify;  // Certifies header.parent_id.
  std::vector<Transaction> transactions;

  // The transactions' ids (Transaction::Hash), hashed once per node and carried with every
  // copy of the block: the verifier computes them (ComputeTxIds) to check the payload root,
  // and execution, the ledger and the mempool reuse them (TxIds). Not part of the block's
  // encoding or equality. Whoever changes `transactions` after that calls ComputeTxIds
  // again (TxIds recomputes by itself only when the count changed).
  const std::vector<Hash32>& TxIds() const;
  const std::vector<Hash32>& ComputeTxIds() const;
  mutable std::shared_ptr<const std::vector<Hash32>> tx_ids_cache = nullptr;

  friend bool operator==(const Block& a, const Block& b) {
    return a.header == b.header && a.justify == b.justify && a.transactions == b.transactions;
  }
};

// A block with a QC certifying it (and the block's execution result).
struct CertifiedBlock {
  Block block;
  QuorumCertificate qc;
  friend bool operator==(const CertifiedBlock&, const CertifiedBlock&) = default;
};

// A leader's proposal: the block, the TC that let it skip a round if any, and its
// signature over the block id (domain kProposal).
struct Proposal {
  Block block;
  std::optional<TimeoutCertificate> last_round_tc;
  Signature signature;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

// The validators of one epoch; a validator's index is its position in the list.
struct ValidatorSet {
  Epoch epoch;
  std::vector<PublicKey> validators;  // No duplicates.

  std::size_t size() const { return validators.size(); }
  // floor(2n/3) + 1 signatures.
  std::size_t QuorumSize() const { return validators.size() * 2 / 3 + 1; }
  Hash32 Hash() const;
  friend bool operator==(const ValidatorSet&, const ValidatorSet&) = default;
};

// Canonical encoders and decoders, one pair per struct (docs/encoding.md).
void EncodeTo(Encoder& e, const Transaction& v);
void DecodeFrom(Decoder& d, Transaction& v);
void EncodeTo(Encoder& e, const ExecutionResult& v);
void DecodeFrom(Decoder& d, ExecutionResult& v);
void EncodeTo(Encoder& e, const BlockHeader& v);
void DecodeFrom(Decoder& d, BlockHeader& v);
void EncodeTo(Encoder& e, const VoteData& v);
void DecodeFrom(Decoder& d, VoteData& v);
void EncodeTo(Encoder& e, const Vote& v);
void DecodeFrom(Decoder& d, Vote& v);
void EncodeTo(Encoder& e, const QuorumCertificate& v);
void DecodeFrom(Decoder& d, QuorumCertificate& v);
void EncodeTo(Encoder& e, const TimeoutData& v);
void DecodeFrom(Decoder& d, TimeoutData& v);
void EncodeTo(Encoder& e, const Timeout& v);
void DecodeFrom(Decoder& d, Timeout& v);
void EncodeTo(Encoder& e, const TimeoutCertificate& v);
void DecodeFrom(Decoder& d, TimeoutCertificate& v);
void EncodeTo(Encoder& e, const Block& v);
void DecodeFrom(Decoder& d, Block& v);
void EncodeTo(Encoder& e, const CertifiedBlock& v);
void DecodeFrom(Decoder& d, CertifiedBlock& v);
void EncodeTo(Encoder& e, const Proposal& v);
void DecodeFrom(Decoder& d, Proposal& v);
void EncodeTo(Encoder& e, const ValidatorSet& v);
void DecodeFrom(Decoder& d, ValidatorSet& v);

// OK iff signers are strictly ascending (no signer twice, one order only). The canonical
// decoders apply this; net/ applies it to structs built from wire bytes.
Status CheckSignerOrder(const QuorumCertificate& qc);
Status CheckSignerOrder(const TimeoutCertificate& tc);
// OK iff the set has at most kValidatorsMax keys and no key twice (the decoder applies
// this; so do holders of sets built in memory).
Status CheckValidatorKeys(const ValidatorSet& v);
// OK iff the header's transaction count equals the transactions the block holds. (The
// payload root is checked where blocks are verified: consensus/verify.h.)
Status CheckBlockShape(const Block& block);

// SHA-256 over "tamga/v1/<tag>" || 0x00 || bytes: hashes of different kinds of value can
// never collide by construction.
Hash32 TaggedHash(std::string_view tag, ByteView bytes);

}  // namespace tamga

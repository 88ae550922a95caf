#include "common/chain.h"

#include <algorithm>

#include "common/sha256.h"

namespace tamga {
namespace {

// Rejects signer lists that are not strictly ascending: a QC or TC with a signer twice, or
// the same signers in another order, is not canonical.
template <typename T>
Status AscendingSigners(const std::vector<T>& sigs, std::string_view what) {
  for (std::size_t i = 1; i < sigs.size(); ++i) {
    if (!(sigs[i - 1].signer < sigs[i].signer)) {
      return Status::Corruption(std::string(what) + " signers not strictly ascending at position " +
                                std::to_string(i) + " (signer " + sigs[i].signer.ToString() + ")");
    }
  }
  return Status::Ok();
}

void FailIfError(Decoder& d, const Status& s) {
  if (!s.ok()) d.Fail(s.message());
}

// Smallest encoded sizes, so a list count can be checked against the bytes left.
constexpr std::size_t kQuorumSignatureSize = 4 + 64;
constexpr std::size_t kTimeoutSignatureSize = 4 + 8 + 64;
constexpr std::size_t kTransactionMinSize = 32 + 2 + 4 + 32 + 8 + 64;

}  // namespace

Status CheckBlockShape(const Block& b) {
  if (b.header.transaction_count != b.transactions.size()) {
    return Status::Corruption("block header counts " + std::to_string(b.header.transaction_count) +
                              " transactions, the block holds " +
                              std::to_string(b.transactions.size()));
  }
  return Status::Ok();
}

Status CheckSignerOrder(const QuorumCertificate& qc) {
  return AscendingSigners(qc.signatures, "QC");
}

Status CheckSignerOrder(const TimeoutCertificate& tc) {
  return AscendingSigners(tc.signatures, "TC");
}

Hash32 TaggedHash(std::string_view tag, ByteView bytes) {
  thread_local Sha256 h;  // Finish() leaves it ready for the next hash.
  h.Update(AsBytes("tamga/v1/"));
  h.Update(AsBytes(tag));
  h.Update(std::uint8_t{0});
  h.Update(bytes);
  return h.Finish();
}

// --- Transaction -----------------------------------------------------------------------

namespace {
void EncodeTxUnsigned(Encoder& e, const Transaction& v) {
  e.Fixed(v.chain_id);
  e.U16(v.type);
  e.Blob(v.payload);
  e.Fixed(v.signer);
  e.U64(v.sequence);
}
}  // namespace

void EncodeTo(Encoder& e, const Transaction& v) {
  EncodeTxUnsigned(e, v);
  e.Fixed(v.signature);
}

void DecodeFrom(Decoder& d, Transaction& v) {
  v.chain_id = d.Fixed<ChainId>();
  v.type = d.U16();
  v.payload = d.Blob(kTxPayloadMax, "transaction payload");
  v.signer = d.Fixed<PublicKey>();
  v.sequence = d.U64();
  v.signature = d.Fixed<Signature>();
}

Bytes Transaction::SigningBytes() const {
  Encoder e;
  EncodeTxUnsigned(e, *this);
  return e.Take();
}

Hash32 Transaction::Hash() const { return TaggedHash("transaction", Encode(*this)); }

const std::vector<Hash32>& Block::ComputeTxIds() const {
  auto ids = std::make_shared<std::vector<Hash32>>();
  ids->reserve(transactions.size());
  for (const auto& tx : transactions) ids->push_back(tx.Hash());
  tx_ids_cache = std::move(ids);
  return *tx_ids_cache;
}

const std::vector<Hash32>& Block::TxIds() const {
  if (tx_ids_cache && tx_ids_cache->size() == transactions.size()) return *tx_ids_cache;
  return ComputeTxIds();
}

void Transaction::Sign(const SecretKey& key) {
  signer = key.public_key();
  signature = key.Sign(SignDomain::kTransaction, SigningBytes());
}

Status Transaction::VerifySignature() const {
  return ::tamga::VerifySignature(signer, SignDomain::kTransaction, SigningBytes(), signature);
}

// --- Headers, votes and certificates ----------------------------------------------------

void EncodeTo(Encoder& e, const ExecutionResult& v) {
  e.Fixed(v.state_root);
  e.Fixed(v.log_root);
  e.U64(v.log_size);
}

void DecodeFrom(Decoder& d, ExecutionResult& v) {
  v.state_root = d.Fixed<Hash32>();
  v.log_root = d.Fixed<Hash32>();
  v.log_size = d.U64();
}

void EncodeTo(Encoder& e, const BlockHeader& v) {
  e.U32(v.version);
  e.Fixed(v.chain_id);
  e.Id(v.epoch);
  e.Id(v.round);
  e.Id(v.height);
  e.Fixed(v.parent_id);
  e.Id(v.proposer);
  e.U64(v.timestamp_ms);
  e.Fixed(v.payload_root);
  e.U32(v.transaction_count);
}

void DecodeFrom(Decoder& d, BlockHeader& v) {
  v.version = d.U32();
  if (d.ok() && v.version != kBlockHeaderVersion) {
    d.Fail("block header version " + std::to_string(v.version) + " is not supported");
  }
  v.chain_id = d.Fixed<ChainId>();
  v.epoch = d.Id<Epoch>();
  v.round = d.Id<Round>();
  v.height = d.Id<Height>();
  v.parent_id = d.Fixed<Hash32>();
  v.proposer = d.Id<ValidatorIndex>();
  v.timestamp_ms = d.U64();
  v.payload_root = d.Fixed<Hash32>();
  v.transaction_count = d.U32();
}

Hash32 BlockHeader::Id() const { return TaggedHash("block-header", Encode(*this)); }

void EncodeTo(Encoder& e, const VoteData& v) {
  e.Fixed(v.chain_id);
  e.Id(v.epoch);
  e.Id(v.round);
  e.Id(v.height);
  e.Fixed(v.block_id);
  EncodeTo(e, v.result);
}

void DecodeFrom(Decoder& d, VoteData& v) {
  v.chain_id = d.Fixed<ChainId>();
  v.epoch = d.Id<Epoch>();
  v.round = d.Id<Round>();
  v.height = d.Id<Height>();
  v.block_id = d.Fixed<Hash32>();
  DecodeFrom(d, v.result);
}

void EncodeTo(Encoder& e, const Vote& v) {
  EncodeTo(e, v.data);
  e.Id(v.author);
  e.Fixed(v.signature);
}

void DecodeFrom(Decoder& d, Vote& v) {
  DecodeFrom(d, v.data);
  v.author = d.Id<ValidatorIndex>();
  v.signature = d.Fixed<Signature>();
}

void EncodeTo(Encoder& e, const QuorumCertificate& v) {
  EncodeTo(e, v.data);
  e.Count(v.signatures.size());
  for (const auto& s : v.signatures) {
    e.Id(s.signer);
    e.Fixed(s.signature);
  }
}

void DecodeFrom(Decoder& d, QuorumCertificate& v) {
  DecodeFrom(d, v.data);
  const std::size_t n = d.Count(kValidatorsMax, kQuorumSignatureSize, "QC signatures");
  v.signatures.resize(n);
  for (auto& s : v.signatures) {
    s.signer = d.Id<ValidatorIndex>();
    s.signature = d.Fixed<Signature>();
  }
  FailIfError(d, CheckSignerOrder(v));
}

void EncodeTo(Encoder& e, const TimeoutData& v) {
  e.Fixed(v.chain_id);
  e.Id(v.epoch);
  e.Id(v.round);
  e.Id(v.high_qc_round);
}

void DecodeFrom(Decoder& d, TimeoutData& v) {
  v.chain_id = d.Fixed<ChainId>();
  v.epoch = d.Id<Epoch>();
  v.round = d.Id<Round>();
  v.high_qc_round = d.Id<Round>();
}

void EncodeTo(Encoder& e, const Timeout& v) {
  EncodeTo(e, v.data);
  EncodeTo(e, v.high_qc);
  EncodeOptional(e, v.last_round_tc);
  e.Id(v.author);
  e.Fixed(v.signature);
}

void DecodeFrom(Decoder& d, Timeout& v) {
  DecodeFrom(d, v.data);
  DecodeFrom(d, v.high_qc);
  DecodeOptional(d, v.last_round_tc);
  v.author = d.Id<ValidatorIndex>();
  v.signature = d.Fixed<Signature>();
}

void EncodeTo(Encoder& e, const TimeoutCertificate& v) {
  e.Fixed(v.chain_id);
  e.Id(v.epoch);
  e.Id(v.round);
  e.Count(v.signatures.size());
  for (const auto& s : v.signatures) {
    e.Id(s.signer);
    e.Id(s.high_qc_round);
    e.Fixed(s.signature);
  }
}

void DecodeFrom(Decoder& d, TimeoutCertificate& v) {
  v.chain_id = d.Fixed<ChainId>();
  v.epoch = d.Id<Epoch>();
  v.round = d.Id<Round>();
  const std::size_t n = d.Count(kValidatorsMax, kTimeoutSignatureSize, "TC signatures");
  v.signatures.resize(n);
  for (auto& s : v.signatures) {
    s.signer = d.Id<ValidatorIndex>();
    s.high_qc_round = d.Id<Round>();
    s.signature = d.Fixed<Signature>();
  }
  FailIfError(d, CheckSignerOrder(v));
}

// --- Blocks and proposals ---------------------------------------------------------------

void EncodeTo(Encoder& e, const Block& v) {
  EncodeTo(e, v.header);
  EncodeTo(e, v.justify);
  e.Count(v.transactions.size());
  for (const auto& tx : v.transactions) EncodeTo(e, tx);
}

void DecodeFrom(Decoder& d, Block& v) {
  const std::size_t start = d.position();
  DecodeFrom(d, v.header);
  DecodeFrom(d, v.justify);
  const std::size_t n = d.Count(kBlockTransactionsMax, kTransactionMinSize, "block transactions");
  v.transactions.resize(n);
  for (auto& tx : v.transactions) DecodeFrom(d, tx);
  FailIfError(d, CheckBlockShape(v));
  if (d.ok() && d.position() - start > kBlockBytesMax) {
    d.Fail("block of " + std::to_string(d.position() - start) + " bytes > max " +
           std::to_string(kBlockBytesMax));
  }
}

void EncodeTo(Encoder& e, const CertifiedBlock& v) {
  EncodeTo(e, v.block);
  EncodeTo(e, v.qc);
}

void DecodeFrom(Decoder& d, CertifiedBlock& v) {
  DecodeFrom(d, v.block);
  DecodeFrom(d, v.qc);
}

void EncodeTo(Encoder& e, const Proposal& v) {
  EncodeTo(e, v.block);
  EncodeOptional(e, v.last_round_tc);
  e.Fixed(v.signature);
}

void DecodeFrom(Decoder& d, Proposal& v) {
  DecodeFrom(d, v.block);
  DecodeOptional(d, v.last_round_tc);
  v.signature = d.Fixed<Signature>();
}

// --- Validator sets ---------------------------------------------------------------------

void EncodeTo(Encoder& e, const ValidatorSet& v) {
  e.Id(v.epoch);
  e.Count(v.validators.size());
  for (const auto& k : v.validators) e.Fixed(k);
}

void DecodeFrom(Decoder& d, ValidatorSet& v) {
  v.epoch = d.Id<Epoch>();
  const std::size_t n = d.Count(kValidatorsMax, PublicKey::kSize, "validators");
  v.validators.resize(n);
  for (auto& k : v.validators) k = d.Fixed<PublicKey>();
  if (d.ok()) FailIfError(d, CheckValidatorKeys(v));
}

Status CheckValidatorKeys(const ValidatorSet& v) {
  if (v.validators.size() > kValidatorsMax) {
    return Status::InvalidArgument("validator set of " + std::to_string(v.validators.size()) +
                                   " keys, max " + std::to_string(kValidatorsMax));
  }
  // A key listed twice would hold two votes; found by sorting a copy.
  std::vector<PublicKey> sorted = v.validators;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Status::InvalidArgument("validator set lists a key twice");
  }
  return Status::Ok();
}

Hash32 ValidatorSet::Hash() const { return TaggedHash("validator-set", Encode(*this)); }

}  // namespace tamga

// ledger/records.cc

#include "ledger/records.h"

#include "common/merkle.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

void EncodeTo(Encoder& e, const LogRecord& v) {
  e.Id(v.height);
  e.U32(v.tx_index);
  e.Fixed(v.tx_hash);
  e.U16(v.kind);
  e.Blob(v.body);
}

void DecodeFrom(Decoder& d, LogRecord& v) {
  v.height = d.Id<Height>();
  v.tx_index = d.U32();
  v.tx_hash = d.Fixed<Hash32>();
  v.kind = d.U16();
  v.body = d.Blob(kRecordBodyMax, "record body");
}

void EncodeTo(Encoder& e, const Receipt& v) {
  e.Fixed(v.tx_hash);
  e.U16(v.code);
  e.String(v.detail);
  e.U64(v.first_record);
  e.U32(v.record_count);
}

void DecodeFrom(Decoder& d, Receipt& v) {
  v.tx_hash = d.Fixed<Hash32>();
  v.code = d.U16();
  v.detail = d.AsciiString(kReceiptDetailMax, "receipt detail");
  v.first_record = d.U64();
  v.record_count = d.U32();
}

void EncodeTo(Encoder& e, const std::vector<Receipt>& v) {
  e.Count(v.size());
  for (const Receipt& r : v) EncodeTo(e, r);
}

void DecodeFrom(Decoder& d, std::vector<Receipt>& v) {
  // A receipt is at least its hash, code, empty detail, index and count: 50 bytes.
  v.resize(d.Count(kBlockTransactionsMax, 50, "receipts"));
  for (Receipt& r : v) DecodeFrom(d, r);
}

void EncodeTo(Encoder& e, const EpochProof& v) {
  e.Count(v.blocks.size());
  for (const CertifiedBlock& b : v.blocks) EncodeTo(e, b);
}

void DecodeFrom(Decoder& d, EpochProof& v) {
  v.blocks.resize(d.Count(kEpochProofMax, 1, "epoch proof blocks"));
  for (CertifiedBlock& b : v.blocks) DecodeFrom(d, b);
}

Block GenesisBlock(const TrustAnchor& anchor) {
  Block b;
  b.header.chain_id = anchor.chain_id;
  b.header.timestamp_ms = anchor.genesis_time_ms;
  b.header.payload_root = MerkleRoot({});
  return b;
}

void EncodeTo(Encoder& e, const ValidatorSetEntry& v) {
  EncodeTo(e, v.set);
  e.Id(v.changed_at);
}

void DecodeFrom(Decoder& d, ValidatorSetEntry& v) {
  DecodeFrom(d, v.set);
  v.changed_at = d.Id<Height>();
}

Hash32 ValidatorSetKey() { return StateKeyOf(AsBytes("tamga/validator-set")); }

}  // namespace tamga::ledger

// ledger/ledger.cc

#include "ledger/ledger.h"

#include <algorithm>
#include <limits>
#include <map>

#include "common/failpoint.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/merkle_log.h"
#include "ledger/rocks_kv_store.h"

namespace tamga::ledger {
namespace {

const Bytes kFormatKey = {'f', 'o', 'r', 'm', 'a', 't'};
const Bytes kChainKey = {'c', 'h', 'a', 'i', 'n'};
const Bytes kSnapshotKey = {'s', 'n', 'a', 'p', 's', 'h', 'o', 't'};
const Bytes kHeadKey = {'h', 'e', 'a', 'd'};

// How far above a block the ledger looks for the two-chain that committed it.
constexpr std::uint64_t kCommitSearchMax = 1000;

Bytes U64Bytes(std::uint64_t v) {
  Bytes out;
  AppendU64(out, v);
  return out;
}

Bytes IndexKey(ByteView key) {
  Bytes k(1 + key.size());
  k[0] = 'a';
  std::copy(key.begin(), key.end(), k.begin() + 1);
  return k;
}

template <typename T>
Result<T> GetDecoded(const KvReader& r, Column c, ByteView key, std::string_view what) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, r.Get(c, key));
  if (!v) return Status::NotFound(std::string(what) + " not found");
  return Decode<T>(*v, what);
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<KvStore> store,
                                             const TrustAnchor& anchor,
                                             std::vector<StateWrite> genesis_state) {
  return OpenStore(std::move(store), anchor, std::move(genesis_state));
}

Result<std::unique_ptr<Ledger>> Ledger::OpenExisting(std::unique_ptr<KvStore> store,
                                                     const TrustAnchor& anchor) {
  return OpenStore(std::move(store), anchor, std::nullopt);
}

Result<std::unique_ptr<Ledger>> Ledger::OpenStore(
    std::unique_ptr<KvStore> store, const TrustAnchor& anchor,
    std::optional<std::vector<StateWrite>> genesis_state) {
  if (anchor.validators.validators.empty() || anchor.validators.epoch != Epoch(0) ||
      !CheckValidatorKeys(anchor.validators).ok()) {
    return Status::InvalidArgument(
        "genesis needs a non-empty validator set of epoch 0 with no key twice");
  }
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(store), anchor));
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> format,
                         ledger->store_->Get(Column::kMeta, kFormatKey));
  if (!format) {
    if (!genesis_state) return Status::NotFound("the store holds no ledger");
    TAMGA_RETURN_IF_ERROR(ledger->Initialise(std::move(*genesis_state)));
  } else {
    const std::uint64_t version = format->size() == 8 ? ReadU64(*format) : 0;
    if (version != kFormatVersion) {
      return Status::FailedPrecondition("the data directory holds ledger format " +
                                        std::to_string(version) + "; this build reads format " +
                                        std::to_string(kFormatVersion));
    }
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> chain,
                           ledger->store_->Get(Column::kMeta, kChainKey));
    if (!chain || chain->size() != 32 || Hash32::FromView(*chain) != anchor.chain_id) {
      return Status::FailedPrecondition(
          "the data directory belongs to chain " +
          (chain && chain->size() == 32 ? Hash32::FromView(*chain).ToHex() : std::string("?")) +
          ", but the genesis given is chain " + anchor.chain_id.ToHex());
    }
  }
  TAMGA_RETURN_IF_ERROR(ledger->LoadHead());
  TAMGA_RETURN_IF_ERROR(ledger->LoadSnapshot());
  return ledger;
}

Result<std::unique_ptr<Ledger>> Ledger::OpenDirectory(const std::string& directory,
                                                      const TrustAnchor& anchor,
                                                      std::vector<StateWrite> genesis_state) {
  TAMGA_ASSIGN_OR_RETURN(std::unique_ptr<RocksKvStore> store,
                         RocksKvStore::Open(directory, {.wal_bytes = kWalBytes}));
  return Open(std::move(store), anchor, std::move(genesis_state));
}

Result<std::unique_ptr<Ledger>> Ledger::OpenDirectoryReadOnly(const std::string& directory,
                                                              const TrustAnchor& anchor) {
  TAMGA_ASSIGN_OR_RETURN(std::unique_ptr<RocksKvStore> store,
                         RocksKvStore::OpenReadOnly(directory));
  auto ledger = OpenExisting(std::move(store), anchor);
  if (!ledger.ok()) return ledger.error().WithContext(directory);
  return ledger;
}

Status Ledger::Initialise(std::vector<StateWrite> genesis_state) {
  Overlay overlay(nullptr, store_.get());
  const Bytes set_bytes = Encode(anchor_.validators);
  for (const StateWrite& w : genesis_state) {
    if (w.key == ValidatorSetKey()) {
      return Status::InvalidArgument("the genesis state may not write the validator-set key");
    }
  }
  genesis_state.push_back(
      {ValidatorSetKey(), Encode(ValidatorSetEntry{anchor_.validators, Height(0)})});
  TAMGA_ASSIGN_OR_RETURN(
      Hash32 state_root,
      StateTree::Update(overlay, Hash32(), std::move(genesis_state), nodes_.get()));
  const ExecutionResult result{state_root, MerkleRoot({}), 0};
  const Block genesis = GenesisBlock(anchor_);
  const QuorumCertificate qc{
      VoteData{anchor_.chain_id, Epoch(0), Round(0), Height(0), genesis.header.Id(), result}, {}};

  WriteBatch batch;
  overlay.AppendTo(batch);
  batch.Put(Column::kBlocks, KeyU64('b', 0), Encode(genesis));
  batch.Put(Column::kBlocks, KeyU64('h', 0), Encode(genesis.header));
  batch.Put(Column::kCertificates, KeyU64('q', 0), Encode(qc));
  batch.Put(Column::kReceipts, KeyU64('r', 0), Encode(std::vector<Receipt>{}));
  batch.Put(Column::kIndex, KeyU64('x', 0), Encode(result));
  batch.Put(Column::kIndex, KeyU64('e', 0), set_bytes);
  batch.Put(Column::kIndex, KeyU64('E', 0), U64Bytes(0));
  batch.Put(Column::kMeta, kChainKey, anchor_.chain_id.view());
  batch.Put(Column::kMeta, kHeadKey, U64Bytes(0));
  // Last in the batch, but the batch is atomic: a store with a format key is complete.
  batch.Put(Column::kMeta, kFormatKey, U64Bytes(kFormatVersion));
  Failpoint("ledger.initialise.before");
  TAMGA_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  Failpoint("ledger.initialise.after");
  return Status::Ok();
}

Status Ledger::LoadHead() {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> head, store_->Get(Column::kMeta, kHeadKey));
  if (!head || head->size() != 8) return Status::Corruption("ledger head is missing");
  const Height h(ReadU64(*head));
  TAMGA_ASSIGN_OR_RETURN(BlockHeader header, HeaderAt(h));
  TAMGA_ASSIGN_OR_RETURN(ExecutionResult result, ResultAt(h));
  std::optional<Bytes> last_set;
  TAMGA_RETURN_IF_ERROR(store_->Scan(Column::kIndex, Bytes{'e'}, {}, [&](ByteView, ByteView v) {
    last_set = Bytes(v.begin(), v.end());
    return true;
  }));
  if (!last_set) return Status::Corruption("ledger has no validator set");
  TAMGA_ASSIGN_OR_RETURN(ValidatorSet set, Decode<ValidatorSet>(*last_set, "validator set"));
  std::lock_guard lock(mu_);
  head_ = LedgerHead{h, header.Id(), header.round, result, std::move(set)};
  return Status::Ok();
}

Status Ledger::LoadSnapshot() {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> json, store_->Get(Column::kMeta, kSnapshotKey));
  if (!json) return Status::Ok();
  TAMGA_ASSIGN_OR_RETURN(
      ProofFile proof,
      ProofFromJson(std::string_view(reinterpret_cast<const char*>(json->data()), json->size())));
  snapshot_ = std::move(proof);
  return Status::Ok();
}

Status Ledger::InstallSnapshot(KvStore& store, const TrustAnchor& anchor, const ProofFile& proof,
                               const Block& block) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> format, store.Get(Column::kMeta, kFormatKey));
  if (format) return Status::FailedPrecondition("the store already holds a ledger");
  const ProofVerdict verdict = VerifyProof(anchor, proof);
  if (!verdict.ok()) {
    return Status::BadSignature("the snapshot's proof does not verify: " + verdict.message);
  }
  const BlockHeader& header = proof.block.header;
  const Height h = header.height;
  const ExecutionResult& result = proof.block.qc.data.result;
  if (block.header != header || MerkleRoot(block.ComputeTxIds()) != header.payload_root) {
    return Status::InvalidArgument("the block given is not the snapshot's block " + h.ToString());
  }
  if (proof.block_validators.changed_at == h) {
    return Status::FailedPrecondition("the snapshot's block " + h.ToString() +
                                      " ends an epoch; take a snapshot at another height");
  }
  // The state must be whole under the certified root: its validator set at least reads.
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> set_bytes,
                         StateTree::Get(store, result.state_root, ValidatorSetKey()));
  if (!set_bytes || *set_bytes != Encode(proof.block_validators)) {
    return Status::FailedPrecondition("the state under the snapshot's root is not in the store");
  }
  Overlay overlay(nullptr, &store);
  if (result.log_size > 0) {
    if (!proof.log || proof.log->index + 1 != result.log_size) {
      return Status::InvalidArgument("the snapshot's proof must carry the log's last record");
    }
    TAMGA_RETURN_IF_ERROR(
        MerkleLog::InstallRightEdge(overlay, result.log_size, proof.log->record, proof.log->path));
  }
  WriteBatch batch;
  overlay.AppendTo(batch);
  batch.Put(Column::kBlocks, KeyU64('b', h.value()), Encode(block));
  batch.Put(Column::kBlocks, KeyU64('h', h.value()), Encode(header));
  batch.Put(Column::kCertificates, KeyU64('q', h.value()), Encode(proof.block.qc));
  batch.Put(Column::kIndex, KeyU64('x', h.value()), Encode(result));
  batch.Put(Column::kIndex, KeyU64('e', 0), Encode(anchor.validators));
  batch.Put(Column::kIndex, KeyU64('E', 0), U64Bytes(0));
  for (const EpochChange& e : proof.epochs) {
    batch.Put(Column::kIndex, KeyU64('e', e.next.set.epoch.value()), Encode(e.next.set));
    batch.Put(Column::kIndex, KeyU64('E', e.next.set.epoch.value()),
              U64Bytes(e.block.header.height.value()));
  }
  const std::string json = ProofToJson(proof);
  batch.Put(Column::kMeta, kSnapshotKey, AsBytes(json));
  batch.Put(Column::kMeta, kChainKey, anchor.chain_id.view());
  batch.Put(Column::kMeta, kHeadKey, U64Bytes(h.value()));
  // Last in the batch, but the batch is atomic: a store with a format key is complete.
  batch.Put(Column::kMeta, kFormatKey, U64Bytes(kFormatVersion));
  Failpoint("ledger.snapshot.before");
  TAMGA_RETURN_IF_ERROR(store.Write(batch, /*sync=*/true));
  Failpoint("ledger.snapshot.after");
  return Status::Ok();
}

LedgerHead Ledger::Head() const {
  std::lock_guard lock(mu_);
  return head_;
}

Result<QuorumCertificate> Ledger::GenesisQc() const { return QcAt(Height(0)); }

Status Ledger::CheckWritable() const {
  if (failed_.load()) {
    return Status::FailedPrecondition(
        "an earlier ledger write failed; the node must stop and restart from disk");
  }
  return Status::Ok();
}

Result<std::shared_ptr<const PreparedBlock>> Ledger::Prepare(
    std::shared_ptr<const PreparedBlock> parent, std::shared_ptr<const Block> shared,
    BlockOutput output) const {
  TAMGA_RETURN_IF_ERROR(CheckWritable());
  const Block& block = *shared;
  Height base_height;
  Hash32 base_id;
  ExecutionResult base_result;
  if (parent) {
    base_height = parent->block->header.height;
    base_id = parent->block->header.Id();
    base_result = parent->result;
  } else {
    const LedgerHead head = Head();
    base_height = head.height;
    base_id = head.block_id;
    base_result = head.result;
  }
  const BlockHeader& h = block.header;
  if (h.chain_id != anchor_.chain_id) return Status::InvalidArgument("block of another chain");
  if (h.height != base_height.Next() || h.parent_id != base_id) {
    return Status::FailedPrecondition("block " + h.height.ToString() + " does not extend block " +
                                      base_height.ToString() + " (" + base_id.ShortHex() + ")");
  }
  if (output.receipts.size() != block.transactions.size()) {
    return Status::InvalidArgument("block of " + std::to_string(block.transactions.size()) +
                                   " transactions has " + std::to_string(output.receipts.size()) +
                                   " receipts");
  }
  // Receipts point at their records: number them from the log's size before the block.
  std::uint64_t next_record = base_result.log_size;
  for (std::size_t i = 0; i < output.receipts.size(); ++i) {
    Receipt& r = output.receipts[i];
    if (r.tx_hash != block.TxIds()[i]) {
      return Status::InvalidArgument("receipt " + std::to_string(i) +
                                     " is for another transaction");
    }
    r.first_record = next_record;
    next_record += r.record_count;
  }
  if (next_record - base_result.log_size != output.records.size()) {
    return Status::InvalidArgument(
        "receipts account for " + std::to_string(next_record - base_result.log_size) +
        " records, the output has " + std::to_string(output.records.size()));
  }
  std::vector<Bytes> leaves;
  leaves.reserve(output.records.size());
  for (LogRecord& r : output.records) {
    r.height = h.height;
    leaves.push_back(Encode(r));
  }
  std::vector<StateWrite> writes = output.writes;
  if (output.next_validators) {
    const ValidatorSet& next = *output.next_validators;
    if (next.epoch != h.epoch.Next() || next.validators.empty() || !CheckValidatorKeys(next).ok()) {
      return Status::InvalidArgument("a validator set change in epoch " + h.epoch.ToString() +
                                     " must name a non-empty set of distinct keys for epoch " +
                                     h.epoch.Next().ToString());
    }
    writes.push_back({ValidatorSetKey(), Encode(ValidatorSetEntry{next, h.height})});
  }

  auto overlay = std::make_shared<Overlay>(parent ? parent->overlay : nullptr, cache_.get());
  auto prepared = std::make_shared<PreparedBlock>();
  TAMGA_ASSIGN_OR_RETURN(prepared->result.log_root,
                         MerkleLog::Append(*overlay, base_result.log_size, leaves));
  prepared->result.log_size = base_result.log_size + leaves.size();
  TAMGA_ASSIGN_OR_RETURN(
      prepared->result.state_root,
      StateTree::Update(*overlay, base_result.state_root, std::move(writes), nodes_.get()));
  prepared->block = std::move(shared);
  prepared->output = std::move(output);
  prepared->overlay = std::move(overlay);
  return std::shared_ptr<const PreparedBlock>(std::move(prepared));
}

TreeStateReader Ledger::StateBefore(const std::shared_ptr<const PreparedBlock>& parent) const {
  if (parent) {
    return TreeStateReader(parent->overlay, *parent->overlay, parent->result.state_root,
                           values_.get(), nodes_.get());
  }
  return TreeStateReader(nullptr, *cache_, Head().result.state_root, values_.get(), nodes_.get());
}

Result<TreeStateReader> Ledger::StateAfter(Height h) const {
  TAMGA_ASSIGN_OR_RETURN(ExecutionResult r, ResultAt(h));
  return TreeStateReader(nullptr, *cache_, r.state_root, values_.get(), nodes_.get());
}

Status Ledger::Commit(const PreparedBlock& p, const QuorumCertificate& qc,
                      const std::vector<CertifiedBlock>& epoch_proof) {
  TAMGA_RETURN_IF_ERROR(CheckWritable());
  const LedgerHead head = Head();
  const BlockHeader& h = p.block->header;
  if (h.height != head.height.Next() || h.parent_id != head.block_id) {
    return Status::FailedPrecondition("block " + h.height.ToString() +
                                      " does not extend the committed head " +
                                      head.height.ToString());
  }
  if (qc.data.block_id != h.Id()) {
    return Status::InvalidArgument("the QC certifies another block");
  }
  if (!(qc.data.result == p.result)) {
    return Status::Internal("execution diverged at height " + h.height.ToString() +
                            ": a quorum certified state root " +
                            qc.data.result.state_root.ShortHex() + ", this node computed " +
                            p.result.state_root.ShortHex());
  }
  // Keep the epoch proof up to its first two-chain above the block: that is what commits
  // it, and all a proof needs.
  std::vector<CertifiedBlock> kept;
  if (p.output.next_validators) {
    const BlockHeader* prev = &h;
    bool two_chain = false;
    for (const CertifiedBlock& c : epoch_proof) {
      if (kept.size() == kEpochProofMax) break;
      if (c.block.header.parent_id != prev->Id() || c.qc.data.block_id != c.block.header.Id()) {
        return Status::InvalidArgument(
            "the epoch proof is not a chain of certified blocks above block " +
            h.height.ToString());
      }
      kept.push_back(c);
      two_chain = c.block.header.round == prev->round.Next();
      if (two_chain) break;
      prev = &c.block.header;
    }
    if (!two_chain) {
      return Status::InvalidArgument(
          "block " + h.height.ToString() +
          " changes the validator set but its epoch proof holds no two-chain");
    }
  }
  const std::uint64_t height = h.height.value();
  WriteBatch batch;
  p.overlay->AppendTo(batch);
  batch.Put(Column::kBlocks, KeyU64('b', height), Encode(*p.block));
  batch.Put(Column::kBlocks, KeyU64('h', height), Encode(p.block->header));
  batch.Put(Column::kCertificates, KeyU64('q', height), Encode(qc));
  if (!kept.empty()) {
    batch.Put(Column::kCertificates, KeyU64('p', height), Encode(EpochProof{std::move(kept)}));
  }
  batch.Put(Column::kReceipts, KeyU64('r', height), Encode(p.output.receipts));
  // The transaction index points at the inclusion that counts: an accepted one if there is
  // one (a copy, rejected, must not hide it), else the latest.
  std::map<Hash32, bool> indexed_here;  // Transaction id -> accepted.
  for (std::size_t i = 0; i < p.block->transactions.size(); ++i) {
    const Hash32& id = p.output.receipts[i].tx_hash;  // Prepare checked it is the id.
    const bool accepted = p.output.receipts[i].code == 0;
    if (auto it = indexed_here.find(id); it != indexed_here.end()) {
      if (it->second || !accepted) continue;
    } else if (!accepted) {
      TAMGA_ASSIGN_OR_RETURN(auto earlier, FindTransaction(id));
      if (earlier) {
        TAMGA_ASSIGN_OR_RETURN(std::vector<Receipt> receipts, ReceiptsAt(earlier->first));
        if (earlier->second < receipts.size() && receipts[earlier->second].code == 0) continue;
      }
    }
    indexed_here[id] = accepted;
    Bytes where = U64Bytes(height);
    for (int s = 24; s >= 0; s -= 8) where.push_back(static_cast<std::uint8_t>(i >> s));
    batch.Put(Column::kTransactions, id.view(), where);
  }
  for (const auto& [k, v] : p.output.index) batch.Put(Column::kIndex, IndexKey(k), v);
  batch.Put(Column::kIndex, KeyU64('x', height), Encode(p.result));
  ValidatorSet validators = head.validators;
  if (p.output.next_validators) {
    validators = *p.output.next_validators;
    batch.Put(Column::kIndex, KeyU64('e', validators.epoch.value()), Encode(validators));
    batch.Put(Column::kIndex, KeyU64('E', validators.epoch.value()), U64Bytes(height));
  }
  batch.Put(Column::kMeta, kHeadKey, U64Bytes(height));
  Failpoint("ledger.commit.before");
  Status s = store_->Write(batch, sync_commits_);
  Failpoint("ledger.commit.after");
  if (!s.ok()) {
    failed_.store(true);
    return s.WithContext("committing block " + h.height.ToString());
  }
  for (const WriteBatch::Op& op : batch.ops()) {
    // The block's state-tree nodes went into nodes_ as its update made them.
    if (op.value && !IsStateNodeKey(op.column, op.key)) {
      cache_->Insert(op.column, op.key, *op.value);
    }
  }
  p.overlay->Detach();
  std::lock_guard lock(mu_);
  head_ = LedgerHead{h.height, h.Id(), h.round, p.result, std::move(validators)};
  return Status::Ok();
}

Result<Block> Ledger::BlockAt(Height h) const {
  return GetDecoded<Block>(*store_, Column::kBlocks, KeyU64('b', h.value()),
                           "block " + h.ToString());
}

Result<BlockHeader> Ledger::HeaderAt(Height h) const {
  return GetDecoded<BlockHeader>(*store_, Column::kBlocks, KeyU64('h', h.value()),
                                 "header of block " + h.ToString());
}

Result<QuorumCertificate> Ledger::QcAt(Height h) const {
  return GetDecoded<QuorumCertificate>(*store_, Column::kCertificates, KeyU64('q', h.value()),
                                       "QC of block " + h.ToString());
}

Result<std::optional<EpochProof>> Ledger::EpochProofAt(Height h) const {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v,
                         store_->Get(Column::kCertificates, KeyU64('p', h.value())));
  if (!v) return std::optional<EpochProof>();
  TAMGA_ASSIGN_OR_RETURN(EpochProof proof, Decode<EpochProof>(*v, "epoch proof"));
  return std::optional<EpochProof>(std::move(proof));
}

Result<std::vector<Receipt>> Ledger::ReceiptsAt(Height h) const {
  return GetDecoded<std::vector<Receipt>>(*store_, Column::kReceipts, KeyU64('r', h.value()),
                                          "receipts of block " + h.ToString());
}

Result<ExecutionResult> Ledger::ResultAt(Height h) const {
  return GetDecoded<ExecutionResult>(*store_, Column::kIndex, KeyU64('x', h.value()),
                                     "execution result of block " + h.ToString());
}

Result<std::optional<std::pair<Height, std::uint32_t>>> Ledger::FindTransaction(
    const Hash32& tx) const {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, store_->Get(Column::kTransactions, tx.view()));
  if (!v) return std::optional<std::pair<Height, std::uint32_t>>();
  if (v->size() != 12) return Status::Corruption("transaction index entry is malformed");
  std::uint32_t index = 0;
  for (std::size_t i = 8; i < 12; ++i) index = (index << 8) | (*v)[i];
  return std::optional(std::make_pair(Height(ReadU64(*v)), index));
}

Result<LogRecord> Ledger::RecordAt(std::uint64_t index) const {
  TAMGA_ASSIGN_OR_RETURN(Bytes leaf, MerkleLog::Leaf(*cache_, index));
  return Decode<LogRecord>(leaf, "log record");
}

Result<std::optional<Bytes>> Ledger::StateAt(Height h, const Hash32& key) const {
  TAMGA_ASSIGN_OR_RETURN(ExecutionResult r, ResultAt(h));
  return StateTree::Get(*cache_, r.state_root, key, nodes_.get());
}

Result<std::optional<Bytes>> Ledger::IndexGet(ByteView key) const {
  return store_->Get(Column::kIndex, IndexKey(key));
}

Status Ledger::IndexScan(ByteView prefix, const ScanFn& fn) const {
  const Bytes p = IndexKey(prefix);
  return store_->Scan(Column::kIndex, p, {},
                      [&](ByteView k, ByteView v) { return fn(k.subspan(1), v); });
}

Result<Height> Ledger::HeightAtTime(std::uint64_t time_ms) const {
  // Block times never decrease along the chain (consensus checks each against its parent),
  // so the last block at or before `time_ms` is found by bisection.
  std::uint64_t lo = 0, hi = Head().height.value();
  if (snapshot_) {
    // Nothing below a snapshot's block is here: a time before it has no answer.
    const BlockHeader& first = snapshot_->block.header;
    if (time_ms < first.timestamp_ms) {
      return Status::NotFound("that time is before this node's snapshot (height " +
                              first.height.ToString() + ")");
    }
    lo = first.height.value();
  }
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    TAMGA_ASSIGN_OR_RETURN(BlockHeader header, HeaderAt(Height(mid)));
    if (header.timestamp_ms <= time_ms) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return Height(lo);
}

Result<CommittedHeader> Ledger::Committed(Height h) const {
  if (snapshot_ && h <= snapshot_->block.header.height) {
    // Below a snapshot's block only its proof's evidence is here; at the block itself the
    // blocks committed since may carry fresher evidence, but the proof's is as good.
    if (h == snapshot_->block.header.height) return snapshot_->block;
    for (const EpochChange& e : snapshot_->epochs) {
      if (e.block.header.height == h) return e.block;
    }
    return Status::NotFound("block " + h.ToString() + " is below this node's snapshot (height " +
                            snapshot_->block.header.height.ToString() + ")");
  }
  CommittedHeader out;
  TAMGA_ASSIGN_OR_RETURN(out.header, HeaderAt(h));
  TAMGA_ASSIGN_OR_RETURN(out.qc, QcAt(h));
  const Epoch epoch = out.header.epoch;
  const std::uint64_t head = Head().height.value();
  BlockHeader prev = out.header;
  QuorumCertificate prev_qc = out.qc;
  for (std::uint64_t j = h.value() + 1; j <= head && j <= h.value() + kCommitSearchMax; ++j) {
    TAMGA_ASSIGN_OR_RETURN(BlockHeader next, HeaderAt(Height(j)));
    if (next.epoch != epoch) break;
    TAMGA_ASSIGN_OR_RETURN(QuorumCertificate next_qc, QcAt(Height(j)));
    out.commit.headers.push_back(next);
    if (next.round == prev.round.Next()) {
      out.commit.qcs = {prev_qc, next_qc};
      return out;
    }
    prev = next;
    prev_qc = next_qc;
  }
  // The last block of an epoch was committed by blocks that were then abandoned; the
  // ledger keeps them as its epoch proof.
  const Height last(h.value() + out.commit.headers.size());
  TAMGA_ASSIGN_OR_RETURN(std::optional<EpochProof> above, EpochProofAt(last));
  if (above) {
    for (const CertifiedBlock& c : above->blocks) {
      out.commit.headers.push_back(c.block.header);
      if (c.block.header.round == prev.round.Next()) {
        out.commit.qcs = {prev_qc, c.qc};
        return out;
      }
      prev = c.block.header;
      prev_qc = c.qc;
    }
  }
  return Status::NotFound("block " + h.ToString() +
                          " is committed but the blocks that commit it are not stored yet; "
                          "a proof is possible once the next blocks commit");
}

Result<CommittedHeader> Ledger::HighestProvable() const {
  const std::uint64_t head = Head().height.value();
  for (std::uint64_t h = head; h > 0 && head - h < kCommitSearchMax; --h) {
    if (auto c = Committed(Height(h)); c.ok()) return std::move(*c);
  }
  return Status::NotFound("no block can be proven yet: the chain has not committed past genesis");
}

Result<Height> Ledger::ProvableHeight() const {
  TAMGA_ASSIGN_OR_RETURN(CommittedHeader c, HighestProvable());
  return c.header.height;
}

Result<std::pair<ValidatorSetEntry, StateProof>> Ledger::ValidatorSetProof(
    const Hash32& state_root) const {
  TAMGA_ASSIGN_OR_RETURN(auto found,
                         StateTree::Prove(*cache_, state_root, ValidatorSetKey(), nodes_.get()));
  if (!found.first) return Status::Corruption("a state root without a validator set");
  TAMGA_ASSIGN_OR_RETURN(ValidatorSetEntry entry,
                         Decode<ValidatorSetEntry>(*found.first, "validator set entry"));
  return std::make_pair(std::move(entry), std::move(found.second));
}

Result<ProofFile> Ledger::BuildProof(std::optional<std::uint64_t> log_index,
                                     const std::vector<Hash32>& state_keys,
                                     std::optional<Height> height) const {
  if (height && *height == Height(0)) {
    return Status::InvalidArgument("the genesis block has no proof: pin genesis");
  }
  TAMGA_ASSIGN_OR_RETURN(CommittedHeader block, height ? Committed(*height) : HighestProvable());
  return BuildProof(log_index, state_keys, std::move(block));
}

Result<ProofFile> Ledger::BuildProof(std::optional<std::uint64_t> log_index,
                                     const std::vector<Hash32>& state_keys,
                                     CommittedHeader block) const {
  const Height h = block.header.height;
  if (h == Height(0)) return Status::InvalidArgument("the genesis block has no proof: pin genesis");
  ProofFile p;
  p.chain_id = anchor_.chain_id;
  p.block = std::move(block);
  const ExecutionResult& result = p.block.qc.data.result;
  // Every epoch change from genesis up to the block's epoch.
  for (std::uint64_t e = 1; e <= p.block.header.epoch.value(); ++e) {
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> at, store_->Get(Column::kIndex, KeyU64('E', e)));
    if (!at || at->size() != 8) {
      return Status::Corruption("the block that began epoch " + std::to_string(e) +
                                " is not recorded");
    }
    const Height ended(ReadU64(*at));
    if (snapshot_ && ended <= snapshot_->block.header.height) {
      // Below a snapshot, the epoch change is the snapshot proof's (the state it proves
      // its next set under is not here).
      auto it = std::find_if(snapshot_->epochs.begin(), snapshot_->epochs.end(),
                             [&](const EpochChange& c) { return c.block.header.height == ended; });
      if (it == snapshot_->epochs.end()) {
        return Status::Corruption("the snapshot's proof lacks the change to epoch " +
                                  std::to_string(e));
      }
      p.epochs.push_back(*it);
      continue;
    }
    EpochChange change;
    TAMGA_ASSIGN_OR_RETURN(change.block, Committed(ended));
    TAMGA_ASSIGN_OR_RETURN(std::tie(change.next, change.next_proof),
                           ValidatorSetProof(change.block.qc.data.result.state_root));
    p.epochs.push_back(std::move(change));
  }
  TAMGA_ASSIGN_OR_RETURN(std::tie(p.block_validators, p.block_validators_proof),
                         ValidatorSetProof(result.state_root));
  if (log_index) {
    if (*log_index >= result.log_size) {
      return Status::NotFound("record " + std::to_string(*log_index) +
                              " is not in the log at height " + h.ToString() + " (" +
                              std::to_string(result.log_size) + " records)");
    }
    LogEntryProof log;
    log.index = *log_index;
    TAMGA_ASSIGN_OR_RETURN(log.record, MerkleLog::Leaf(*cache_, *log_index));
    TAMGA_ASSIGN_OR_RETURN(log.path,
                           MerkleLog::InclusionProof(*cache_, *log_index, result.log_size));
    p.log = std::move(log);
  }
  for (const Hash32& key : state_keys) {
    TAMGA_ASSIGN_OR_RETURN(auto found,
                           StateTree::Prove(*cache_, result.state_root, key, nodes_.get()));
    p.state.push_back({key, std::move(found.first), std::move(found.second)});
  }
  return p;
}

Result<std::vector<Hash32>> Ledger::LogConsistency(std::uint64_t first,
                                                   std::uint64_t second) const {
  if (second > Head().result.log_size) {
    return Status::InvalidArgument("the log has only " + std::to_string(Head().result.log_size) +
                                   " records");
  }
  return MerkleLog::ConsistencyProof(*cache_, first, second);
}

Result<Bytes> Ledger::LogTile(unsigned level, std::uint64_t index, std::uint32_t width) const {
  // 256^level records per hash: level 8 and above span more than 2^64 records.
  if (level >= 8 || width == 0 || width > 256) {
    return Status::NotFound("no such tile in a log of at most 2^64 records");
  }
  const unsigned shift = 8 * level;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t first_hash = index << 8;
  // Every hash of the tile must start below 2^64 records: first_hash + width <= kMax >> shift.
  if ((first_hash >> 8) != index || first_hash > (kMax >> shift) ||
      (kMax >> shift) - first_hash < width) {
    return Status::NotFound("no such tile in a log of at most 2^64 records");
  }
  const std::uint64_t size = Head().result.log_size;
  if (((first_hash + width) << shift) > size) {
    return Status::NotFound("the log has only " + std::to_string(size) + " records");
  }
  if ((first_hash << shift) < first_whole_record()) {
    return Status::NotFound("records below " + std::to_string(first_whole_record()) +
                            " are not held here (this node started from a snapshot)");
  }
  Bytes out;
  out.reserve(std::size_t{width} * Hash32::kSize);
  for (std::uint64_t i = 0; i < width; ++i) {
    TAMGA_ASSIGN_OR_RETURN(Hash32 h, MerkleLog::Subtree(*cache_, shift, first_hash + i));
    out.insert(out.end(), h.view().begin(), h.view().end());
  }
  return out;
}

Result<std::vector<Bytes>> Ledger::LogLeaves(std::uint64_t first, std::uint64_t count) const {
  const std::uint64_t size = Head().result.log_size;
  if (first > size || count > size - first) {
    return Status::NotFound("the log has only " + std::to_string(size) + " records");
  }
  if (first < first_whole_record()) {
    return Status::NotFound("records below " + std::to_string(first_whole_record()) +
                            " are not held here (this node started from a snapshot)");
  }
  std::vector<Bytes> out;
  out.reserve(count);
  for (std::uint64_t i = first; i < first + count; ++i) {
    TAMGA_ASSIGN_OR_RETURN(Bytes leaf, MerkleLog::Leaf(*cache_, i));
    out.push_back(std::move(leaf));
  }
  return out;
}

}  // namespace tamga::ledger

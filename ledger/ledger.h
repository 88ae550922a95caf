// ledger/ledger.h
// The ledger of one node: committed blocks with their QCs and receipts, the record log and
// the authenticated state, over a KvStore.
//
// Life of a block: consensus asks to execute it; contracts/ turn its transactions into a
// BlockOutput (receipts, records, state writes, index entries); Prepare() applies that
// output on top of the parent (the committed head, or a prepared block not yet committed)
// in an Overlay and returns the ExecutionResult the validators vote on. When consensus
// commits the block, Commit() writes the block, its QC, the receipts, the overlay and the
// indexes in one batch: after a crash a block is either wholly there or not. The batch is
// synced unless the owner says another write will sync it (set_sync_commits): a validator's
// next vote syncs the store first (node/consensus_store.h), and a commit lost by a power
// cut before that is one the validator commits again from its saved blocks or its peers.
//
// Layout (docs/ARCHITECTURE.md, "Ledger storage"):
//   meta          "format" -> u64 kFormatVersion, "chain" -> chain id, "head" -> u64 height
//   blocks        'b' height -> Encode(Block); 'h' height -> Encode(BlockHeader)
//   certificates  'q' height -> Encode(QC of the block); 'p' height -> epoch proof
//   receipts      'r' height -> list<Receipt>
//   transactions  tx hash -> height u64, index u32
//   log, state    MerkleLog, StateTree
//   index         'x' height -> ExecutionResult; 'e' epoch -> ValidatorSet of the epoch;
//                 'E' epoch -> height of the block the epoch follows; 'a' || key -> value
//                 for contracts' own indexes
//
// A failed write stops the ledger: every later call fails with FailedPrecondition, and the
// owner must exit and restart from what is on disk.
//
// Thread-safety: reads may run concurrently with each other and with one writer
// (Prepare/Commit), which the owner serialises.

#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/proof_file.h"
#include "ledger/records.h"
#include "ledger/state_tree.h"

namespace tamga::ledger {

inline constexpr std::uint32_t kFormatVersion = 1;

// What contracts/ produced from a block's transactions.
struct BlockOutput {
  std::vector<Receipt> receipts;   // One per transaction, in block order.
  std::vector<LogRecord> records;  // Appended in order; their height is set by Prepare.
  std::vector<StateWrite> writes;
  std::vector<std::pair<Bytes, Bytes>> index;   // Contracts' index entries (unproven).
  std::optional<ValidatorSet> next_validators;  // A governance change of the set.
};

// A block executed on top of its parent, not yet committed.
struct PreparedBlock {
  std::shared_ptr<const Block> block;  // Shared with the consensus core's tree and effects.
  ExecutionResult result;
  BlockOutput output;
  // Log and state writes; detached from its parent once committed (Ledger::Commit).
  std::shared_ptr<Overlay> overlay;
};

struct LedgerHead {
  Height height;
  Hash32 block_id;
  Round round;
  ExecutionResult result;
  ValidatorSet validators;  // In force for the next block.
};

class Ledger {
 public:
  // Opens the ledger in `store`, initialising it with `anchor`'s genesis if empty. Fails
  // with a clear message for a store of another chain or another format version.
  // `genesis_state` (contracts' registry of administrations) is written into the genesis
  // state beside the validator set when the store is initialised.
  static Result<std::unique_ptr<Ledger>> Open(std::unique_ptr<KvStore> store,
                                              const TrustAnchor& anchor,
                                              std::vector<StateWrite> genesis_state = {});
  // Opens (or creates) a RocksDB store in `directory`, then as above.
  static Result<std::unique_ptr<Ledger>> OpenDirectory(const std::string& directory,
                                                       const TrustAnchor& anchor,
                                                       std::vector<StateWrite> genesis_state = {});
  // Opens a ledger `store` already holds, with the same checks as Open, and never writes:
  // an empty store is refused rather than initialised. For read-only stores (auditors).
  static Result<std::unique_ptr<Ledger>> OpenExisting(std::unique_ptr<KvStore> store,
                                                      const TrustAnchor& anchor);
  // The ledger in `directory`, opened read-only (RocksKvStore::OpenReadOnly) beside any
  // process that writes it; Prepare and Commit then fail.
  static Result<std::unique_ptr<Ledger>> OpenDirectoryReadOnly(const std::string& directory,
                                                               const TrustAnchor& anchor);

  // Makes an empty `store`, whose state tree under the proof's state root is already
  // complete (copied by ledger/state_sync.h), a ledger whose head is the proof's block, as
  // a node that had committed it would hold it: the block (`block`, whose header must be
  // the proof's), its QC and result, the validator set of every epoch, the record log's
  // right edge (from the proof's entry for the last record, required when the log is not
  // empty) and the proof itself, kept as the commit evidence of that block and of every
  // epoch change below it. The proof is verified against `anchor` first. Blocks, receipts
  // and records below the block are not there: reads of them answer NotFound.
  static Status InstallSnapshot(KvStore& store, const TrustAnchor& anchor, const ProofFile& proof,
                                const Block& block);
  // The height this ledger started from by InstallSnapshot (nullopt: from genesis).
  std::optional<Height> snapshot_height() const {
    return snapshot_ ? std::optional<Height>(snapshot_->block.header.height) : std::nullopt;
  }
  // The first log index whose record (and its block) this ledger holds in full: 0, or the
  // log's size at the snapshot it started from.
  std::uint64_t first_whole_record() const {
    return snapshot_ ? snapshot_->block.qc.data.result.log_size : 0;
  }

  const TrustAnchor& anchor() const { return anchor_; }
  LedgerHead Head() const;
  // The QC that certifies the genesis block (no signatures: everyone starts from it).
  Result<QuorumCertificate> GenesisQc() const;

  // Executes `output` for `block` on top of `parent` (nullptr: the committed head).
  Result<std::shared_ptr<const PreparedBlock>> Prepare(std::shared_ptr<const PreparedBlock> parent,
                                                       std::shared_ptr<const Block> block,
                                                       BlockOutput output) const;
  // The same for a block not shared yet: a copy of it is kept.
  Result<std::shared_ptr<const PreparedBlock>> Prepare(std::shared_ptr<const PreparedBlock> parent,
                                                       const Block& block,
                                                       BlockOutput output) const {
    return Prepare(std::move(parent), std::make_shared<const Block>(block), std::move(output));
  }

  // The state a block on top of `parent` (nullptr: the committed head) executes against.
  TreeStateReader StateBefore(const std::shared_ptr<const PreparedBlock>& parent) const;

  // Commits `prepared`, which must extend the head. `qc` must certify it with the result
  // Prepare computed: a QC for another result means this node executed differently from
  // a quorum, and Commit refuses (Internal) rather than store a divergent state. A block
  // that changes the validator set needs its `epoch_proof` (consensus' CommitBlock):
  // certified blocks above it that hold a two-chain; the ledger keeps them up to the
  // first two-chain.
  // Called by the owner's one writer thread, like Prepare.
  Status Commit(const PreparedBlock& prepared, const QuorumCertificate& qc,
                const std::vector<CertifiedBlock>& epoch_proof = {});
  // Whether Commit syncs its batch (it does unless told otherwise). Set before the first
  // Commit, by the writer thread.
  void set_sync_commits(bool sync) { sync_commits_ = sync; }

  // --- Reads ---
  Result<Block> BlockAt(Height h) const;
  // Just the header (stored apart: proofs and time lookups need no transactions).
  Result<BlockHeader> HeaderAt(Height h) const;
  Result<QuorumCertificate> QcAt(Height h) const;
  // The epoch proof stored with the block that ended an epoch (nullopt for other blocks).
  Result<std::optional<EpochProof>> EpochProofAt(Height h) const;
  Result<std::vector<Receipt>> ReceiptsAt(Height h) const;
  Result<ExecutionResult> ResultAt(Height h) const;
  // Where a committed transaction is: its block height and position.
  Result<std::optional<std::pair<Height, std::uint32_t>>> FindTransaction(const Hash32& tx) const;
  Result<LogRecord> RecordAt(std::uint64_t index) const;
  // The state after committed block `h`, for questions asked of a past time.
  Result<TreeStateReader> StateAfter(Height h) const;
  // The state value of `key` after block `h`.
  Result<std::optional<Bytes>> StateAt(Height h, const Hash32& key) const;
  // A contracts' index entry (these are not covered by proofs).
  Result<std::optional<Bytes>> IndexGet(ByteView key) const;
  Status IndexScan(ByteView prefix, const ScanFn& fn) const;
  // The highest committed block whose timestamp is <= `time_ms` (genesis if none later).
  Result<Height> HeightAtTime(std::uint64_t time_ms) const;

  // --- Proofs ---
  // The highest block a proof can be built for, with the evidence that commits it (found
  // once, and handed to BuildProof so it is not searched for again). NotFound while no
  // block past genesis is provable.
  Result<CommittedHeader> HighestProvable() const;
  Result<Height> ProvableHeight() const;
  // A proof at `height` (default: the highest provable) of log record `log_index` (if
  // any) and of the listed state keys.
  Result<ProofFile> BuildProof(std::optional<std::uint64_t> log_index,
                               const std::vector<Hash32>& state_keys,
                               std::optional<Height> height = std::nullopt) const;
  // The same, at a block whose commit evidence the caller already has (HighestProvable).
  Result<ProofFile> BuildProof(std::optional<std::uint64_t> log_index,
                               const std::vector<Hash32>& state_keys, CommittedHeader block) const;
  // RFC 9162 consistency proof between two log sizes.
  Result<std::vector<Hash32>> LogConsistency(std::uint64_t first, std::uint64_t second) const;
  // The hashes of C2SP tlog-tiles tile `index` at `level` of `width` hashes, concatenated:
  // hash i is the root of the 256^level records from (index * 256 + i) * 256^level on.
  // NotFound when the committed log does not reach past the tile's last hash, or when the
  // tile starts below first_whole_record().
  Result<Bytes> LogTile(unsigned level, std::uint64_t index, std::uint32_t width) const;
  // The leaf bytes of records [first, first + count) (RFC 9162 leaves: docs/proof-format.md),
  // under the same conditions.
  Result<std::vector<Bytes>> LogLeaves(std::uint64_t first, std::uint64_t count) const;

  KvStore& store() { return *store_; }
  const KvStore& store() const { return *store_; }
  // Reads of the log and state columns through the ledger's cache of log entries and state
  // values (content-addressed, never stale; state-tree nodes pass through to the store):
  // what serves state-tree nodes to a node copying the state.
  const KvReader& tree_reader() const { return *cache_; }

 private:
  Ledger(std::unique_ptr<KvStore> store, TrustAnchor anchor)
      : store_(std::move(store)),
        cache_(std::make_unique<ImmutableCache>(store_.get(), kNodeCacheEntries, &CachedHere)),
        values_(std::make_unique<StateValueCache>(kValueCacheEntries)),
        nodes_(std::make_unique<StateNodeCache>(kStateNodeSlots)),
        anchor_(std::move(anchor)) {}
  // Open and OpenExisting; `genesis_state` is nullopt when an empty store is refused.
  static Result<std::unique_ptr<Ledger>> OpenStore(
      std::unique_ptr<KvStore> store, const TrustAnchor& anchor,
      std::optional<std::vector<StateWrite>> genesis_state);
  Status Initialise(std::vector<StateWrite> genesis_state);
  // What cache_ keeps: the log, and the state's values (its nodes are in nodes_).
  static bool CachedHere(Column column, ByteView key) {
    return column == Column::kLog || (column == Column::kState && !IsStateNodeKey(column, key));
  }
  Status LoadHead();
  Status LoadSnapshot();
  Status CheckWritable() const;
  Result<CommittedHeader> Committed(Height h) const;
  Result<std::pair<ValidatorSetEntry, StateProof>> ValidatorSetProof(
      const Hash32& state_root) const;

  // Log entries and state values kept in memory (about 200 bytes each): the upper levels
  // of the log, read by every block and every proof.
  static constexpr std::size_t kNodeCacheEntries = 1 << 19;
  // State-tree nodes (ledger/state_tree.h): two generations of this many slots of 112
  // bytes, at most 112 MiB, holding up to 786,432 nodes: the upper levels of the tree.
  static constexpr std::size_t kStateNodeSlots = 1 << 19;
  // RocksDB's write-ahead logs kept at most (ledger/rocks_kv_store.h, RocksLimits): past
  // this the families that hold the oldest log are flushed. By default a family written
  // rarely (the head key) keeps every log since its last flush, and a restart reads them
  // all back (BENCHMARKS.md, "restart").
  static constexpr std::size_t kWalBytes = std::size_t{256} << 20;
  // State values by (root, key) (ledger/state_tree.h): a few hundred bytes each.
  static constexpr std::size_t kValueCacheEntries = 1 << 16;

  std::unique_ptr<KvStore> store_;
  std::unique_ptr<ImmutableCache> cache_;    // Over store_; all log and state reads go here.
  std::unique_ptr<StateValueCache> values_;  // The values StateBefore's and StateAfter's read.
  std::unique_ptr<StateNodeCache> nodes_;    // Every state-tree read and update goes through it.
  TrustAnchor anchor_;
  mutable std::mutex mu_;  // Guards head_.
  LedgerHead head_;
  std::atomic<bool> failed_{false};
  bool sync_commits_ = true;
  std::optional<ProofFile> snapshot_;  // Set once at open; then read only.
};

}  // namespace tamga::ledger

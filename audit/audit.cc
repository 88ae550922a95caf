// audit/audit.cc

#include "audit/audit.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "common/batch_verifier.h"
#include "common/thread_pool.h"
#include "consensus/crypto.h"
#include "consensus/verify.h"
#include "contracts/executor.h"
#include "ledger/rocks_kv_store.h"

namespace tamga::audit {
namespace {

// A window's blocks are held in memory together: bounded by count (options) and by an
// estimate of their size, since one block may be up to kBlockBytesMax.
constexpr std::size_t kWindowBytesMax = 64 << 20;

// Whether a source's error says its data is bad (an anomaly of the chain) rather than that
// the source could not answer (disk, network).
bool IsDataError(const Status& s) {
  return s.code() == StatusCode::kCorruption || s.code() == StatusCode::kNotFound;
}

std::size_t EstimatedBytes(const Block& b) {
  std::size_t n = 1024;
  for (const Transaction& tx : b.transactions) n += tx.payload.size() + 256;
  return n;
}

// Whether an error of the replayed ledger comes from its own storage (a full or failing
// disk under the scratch folder) rather than from the chain.
bool IsScratchFault(const Status& s) {
  return s.code() == StatusCode::kIoError || s.code() == StatusCode::kResourceExhausted;
}

// Merges the timeline's stretches in pairs; each is then twice as long.
void MergeTimeline(AuditReport& r) {
  std::vector<TimelineBucket> merged;
  for (std::size_t i = 0; i < r.timeline.size(); i += 2) {
    TimelineBucket t = r.timeline[i];
    if (i + 1 < r.timeline.size()) {
      const TimelineBucket& u = r.timeline[i + 1];
      t.last_height = u.last_height;
      t.first_time_ms = std::min(t.first_time_ms, u.first_time_ms);
      t.last_time_ms = std::max(t.last_time_ms, u.last_time_ms);
      t.blocks += u.blocks;
      t.transactions += u.transactions;
      t.rejected += u.rejected;
      t.records += u.records;
    }
    merged.push_back(t);
  }
  r.timeline = std::move(merged);
  r.bucket_blocks *= 2;
}

std::string DescribeReceipt(const ledger::Receipt& r) {
  std::string s =
      r.code == 0
          ? std::string("accepted")
          : "rejected (" +
                std::string(contracts::ReasonText(static_cast<contracts::Reason>(r.code))) + ")";
  if (!r.detail.empty()) s += " \"" + r.detail + "\"";
  s += ", " + std::to_string(r.record_count) + " records from " + std::to_string(r.first_record);
  return s;
}

// What differs between two execution results, field by field ("" if nothing).
std::string ResultDifference(const ExecutionResult& certified, const ExecutionResult& replayed) {
  std::string out;
  auto add = [&](const std::string& field, const std::string& a, const std::string& b) {
    if (!out.empty()) out += "; ";
    out += field + ": certified " + a + ", replayed " + b;
  };
  if (certified.state_root != replayed.state_root) {
    add("state root", certified.state_root.ToHex(), replayed.state_root.ToHex());
  }
  if (certified.log_root != replayed.log_root) {
    add("log root", certified.log_root.ToHex(), replayed.log_root.ToHex());
  }
  if (certified.log_size != replayed.log_size) {
    add("log size", std::to_string(certified.log_size), std::to_string(replayed.log_size));
  }
  return out;
}

constexpr std::size_t kScratchMemtableBytes = 128 << 20;

// The key of the scratch folder's report, in the replayed ledger's meta column.
constexpr std::string_view kProgressKey = "audit/report";

// The replayed ledger's store in a scratch folder: the report so far rides in the next
// batch the ledger writes (its commit), so the folder's report and ledger never disagree.
class ScratchStore final : public ledger::KvStore {
 public:
  explicit ScratchStore(std::unique_ptr<ledger::KvStore> store) : store_(std::move(store)) {}

  // The report to write with the next batch.
  void SetPending(std::string report) { pending_ = std::move(report); }
  void ClearPending() { pending_.reset(); }
  Result<std::optional<std::string>> Saved() const {
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v,
                           store_->Get(ledger::Column::kMeta, AsBytes(kProgressKey)));
    if (!v) return std::optional<std::string>();
    return std::optional<std::string>(std::string(v->begin(), v->end()));
  }

  Result<std::optional<Bytes>> Get(ledger::Column column, ByteView key) const override {
    return store_->Get(column, key);
  }
  Status Write(const ledger::WriteBatch& batch, bool sync) override {
    if (!pending_) return store_->Write(batch, sync);
    ledger::WriteBatch with = batch;
    with.Put(ledger::Column::kMeta, AsBytes(kProgressKey), AsBytes(*pending_));
    pending_.reset();
    return store_->Write(with, sync);
  }
  Status Sync() override { return store_->Sync(); }
  Status Scan(ledger::Column column, ByteView prefix, ByteView start,
              const ledger::ScanFn& fn) const override {
    return store_->Scan(column, prefix, start, fn);
  }

 private:
  std::unique_ptr<ledger::KvStore> store_;
  std::optional<std::string> pending_;
};

class Replayer {
 public:
  Replayer(const contracts::Genesis& genesis, BlockSource& source, const AuditOptions& options)
      : source_(source),
        options_(options),
        pool_(std::max<std::size_t>(options.threads, 1)),
        batch_(pool_) {
    report_.source = source.Describe();
    report_.chain_name = genesis.chain_name;
  }

  Result<AuditReport> Run(const contracts::Genesis& genesis);

 private:
  // Records an anomaly; the replay goes on.
  void Note(Height h, std::string reason) {
    if (report_.anomalies.size() < kAnomaliesKept) {
      report_.anomalies.push_back({h, std::move(reason)});
    } else {
      ++report_.anomalies_omitted;
    }
  }
  // Records an anomaly after which the replayed state cannot follow the chain.
  void Stop(Height h, std::string reason) {
    Note(h, std::move(reason));
    std::string rest = h < report_.head ? "; heights " + h.Next().ToString() + " to " +
                                              report_.head.ToString() + " were not replayed"
                                        : "";
    report_.stopped = Anomaly{h, "the replay stopped at height " + h.ToString() + rest};
  }
  // Opens the replayed ledger, fresh or as an earlier replay left it; sets `*resumed`.
  Status OpenReplay(const contracts::GenesisChain& start, bool* resumed);
  // With `notes`, records what differs; otherwise only refuses a source of another chain.
  Status CheckGenesis(bool notes);
  void NewVerifier(const QuorumCertificate& root_qc);
  // Steps 2 to 4 for one block whose QC check gave `verdict`.
  void ReplayBlock(Height h, const AuditBlock& b, const Status& verdict);
  // Adds a replayed block at `h` to the report: its counts, and the epoch change if it
  // made one.
  void CountBlock(Height h, const Block& block, const std::vector<ledger::Receipt>& receipts,
                  const ledger::StateReader& before, const ledger::StateReader& after,
                  const std::optional<ValidatorSet>& next_validators);
  // Adds a replayed block to the counts: `before` and `after` are the states around it.
  void Count(const Block& block, const std::vector<ledger::Receipt>& receipts,
             const ledger::StateReader& before, const ledger::StateReader& after);
  void Progress(Height h, bool force);

  BlockSource& source_;
  const AuditOptions& options_;
  ThreadPool pool_;
  BatchVerifier batch_;
  consensus::Ed25519Checker checker_;
  ScratchStore* scratch_ = nullptr;  // The replayed ledger's store, if in a scratch folder.
  std::unique_ptr<ledger::Ledger> replay_;
  // The verifier of the epoch the replay is in, and a number that changes with it.
  std::unique_ptr<consensus::Verifier> verifier_;
  std::uint64_t verifier_generation_ = 0;
  AuditReport report_;
  // Set when the replayed ledger cannot be read or written (its disk, not the chain).
  Status fatal_;
  std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
  std::optional<Height> last_reported_;
};

Result<AuditReport> Replayer::Run(const contracts::Genesis& genesis) {
  auto start = contracts::StartChain(genesis);
  if (!start.ok()) return start.error().WithContext("the genesis document is invalid");
  report_.chain_id = start->anchor.chain_id;
  bool resumed = false;
  TAMGA_RETURN_IF_ERROR(OpenReplay(*start, &resumed));
  TAMGA_ASSIGN_OR_RETURN(report_.head, source_.Head());
  if (!resumed) report_.genesis_time_ms = replay_->anchor().genesis_time_ms;
  TAMGA_RETURN_IF_ERROR(CheckGenesis(!resumed));
  if (!report_.stopped) {
    // The verifier of the epoch the replayed ledger is in: its root is the QC of the block
    // that ended the epoch before, or the genesis QC.
    Result<QuorumCertificate> root = report_.epoch_changes.empty()
                                         ? replay_->GenesisQc()
                                         : replay_->QcAt(report_.epoch_changes.back().height);
    if (!root.ok()) return root.error().WithContext("the scratch folder's ledger");
    NewVerifier(*root);
  }

  std::uint64_t next = report_.last_replayed.value() + 1;
  const std::uint64_t head = report_.head.value();
  while (next <= head && !report_.stopped && !report_.interrupted) {
    // Fetch a window of blocks, then check the QCs of those in the current epoch in
    // parallel; blocks of a later epoch (or checked by a verifier since replaced) are
    // checked one by one when their turn comes.
    std::vector<Result<AuditBlock>> window;
    std::size_t bytes = 0;
    while (next + window.size() <= head &&
           window.size() < std::max<std::size_t>(options_.window_blocks, 1) &&
           bytes < kWindowBytesMax) {
      const Height h(next + window.size());
      Result<AuditBlock> b = source_.At(h);
      if (!b.ok() && !IsDataError(b.error())) {
        return b.error().WithContext("reading block " + h.ToString() + " from " + report_.source);
      }
      const bool readable = b.ok();
      if (readable) bytes += EstimatedBytes(b->block);
      window.push_back(std::move(b));
      if (!readable) break;  // The replay stops there.
    }
    std::vector<Status> verdicts(window.size());
    std::vector<std::uint8_t> checked(window.size(), 0);  // Not vector<bool>: threads write.
    const consensus::Verifier& verifier = *verifier_;
    pool_.ParallelFor(window.size(), [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        if (!window[i].ok() || window[i]->block.header.epoch != verifier.validators().epoch) {
          continue;
        }
        verdicts[i] = verifier.VerifyCertifiedBlock(window[i]->block, window[i]->qc);
        checked[i] = 1;
      }
    });
    const std::uint64_t generation = verifier_generation_;
    std::size_t done = 0;
    for (std::size_t i = 0; i < window.size() && !report_.stopped; ++i) {
      if (options_.interrupted && options_.interrupted()) {
        report_.interrupted = true;
        break;
      }
      ++done;
      const Height h(next + i);
      if (!window[i].ok()) {
        Stop(h, "the block cannot be read: " + window[i].error().message());
        break;
      }
      const AuditBlock& b = *window[i];
      const Status verdict = checked[i] && generation == verifier_generation_
                                 ? verdicts[i]
                                 : verifier_->VerifyCertifiedBlock(b.block, b.qc);
      ReplayBlock(h, b, verdict);
      if (!fatal_.ok()) return fatal_;
      Progress(h, false);
    }
    next += done;
  }
  report_.final_result = replay_->Head().result;
  Progress(report_.last_replayed, true);
  return std::move(report_);
}

Status Replayer::OpenReplay(const contracts::GenesisChain& start, bool* resumed) {
  *resumed = false;
  if (options_.scratch_dir.empty()) {
    TAMGA_ASSIGN_OR_RETURN(replay_, ledger::Ledger::Open(std::make_unique<ledger::MemKvStore>(),
                                                         start.anchor, start.state));
    return Status::Ok();
  }
  const std::string dir = (std::filesystem::path(options_.scratch_dir) / "ledger").string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  // The memtables' share of the audit's memory is bounded (RocksDB's default would let
  // eight column families hold up to 1 GiB between them), and so are the logs a resumed
  // audit reads again.
  TAMGA_ASSIGN_OR_RETURN(std::unique_ptr<ledger::RocksKvStore> rocks,
                         ledger::RocksKvStore::Open(dir, {.memtable_bytes = kScratchMemtableBytes,
                                                          .wal_bytes = 2 * kScratchMemtableBytes}));
  auto store = std::make_unique<ScratchStore>(std::move(rocks));
  scratch_ = store.get();
  auto opened = ledger::Ledger::Open(std::move(store), start.anchor, start.state);
  if (!opened.ok()) return opened.error().WithContext("the scratch folder " + options_.scratch_dir);
  replay_ = std::move(*opened);
  // The ledger (its commit batch) writes no sync; the folder survives a killed process,
  // and after a power cut the ledger and its report are still of one height.
  replay_->set_sync_commits(false);
  TAMGA_ASSIGN_OR_RETURN(std::optional<std::string> saved, scratch_->Saved());
  const Height height = replay_->Head().height;
  if (!saved) {
    if (height != Height(0)) {
      return Status::FailedPrecondition("the scratch folder " + options_.scratch_dir +
                                        " holds a ledger but no audit report; remove it");
    }
    return Status::Ok();
  }
  auto earlier = ReportFromJson(*saved);
  if (!earlier.ok()) return earlier.error().WithContext("the scratch folder's audit report");
  if (earlier->last_replayed != height) {
    return Status::Corruption("the scratch folder's report reaches height " +
                              earlier->last_replayed.ToString() + " but its ledger " +
                              height.ToString() + "; remove " + options_.scratch_dir);
  }
  const std::string source = report_.source;
  report_ = std::move(*earlier);
  report_.source = source;
  report_.interrupted = false;
  report_.resumed_from = height;
  // A replay stops before committing the block it stops at, so a saved report never
  // holds the stop: that block is replayed again here, and found again if it still fails.
  *resumed = true;
  return Status::Ok();
}

Status Replayer::CheckGenesis(bool notes) {
  Result<AuditBlock> g = source_.At(Height(0));
  if (!g.ok()) {
    if (!IsDataError(g.error())) return g.error().WithContext("reading the genesis block");
    Stop(Height(0), "the genesis block cannot be read: " + g.error().message());
    return Status::Ok();
  }
  const ChainId& chain = replay_->anchor().chain_id;
  if (g->block.header.chain_id != chain) {
    return Status::FailedPrecondition(report_.source + " holds chain " +
                                      g->block.header.chain_id.ToHex() +
                                      ", but the genesis document given (\"" + report_.chain_name +
                                      "\") is chain " + chain.ToHex());
  }
  if (!notes) return Status::Ok();
  TAMGA_ASSIGN_OR_RETURN(Block expected, replay_->BlockAt(Height(0)));
  TAMGA_ASSIGN_OR_RETURN(QuorumCertificate expected_qc, replay_->GenesisQc());
  if (!(g->block == expected)) {
    Stop(Height(0), "the stored genesis block is not the one the genesis document defines");
  } else if (!(g->qc.data == expected_qc.data)) {
    const std::string diff = ResultDifference(g->qc.data.result, expected_qc.data.result);
    Stop(Height(0), "the stored genesis QC is not the genesis document's" +
                        (diff.empty() ? std::string() : " (" + diff + ")"));
  }
  if (!g->receipts.empty() || g->epoch_proof) {
    Note(Height(0), "receipts or an epoch proof are stored with the genesis block");
  }
  return Status::Ok();
}

void Replayer::NewVerifier(const QuorumCertificate& root_qc) {
  verifier_ = std::make_unique<consensus::Verifier>(replay_->anchor().chain_id,
                                                    replay_->Head().validators, root_qc, checker_);
  ++verifier_generation_;
}

void Replayer::ReplayBlock(Height h, const AuditBlock& b, const Status& verdict) {
  const Block& block = b.block;
  if (block.header.height != h) {
    return Stop(
        h, "the block stored at this height says it is block " + block.header.height.ToString());
  }
  // 1. The QC (and the justify QC, and the payload root).
  if (!verdict.ok()) Note(h, "the block does not verify against its QC: " + verdict.message());

  // 2. Execution under the rules the state names.
  const ledger::TreeStateReader before = replay_->StateBefore(nullptr);
  auto output = contracts::Executor::ExecuteBlock(before, block, &batch_);
  if (!output.ok())
    return Stop(h, "the rules cannot execute the block: " + output.error().message());
  const bool ends_epoch = output->next_validators.has_value();
  auto prepared = replay_->Prepare(nullptr, block, std::move(*output));
  if (!prepared.ok()) {
    if (IsScratchFault(prepared.error())) {
      fatal_ = prepared.error().WithContext("the replayed ledger, at height " + h.ToString());
      return;
    }
    return Stop(h, "the block cannot be replayed: " + prepared.error().message());
  }

  // 3. What the quorum certified, and what the node recorded.
  if (b.qc.data.block_id != block.header.Id()) {
    return Stop(h, "the QC certifies block " + b.qc.data.block_id.ToHex() +
                       ", not the stored block " + block.header.Id().ToHex());
  }
  const std::string diff = ResultDifference(b.qc.data.result, (*prepared)->result);
  if (!diff.empty()) return Stop(h, "the replayed result is not the certified one: " + diff);
  const std::vector<ledger::Receipt>& receipts = (*prepared)->output.receipts;
  if (b.receipts.size() != receipts.size()) {
    Note(h, std::to_string(b.receipts.size()) + " receipts are stored for " +
                std::to_string(receipts.size()) + " transactions");
  } else {
    for (std::size_t i = 0; i < receipts.size(); ++i) {
      if (b.receipts[i] == receipts[i]) continue;
      Note(h, "the stored receipt of transaction " + std::to_string(i) + " (" +
                  receipts[i].tx_hash.ToHex() + ") differs from the replay: stored " +
                  DescribeReceipt(b.receipts[i]) + "; replayed " + DescribeReceipt(receipts[i]));
      break;
    }
  }
  // The epoch proof shows the quorum of the ending epoch committed the block.
  if (ends_epoch && b.epoch_proof) {
    for (std::size_t k = 0; k < b.epoch_proof->blocks.size(); ++k) {
      const CertifiedBlock& c = b.epoch_proof->blocks[k];
      if (Status s = verifier_->VerifyCertifiedBlock(c.block, c.qc); !s.ok()) {
        Note(h,
             "block " + std::to_string(k) + " of the epoch proof does not verify: " + s.message());
        break;
      }
    }
  } else if (!ends_epoch && b.epoch_proof) {
    Note(h, "an epoch proof is stored with a block that does not change the validator set");
  }

  // 4. Commit on the replayed ledger (which checks the epoch proof's shape). In a scratch
  // folder the report counting the block goes in the same batch, and report_ stays as it
  // was before the block until the commit succeeds.
  const ledger::TreeStateReader after = replay_->StateBefore(*prepared);
  AuditReport counted;
  if (scratch_ != nullptr) {
    counted = report_;
    std::swap(counted, report_);
    CountBlock(h, block, receipts, before, after, (*prepared)->output.next_validators);
    scratch_->SetPending(ReportJson(report_, -1));
    std::swap(counted, report_);
  }
  const std::vector<CertifiedBlock> no_proof;
  const Status committed =
      replay_->Commit(**prepared, b.qc, b.epoch_proof ? b.epoch_proof->blocks : no_proof);
  if (scratch_ != nullptr) scratch_->ClearPending();
  if (!committed.ok()) {
    if (IsScratchFault(committed)) {
      fatal_ = committed.WithContext("the replayed ledger, at height " + h.ToString());
      return;
    }
    return Stop(h, "the replayed ledger refuses the block: " + committed.message());
  }
  if (scratch_ != nullptr) {
    report_ = std::move(counted);
  } else {
    CountBlock(h, block, receipts, before, after, (*prepared)->output.next_validators);
  }
  // The QC of the block that ended an epoch is the next one's root.
  if (ends_epoch) NewVerifier(b.qc);
}

void Replayer::CountBlock(Height h, const Block& block,
                          const std::vector<ledger::Receipt>& receipts,
                          const ledger::StateReader& before, const ledger::StateReader& after,
                          const std::optional<ValidatorSet>& next_validators) {
  Count(block, receipts, before, after);
  report_.last_replayed = h;
  ++report_.blocks;
  if (next_validators) {
    ++report_.epochs;
    report_.epoch_changes.push_back(
        {h, block.header.timestamp_ms, next_validators->epoch, next_validators->validators.size()});
  }
}

void Replayer::Count(const Block& block, const std::vector<ledger::Receipt>& receipts,
                     const ledger::StateReader& before, const ledger::StateReader& after) {
  // A signer's administration, from the state before the block, or after it for a key the
  // block itself registered.
  auto country_of = [&](const PublicKey& key) -> std::string {
    const Hash32 k = contracts::SignerKey(key);
    for (const ledger::StateReader* s :
         {&before, static_cast<const ledger::StateReader*>(&after)}) {
      auto v = s->Get(k);
      if (!v.ok() || !v->has_value()) continue;
      auto record = Decode<contracts::SignerRecord>(**v, "signer record");
      if (record.ok()) return record->country;
    }
    return "?";
  };
  report_.transactions += block.transactions.size();
  const std::uint64_t h = block.header.height.value();
  std::uint64_t bucket = (h - 1) / report_.bucket_blocks;
  if (bucket >= 2 * kTimelineBuckets) {
    MergeTimeline(report_);
    bucket = (h - 1) / report_.bucket_blocks;
  }
  if (report_.timeline.empty() || bucket >= report_.timeline.size()) {
    const std::uint64_t first = bucket * report_.bucket_blocks + 1;
    report_.timeline.push_back(
        {Height(first), Height(first), block.header.timestamp_ms, block.header.timestamp_ms});
  }
  TimelineBucket& stretch = report_.timeline.back();
  stretch.last_height = block.header.height;
  stretch.last_time_ms = std::max(stretch.last_time_ms, block.header.timestamp_ms);
  ++stretch.blocks;
  stretch.transactions += block.transactions.size();
  for (const ledger::Receipt& r : receipts) {
    stretch.records += r.record_count;
    if (r.code != 0) ++stretch.rejected;
  }
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    const ledger::Receipt& r = receipts[i];
    if (r.code != 0) {
      ++report_.rejected;
      ++report_.rejected_by_reason[std::string(
          contracts::ReasonCode(static_cast<contracts::Reason>(r.code)))];
      continue;
    }
    ++report_.accepted;
    const Transaction& tx = block.transactions[i];
    RecordCount& t = report_.by_type[std::string(contracts::TxTypeName(tx.type))];
    ++t.accepted;
    t.records += r.record_count;
    RecordCount& a = report_.by_administration[country_of(tx.signer)];
    ++a.accepted;
    a.records += r.record_count;
  }
}

void Replayer::Progress(Height h, bool force) {
  if (!options_.on_progress) return;
  const auto now = std::chrono::steady_clock::now();
  const bool due =
      (options_.progress_every_blocks > 0 && h.value() % options_.progress_every_blocks == 0) ||
      now - last_progress_ >= std::chrono::milliseconds(options_.progress_interval_ms);
  if ((!force && !due) || h == last_reported_) return;
  last_progress_ = now;
  last_reported_ = h;
  options_.on_progress(AuditProgress{
      h, report_.head, report_.anomalies.size() + report_.anomalies_omitted, report_.resumed_from});
}

}  // namespace

Result<AuditReport> Replay(const contracts::Genesis& genesis, BlockSource& source,
                           const AuditOptions& options) {
  Replayer replayer(genesis, source, options);
  return replayer.Run(genesis);
}

}  // namespace tamga::audit

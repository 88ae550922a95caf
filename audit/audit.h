// audit/audit.h
// The auditor's replay: everything a node stored, checked from the genesis document alone.
// For every height from 1 to the source's head it
//   1. verifies the block against its QC with the validator set of the block's epoch (the
//      QC's signatures, the justify QC's, the payload root), several blocks at a time on a
//      thread pool, and the epoch proof of a block that ends an epoch;
//   2. re-executes the block with the rules (contracts::Executor) on a ledger of its own
//      started from the genesis; the rules version is part of the state, so each
//      block runs under the rules in force at its height;
//   3. compares what it computed with what the QC certifies (state root, log root, log
//      size, each named when it differs) and with the receipts the node stored (the first
//      transaction whose receipt differs is named);
//   4. commits the block on its own ledger with the stored QC and epoch proof.
// Each failure is an anomaly {height, reason}. A QC or receipt that is wrong leaves the
// replayed state intact and the replay goes on; once the replayed state cannot follow the
// chain any more (a certified result that differs, a block that cannot be read or does not
// extend its parent) the replay stops there and the report says so. A report is produced
// in every case; Replay fails only when it cannot start (an invalid genesis, a source of
// another chain, a scratch folder of another chain), the source fails to answer (disk,
// network) or the scratch folder cannot be written (a full disk): those are not the
// chain's faults.
//
// The replayed ledger lives in memory, or on disk in a scratch folder (RocksDB), which
// bounds the memory of a long chain's audit. With a scratch folder the report so far is
// written into the replayed ledger's own commit batch at every block, so the folder always
// holds a report exactly as far as its ledger; a later Replay with the same folder resumes
// from there (after an interruption, a kill or a crash) and ends with the report a replay
// from genesis would have made.
//
// Thread-safety: Replay is a function; concurrent calls need distinct sources.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/block_source.h"
#include "contracts/model.h"

namespace tamga::audit {

struct AuditProgress {
  Height height;  // Replayed up to here.
  Height head;    // Of the source.
  std::size_t anomalies = 0;
  Height resumed_from;  // Where this replay started (0: genesis).
};

struct AuditOptions {
  // Threads checking signatures (QCs and transactions); at least 1.
  std::size_t threads = 2;
  // Called after every `progress_every_blocks` blocks or `progress_interval_ms` of
  // wall-clock time, whichever comes first, and once at the end.
  std::function<void(const AuditProgress&)> on_progress;
  std::uint64_t progress_every_blocks = 1000;
  std::uint64_t progress_interval_ms = 1000;
  // Blocks whose QCs are verified together, in parallel, ahead of execution.
  std::size_t window_blocks = 32;
  // Where the replayed ledger lives (created if missing; resumed if it holds an earlier
  // replay of the same chain). Empty: in memory.
  std::string scratch_dir;
  // Asked between blocks; true stops the replay there, with the report marked interrupted
  // (with a scratch folder, a later Replay resumes from there).
  std::function<bool()> interrupted;
};

struct Anomaly {
  Height height;
  std::string reason;  // A sentence.
  friend bool operator==(const Anomaly&, const Anomaly&) = default;
};

// Counts per transaction type or per administration: accepted transactions and the log
// records they appended.
struct RecordCount {
  std::uint64_t accepted = 0;
  std::uint64_t records = 0;
  friend bool operator==(const RecordCount&, const RecordCount&) = default;
};

// A stretch of consecutive heights, for the report's charts. Stretches start one block
// long; whenever there would be more than 2 * kTimelineBuckets of them, neighbours are
// merged in pairs and the length doubles. The timeline thus depends only on the blocks
// replayed, not on where a run was interrupted or how far the source reached then.
struct TimelineBucket {
  Height first_height;
  Height last_height;
  std::uint64_t first_time_ms = 0;  // Of the blocks (their proposers' clocks).
  std::uint64_t last_time_ms = 0;
  std::uint64_t blocks = 0;
  std::uint64_t transactions = 0;
  std::uint64_t rejected = 0;
  std::uint64_t records = 0;  // Log records appended.
  friend bool operator==(const TimelineBucket&, const TimelineBucket&) = default;
};
inline constexpr std::uint64_t kTimelineBuckets = 120;

// A block that ended an epoch: the set that took over after it.
struct EpochChange {
  Height height;
  std::uint64_t time_ms = 0;
  Epoch epoch;                   // The new epoch.
  std::uint64_t validators = 0;  // Its validator count.
  friend bool operator==(const EpochChange&, const EpochChange&) = default;
};

// Anomalies kept in the report; past this many only their number is.
inline constexpr std::size_t kAnomaliesKept = 1000;

struct AuditReport {
  std::string source;  // Directory or URL.
  std::string chain_name;
  ChainId chain_id;
  Height head;               // The source's head when the audit started.
  Height last_replayed;      // Highest height replayed and committed (0: none).
  std::uint64_t blocks = 0;  // Blocks replayed (heights 1..last_replayed).
  std::uint64_t epochs = 0;  // Epoch changes replayed.
  std::uint64_t transactions = 0;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  ExecutionResult final_result;  // The replayed ledger's state root, log root and size.
  // By contracts::TxTypeName of the transaction.
  std::map<std::string, RecordCount> by_type;
  // By country of the signer's administration ("?" for a signer the state does not know).
  std::map<std::string, RecordCount> by_administration;
  // Rejected transactions by contracts::ReasonCode ("bad_signature").
  std::map<std::string, std::uint64_t> rejected_by_reason;
  std::vector<Anomaly> anomalies;  // The first kAnomaliesKept.
  std::uint64_t anomalies_omitted = 0;
  // Set when the replay stopped before the head: the height and why.
  std::optional<Anomaly> stopped;
  // The replay was interrupted (AuditOptions::interrupted) after last_replayed.
  bool interrupted = false;
  // The height an earlier replay in the same scratch folder had reached (0: none).
  Height resumed_from;
  std::uint64_t genesis_time_ms = 0;
  std::uint64_t bucket_blocks = 1;  // Heights per timeline bucket: a power of two.
  std::vector<TimelineBucket> timeline;
  std::vector<EpochChange> epoch_changes;

  // Whether the chain checked clean as far as it was replayed.
  bool ok() const { return anomalies.empty() && !stopped; }
  // Whether the whole chain (up to the head) was replayed.
  bool complete() const { return !stopped && !interrupted && last_replayed == head; }
};

Result<AuditReport> Replay(const contracts::Genesis& genesis, BlockSource& source,
                           const AuditOptions& options);

// The report for people, and as JSON:
//   {"ok": bool, "source", "chain_name", "chain_id", "head", "last_replayed", "blocks",
//    "epochs", "transactions", "accepted", "rejected", "state_root", "log_root",
//    "log_size", "records_by_type": {name: {"accepted", "records"}},
//    "records_by_administration": {country: {...}}, "rejected_by_reason": {code: n},
//    "anomalies": [{"height", "reason"}], "stopped": null or {"height", "reason"},
//    "anomalies_omitted", "interrupted", "resumed_from", "genesis_time_ms", "bucket_blocks",
//    "timeline": [{"first_height", "last_height", "first_time_ms", "last_time_ms",
//                  "blocks", "transactions", "rejected", "records"}],
//    "epoch_changes": [{"height", "time_ms", "epoch", "validators"}]}
// ReportFromJson reads ReportJson's output back (the scratch folder keeps it so).
std::string ReportText(const AuditReport& report);
// `indent` < 0: on one line.
std::string ReportJson(const AuditReport& report, int indent = 2);
Result<AuditReport> ReportFromJson(std::string_view json);
// The report as one HTML page with its charts drawn inline (SVG): no script, no external
// resource; it opens offline.
std::string ReportHtml(const AuditReport& report);

}  // namespace tamga::audit

// audit/audit_command.h
// `tamga audit`: replays a chain from a node's data directory or from a node's API and
// reports what it found (audit/audit.h). Progress goes to `err` once a second as
// "audit: block h of H (p%), R blocks/s, T left", the text report to `out` and, if asked,
// to files (text, JSON, HTML). SIGINT and SIGTERM stop the replay at the next block (once
// the window of blocks being fetched and checked is in; a second one ends the process);
// a run with the same scratch folder resumes it.
//
// Thread-safety: not thread-safe.

#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "common/status.h"

namespace tamga::audit {

struct AuditCommandOptions {
  std::string data_dir;      // A node's data directory (read-only), or
  std::string node;          // a node's API: "host:port" or "http://host:port".
  std::string genesis_file;  // The chain's genesis document (JSON).
  std::string report_file;   // Also write the text report here (optional).
  std::string json_file;     // Write the JSON report here (optional).
  std::string html_file;     // Write the HTML report here (optional).
  // Where the replayed ledger lives; resumed if it holds an earlier run's. Empty: a fresh
  // folder under the temporary directory, removed at the end unless the run is
  // interrupted or failed (its path is printed at the start, to resume with).
  std::string scratch_dir;
  std::size_t threads = 0;  // Signature-checking threads; 0: one per core.
  bool quiet = false;       // No progress lines.
};

// The exit statuses of `tamga audit`.
inline constexpr int kAuditExitClean = 0;
inline constexpr int kAuditExitUsage = 1;  // Also any I/O error: RunAudit's Status says which.
inline constexpr int kAuditExitAnomalies = 4;
inline constexpr int kAuditExitInterrupted = 5;  // Clean so far; run again to resume.

// Runs the audit. Returns an error for bad usage or when the audit could not be done
// (unreadable genesis, no ledger, another chain, a node that does not answer, a report
// that cannot be written): the caller prints it and exits with kAuditExitUsage. Otherwise
// returns OK with `*exit_code` kAuditExitClean, kAuditExitAnomalies or
// kAuditExitInterrupted.
Status RunAudit(const AuditCommandOptions& options, std::ostream& out, std::ostream& err,
                int* exit_code);

}  // namespace tamga::audit

// cli/log_command.h
// `tamga log consistency OLD NEW`: that the record log a later proof file shows extends the
// log an earlier one shows, with nothing rewritten in between. Both proof files are
// verified against the pinned genesis (each carries its block's log size and root, signed
// by a quorum); the consistency proof between the two sizes (RFC 9162 section 2.1.4) comes
// from a node, which needs no trust: a wrong proof fails the check.
//
// Exit status: 0 consistent; 2 a proof file that does not verify, or logs that are not
// consistent; 1 unusable input (missing files, a node that does not answer).
//
// Thread-safety: one blocking command.

#pragma once

#include <ostream>
#include <string>

namespace tamga::cli {

struct LogConsistencyOptions {
  std::string older;         // A proof file (tamga-proof/1).
  std::string newer;         // A proof file of a later block (or the same).
  std::string genesis_file;  // The pinned genesis.
  std::string node;          // Where to ask for the consistency proof (host:port).
};

int RunLogConsistency(const LogConsistencyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tamga::cli

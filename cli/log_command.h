// cli/log_command.h
// `tamga log consistency OLD NEW`: that the record log a later proof file or checkpoint
// shows extends the log an earlier one shows, with nothing rewritten in between. Both are
// verified against the pinned genesis first (a proof file carries its block's log size
// and root, signed by a quorum; a checkpoint is a note a quorum signed); the consistency
// proof between the two sizes (RFC 9162 section 2.1.4) comes from a node, which needs no
// trust: a wrong proof fails the check.
//
// `tamga log checkpoint [FILE]`: that a checkpoint (C2SP tlog-checkpoint, from a file or
// the node's GET /checkpoint) is signed by a quorum of one epoch's validators. Which
// validators: the genesis' and, given a node, those of the block that made the log that
// size and of the epoch after it, from that block's proof file verified from the genesis
// on; that proof's root must also be the checkpoint's.
//
// `tamga log export-tiles DIR`: the node's latest checkpoint and the C2SP tlog-tiles read
// path under it (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>], checkpoint), fetched from
// the node, checked, and written to DIR for any static web server to serve. The
// checkpoint is checked as by `tamga log checkpoint`; every entry against its leaf hash,
// every tile hash against the tile below it, and the tree's root against the checkpoint's.
// Full tiles already in DIR are read there rather than fetched (they never change) and are
// checked all the same. The checkpoint is written last, so DIR never names a size it lacks
// the tiles of.
//
// `tamga log witness --witness URL`: the node's latest checkpoint (checked as above) taken
// to a C2SP tlog-witness (`tamga witness`, or any witness that follows this log) for its
// cosignature: first as if the witness had seen nothing; when it answers with the size it
// last cosigned, again with the node's consistency proof from that size. The checkpoint
// with the cosignature added is written to --out, and checked against --witness-key.
// A witness that holds another root for the same size has seen another history: NOT
// CONSISTENT.
// `tamga log checkpoint --witness-key VKEY` (repeatable) also requires a valid cosignature
// by each of those witnesses.
//
// Exit status: 0 consistent, a valid checkpoint, tiles exported, or a cosignature got; 2 a proof
// file or checkpoint that does not verify, or logs that are not consistent; 1 unusable input
// (missing files, a node that does not answer).
//
// Thread-safety: one blocking command.

#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace tamga::cli {

struct LogConsistencyOptions {
  std::string older;         // A proof file (tamga-proof/1) or a checkpoint.
  std::string newer;         // Of a later block (or the same).
  std::string genesis_file;  // The pinned genesis.
  std::string node;          // Where to ask for the consistency proof (host:port).
};

int RunLogConsistency(const LogConsistencyOptions& options, std::ostream& out, std::ostream& err);

struct LogCheckpointOptions {
  std::string file;          // A checkpoint; empty: the node's latest.
  std::string genesis_file;  // The pinned genesis.
  std::string node;          // Optional with a file: where to fetch the validators' proof.
  std::string out;           // Optional: where to write the checkpoint that was checked.
  std::vector<std::string> witness_keys;  // Cosigners required ("name+id+base64", type 0x04).
};

int RunLogCheckpoint(const LogCheckpointOptions& options, std::ostream& out, std::ostream& err);

struct ExportTilesOptions {
  std::string dir;           // Where the read path goes (created if missing).
  std::string genesis_file;  // The pinned genesis.
  std::string node;          // Where to fetch it (host:port).
};

int RunExportTiles(const ExportTilesOptions& options, std::ostream& out, std::ostream& err);

// `tamga log inclusion INDEX --tiles URL`: that record INDEX is in the log, from a static
// copy of the read path alone (a web server or CDN serving what export-tiles wrote): the
// checkpoint there must be signed by a quorum of the genesis' validators (and cosigned by
// each --witness-key), and the record's inclusion proof, computed from the tiles, must
// lead to its root.
struct LogInclusionOptions {
  std::uint64_t index = 0;
  std::string tiles;         // The read path's URL (http://host:port).
  std::string genesis_file;  // The pinned genesis.
  std::vector<std::string> witness_keys;
};

int RunLogInclusion(const LogInclusionOptions& options, std::ostream& out, std::ostream& err);

struct LogWitnessOptions {
  std::string genesis_file;  // The pinned genesis.
  std::string node;          // Where the checkpoint and the consistency proof come from.
  std::string witness;       // The witness (host:port or http://host:port/prefix).
  std::string witness_key;   // Optional: its verifier key, to check the cosignature.
  std::string out;           // Optional: the checkpoint with the cosignature added.
};

int RunLogWitness(const LogWitnessOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tamga::cli

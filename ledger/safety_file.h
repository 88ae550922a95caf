// ledger/safety_file.h
// The consensus safety data of a validator (last voted round, lock, ...: consensus/
// safety_rules.h) on disk, apart from the RocksDB store: one small file replaced
// atomically, fsynced, and its directory fsynced, before Save returns. A validator must
// never send a vote whose record could be lost, so this is the one write on the voting
// path, and it is kept as small and direct as possible.
//
// File layout: "tamga-safety/1\n", then 64 hex digits of SHA-256 over the payload, "\n",
// then the payload (Encode(SafetyData)). A file that fails its checksum is Corruption: the
// node must not guess, and the operator follows docs/operations.md.
//
// Thread-safety: one writer per path.

#pragma once

#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::ledger {

class SafetyFile {
 public:
  explicit SafetyFile(std::string path) : path_(std::move(path)) {}
  // Durable on return (file and directory synced).
  Status Save(ByteView payload) const;
  // nullopt if no file exists (a fresh validator, or one whose data was lost: the caller
  // tells which by whether a ledger exists).
  Result<std::optional<Bytes>> Load() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tamga::ledger

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

// Where the safety data lives: one small record replaced atomically. SafetyFile is the
// daemon's; the simulator has one that loses what a crash would.
class SafetyStore {
 public:
  virtual ~SafetyStore() = default;
  // Durable on return; after a crash during Save, Load finds the old record or the new one,
  // never a mix. An error leaves it unknown which: the owner stops.
  virtual Status Save(ByteView payload) = 0;
  // nullopt if no record exists (a fresh validator, or one whose data was lost: the caller
  // tells which by whether it has taken part before).
  virtual Result<std::optional<Bytes>> Load() const = 0;
  // Where it is, for logs and errors.
  virtual std::string where() const = 0;
};

class SafetyFile final : public SafetyStore {
 public:
  explicit SafetyFile(std::string path) : path_(std::move(path)) {}
  // Durable on return (file and directory synced).
  Status Save(ByteView payload) override;
  Result<std::optional<Bytes>> Load() const override;
  std::string where() const override { return path_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tamga::ledger

// ledger/safety_file.h
// The consensus safety data of a validator (last voted round, lock, ...: consensus/
// safety_rules.h) on disk, apart from the RocksDB store. A validator must never send a vote
// whose record could be lost, so a Save is durable before it returns; it is on the voting
// path, so it costs one write and one fdatasync.
//
// File layout (format 2): two slots of 4096 bytes; a Save overwrites, in place, the slot
// that does not hold the newest record. A slot is "tamga-safety/2\n", a sequence number
// (u64, big-endian), the payload's length (u32, big-endian), the payload
// (Encode(SafetyData)), SHA-256 over everything before it, then zeros. Load returns the
// payload of the valid slot with the higher sequence number. A crash during a Save can only
// damage the slot being written, whose Save never returned (so nothing it recorded was
// sent), and the other slot holds the record before it. Both slots failing their check is
// Corruption: the node must not guess, and the operator follows docs/operations.md. Damage
// to the newest slot after its Save returned cannot be told from a cut Save and reads as
// the record before it: this relies on disks reporting a bad sector as an I/O error, not
// returning other bytes.
//
// Format 1 (one record, "tamga-safety/1\n", 64 hex digits of SHA-256 over the payload,
// "\n", the payload; replaced by rename) is still read; the first Save after it, like the
// first Save of a new file, writes a whole format-2 file atomically (temporary file, fsync,
// rename, directory fsync), and later ones write slots in place; the first in-place write of
// a process syncs the file and its directory first.
//
// Thread-safety: one writer per path.

#pragma once

#include <cstdint>
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
  // The largest payload a slot holds.
  static constexpr std::size_t kMaxPayload = 4096 - 15 - 8 - 4 - 32;

  explicit SafetyFile(std::string path) : path_(std::move(path)) {}
  // Durable on return. InvalidArgument for a payload over kMaxPayload.
  Status Save(ByteView payload) override;
  Result<std::optional<Bytes>> Load() const override;
  std::string where() const override { return path_; }
  const std::string& path() const { return path_; }

 private:
  // The sequence number of the newest record on disk, once read or written; nullopt until
  // then, or while the file is of format 1 or absent (the next Save writes a whole file).
  mutable std::optional<std::uint64_t> newest_;
  // Whether this process has made the file and its name durable (by writing it whole, or by
  // syncing it before its first write in place): a file found at start may be the result of
  // a rename whose directory sync a crash cut short, which later in-place syncs would not
  // make durable.
  bool durable_ = false;
  std::string path_;
};

}  // namespace tamga::ledger

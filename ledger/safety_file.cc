// ledger/safety_file.cc

#include "ledger/safety_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/file_util.h"
#include "common/sha256.h"

namespace tamga::ledger {
namespace {

constexpr std::string_view kMagic1 = "tamga-safety/1\n";
constexpr std::string_view kMagic2 = "tamga-safety/2\n";
constexpr std::size_t kSlot = 4096;
constexpr std::size_t kFile2 = 2 * kSlot;
constexpr std::size_t kMaxFile = 1 << 16;
constexpr std::size_t kHeader = kMagic2.size() + 8 + 4;  // Magic, sequence, length.
static_assert(SafetyFile::kMaxPayload == kSlot - kHeader - 32);

// Records alternate between the two slots: 1, 3, 5, ... in slot 0, 2, 4, ... in slot 1.
std::size_t SlotOf(std::uint64_t sequence) { return static_cast<std::size_t>((sequence + 1) % 2); }

struct Slot {
  std::uint64_t sequence;
  Bytes payload;
};

std::string EncodeSlot(std::uint64_t sequence, ByteView payload) {
  std::string slot(kMagic2);
  for (int s = 56; s >= 0; s -= 8) slot.push_back(static_cast<char>(sequence >> s));
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int s = 24; s >= 0; s -= 8) slot.push_back(static_cast<char>(size >> s));
  slot.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  const Hash32 sum = Sha256Of(AsBytes(slot));
  slot.append(reinterpret_cast<const char*>(sum.data()), Hash32::kSize);
  slot.resize(kSlot, '\0');
  return slot;
}

// The record in a slot; nullopt if it is empty, cut by a crash, or damaged.
std::optional<Slot> DecodeSlot(std::string_view slot) {
  if (slot.substr(0, kMagic2.size()) != kMagic2) return std::nullopt;
  std::uint64_t sequence = 0;
  std::uint32_t size = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    sequence = sequence << 8 | static_cast<std::uint8_t>(slot[kMagic2.size() + i]);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    size = size << 8 | static_cast<std::uint8_t>(slot[kMagic2.size() + 8 + i]);
  }
  if (size > SafetyFile::kMaxPayload) return std::nullopt;
  const std::size_t end = kHeader + size;
  const Hash32 sum = Sha256Of(AsBytes(slot.substr(0, end)));
  if (std::memcmp(sum.data(), slot.data() + end, Hash32::kSize) != 0) return std::nullopt;
  const auto* p = reinterpret_cast<const std::uint8_t*>(slot.data());
  return Slot{sequence, Bytes(p + kHeader, p + end)};
}

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

}  // namespace

Status SafetyFile::Save(ByteView payload) {
  if (payload.size() > kMaxPayload) {
    return Status::InvalidArgument("safety data of " + std::to_string(payload.size()) +
                                   " bytes does not fit a slot of the safety file");
  }
  if (!newest_) TAMGA_RETURN_IF_ERROR(Load().status());
  if (!newest_) {
    // No file, or one of format 1: a whole new file, replaced atomically.
    std::string contents = EncodeSlot(1, payload);
    contents.resize(kFile2, '\0');
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(path_, contents, WriteFileOptions{0600, true})
                              .WithContext("saving consensus safety data"));
    newest_ = 1;
    durable_ = true;
    return Status::Ok();
  }
  if (!durable_) {
    TAMGA_RETURN_IF_ERROR(SyncFileAndDirectory(path_).WithContext("saving consensus safety data"));
    durable_ = true;
  }
  const std::uint64_t sequence = *newest_ + 1;
  const std::string slot = EncodeSlot(sequence, payload);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Errno("saving consensus safety data: opening " + path_);
  const auto offset = static_cast<off_t>(SlotOf(sequence) * kSlot);
  const ssize_t written = ::pwrite(fd, slot.data(), slot.size(), offset);
  Status status = Status::Ok();
  if (written < 0) {
    status = Errno("saving consensus safety data: writing " + path_);
  } else if (static_cast<std::size_t>(written) != slot.size()) {
    status = Status::IoError("saving consensus safety data: short write to " + path_);
  } else if (::fdatasync(fd) != 0) {
    status = Errno("saving consensus safety data: syncing " + path_);
  }
  if (::close(fd) != 0 && status.ok()) {
    status = Errno("saving consensus safety data: closing " + path_);
  }
  // After a failure which slot holds what is unknown: read the file again before writing.
  newest_ = status.ok() ? std::optional<std::uint64_t>(sequence) : std::nullopt;
  return status;
}

Result<std::optional<Bytes>> SafetyFile::Load() const {
  newest_.reset();
  std::error_code ec;
  const bool exists = std::filesystem::exists(path_, ec);
  // Not knowing is not "no file": a validator that wrongly thinks it is fresh could sign
  // twice in a round.
  if (ec) return Status::IoError("cannot check " + path_ + ": " + ec.message());
  if (!exists) return std::optional<Bytes>();
  TAMGA_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path_, kMaxFile));
  if (contents.compare(0, kMagic1.size(), kMagic1) == 0) {
    const std::size_t header = kMagic1.size() + 64 + 1;
    if (contents.size() < header || contents[header - 1] != '\n') {
      return Status::Corruption(path_ + " is not a Tamga safety-data file");
    }
    Bytes payload(contents.begin() + static_cast<std::ptrdiff_t>(header), contents.end());
    if (Sha256Of(payload).ToHex() != contents.substr(kMagic1.size(), 64)) {
      return Status::Corruption(path_ + " fails its checksum: the safety data is damaged");
    }
    return std::optional<Bytes>(std::move(payload));
  }
  if (contents.size() != kFile2) {
    return Status::Corruption(path_ + " is not a Tamga safety-data file");
  }
  std::optional<Slot> a = DecodeSlot(std::string_view(contents).substr(0, kSlot));
  std::optional<Slot> b = DecodeSlot(std::string_view(contents).substr(kSlot));
  if (!a && !b) {
    return Status::Corruption(path_ + " fails its checksum: the safety data is damaged");
  }
  // The slot a sequence number is written to is fixed: a valid record in the other slot was
  // not written by Save.
  if ((a && SlotOf(a->sequence) != 0) || (b && SlotOf(b->sequence) != 1)) {
    return Status::Corruption(path_ +
                              " holds a record in the wrong slot: the safety data is "
                              "damaged");
  }
  Slot& newest = !b || (a && a->sequence > b->sequence) ? *a : *b;
  newest_ = newest.sequence;
  return std::optional<Bytes>(std::move(newest.payload));
}

}  // namespace tamga::ledger

// ledger/safety_file.cc

#include "ledger/safety_file.h"

#include <filesystem>

#include "common/file_util.h"
#include "common/sha256.h"

namespace tamga::ledger {
namespace {

constexpr std::string_view kMagic = "tamga-safety/1\n";
constexpr std::size_t kMaxFile = 1 << 16;

}  // namespace

Status SafetyFile::Save(ByteView payload) {
  std::string contents(kMagic);
  contents += Sha256Of(payload).ToHex();
  contents += '\n';
  contents.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  return WriteFileAtomic(path_, contents, WriteFileOptions{0600, true})
      .WithContext("saving consensus safety data");
}

Result<std::optional<Bytes>> SafetyFile::Load() const {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path_, ec);
  // Not knowing is not "no file": a validator that wrongly thinks it is fresh could sign
  // twice in a round.
  if (ec) return Status::IoError("cannot check " + path_ + ": " + ec.message());
  if (!exists) return std::optional<Bytes>();
  TAMGA_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path_, kMaxFile));
  const std::size_t header = kMagic.size() + 64 + 1;
  if (contents.size() < header || contents.compare(0, kMagic.size(), kMagic) != 0 ||
      contents[header - 1] != '\n') {
    return Status::Corruption(path_ + " is not a Tamga safety-data file");
  }
  Bytes payload(contents.begin() + static_cast<std::ptrdiff_t>(header), contents.end());
  if (Sha256Of(payload).ToHex() != contents.substr(kMagic.size(), 64)) {
    return Status::Corruption(path_ + " fails its checksum: the safety data is damaged");
  }
  return std::optional<Bytes>(std::move(payload));
}

}  // namespace tamga::ledger

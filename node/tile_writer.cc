// node/tile_writer.cc

#include "node/tile_writer.h"

#include <filesystem>
#include <fstream>
#include <utility>

#include "common/log.h"
#include "tlog/tiles.h"

namespace tamga::node {

TileWriter::TileWriter(const ledger::Ledger& ledger, std::string dir)
    : ledger_(ledger), dir_(std::move(dir)), thread_([this] { Run(); }) {}

TileWriter::~TileWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TileWriter::Offer(const std::string& note, std::uint64_t size) {
  {
    std::lock_guard lock(mu_);
    pending_ = Offered{note, size};
  }
  wake_.notify_all();
}

void TileWriter::Run() {
  std::string last_failure;
  for (;;) {
    Offered offered;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || pending_.has_value(); });
      if (stop_) return;
      offered = std::move(*pending_);
      pending_.reset();
    }
    if (Status s = Write(offered); !s.ok()) {
      if (s.ToString() != last_failure) {
        last_failure = s.ToString();
        Log(LogLevel::kWarn, "tiles_unwritten",
            {{"dir", dir_}, {"size", std::to_string(offered.size)}, {"why", last_failure}});
      }
    } else {
      last_failure.clear();
    }
  }
}

Status TileWriter::Write(const Offered& offered) {
  const std::uint64_t size = offered.size;
  for (std::uint8_t level = 0; level < 8 && (size >> (8 * level)) > 0; ++level) {
    const std::uint64_t full = tlog::FullTiles(size, level);
    const std::uint32_t edge = tlog::PartialTileWidth(size, level);
    for (std::uint64_t n = full_written_[level]; n < full || (n == full && edge > 0); ++n) {
      const tlog::TileId id{level, n, n < full ? 256u : edge, false};
      std::vector<tlog::TileId> ids{id};
      if (level == 0) ids.push_back({0, n, id.width, true});
      for (const tlog::TileId& t : ids) {
        const std::string path = dir_ + "/" + tlog::TilePath(t);
        std::error_code ec;
        if (t.width == 256 && std::filesystem::exists(path, ec)) continue;  // Never changes.
        Result<Bytes> bytes = Bytes();
        if (t.entries) {
          auto leaves = ledger_.LogLeaves(n * 256, t.width);
          if (!leaves.ok()) return leaves.error();
          bytes = tlog::EncodeEntryBundle(*leaves);
        } else {
          bytes = ledger_.LogTile(level, n, t.width);
        }
        if (!bytes.ok()) return bytes.error();
        TAMGA_RETURN_IF_ERROR(WriteFile(
            path, std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size())));
      }
      if (n < full) {
        full_written_[level] = n + 1;
        // The partial tiles of a tile now full are of no more use (tlog-tiles allows it).
        std::error_code ec;
        for (const tlog::TileId& t : ids) {
          std::filesystem::remove_all(dir_ + "/" + tlog::TilePath(t) + ".p", ec);
        }
      }
    }
  }
  return WriteFile(dir_ + "/checkpoint", offered.note);
}

Status TileWriter::WriteFile(const std::string& path, std::string_view bytes) const {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f.flush()) return Status::IoError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

}  // namespace tamga::node

// node/tile_writer.h
// Keeps a folder of the C2SP tlog-tiles read path up to date ([tiles] dir in tamgad.toml):
// after each new checkpoint, the full tiles and entry bundles not yet there, the partial
// ones of the new size, and the checkpoint itself, last, so that the folder never names a
// size it lacks the tiles of. A web server or CDN then serves the read path with no load on
// the validator (docs/operations.md, "Checkpoints and tiles").
//
// The files are derived from the ledger and can be written again at any time, so they are
// written plainly (a temporary file renamed into place), not synced. A thread of its own
// does the writing and reads the ledger (whose reads may run beside its writer); while it
// is busy only the newest checkpoint waits.
//
// Thread-safety: Offer on any one thread.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/ledger.h"

namespace tamga::node {

class TileWriter {
 public:
  TileWriter(const ledger::Ledger& ledger, std::string dir);
  ~TileWriter();  // Finishes the checkpoint it is writing, then stops.

  // A checkpoint of `size` records was published; `note` is what GET /checkpoint serves.
  void Offer(const std::string& note, std::uint64_t size);

 private:
  struct Offered {
    std::string note;
    std::uint64_t size = 0;
  };
  void Run();
  Status Write(const Offered& offered);
  Status WriteFile(const std::string& path, std::string_view bytes) const;

  const ledger::Ledger& ledger_;
  const std::string dir_;
  // Thread only: per level, the full tiles known to be in the folder.
  std::vector<std::uint64_t> full_written_ = std::vector<std::uint64_t>(8, 0);

  std::mutex mu_;
  std::condition_variable wake_;
  std::optional<Offered> pending_;  // Guarded by mu_.
  bool stop_ = false;               // Guarded by mu_.
  std::thread thread_;
};

}  // namespace tamga::node

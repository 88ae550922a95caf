// tlog/tiles.h
// C2SP tlog-tiles (c2sp.org/tlog-tiles): the paths of hash tiles ("tile/<L>/<N>[.p/<W>]")
// and entry bundles ("tile/entries/<N>[.p/<W>]"), the shape of a tree's tiles, and the
// entry bundle encoding (each entry as a big-endian u16 length and its bytes).
//
// <N> is the tile index in zero-padded 3-digit path elements, all but the last prefixed
// with 'x' (1234067 is "x001/x234/067"); <L> is 0..63 and <W> 1..255, in decimal without
// leading zeros; a full tile (width 256) has no ".p/<W>". Every value has one path and
// ParseTilePath accepts only that one.
//
// Thread-safety: stateless; all functions are thread-safe.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::tlog {

// Hashes per full hash tile, and entries per full entry bundle.
inline constexpr std::uint64_t kTileWidth = 256;
inline constexpr std::uint8_t kMaxTileLevel = 63;
inline constexpr std::size_t kMaxBundleEntrySize = 65535;

struct TileId {
  std::uint8_t level = 0;  // 0 for entry bundles.
  std::uint64_t index = 0;
  std::uint32_t width = 256;  // 1..256; 256 is a full tile.
  bool entries = false;       // An entry bundle rather than a hash tile.

  friend bool operator==(const TileId&, const TileId&) = default;
};

// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", without a leading '/'.
// REQUIRES: level <= 63, 0 for entries; width 1..256 (checked).
std::string TilePath(const TileId& t);
// The inverse of TilePath; kInvalidArgument for any other string.
Result<TileId> ParseTilePath(std::string_view path);

// The width of the partial tile at `level` of a tree of `tree_size` leaves:
// floor(tree_size / 256^level) mod 256; 0 when that level has no partial tile.
std::uint32_t PartialTileWidth(std::uint64_t tree_size, std::uint8_t level);
// The number of full tiles at `level`: floor(tree_size / 256^(level + 1)).
std::uint64_t FullTiles(std::uint64_t tree_size, std::uint8_t level);

// kInvalidArgument for more than 256 entries or an entry over 65535 bytes.
Result<Bytes> EncodeEntryBundle(std::span<const Bytes> entries);
// kCorruption for a truncated entry, trailing bytes or more than 256 entries. An empty
// bundle decodes to no entries.
Result<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle);

}  // namespace tamga::tlog

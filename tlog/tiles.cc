// tlog/tiles.cc

#include "tlog/tiles.h"

#include <algorithm>
#include <optional>

namespace tamga::tlog {
namespace {

constexpr std::string_view kTilePrefix = "tile/";
constexpr std::string_view kEntriesLevel = "entries";
constexpr std::string_view kPartialSuffix = ".p";

std::string ThreeDigits(std::uint64_t v) {
  return {static_cast<char>('0' + v / 100), static_cast<char>('0' + v / 10 % 10),
          static_cast<char>('0' + v % 10)};
}

// "x001/x234/067" for 1234067.
std::string IndexPath(std::uint64_t index) {
  std::vector<std::uint64_t> groups;
  do {
    groups.push_back(index % 1000);
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (std::size_t i = groups.size(); i-- > 1;) out += "x" + ThreeDigits(groups[i]) + "/";
  return out + ThreeDigits(groups[0]);
}

// Decimal 0..max, at most three digits, without leading zeros.
std::optional<std::uint32_t> ParseSmall(std::string_view s, std::uint32_t max) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint32_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t slash = path.find('/'); slash != path.npos; slash = path.find('/')) {
    parts.push_back(path.substr(0, slash));
    path.remove_prefix(slash + 1);
  }
  parts.push_back(path);
  return parts;
}

// Exactly three ASCII digits.
std::optional<std::uint64_t> ParseGroup(std::string_view e) {
  if (e.size() != 3) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : e) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// Parses the index elements from parts[i]; leaves i past the last one ("ddd" or "ddd.p")
// and sets `partial` when it ends in ".p".
Result<std::uint64_t> ParseIndex(std::span<const std::string_view> parts, std::size_t& i,
                                 bool& partial) {
  std::uint64_t index = 0;
  for (const std::size_t first = i; i < parts.size(); ++i) {
    std::string_view e = parts[i];
    const bool more = e.starts_with('x');
    if (more) e.remove_prefix(1);
    partial = !more && e.ends_with(kPartialSuffix);
    if (partial) e.remove_suffix(kPartialSuffix.size());
    const std::optional<std::uint64_t> group = ParseGroup(e);
    if (!group) return Status::InvalidArgument("tile index element is not three digits");
    if (more && i == first && *group == 0) {
      return Status::InvalidArgument("tile index starts with a zero x element");
    }
    if (index > (UINT64_MAX - *group) / 1000) {
      return Status::InvalidArgument("tile index overflows 64 bits");
    }
    index = index * 1000 + *group;
    if (!more) {
      ++i;
      return index;
    }
  }
  return Status::InvalidArgument("tile index has no final element");
}

}  // namespace

std::string TilePath(const TileId& t) {
  TAMGA_CHECK(t.level <= kMaxTileLevel && (!t.entries || t.level == 0));
  TAMGA_CHECK(t.width >= 1 && t.width <= kTileWidth);
  std::string out(kTilePrefix);
  out += t.entries ? std::string(kEntriesLevel) : std::to_string(t.level);
  out += "/" + IndexPath(t.index);
  if (t.width < kTileWidth) out += std::string(kPartialSuffix) + "/" + std::to_string(t.width);
  return out;
}

Result<TileId> ParseTilePath(std::string_view path) {
  if (!path.starts_with(kTilePrefix)) return Status::InvalidArgument("path does not start tile/");
  const std::vector<std::string_view> parts = SplitPath(path.substr(kTilePrefix.size()));
  TileId t;
  if (parts[0] == kEntriesLevel) {
    t.entries = true;
  } else {
    const std::optional<std::uint32_t> level = ParseSmall(parts[0], kMaxTileLevel);
    if (!level) return Status::InvalidArgument("tile level is not 0..63 in canonical decimal");
    t.level = static_cast<std::uint8_t>(*level);
  }
  std::size_t i = 1;
  bool partial = false;
  TAMGA_ASSIGN_OR_RETURN(t.index, ParseIndex(parts, i, partial));
  if (partial) {
    const std::optional<std::uint32_t> width =
        i + 1 == parts.size() ? ParseSmall(parts[i], kTileWidth - 1) : std::nullopt;
    if (!width || *width == 0) {
      return Status::InvalidArgument("tile width is not 1..255 in canonical decimal");
    }
    t.width = *width;
  } else if (i != parts.size()) {
    return Status::InvalidArgument("tile path has elements after the index");
  }
  return t;
}

std::uint32_t PartialTileWidth(std::uint64_t tree_size, std::uint8_t level) {
  if (level >= 8) return 0;  // 256^level > UINT64_MAX.
  return static_cast<std::uint32_t>((tree_size >> (8 * level)) % kTileWidth);
}

std::uint64_t FullTiles(std::uint64_t tree_size, std::uint8_t level) {
  if (level >= 7) return 0;  // 256^(level + 1) > UINT64_MAX.
  return tree_size >> (8 * (level + 1));
}

Result<Bytes> EncodeEntryBundle(std::span<const Bytes> entries) {
  if (entries.size() > kTileWidth) {
    return Status::InvalidArgument("entry bundle of " + std::to_string(entries.size()) +
                                   " entries, over 256");
  }
  Bytes out;
  for (const Bytes& e : entries) {
    if (e.size() > kMaxBundleEntrySize) {
      return Status::InvalidArgument("bundle entry of " + std::to_string(e.size()) +
                                     " bytes, over 65535");
    }
    out.push_back(static_cast<std::uint8_t>(e.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(e.size()));
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

Result<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle) {
  std::vector<Bytes> entries;
  while (!bundle.empty()) {
    if (entries.size() == kTileWidth) return Status::Corruption("entry bundle over 256 entries");
    if (bundle.size() < 2) return Status::Corruption("entry bundle ends inside a length");
    const std::size_t size = std::size_t{bundle[0]} << 8 | bundle[1];
    if (bundle.size() - 2 < size) return Status::Corruption("entry bundle ends inside an entry");
    const ByteView entry = bundle.subspan(2, size);
    entries.emplace_back(entry.begin(), entry.end());
    bundle = bundle.subspan(2 + size);
  }
  return entries;
}

}  // namespace tamga::tlog

// tests/tlog/tiles_test.cc
// Tile paths: the specification's examples, round trips over many indices, levels and
// widths, and rejection of every non-canonical path; the shape of a tree's tiles; entry
// bundles encode, decode and reject truncation, trailing bytes and oversized entries.

#include "tlog/tiles.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tamga::tlog {
namespace {

TEST(TilePath, FormatsTheSpecificationExamples) {
  EXPECT_EQ(TilePath({0, 1234067, 256, false}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({0, 1234067, 5, false}), "tile/0/x001/x234/067.p/5");
  EXPECT_EQ(TilePath({0, 1234067, 256, true}), "tile/entries/x001/x234/067");
  EXPECT_EQ(TilePath({0, 1234067, 255, true}), "tile/entries/x001/x234/067.p/255");
  EXPECT_EQ(TilePath({0, 5, 256, false}), "tile/0/005");
  EXPECT_EQ(TilePath({0, 0, 256, false}), "tile/0/000");
  EXPECT_EQ(TilePath({0, 1000, 256, false}), "tile/0/x001/000");
  EXPECT_EQ(TilePath({0, 999, 1, false}), "tile/0/999.p/1");
  EXPECT_EQ(TilePath({63, 1000000, 256, false}), "tile/63/x001/x000/000");
  EXPECT_EQ(TilePath({2, UINT64_MAX, 256, false}), "tile/2/x018/x446/x744/x073/x709/x551/615");
}

TEST(TilePath, RoundTripsManyTiles) {
  std::vector<std::uint64_t> indices = {UINT64_MAX, UINT64_MAX - 1};
  for (std::uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10) {
    for (std::uint64_t v : {p - 1, p, p + 1, 2 * p + 1, 7 * p - 3}) indices.push_back(v);
  }
  for (std::uint64_t i = 0; i < 2100; i += 7) indices.push_back(i);
  for (std::uint64_t index : indices) {
    for (std::uint8_t level : {0, 1, 9, 63}) {
      for (std::uint32_t width : {1u, 17u, 100u, 255u, 256u}) {
        for (bool entries : {false, true}) {
          const TileId t{entries ? std::uint8_t{0} : level, index, width, entries};
          const std::string path = TilePath(t);
          EXPECT_EQ(ParseTilePath(path).value(), t) << path;
        }
      }
    }
  }
}

TEST(TilePath, RejectsEveryOtherForm) {
  for (std::string_view path : {
           "",
           "tile",
           "tile/",
           "/tile/0/005",
           "tiles/0/005",
           "tile/0",
           "tile/0/",
           "tile/0/5",
           "tile/0/05",
           "tile/0/0005",
           "tile/0/x005",  // No final element.
           "tile/0/x001/x234",
           "tile/0/x000/005",  // Leading zero element.
           "tile/0/x000/x001/000",
           "tile/0/x1/005",
           "tile/0/X001/005",
           "tile/0/x001/x005.p/3",
           "tile/0/x001.p/3/005",
           "tile/0/005/",
           "tile/0/005/006",
           "tile/0/005.p",
           "tile/0/005.p/",
           "tile/0/005.p/0",    // Width 0.
           "tile/0/005.p/256",  // A full tile has no suffix.
           "tile/0/005.p/05",   // Leading zero.
           "tile/0/005.p/1000",
           "tile/0/005.p/+5",
           "tile/0/005.p/5/",
           "tile/0/005.p/5/6",
           "tile/0/005.q/5",
           "tile/0/005p/5",
           "tile/0/005.p5",
           "tile/00/005",  // Leading zero in the level.
           "tile/01/005",
           "tile/64/005",
           "tile/100/005",
           "tile/-1/005",
           "tile/a/005",
           "tile//005",
           "tile/entries",
           "tile/entry/005",
           "tile/entries/5",
           "tile/0/x018/x446/x744/x073/x709/x551/616",  // 2^64.
           "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
           "tile/0/0a5",
           "tile/0/ 005",
       }) {
    EXPECT_EQ(ParseTilePath(path).error().code(), StatusCode::kInvalidArgument) << path;
  }
}

TEST(TileShape, TreeOf70000) {
  EXPECT_EQ(FullTiles(70000, 0), 273u);
  EXPECT_EQ(PartialTileWidth(70000, 0), 112u);
  EXPECT_EQ(FullTiles(70000, 1), 1u);
  EXPECT_EQ(PartialTileWidth(70000, 1), 17u);
  EXPECT_EQ(FullTiles(70000, 2), 0u);
  EXPECT_EQ(PartialTileWidth(70000, 2), 1u);
  EXPECT_EQ(PartialTileWidth(70000, 3), 0u);
}

TEST(TileShape, TreeOf256) {
  EXPECT_EQ(FullTiles(256, 0), 1u);
  EXPECT_EQ(PartialTileWidth(256, 0), 0u);
  EXPECT_EQ(FullTiles(256, 1), 0u);
  EXPECT_EQ(PartialTileWidth(256, 1), 1u);
  EXPECT_EQ(PartialTileWidth(256, 2), 0u);
}

TEST(TileShape, HighLevelsDoNotOverflow) {
  EXPECT_EQ(FullTiles(0, 0), 0u);
  EXPECT_EQ(PartialTileWidth(0, 0), 0u);
  EXPECT_EQ(FullTiles(UINT64_MAX, 0), UINT64_MAX >> 8);
  EXPECT_EQ(FullTiles(UINT64_MAX, 6), 255u);
  EXPECT_EQ(PartialTileWidth(UINT64_MAX, 7), 255u);
  for (std::uint8_t level = 7; level <= kMaxTileLevel; ++level) {
    EXPECT_EQ(FullTiles(UINT64_MAX, level), 0u);
  }
  for (std::uint8_t level = 8; level <= kMaxTileLevel; ++level) {
    EXPECT_EQ(PartialTileWidth(UINT64_MAX, level), 0u);
  }
}

TEST(EntryBundle, RoundTrips) {
  const std::vector<Bytes> entries = {Bytes{}, Bytes{1, 2, 3}, Bytes(300, 7), Bytes(65535, 9)};
  const Bytes bundle = EncodeEntryBundle(entries).value();
  EXPECT_EQ(bundle.size(), 4 * 2 + 3 + 300 + 65535u);
  EXPECT_EQ(Bytes(bundle.begin(), bundle.begin() + 7), (Bytes{0, 0, 0, 3, 1, 2, 3}));
  EXPECT_EQ(bundle[7], 0x01);
  EXPECT_EQ(bundle[8], 0x2C);
  EXPECT_EQ(DecodeEntryBundle(bundle).value(), entries);

  EXPECT_TRUE(EncodeEntryBundle({}).value().empty());
  EXPECT_TRUE(DecodeEntryBundle({}).value().empty());

  const std::vector<Bytes> full(256, Bytes{42});
  EXPECT_EQ(DecodeEntryBundle(EncodeEntryBundle(full).value()).value(), full);
}

TEST(EntryBundle, Rejections) {
  EXPECT_EQ(EncodeEntryBundle(std::vector<Bytes>{Bytes(65536, 0)}).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeEntryBundle(std::vector<Bytes>(257, Bytes{1})).error().code(),
            StatusCode::kInvalidArgument);

  const Bytes good = EncodeEntryBundle(std::vector<Bytes>{Bytes{1, 2}, Bytes{3}}).value();
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    if (cut == 4) continue;  // The end of the first entry.
    const Bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_EQ(DecodeEntryBundle(truncated).error().code(), StatusCode::kCorruption) << cut;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(DecodeEntryBundle(trailing).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeEntryBundle(Bytes{0xFF, 0xFF, 1}).error().code(), StatusCode::kCorruption);

  Bytes too_many;
  for (int i = 0; i < 257; ++i) too_many.insert(too_many.end(), {0, 0});
  EXPECT_EQ(DecodeEntryBundle(too_many).error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tamga::tlog

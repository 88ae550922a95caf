// tests/cli/verify_link_test.cc
// The verifier page's link and its QR code (client/verify_link.h): the SVG's modules, read
// back into a bitmap, are decoded by a real QR reader (zbarimg, from Debian's zbar-tools)
// into the exact link.

#include "client/verify_link.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <vector>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/support/temp_dir.h"

namespace tamga::client {
namespace {

// The SVG's dark modules as rows of 0/1, from its viewBox and its path of unit-high runs.
std::vector<std::vector<int>> Modules(const std::string& svg) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 (\\d+) (\\d+)\"")));
  const int side = std::stoi(m[1]);
  EXPECT_EQ(side, std::stoi(m[2]));
  std::vector<std::vector<int>> grid(side, std::vector<int>(side, 0));
  const std::regex run("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]), n = std::stoi((*it)[3]);
    EXPECT_EQ(n, std::stoi((*it)[4]));
    for (int i = 0; i < n; ++i) grid.at(y).at(x + i) = 1;
  }
  return grid;
}

// zbarimg's reading of the modules drawn `scale` pixels each, as a PBM image.
std::string Decode(const std::vector<std::vector<int>>& grid, const testing::TempDir& dir) {
  constexpr int scale = 4;
  const int side = static_cast<int>(grid.size()) * scale;
  std::string pbm = "P1\n" + std::to_string(side) + " " + std::to_string(side) + "\n";
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) pbm += grid[y / scale][x / scale] ? "1 " : "0 ";
    pbm += "\n";
  }
  const std::string file = dir.File("qr.pbm");
  EXPECT_TRUE(WriteFileAtomic(file, pbm, {}).ok());
  const std::string command = std::string(TAMGA_ZBARIMG) + " -q --raw " + file;
  std::FILE* p = ::popen(command.c_str(), "r");
  std::string out;
  char buf[512];
  while (p != nullptr && std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  if (p != nullptr) ::pclose(p);
  return out;
}

TEST(VerifyLink, NamesTheDocumentOnThePage) {
  const Hash32 doc = Sha256Of(AsBytes("certificate"));
  EXPECT_EQ(VerifyLink("https://verify.example/", doc),
            "https://verify.example/verify?sha256=" + doc.ToHex());
  EXPECT_EQ(VerifyLink("http://127.0.0.1:26601", doc),
            "http://127.0.0.1:26601/verify?sha256=" + doc.ToHex());
}

TEST(VerifyLink, TheQrCodeReadsBackAsTheLink) {
  testing::TempDir dir("verify_link");
  const std::string link =
      VerifyLink("https://verify.customs.example", Sha256Of(AsBytes("CERTIFICATE KZ-1")));
  auto svg = QrSvg(link);
  ASSERT_TRUE(svg.ok()) << svg.error().ToString();
  const auto grid = Modules(*svg);
  // A QR code of version v is 4v + 17 modules wide, plus a quiet zone of 4 on each side;
  // a link of about 95 bytes at level M needs version 6 or so.
  const int width = static_cast<int>(grid.size()) - 8;
  EXPECT_EQ((width - 17) % 4, 0) << width;
  EXPECT_GE(width, 21);
  // The quiet zone is white; the top-left finder pattern's corner is dark.
  for (int i = 0; i < static_cast<int>(grid.size()); ++i) {
    EXPECT_EQ(grid[0][i] + grid[3][i] + grid[i][0] + grid[i][3], 0);
  }
  EXPECT_EQ(grid[4][4], 1);
  EXPECT_EQ(Decode(grid, dir), link + "\n");
}

TEST(VerifyLink, TextTooLongForAQrCodeIsRefused) {
  EXPECT_FALSE(QrSvg(std::string(8000, 'a')).ok());
}

}  // namespace
}  // namespace tamga::client

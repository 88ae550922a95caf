#include "common/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace tamga {
namespace {

// FIPS 180-2 appendix B test vectors.
TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(Sha256Of(ByteView()).ToHex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Of(AsBytes("abc")).ToHex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Of(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).ToHex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, ReusedContextGivesIndependentDigests) {
  Sha256 h;
  h.Update(AsBytes("ab"));
  h.Update(AsBytes("c"));
  const Hash32 first = h.Finish();
  h.Update(AsBytes("abc"));
  EXPECT_EQ(h.Finish(), first);
  EXPECT_EQ(Sha256Of(AsBytes("a"), AsBytes("bc")), first);
}

TEST(Sha256, MillionAsStreamedEqualsKnownDigest) {
  Sha256 h;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(AsBytes(chunk));
  EXPECT_EQ(h.Finish().ToHex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, HashesFilesOfAnySizeAndReportsMissingOnes) {
  const auto dir = std::filesystem::temp_directory_path() / "tamga_sha256_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "doc.bin").string();
  std::string contents(3 * (1 << 20) + 17, '\0');
  for (std::size_t i = 0; i < contents.size(); ++i) contents[i] = static_cast<char>(i * 7);
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(contents.data(), 1, contents.size(), f), contents.size());
  std::fclose(f);
  EXPECT_EQ(Sha256OfFile(path).value(), Sha256Of(AsBytes(contents)));
  EXPECT_EQ(Sha256OfFile((dir / "missing").string()).error().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tamga

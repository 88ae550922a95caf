#include "common/merkle.h"

#include <gtest/gtest.h>

#include "common/sha256.h"

namespace tamga {
namespace {

// RFC 9162 section 2.1.1, written as recursively as the RFC states it.
Hash32 NaiveRoot(const std::vector<Hash32>& leaves, std::size_t begin, std::size_t end) {
  const std::size_t n = end - begin;
  if (n == 0) return Sha256Of(ByteView());
  if (n == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return MerkleNodeHash(NaiveRoot(leaves, begin, begin + k), NaiveRoot(leaves, begin + k, end));
}

TEST(Merkle, LeafAndNodeHashesUseTheRfcPrefixes) {
  const Bytes leaf = {1, 2, 3};
  Bytes prefixed = {0x00, 1, 2, 3};
  EXPECT_EQ(MerkleLeafHash(leaf), Sha256Of(prefixed));
  const Hash32 a = Sha256Of(AsBytes("a")), b = Sha256Of(AsBytes("b"));
  Bytes node = {0x01};
  node.insert(node.end(), a.data(), a.data() + 32);
  node.insert(node.end(), b.data(), b.data() + 32);
  EXPECT_EQ(MerkleNodeHash(a, b), Sha256Of(node));
}

TEST(Merkle, EmptyTreeIsHashOfEmptyString) {
  EXPECT_EQ(MerkleRoot({}).ToHex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// The Certificate Transparency reference tests use these eight leaves; the roots below are
// those published with them (RFC 6962 and RFC 9162 share the tree hash).
TEST(Merkle, MatchesCertificateTransparencyReferenceRoots) {
  const std::vector<std::string> leaves_hex = {
      "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
      "606162636465666768696a6b6c6d6e6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  std::vector<Hash32> leaf_hashes;
  for (std::size_t i = 0; i < leaves_hex.size(); ++i) {
    leaf_hashes.push_back(MerkleLeafHash(FromHex(leaves_hex[i]).value()));
    EXPECT_EQ(MerkleRoot(leaf_hashes).ToHex(), roots[i]) << "tree size " << i + 1;
  }
}

TEST(Merkle, EqualsNaiveDefinitionForEverySizeUpTo300) {
  std::vector<Hash32> leaves;
  for (int i = 0; i < 300; ++i) {
    const std::string s = "leaf " + std::to_string(i);
    leaves.push_back(MerkleLeafHash(AsBytes(s)));
    ASSERT_EQ(MerkleRoot(leaves), NaiveRoot(leaves, 0, leaves.size())) << "size " << i + 1;
  }
}

}  // namespace
}  // namespace tamga

// tests/ledger/merkle_log_test.cc
// The record log against the Certificate Transparency reference vectors and against the
// RFC 9162 definitions written out naively, for every tree size from 1 to 1,000.

#include "ledger/merkle_log.h"

#include <gtest/gtest.h>

#include <random>

#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/log_proof.h"
#include "tests/ledger/ct_vectors.h"

namespace tamga::ledger {
namespace {

std::vector<Hash32> Hashes(const std::vector<std::string>& hex) {
  std::vector<Hash32> out;
  for (const std::string& h : hex) out.push_back(Hash32::FromHex(h).value());
  return out;
}

// --- RFC 9162 section 2.1, as recursive as the RFC writes it ----------------------------

std::uint64_t K(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash32 NaiveMth(const std::vector<Hash32>& d, std::uint64_t b, std::uint64_t e) {
  if (e == b) return Sha256Of(ByteView());
  if (e - b == 1) return d[b];
  const std::uint64_t k = K(e - b);
  return MerkleNodeHash(NaiveMth(d, b, b + k), NaiveMth(d, b + k, e));
}

std::vector<Hash32> NaivePath(std::uint64_t m, const std::vector<Hash32>& d, std::uint64_t b,
                              std::uint64_t e) {
  if (e - b <= 1) return {};
  const std::uint64_t k = K(e - b);
  std::vector<Hash32> out;
  if (m < k) {
    out = NaivePath(m, d, b, b + k);
    out.push_back(NaiveMth(d, b + k, e));
  } else {
    out = NaivePath(m - k, d, b + k, e);
    out.push_back(NaiveMth(d, b, b + k));
  }
  return out;
}

std::vector<Hash32> NaiveSubproof(std::uint64_t m, const std::vector<Hash32>& d, std::uint64_t b,
                                  std::uint64_t e, bool whole) {
  if (m == e - b) return whole ? std::vector<Hash32>{} : std::vector<Hash32>{NaiveMth(d, b, e)};
  const std::uint64_t k = K(e - b);
  std::vector<Hash32> out;
  if (m <= k) {
    out = NaiveSubproof(m, d, b, b + k, whole);
    out.push_back(NaiveMth(d, b + k, e));
  } else {
    out = NaiveSubproof(m - k, d, b + k, e, false);
    out.push_back(NaiveMth(d, b, b + k));
  }
  return out;
}

class LogFixture : public ::testing::Test {
 protected:
  // Appends leaves "leaf i" in chunks of varying size, as blocks would.
  void Grow(std::uint64_t target) {
    std::mt19937_64 rng(target);
    while (leaf_hashes_.size() < target) {
      const std::uint64_t chunk =
          std::min<std::uint64_t>(target - leaf_hashes_.size(), 1 + rng() % 37);
      std::vector<Bytes> leaves;
      for (std::uint64_t i = 0; i < chunk; ++i) {
        const std::string s = "leaf " + std::to_string(leaf_hashes_.size() + i);
        leaves.emplace_back(s.begin(), s.end());
      }
      Overlay o(nullptr, &store_);
      const Hash32 root = MerkleLog::Append(o, leaf_hashes_.size(), leaves).value();
      WriteBatch b;
      o.AppendTo(b);
      ASSERT_TRUE(store_.Write(b, true).ok());
      for (const Bytes& l : leaves) leaf_hashes_.push_back(MerkleLeafHash(l));
      ASSERT_EQ(root, NaiveMth(leaf_hashes_, 0, leaf_hashes_.size()));
    }
  }
  MemKvStore store_;
  std::vector<Hash32> leaf_hashes_;
};

TEST(LogProof, CertificateTransparencyInclusionVectors) {
  std::vector<Hash32> leaves;
  for (const std::string& h : ct_vectors::kLeavesHex) {
    leaves.push_back(MerkleLeafHash(FromHex(h).value()));
  }
  for (const auto& v : ct_vectors::kInclusion) {
    SCOPED_TRACE("leaf " + std::to_string(v.leaf_index) + " of " + std::to_string(v.tree_size));
    const std::vector<Hash32> expected = Hashes(v.path_hex);
    const Hash32 root = NaiveMth(leaves, 0, v.tree_size);
    EXPECT_EQ(CheckInclusion(v.leaf_index, v.tree_size, leaves[v.leaf_index], expected, root),
              PathCheck::kOk);
    EXPECT_EQ(NaivePath(v.leaf_index, leaves, 0, v.tree_size), expected);
  }
}

TEST(LogProof, CertificateTransparencyConsistencyVectors) {
  std::vector<Hash32> leaves;
  for (const std::string& h : ct_vectors::kLeavesHex) {
    leaves.push_back(MerkleLeafHash(FromHex(h).value()));
  }
  for (const auto& v : ct_vectors::kConsistency) {
    SCOPED_TRACE(std::to_string(v.size1) + " -> " + std::to_string(v.size2));
    const std::vector<Hash32> expected = Hashes(v.proof_hex);
    EXPECT_EQ(CheckConsistency(v.size1, v.size2, NaiveMth(leaves, 0, v.size1),
                               NaiveMth(leaves, 0, v.size2), expected),
              PathCheck::kOk);
    auto range = [&](std::uint64_t b, std::uint64_t e) -> Result<Hash32> {
      return NaiveMth(leaves, b, e);
    };
    EXPECT_EQ(BuildConsistencyProof(v.size1, v.size2, range).value(), expected);
  }
}

TEST_F(LogFixture, RootsAndInclusionProofsMatchTheRfcForEverySizeTo1000) {
  Grow(1000);
  std::mt19937_64 rng(7);
  for (std::uint64_t n = 1; n <= 1000; ++n) {
    const Hash32 root = MerkleLog::Root(store_, n).value();
    ASSERT_EQ(root, NaiveMth(leaf_hashes_, 0, n)) << "size " << n;
    // The first, the last and two random leaves of every size.
    for (std::uint64_t m : {std::uint64_t{0}, n - 1, rng() % n, rng() % n}) {
      const std::vector<Hash32> path = MerkleLog::InclusionProof(store_, m, n).value();
      ASSERT_EQ(path, NaivePath(m, leaf_hashes_, 0, n)) << m << " of " << n;
      ASSERT_EQ(CheckInclusion(m, n, leaf_hashes_[m], path, root), PathCheck::kOk);
    }
  }
}

TEST_F(LogFixture, EveryInclusionProofOfSmallTreesVerifiesAndRejectsTheWrongLeaf) {
  Grow(70);
  for (std::uint64_t n = 1; n <= 70; ++n) {
    const Hash32 root = MerkleLog::Root(store_, n).value();
    for (std::uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash32> path = MerkleLog::InclusionProof(store_, m, n).value();
      ASSERT_EQ(CheckInclusion(m, n, leaf_hashes_[m], path, root), PathCheck::kOk);
      const Hash32 other = leaf_hashes_[(m + 1) % n];
      if (n > 1) {
        ASSERT_EQ(CheckInclusion(m, n, other, path, root), PathCheck::kRootMismatch);
      }
      // One sibling short or one too many: never a path for this position.
      if (!path.empty()) {
        std::vector<Hash32> shorter(path.begin(), path.end() - 1);
        ASSERT_EQ(CheckInclusion(m, n, leaf_hashes_[m], shorter, root), PathCheck::kBadPath);
      }
      std::vector<Hash32> longer = path;
      longer.push_back(root);
      ASSERT_EQ(CheckInclusion(m, n, leaf_hashes_[m], longer, root), PathCheck::kBadPath);
    }
  }
}

TEST_F(LogFixture, ConsistencyProofsMatchTheRfcAndVerify) {
  Grow(1000);
  std::mt19937_64 rng(11);
  auto check = [&](std::uint64_t m, std::uint64_t n) {
    const std::vector<Hash32> proof = MerkleLog::ConsistencyProof(store_, m, n).value();
    if (m > 0 && m < n) {
      ASSERT_EQ(proof, NaiveSubproof(m, leaf_hashes_, 0, n, true)) << m << " -> " << n;
    }
    const Hash32 r1 = NaiveMth(leaf_hashes_, 0, m), r2 = NaiveMth(leaf_hashes_, 0, n);
    ASSERT_EQ(CheckConsistency(m, n, r1, r2, proof), PathCheck::kOk) << m << " -> " << n;
    if (m > 0 && m < n) {
      const Hash32 wrong = NaiveMth(leaf_hashes_, 0, m - 1);
      ASSERT_NE(CheckConsistency(m, n, wrong, r2, proof), PathCheck::kOk);
    }
  };
  for (std::uint64_t n = 1; n <= 64; ++n) {
    for (std::uint64_t m = 0; m <= n; ++m) check(m, n);
  }
  for (std::uint64_t n = 65; n <= 1000; ++n) {
    check(1 + rng() % n, n);
    check(n - 1, n);
  }
}

TEST(LogProof, MalformedPathsAreBadPaths) {
  const Hash32 leaf = MerkleLeafHash(AsBytes("x"));
  EXPECT_EQ(CheckInclusion(5, 5, leaf, {}, leaf), PathCheck::kBadPath);      // Index past end.
  EXPECT_EQ(CheckInclusion(0, 1, leaf, {leaf}, leaf), PathCheck::kBadPath);  // Too long.
  EXPECT_EQ(CheckInclusion(0, 4, leaf, {leaf}, leaf), PathCheck::kBadPath);  // Too short.
  EXPECT_EQ(CheckConsistency(4, 2, leaf, leaf, {}), PathCheck::kBadPath);
  EXPECT_EQ(CheckConsistency(2, 4, leaf, leaf, {}), PathCheck::kBadPath);
  EXPECT_EQ(CheckConsistency(3, 3, leaf, leaf, {leaf}), PathCheck::kBadPath);
}

TEST(LogProof, BuildersRefuseImpossibleRequests) {
  auto none = [](std::uint64_t, std::uint64_t) -> Result<Hash32> { return Hash32(); };
  EXPECT_FALSE(BuildInclusionProof(3, 3, none).ok());
  EXPECT_FALSE(BuildConsistencyProof(4, 3, none).ok());
}

TEST(MerkleLogStore, AMissingNodeIsCorruptionNotACrash) {
  MemKvStore empty;
  EXPECT_EQ(MerkleLog::Root(empty, 5).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(MerkleLog::Leaf(empty, 0).error().code(), StatusCode::kNotFound);
}

// A node started from a snapshot knows the log by its last leaf and that leaf's path. From
// there it must append, compute roots and prove every later leaf exactly as a node that
// holds the whole log: checked for every size up to 130, appending 40 more leaves.
TEST_F(LogFixture, TheRightEdgeAloneCarriesTheLogOn) {
  Grow(170);
  auto leaf = [](std::uint64_t i) {
    const std::string s = "leaf " + std::to_string(i);
    return Bytes(s.begin(), s.end());
  };
  for (std::uint64_t size = 1; size <= 130; ++size) {
    MemKvStore edge;
    const auto path = MerkleLog::InclusionProof(store_, size - 1, size).value();
    Overlay o(nullptr, &edge);
    ASSERT_TRUE(MerkleLog::InstallRightEdge(o, size, leaf(size - 1), path).ok()) << size;
    for (std::uint64_t n = size; n < size + 40; ++n) {
      const std::vector<Bytes> one{leaf(n)};
      ASSERT_EQ(MerkleLog::Append(o, n, one).value(), NaiveMth(leaf_hashes_, 0, n + 1))
          << "snapshot at " << size << ", appending " << n;
      for (std::uint64_t m = size - 1; m <= n; ++m) {
        ASSERT_EQ(MerkleLog::InclusionProof(o, m, n + 1).value(),
                  MerkleLog::InclusionProof(store_, m, n + 1).value())
            << "snapshot at " << size << ", leaf " << m << " of " << n + 1;
      }
    }
    EXPECT_EQ(MerkleLog::Root(o, size + 40).value(), MerkleLog::Root(store_, size + 40).value());
  }
  MemKvStore edge;
  Overlay o(nullptr, &edge);
  const auto path = MerkleLog::InclusionProof(store_, 9, 10).value();
  EXPECT_FALSE(MerkleLog::InstallRightEdge(o, 12, leaf(9), path).ok());  // Wrong length.
  EXPECT_FALSE(MerkleLog::InstallRightEdge(o, 0, leaf(0), {}).ok());
}

}  // namespace
}  // namespace tamga::ledger

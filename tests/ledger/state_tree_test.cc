// tests/ledger/state_tree_test.cc
// The state tree against a plain map: roots independent of history and batching, proofs
// of presence and absence that verify (and fail when anything is changed), old roots that
// stay readable.

#include "ledger/state_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <random>

#include "common/sha256.h"

namespace tamga::ledger {
namespace {

Hash32 KeyOf(std::uint64_t i) {
  Bytes b;
  AppendU64(b, i);
  return StateKeyOf(b);
}

Bytes ValueOf(std::uint64_t i, std::uint64_t version) {
  const std::string s = "value " + std::to_string(i) + "/" + std::to_string(version);
  return Bytes(s.begin(), s.end());
}

class StateFixture : public ::testing::Test {
 protected:
  Hash32 Apply(const Hash32& root, std::vector<StateWrite> writes) {
    Overlay o(nullptr, &store_);
    const Hash32 out = StateTree::Update(o, root, std::move(writes), nodes_).value();
    WriteBatch b;
    o.AppendTo(b);
    EXPECT_TRUE(store_.Write(b, true).ok());
    return out;
  }
  // The root of `model` built from nothing in one batch, in a separate store.
  static Hash32 FromScratch(const std::map<Hash32, Bytes>& model) {
    MemKvStore s;
    Overlay o(nullptr, &s);
    std::vector<StateWrite> w;
    for (const auto& [k, v] : model) w.push_back({k, v});
    return StateTree::Update(o, Hash32(), w).value();
  }
  void ExpectProofs(const Hash32& root, const std::map<Hash32, Bytes>& model,
                    std::uint64_t key_space) {
    for (std::uint64_t i = 0; i < key_space; ++i) {
      const Hash32 k = KeyOf(i);
      auto [value, proof] = StateTree::Prove(store_, root, k).value();
      auto it = model.find(k);
      if (it == model.end()) {
        ASSERT_FALSE(value.has_value());
        ASSERT_EQ(CheckStateProof(root, k, std::nullopt, proof), PathCheck::kOk);
        ASSERT_NE(CheckStateProof(root, k, Sha256Of(ValueOf(i, 0)), proof), PathCheck::kOk);
      } else {
        ASSERT_EQ(value, it->second);
        ASSERT_EQ(CheckStateProof(root, k, Sha256Of(it->second), proof), PathCheck::kOk);
        ASSERT_NE(CheckStateProof(root, k, std::nullopt, proof), PathCheck::kOk);
        ASSERT_NE(CheckStateProof(root, k, Sha256Of(AsBytes("other")), proof), PathCheck::kOk);
      }
    }
  }
  // `blocks` blocks of `writes(block)` random writes or deletions over keys 0..key_space-1,
  // each applied on the last: the root and model after each block.
  std::vector<std::pair<Hash32, std::map<Hash32, Bytes>>> RandomHistory(
      std::mt19937_64& rng, std::uint64_t blocks, std::uint64_t key_space,
      const std::function<std::uint64_t()>& writes_per_block) {
    std::map<Hash32, Bytes> model;
    Hash32 root;
    std::vector<std::pair<Hash32, std::map<Hash32, Bytes>>> versions;
    for (std::uint64_t block = 1; block <= blocks; ++block) {
      std::vector<StateWrite> writes;
      const std::uint64_t n = writes_per_block();
      for (std::uint64_t j = 0; j < n; ++j) {
        const std::uint64_t i = rng() % key_space;
        if (rng() % 4 == 0) {
          writes.push_back({KeyOf(i), std::nullopt});
          model.erase(KeyOf(i));
        } else {
          writes.push_back({KeyOf(i), ValueOf(i, block)});
          model[KeyOf(i)] = ValueOf(i, block);
        }
      }
      root = Apply(root, writes);
      versions.emplace_back(root, model);
    }
    return versions;
  }
  MemKvStore store_;
  const StateNodeCache* nodes_ = nullptr;  // Through which Apply reads and makes nodes.
};

TEST_F(StateFixture, EmptyTreeHasTheZeroRootAndProvesAbsence) {
  const Hash32 root = Apply(Hash32(), {});
  EXPECT_EQ(root, Hash32());
  auto [value, proof] = StateTree::Prove(store_, root, KeyOf(1)).value();
  EXPECT_FALSE(value);
  EXPECT_EQ(CheckStateProof(root, KeyOf(1), std::nullopt, proof), PathCheck::kOk);
}

TEST_F(StateFixture, OneEntryIsTheRootLeaf) {
  const Hash32 root = Apply(Hash32(), {{KeyOf(1), ValueOf(1, 0)}});
  EXPECT_EQ(root, StateLeafHash(KeyOf(1), Sha256Of(ValueOf(1, 0))));
}

TEST_F(StateFixture, RandomHistoryMatchesAModelAndARebuildAndOldRootsStayReadable) {
  std::mt19937_64 rng(2024);
  constexpr std::uint64_t kKeys = 300;
  const auto versions = RandomHistory(rng, 60, kKeys, [&] { return rng() % 40; });
  for (std::size_t v = 0; v < versions.size(); ++v) {
    ASSERT_EQ(versions[v].first, FromScratch(versions[v].second)) << "block " << v + 1;
  }
  const auto& [root, model] = versions.back();
  ExpectProofs(root, model, kKeys);
  // Every past version still answers as it did.
  for (std::size_t v = 0; v < versions.size(); v += 7) {
    for (std::uint64_t i = 0; i < kKeys; i += 13) {
      auto it = versions[v].second.find(KeyOf(i));
      const std::optional<Bytes> expected =
          it == versions[v].second.end() ? std::nullopt : std::optional<Bytes>(it->second);
      ASSERT_EQ(StateTree::Get(store_, versions[v].first, KeyOf(i)).value(), expected);
    }
  }
}

TEST_F(StateFixture, AValueCacheAnswersAsTheTreeDoesUnderEveryRoot) {
  // A cache smaller than what is read, so both generations turn over.
  const StateValueCache values(64);
  std::mt19937_64 rng(7);
  constexpr std::uint64_t kKeys = 100;
  const auto versions = RandomHistory(rng, 20, kKeys, [] { return 10; });
  // Reads of every version, in a shuffled order and twice, through cached readers: each
  // answers what its own root holds (a key changed in a later block, or removed, included).
  std::vector<std::pair<std::size_t, std::uint64_t>> reads;
  for (std::size_t v = 0; v < versions.size(); ++v) {
    for (std::uint64_t i = 0; i < kKeys; ++i) reads.emplace_back(v, i);
  }
  for (int pass = 0; pass < 2; ++pass) {
    std::shuffle(reads.begin(), reads.end(), rng);
    for (const auto& [v, i] : reads) {
      const TreeStateReader cached(nullptr, store_, versions[v].first, &values);
      auto it = versions[v].second.find(KeyOf(i));
      const std::optional<Bytes> expected =
          it == versions[v].second.end() ? std::nullopt : std::optional<Bytes>(it->second);
      ASSERT_EQ(cached.Get(KeyOf(i)).value(), expected) << "version " << v << ", key " << i;
      ASSERT_LE(values.size(), 64u) << "the cache outgrew its capacity";
    }
  }
}

TEST(StateNodeCache, FindsWhatWasPutAndStaysWithinTwoGenerations) {
  const StateNodeCache cache(16);  // 16 slots a generation: at most 12 entries in each.
  auto node = [](std::uint8_t i) {
    StateNodeCache::Node n{};
    n.fill(i);
    return n;
  };
  auto hash = [](std::uint8_t i) { return Sha256Of(Bytes{i}); };
  StateNodeCache::Node got;
  EXPECT_FALSE(cache.Find(hash(1), got));
  cache.Put(hash(1), node(1));
  ASSERT_TRUE(cache.Find(hash(1), got));
  EXPECT_EQ(got, node(1));
  for (std::uint8_t i = 2; i < 100; ++i) {
    cache.Put(hash(i), node(i));
    ASSERT_LE(cache.size(), 24u);
    // The newest twelve are always there, each with its own node.
    for (std::uint8_t j = i >= 12 ? i - 11 : 1; j <= i; ++j) {
      ASSERT_TRUE(cache.Find(hash(j), got)) << int{i} << " " << int{j};
      ASSERT_EQ(got, node(j));
    }
  }
  EXPECT_FALSE(cache.Find(hash(1), got)) << "an entry outlived two generations";
}

TEST(StateNodeCache, GrowsItsTableWithoutLosingEntries) {
  const StateNodeCache cache(1 << 14);
  for (std::uint32_t i = 0; i < 12'000; ++i) {
    StateNodeCache::Node n{};
    std::memcpy(n.data(), &i, sizeof i);
    cache.Put(KeyOf(i), n);
  }
  EXPECT_EQ(cache.size(), 12'000u);
  for (std::uint32_t i = 0; i < 12'000; ++i) {
    StateNodeCache::Node n;
    ASSERT_TRUE(cache.Find(KeyOf(i), n)) << i;
    std::uint32_t back;
    std::memcpy(&back, n.data(), sizeof back);
    ASSERT_EQ(back, i);
  }
}

TEST_F(StateFixture, ANodeCacheChangesNoRootNoValueAndNoProof) {
  // A cache far smaller than the tree, so its generations turn over many times; updates
  // that are never written (a block executed and abandoned) leave their nodes in it.
  const StateNodeCache nodes(64);
  nodes_ = &nodes;
  std::mt19937_64 rng(99);
  constexpr std::uint64_t kKeys = 300;
  const auto versions = RandomHistory(rng, 40, kKeys, [&] {
    Overlay abandoned(nullptr, &store_);
    std::vector<StateWrite> w{{KeyOf(rng() % kKeys), ValueOf(0, 99)}};
    EXPECT_TRUE(StateTree::Update(abandoned, Hash32(), w, &nodes).ok());
    return rng() % 40;
  });
  for (std::size_t v = 0; v < versions.size(); ++v) {
    ASSERT_EQ(versions[v].first, FromScratch(versions[v].second)) << "block " << v + 1;
  }
  for (std::size_t v = 0; v < versions.size(); v += 5) {
    for (std::uint64_t i = 0; i < kKeys; i += 7) {
      const Hash32& root = versions[v].first;
      auto plain = StateTree::Prove(store_, root, KeyOf(i)).value();
      auto cached = StateTree::Prove(store_, root, KeyOf(i), &nodes).value();
      ASSERT_EQ(cached.first, plain.first);
      ASSERT_EQ(cached.second, plain.second);
      const TreeStateReader reader(nullptr, store_, root, nullptr, &nodes);
      ASSERT_EQ(reader.Get(KeyOf(i)).value(), plain.first);
    }
  }
}

TEST_F(StateFixture, DeletingEverythingReturnsToTheEmptyRoot) {
  std::vector<StateWrite> add, del;
  for (std::uint64_t i = 0; i < 50; ++i) {
    add.push_back({KeyOf(i), ValueOf(i, 0)});
    del.push_back({KeyOf(i), std::nullopt});
  }
  const Hash32 full = Apply(Hash32(), add);
  EXPECT_NE(full, Hash32());
  EXPECT_EQ(Apply(full, del), Hash32());
}

TEST_F(StateFixture, BatchingAndOrderDoNotChangeTheRoot) {
  std::vector<StateWrite> writes;
  for (std::uint64_t i = 0; i < 200; ++i) writes.push_back({KeyOf(i), ValueOf(i, 1)});
  const Hash32 batched = Apply(Hash32(), writes);
  Hash32 one_by_one;
  for (auto it = writes.rbegin(); it != writes.rend(); ++it) one_by_one = Apply(one_by_one, {*it});
  EXPECT_EQ(batched, one_by_one);
}

TEST_F(StateFixture, TheLastWriteOfAKeyInABatchCounts) {
  const Hash32 a = Apply(Hash32(), {{KeyOf(1), ValueOf(1, 1)}, {KeyOf(1), ValueOf(1, 2)}});
  EXPECT_EQ(a, StateLeafHash(KeyOf(1), Sha256Of(ValueOf(1, 2))));
  const Hash32 b = Apply(Hash32(), {{KeyOf(1), ValueOf(1, 1)}, {KeyOf(1), std::nullopt}});
  EXPECT_EQ(b, Hash32());
}

TEST_F(StateFixture, ForgedProofsFail) {
  std::vector<StateWrite> writes;
  for (std::uint64_t i = 0; i < 64; ++i) writes.push_back({KeyOf(i), ValueOf(i, 0)});
  const Hash32 root = Apply(Hash32(), writes);
  auto [value, proof] = StateTree::Prove(store_, root, KeyOf(5)).value();
  ASSERT_TRUE(value);
  ASSERT_FALSE(proof.siblings.empty());
  // Presence claimed with a proof that ends at another key's leaf.
  auto [v2, other] = StateTree::Prove(store_, root, KeyOf(6)).value();
  EXPECT_EQ(CheckStateProof(root, KeyOf(5), Sha256Of(*value), other), PathCheck::kBadPath);
  // A changed sibling.
  StateProof bad = proof;
  bad.siblings[0].data()[0] ^= 1;
  EXPECT_EQ(CheckStateProof(root, KeyOf(5), Sha256Of(*value), bad), PathCheck::kRootMismatch);
  // A dropped sibling.
  bad = proof;
  bad.siblings.pop_back();
  EXPECT_NE(CheckStateProof(root, KeyOf(5), Sha256Of(*value), bad), PathCheck::kOk);
  // Absence shown by a leaf off the key's path.
  const Hash32 absent = KeyOf(1000);
  auto [none, absence] = StateTree::Prove(store_, root, absent).value();
  ASSERT_FALSE(none);
  StateProof off_path = absence;
  off_path.leaf = StateLeaf{KeyOf(5), Sha256Of(*value)};
  EXPECT_NE(CheckStateProof(root, absent, std::nullopt, off_path), PathCheck::kOk);
  // Absence of a key whose path leaves KeyOf(5)'s at the first bit, "shown" by KeyOf(5)'s
  // presence proof: refused by the shared-prefix rule before any hashing.
  Hash32 elsewhere = KeyOf(5);
  elsewhere.data()[0] ^= 0x80;
  EXPECT_EQ(CheckStateProof(root, elsewhere, std::nullopt, proof), PathCheck::kBadPath);
  // Too deep.
  bad = proof;
  bad.siblings.resize(257);
  EXPECT_EQ(CheckStateProof(root, KeyOf(5), Sha256Of(*value), bad), PathCheck::kBadPath);
}

TEST_F(StateFixture, AMissingNodeIsCorruption) {
  Hash32 bogus;
  bogus.data()[0] = 1;
  EXPECT_EQ(StateTree::Get(store_, bogus, KeyOf(1)).error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tamga::ledger

// tests/node/checkpoints_test.cc
// The checkpoint collector (node/checkpoints.h) on its own: four validators' collectors
// exchange their signatures by hand; a checkpoint is published at a quorum and verifies as a
// C2SP signed note; signatures from outside the epoch, wrong ones, early ones and requests
// for a reply are each handled as the header says.

#include "node/checkpoints.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/sha256.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace tamga::node {
namespace {

struct Four {
  std::vector<SecretKey> keys;
  ValidatorSet set;
  std::vector<CheckpointCollector> nodes;
  std::string origin = tlog::ChainOrigin(Sha256Of(AsBytes("checkpoints test chain")));

  Four() {
    set.epoch = Epoch(3);
    for (int i = 0; i < 4; ++i) {
      keys.push_back(SecretKey::Generate());
      set.validators.push_back(keys.back().public_key());
      nodes.emplace_back(origin, keys.back());
    }
  }
};

Hash32 Root(std::uint64_t size) { return Sha256Of(AsBytes("root " + std::to_string(size))); }

TEST(Checkpoints, AQuorumOfSignaturesPublishesANoteThatVerifies) {
  Four f;
  std::vector<net::CheckpointSignature> sent;
  for (int i = 0; i < 3; ++i) {
    auto sig = f.nodes[i].OnCommitted(f.set, 10, Root(10));
    ASSERT_TRUE(sig.has_value());
    EXPECT_EQ(sig->tree_size, 10u);
    sent.push_back(*sig);
  }
  // Node 0 alone, then with node 1: below a quorum of three.
  EXPECT_FALSE(f.nodes[0].latest().has_value());
  ASSERT_TRUE(f.nodes[0].OnSignature(f.set.validators[1], sent[1]).status.ok());
  EXPECT_FALSE(f.nodes[0].latest().has_value());
  ASSERT_TRUE(f.nodes[0].OnSignature(f.set.validators[2], sent[2]).status.ok());
  const auto& published = f.nodes[0].latest();
  ASSERT_TRUE(published.has_value());
  EXPECT_EQ(published->checkpoint.size, 10u);
  EXPECT_EQ(published->checkpoint.root, Root(10));
  EXPECT_EQ(published->signers.size(), 3u);

  auto note = tlog::ParseNote(published->note);
  ASSERT_TRUE(note.ok()) << published->note;
  std::vector<tlog::NoteVerifier> known;
  for (const PublicKey& k : f.set.validators) known.push_back(tlog::MakeVerifier(f.origin, k));
  auto verified = tlog::VerifyNote(*note, known);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_EQ(verified->size(), 3u);
  auto cp = tlog::ParseCheckpointText(note->text);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->origin, f.origin);

  // The same size committed again (an empty block) is not signed again.
  EXPECT_FALSE(f.nodes[0].OnCommitted(f.set, 10, Root(10)).has_value());
}

TEST(Checkpoints, OutsidersAndWrongSignaturesAreRefusedAndChangeNothing) {
  Four f;
  auto own = f.nodes[0].OnCommitted(f.set, 5, Root(5));
  ASSERT_TRUE(own.has_value());
  const SecretKey outsider = SecretKey::Generate();
  net::CheckpointSignature forged = *own;
  forged.signature = outsider.SignRaw(AsBytes("something else"));
  EXPECT_EQ(f.nodes[0].OnSignature(outsider.public_key(), forged).status.code(),
            StatusCode::kPermissionDenied);
  // A validator's key with a signature that is not over this checkpoint.
  EXPECT_EQ(f.nodes[0].OnSignature(f.set.validators[1], forged).status.code(),
            StatusCode::kBadSignature);
  // Node 1's real signature of another root for the same size does not verify here.
  CheckpointCollector other(f.origin, f.keys[1]);
  auto wrong_root = other.OnCommitted(f.set, 5, Root(6));
  ASSERT_TRUE(wrong_root.has_value());
  EXPECT_EQ(f.nodes[0].OnSignature(f.set.validators[1], *wrong_root).status.code(),
            StatusCode::kBadSignature);
  EXPECT_FALSE(f.nodes[0].latest().has_value());
}

TEST(Checkpoints, SignaturesThatArriveBeforeTheCommitCountOnceItComes) {
  Four f;
  auto s1 = f.nodes[1].OnCommitted(f.set, 7, Root(7));
  auto s2 = f.nodes[2].OnCommitted(f.set, 7, Root(7));
  ASSERT_TRUE(s1 && s2);
  EXPECT_TRUE(f.nodes[0].OnSignature(f.set.validators[1], *s1).status.ok());
  EXPECT_TRUE(f.nodes[0].OnSignature(f.set.validators[2], *s2).status.ok());
  EXPECT_FALSE(f.nodes[0].latest().has_value());
  f.nodes[0].OnCommitted(f.set, 7, Root(7));
  ASSERT_TRUE(f.nodes[0].latest().has_value());
  EXPECT_EQ(f.nodes[0].latest()->signers.size(), 3u);
}

TEST(Checkpoints, ANodeWithoutACheckpointAsksAndSignersAnswer) {
  Four f;
  for (auto& n : f.nodes) n.OnCommitted(f.set, 4, Root(4));
  // Node 3 just restarted: nothing published; it resends its own signature asking for a
  // reply, and each peer that signed that size answers with its own.
  auto ask = f.nodes[3].Resend();
  ASSERT_TRUE(ask.has_value());
  EXPECT_TRUE(ask->want_reply);
  for (int i = 0; i < 2; ++i) {
    auto r = f.nodes[i].OnSignature(f.set.validators[3], *ask);
    ASSERT_TRUE(r.status.ok());
    ASSERT_TRUE(r.reply.has_value());
    EXPECT_FALSE(r.reply->want_reply);
    EXPECT_TRUE(f.nodes[3].OnSignature(f.set.validators[i], *r.reply).status.ok());
  }
  ASSERT_TRUE(f.nodes[3].latest().has_value());
  EXPECT_FALSE(f.nodes[3].Resend().has_value());  // Published: nothing more to ask.
}

TEST(Checkpoints, ANewEpochSignsTheSameSizeAgainAndANonValidatorOnlyCollects) {
  Four f;
  for (int i = 0; i < 3; ++i) {
    auto s = f.nodes[i].OnCommitted(f.set, 9, Root(9));
    for (int j = 0; j < 3; ++j) {
      if (j != i) (void)f.nodes[j].OnSignature(f.set.validators[i], *s);
    }
  }
  ASSERT_TRUE(f.nodes[0].latest().has_value());
  ValidatorSet next = f.set;
  next.epoch = Epoch(4);
  next.validators.erase(next.validators.begin() + 3);
  EXPECT_TRUE(f.nodes[0].OnCommitted(next, 9, Root(9)).has_value());
  // Node 3 is not a validator of epoch 4: it signs nothing, but gathers the others'.
  EXPECT_FALSE(f.nodes[3].OnCommitted(next, 9, Root(9)).has_value());
  for (int i = 0; i < 3; ++i) {
    auto s = f.nodes[i].OnCommitted(next, 9, Root(9));
    if (i == 0) {
      s = net::CheckpointSignature{
          next.epoch, 9,
          f.keys[0].SignRaw(AsBytes(tlog::FormatCheckpointText({f.origin, 9, Root(9), {}}))),
          false};
    }
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(f.nodes[3].OnSignature(f.set.validators[i], *s).status.ok());
  }
  ASSERT_TRUE(f.nodes[3].latest().has_value());
  EXPECT_EQ(f.nodes[3].latest()->validators.epoch, Epoch(4));
  EXPECT_EQ(f.nodes[3].latest()->signers.size(), 3u);
}

}  // namespace
}  // namespace tamga::node

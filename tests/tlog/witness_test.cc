// tests/tlog/witness_test.cc
// The witness's add-checkpoint decisions over a real Merkle tree and a log of four keys
// with a quorum of three: the first cosignature, the 409 that tells a client the size to
// prove from, growth by a consistency proof, and each refusal (413, 400, 404, 403, 409,
// 422) in the specification's order, with the state untouched; the state's text form.

#include "tlog/witness.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/merkle.h"
#include "ledger/log_proof.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"

namespace tamga::tlog {
namespace {

constexpr std::string_view kWitnessName = "witness.example/w1";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kSizeType = "text/x.tlog.size";
constexpr std::uint64_t kNow = 1700000000;

SecretKey Key(std::uint8_t fill) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(fill);
  return SecretKey::FromSeed(seed);
}

class WitnessTest : public ::testing::Test {
 protected:
  WitnessTest() {
    for (std::uint8_t i = 0; i < 4; ++i)
      validators_.push_back(Key(static_cast<std::uint8_t>(i + 1)));
    for (int i = 0; i < 12; ++i) {
      leaves_.push_back(MerkleLeafHash(AsBytes("record " + std::to_string(i))));
    }
  }

  std::string Origin() const { return ChainOrigin(Hash32::FromView(Bytes(32, 7))); }

  WitnessedLog Followed() const {
    WitnessedLog log{Origin(), {}, 3};
    for (const SecretKey& k : validators_) log.keys.push_back(k.public_key());
    return log;
  }

  Witness Make(WitnessState state = {}) const {
    return Witness(std::string(kWitnessName), Key(9), {Followed()}, std::move(state));
  }

  Hash32 Root(std::uint64_t size) const {
    return MerkleRoot(
        std::vector<Hash32>(leaves_.begin(), leaves_.begin() + static_cast<long>(size)));
  }

  std::vector<Hash32> Proof(std::uint64_t from, std::uint64_t to) const {
    const ledger::SubtreeHashFn range = [&](std::uint64_t start,
                                            std::uint64_t end) -> Result<Hash32> {
      return MerkleRoot(std::vector<Hash32>(leaves_.begin() + static_cast<long>(start),
                                            leaves_.begin() + static_cast<long>(end)));
    };
    return ledger::BuildConsistencyProof(from, to, range).value();
  }

  std::string Text(std::uint64_t size) const { return TextWithRoot(size, Root(size)); }
  std::string TextWithRoot(std::uint64_t size, const Hash32& root) const {
    return FormatCheckpointText({Origin(), size, root, {}});
  }

  // The checkpoint note of `text` signed by the validators at `signers`.
  std::string Signed(const std::string& text, const std::vector<int>& signers) const {
    std::string note = text + "\n";
    for (int i : signers)
      note += SignatureLine(text, Origin(), validators_[static_cast<std::size_t>(i)]);
    return note;
  }

  static std::string Body(std::uint64_t old_size, const std::vector<Hash32>& proof,
                          const std::string& note) {
    std::string body = "old " + std::to_string(old_size) + "\n";
    for (const Hash32& h : proof) body += Base64Encode(h.view()) + "\n";
    return body + "\n" + note;
  }

  // Checks a 200 and returns the cosignature's timestamp (0 after a failure).
  static std::uint64_t CosignedAt(const WitnessAnswer& a, const Witness& w,
                                  const std::string& note) {
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.content_type, kTextType);
    const Result<Note> cosigned = ParseNote(note + a.body);
    if (a.status != 200 || !cosigned) {
      ADD_FAILURE() << "no cosignature line in " << a.body;
      return 0;
    }
    const NoteSignature& line = cosigned->signatures.back();
    EXPECT_EQ(FormatSignatureLine(line), a.body);
    const Result<std::uint64_t> at = VerifyCosignature(cosigned->text, line, w.verifier());
    EXPECT_TRUE(at.ok()) << at.error().ToString();
    return at.ok() ? *at : 0;
  }

  static void ExpectConflict(const WitnessAnswer& a, std::uint64_t latest) {
    EXPECT_EQ(a.status, 409) << a.body;
    EXPECT_EQ(a.content_type, kSizeType);
    EXPECT_EQ(a.body, std::to_string(latest) + "\n");
    EXPECT_FALSE(a.updated);
  }

  std::vector<SecretKey> validators_;
  std::vector<Hash32> leaves_;
};

TEST_F(WitnessTest, CosignsThenGrowsByAConsistencyProof) {
  Witness w = Make();
  EXPECT_EQ(w.name(), kWitnessName);
  EXPECT_EQ(w.verifier(), MakeCosignatureVerifier(std::string(kWitnessName), Key(9).public_key()));

  const std::string five = Signed(Text(5), {0, 1, 2});
  const WitnessAnswer first = w.AddCheckpoint(Body(0, {}, five), kNow);
  EXPECT_EQ(CosignedAt(first, w, five), kNow);
  EXPECT_EQ(first.origin, Origin());
  ASSERT_TRUE(first.updated);
  EXPECT_EQ(*first.updated, (WitnessLatest{5, Root(5)}));
  EXPECT_EQ(w.state().latest.at(Origin()), (WitnessLatest{5, Root(5)}));

  // A client that knows nothing learns the size to prove from.
  ExpectConflict(w.AddCheckpoint(Body(0, {}, Signed(Text(9), {1, 2, 3})), kNow + 1), 5);
  ExpectConflict(w.AddCheckpoint(Body(0, {}, five), kNow + 1), 5);

  const std::string nine = Signed(Text(9), {1, 2, 3});
  ASSERT_FALSE(Proof(5, 9).empty());
  const WitnessAnswer grown = w.AddCheckpoint(Body(5, Proof(5, 9), nine), kNow + 2);
  EXPECT_EQ(CosignedAt(grown, w, nine), kNow + 2);
  EXPECT_EQ(*grown.updated, (WitnessLatest{9, Root(9)}));
  EXPECT_EQ(w.state().latest.at(Origin()), (WitnessLatest{9, Root(9)}));
  ExpectConflict(w.AddCheckpoint(Body(5, Proof(5, 9), nine), kNow + 3), 9);

  // The same checkpoint again: cosigned at the new time, nothing to store.
  const WitnessAnswer again = w.AddCheckpoint(Body(9, {}, Signed(Text(9), {0, 3, 2})), kNow + 4);
  EXPECT_EQ(CosignedAt(again, w, nine), kNow + 4);
  EXPECT_FALSE(again.updated);
  EXPECT_EQ(w.state().latest.at(Origin()), (WitnessLatest{9, Root(9)}));
}

TEST_F(WitnessTest, ContinuesFromAStoredState) {
  Witness before = Make();
  ASSERT_EQ(before.AddCheckpoint(Body(0, {}, Signed(Text(5), {0, 1, 2})), kNow).status, 200);
  const WitnessState stored = DecodeWitnessState(EncodeWitnessState(before.state())).value();
  EXPECT_EQ(stored, before.state());

  Witness after = Make(stored);
  ExpectConflict(after.AddCheckpoint(Body(0, {}, Signed(Text(9), {0, 1, 2})), kNow), 5);
  const std::string twelve = Signed(Text(12), {3, 1, 0});
  EXPECT_EQ(CosignedAt(after.AddCheckpoint(Body(5, Proof(5, 12), twelve), kNow), after, twelve),
            kNow);
}

TEST_F(WitnessTest, AWrongProofIs422AndChangesNothing) {
  Witness w = Make();
  ASSERT_EQ(w.AddCheckpoint(Body(0, {}, Signed(Text(5), {0, 1, 2})), kNow).status, 200);
  const WitnessState state = w.state();
  const std::string nine = Signed(Text(9), {0, 1, 2});

  std::vector<std::vector<Hash32>> wrong;
  for (std::size_t i = 0; i < Proof(5, 9).size(); ++i) {
    std::vector<Hash32> p = Proof(5, 9);
    p[i].data()[0] ^= 0x01;
    wrong.push_back(p);
  }
  std::vector<Hash32> shorter = Proof(5, 9);
  shorter.pop_back();
  std::vector<Hash32> longer = Proof(5, 9);
  longer.push_back(Root(5));
  wrong.insert(wrong.end(), {{}, shorter, longer, Proof(4, 9), Proof(5, 8)});
  for (const std::vector<Hash32>& p : wrong) {
    const WitnessAnswer a = w.AddCheckpoint(Body(5, p, nine), kNow);
    EXPECT_EQ(a.status, 422) << a.body;
    EXPECT_EQ(a.content_type, kTextType);
    EXPECT_EQ(a.origin, Origin());
    EXPECT_FALSE(a.updated);
    EXPECT_EQ(w.state(), state);
  }
  // A proof between equal sizes, or from 0, must be empty.
  EXPECT_EQ(w.AddCheckpoint(Body(5, {Root(5)}, Signed(Text(5), {0, 1, 2})), kNow).status, 422);
  Witness fresh = Make();
  EXPECT_EQ(fresh.AddCheckpoint(Body(0, {Root(5)}, Signed(Text(5), {0, 1, 2})), kNow).status, 422);
  EXPECT_TRUE(fresh.state().latest.empty());
}

TEST_F(WitnessTest, SignaturesNeedAQuorumOfTheLogsKeys) {
  Witness w = Make();
  const std::string text = Text(5);
  for (const std::vector<int>& signers : std::vector<std::vector<int>>{{0, 1}, {3}, {2, 2, 2}}) {
    const WitnessAnswer a = w.AddCheckpoint(Body(0, {}, Signed(text, signers)), kNow);
    EXPECT_EQ(a.status, 403) << a.body;
    EXPECT_EQ(a.content_type, kTextType);
  }
  // Unknown keys are ignored, whatever their lines hold; a quorum still passes.
  const std::string stranger = SignatureLine(text, Origin(), Key(20));
  const std::string other_name = SignatureLine(text, "someone.else", validators_[3]);
  const std::string ghost = "\xE2\x80\x94 " + Origin() + " " + Base64Encode(Bytes(5, 9)) + "\n";
  EXPECT_EQ(w.AddCheckpoint(Body(0, {}, Signed(text, {0, 1}) + stranger + other_name + ghost), kNow)
                .status,
            403);
  const std::string ok = Signed(text, {0, 1}) + stranger + ghost + other_name +
                         SignatureLine(text, Origin(), validators_[2]);
  EXPECT_EQ(CosignedAt(w.AddCheckpoint(Body(0, {}, ok), kNow), w, ok), kNow);

  // Any failing signature by a known key refuses the checkpoint, even beside a quorum.
  Witness fresh = Make();
  const std::string bad_line = SignatureLine(Text(6), Origin(), validators_[3]);
  const std::string bad = Signed(text, {0, 1, 2}) + bad_line;
  const WitnessAnswer a = fresh.AddCheckpoint(Body(0, {}, bad), kNow);
  EXPECT_EQ(a.status, 403) << a.body;
  EXPECT_TRUE(fresh.state().latest.empty());
  // A quorum for another log's origin does not count: those lines are unknown keys.
  std::string renamed = text + "\n";
  for (int i : {0, 1, 2}) renamed += SignatureLine(text, "other.example/log", validators_[i]);
  EXPECT_EQ(fresh.AddCheckpoint(Body(0, {}, renamed), kNow).status, 403);
}

TEST_F(WitnessTest, NewSignersCountOnlyOnceTheWitnessIsToldOfThem) {
  Witness w = Make();
  const std::string first = Signed(Text(5), {0, 1, 2});
  CosignedAt(w.AddCheckpoint(Body(0, {}, first), kNow), w, first);
  // The set changes: validators 0 and 1 leave, a new one joins (quorum 2 of 3).
  validators_.push_back(Key(30));
  const std::string later = Signed(Text(9), {2, 3, 4});
  EXPECT_EQ(w.AddCheckpoint(Body(5, Proof(5, 9), later), kNow).status, 403);
  WitnessedLog changed{Origin(), {}, 2, 1};
  for (std::size_t i : {2u, 3u, 4u}) changed.keys.push_back(validators_[i].public_key());
  ASSERT_TRUE(w.SetLogKeys(changed).ok());
  CosignedAt(w.AddCheckpoint(Body(5, Proof(5, 9), later), kNow + 1), w, later);
  // The old signers no longer count, and what was cosigned is still the record.
  EXPECT_EQ(w.AddCheckpoint(Body(9, {}, Signed(Text(9), {0, 1})), kNow).status, 403);
  EXPECT_EQ(w.state().latest.at(Origin()).size, 9u);
  // Not a later generation: an old set can never come back.
  EXPECT_EQ(w.SetLogKeys(changed).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(w.SetLogKeys(Followed()).code(), StatusCode::kFailedPrecondition);
  changed.generation = 2;
  changed.origin = "other.example/log";
  EXPECT_EQ(w.SetLogKeys(changed).code(), StatusCode::kNotFound);
  changed.origin = Origin();
  changed.quorum = 4;
  EXPECT_EQ(w.SetLogKeys(changed).code(), StatusCode::kInvalidArgument);
}

TEST_F(WitnessTest, UnknownOriginIs404) {
  Witness w = Make();
  const std::string text = FormatCheckpointText({"other.example/log", 5, Root(5), {}});
  std::string note = text + "\n";
  for (int i : {0, 1, 2}) note += SignatureLine(text, "other.example/log", validators_[i]);
  const WitnessAnswer a = w.AddCheckpoint(Body(0, {}, note), kNow);
  EXPECT_EQ(a.status, 404) << a.body;
  EXPECT_EQ(a.origin, "other.example/log");
  EXPECT_FALSE(a.updated);
  EXPECT_TRUE(w.state().latest.empty());
}

TEST_F(WitnessTest, OldSizeOverTheCheckpointsIs400) {
  Witness w = Make();
  EXPECT_EQ(w.AddCheckpoint(Body(9, {}, Signed(Text(5), {0, 1, 2})), kNow).status, 400);
  ASSERT_EQ(w.AddCheckpoint(Body(0, {}, Signed(Text(9), {0, 1, 2})), kNow).status, 200);
  // Checked before the old size against the record: 400, not 409.
  EXPECT_EQ(w.AddCheckpoint(Body(9, {}, Signed(Text(5), {0, 1, 2})), kNow).status, 400);
  EXPECT_EQ(w.AddCheckpoint(Body(10, {}, Signed(Text(9), {0, 1, 2})), kNow).status, 400);
}

TEST_F(WitnessTest, SameSizeAnotherRootIs409) {
  Witness w = Make();
  ASSERT_EQ(w.AddCheckpoint(Body(0, {}, Signed(Text(5), {0, 1, 2})), kNow).status, 200);
  const std::string fork = Signed(TextWithRoot(5, Root(6)), {0, 1, 2});
  ExpectConflict(w.AddCheckpoint(Body(5, {}, fork), kNow), 5);
  EXPECT_EQ(w.state().latest.at(Origin()), (WitnessLatest{5, Root(5)}));

  // Never cosigned, the record is the empty tree of size 0.
  Witness fresh = Make();
  ExpectConflict(
      fresh.AddCheckpoint(Body(0, {}, Signed(TextWithRoot(0, Root(1)), {0, 1, 2})), kNow), 0);
  const std::string empty = Signed(Text(0), {0, 1, 2});
  const WitnessAnswer a = fresh.AddCheckpoint(Body(0, {}, empty), kNow);
  EXPECT_EQ(CosignedAt(a, fresh, empty), kNow);
  EXPECT_EQ(*a.updated, (WitnessLatest{0, Root(0)}));
}

TEST_F(WitnessTest, MalformedBodiesAre400) {
  Witness w = Make();
  const std::string note = Signed(Text(5), {0, 1, 2});
  const std::string text = Text(5);
  const std::string hash = Base64Encode(Root(3).view()) + "\n";
  std::string proof63;
  for (int i = 0; i < 63; ++i) proof63 += hash;
  const std::vector<std::string> bad = {
      "",
      "\n" + note,
      note,
      "old 0\n" + note,  // No blank line.
      "old 00\n\n" + note,
      "old 05\n\n" + note,
      "old -0\n\n" + note,
      "old  0\n\n" + note,
      "old 0 \n\n" + note,
      "old 0\r\n\n" + note,
      "Old 0\n\n" + note,
      "old\n\n" + note,
      "old 18446744073709551616\n\n" + note,
      "old 0\n" + Base64Encode(Bytes(31, 1)) + "\n\n" + note,
      "old 0\n" + Base64Encode(Bytes(33, 1)) + "\n\n" + note,
      "old 0\n" + hash.substr(1) + "\n" + note,
      "old 0\n" + hash.substr(0, 43) + "\n\n" + note,  // No padding.
      "old 0\n " + hash + "\n" + note,
      "old 0\n" + hash + " \n" + note,           // No real blank line.
      "old 0\n" + proof63 + hash + "\n" + note,  // 64 proof lines.
      "old 0\n\n" + text,                        // No signatures.
      "old 0\n\n" + text + "\n",
      "old 0\n\n" + note.substr(0, note.size() - 1),
      "old 0\n\n" + Signed("o\n05\n" + Base64Encode(Root(5).view()) + "\n", {0, 1, 2}),
      "old 0\n\n" + Signed(Origin() + "\n5\n" + Base64Encode(Bytes(31, 1)) + "\n", {0, 1, 2}),
      "old 0\n\n" + Signed(Origin() + "\n5\n", {0, 1, 2}),
  };
  for (const std::string& body : bad) {
    const WitnessAnswer a = w.AddCheckpoint(body, kNow);
    EXPECT_EQ(a.status, 400) << body;
    EXPECT_EQ(a.content_type, kTextType);
    EXPECT_FALSE(a.updated);
    EXPECT_TRUE(a.origin.empty());
  }
  EXPECT_TRUE(w.state().latest.empty());
  // 63 lines parse (and are no proof from 0).
  EXPECT_EQ(w.AddCheckpoint("old 0\n" + proof63 + "\n" + note, kNow).status, 422);
}

TEST_F(WitnessTest, BodiesOver64KiBAre413) {
  Witness w = Make();
  const std::string note = Signed(Text(5), {0, 1, 2});
  // Pad with one unknown signature line to exactly the limit: still read.
  const std::string body = Body(0, {}, note);
  const std::size_t left = kWitnessBodyMax - body.size() - 6;  // Dash, spaces, newline.
  const std::size_t b64 = (left - 1) / 4 * 4;
  const std::string pad = "\xE2\x80\x94 " + std::string(left - b64, 'n') + " " +
                          Base64Encode(Bytes(b64 / 4 * 3, 0)) + "\n";
  ASSERT_EQ(body.size() + pad.size(), kWitnessBodyMax);
  EXPECT_EQ(CosignedAt(w.AddCheckpoint(body + pad, kNow), w, note + pad), kNow);

  Witness fresh = Make();
  const WitnessAnswer a = fresh.AddCheckpoint(body + pad + "x", kNow);
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.content_type, kTextType);
  EXPECT_EQ(fresh.AddCheckpoint(std::string(1 << 20, 'a'), kNow).status, 413);
  EXPECT_TRUE(fresh.state().latest.empty());
}

TEST(WitnessState, EncodesOneLinePerOriginAndDecodesBack) {
  EXPECT_EQ(EncodeWitnessState({}), "");
  EXPECT_EQ(DecodeWitnessState("").value(), WitnessState{});
  WitnessState s;
  s.latest["b.example/log"] = {UINT64_MAX, MerkleRoot({MerkleLeafHash(AsBytes("x"))})};
  s.latest["a.example/log"] = {0, Hash32()};
  s.latest["tamga/00ff"] = {12, MerkleRoot({})};
  const std::string text = EncodeWitnessState(s);
  EXPECT_EQ(text.substr(0, text.find('\n') + 1),
            "a.example/log 0 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  EXPECT_EQ(DecodeWitnessState(text).value(), s);
}

TEST(WitnessState, DecodesStrictly) {
  const std::string root = Base64Encode(Hash32().view());
  const std::string a = "a 1 " + root + "\n";
  const std::string b = "b 2 " + root + "\n";
  EXPECT_EQ(DecodeWitnessState(a + b).value().latest.size(), 2u);
  const std::vector<std::string> bad = {
      "\n",
      "a 1 " + root,  // No final newline.
      a + "\n",
      b + a,  // Out of order.
      a + a,  // Twice.
      "a 01 " + root + "\n",
      "a -1 " + root + "\n",
      "a 18446744073709551616 " + root + "\n",
      "a  1 " + root + "\n",
      "a 1  " + root + "\n",
      "a 1 " + root + " \n",
      " a 1 " + root + "\n",
      "a 1 " + root + " x\n",
      "a 1\n",
      "a " + root + "\n",
      "a+b 1 " + root + "\n",
      "a\xC2\xA0z 1 " + root + "\n",
      "a 1 " + Base64Encode(Bytes(31, 0)) + "\n",
      "a 1 " + root.substr(0, 43) + "\n",
      "a 1 " + Hash32().ToHex() + "\n",
      "a 1 " + root + "\r\n",
  };
  for (const std::string& text : bad) {
    EXPECT_EQ(DecodeWitnessState(text).error().code(), StatusCode::kCorruption) << text;
  }
}

using WitnessDeathTest = WitnessTest;

TEST_F(WitnessDeathTest, RefusesABadConfiguration) {
  WitnessedLog no_quorum = Followed();
  no_quorum.quorum = 0;
  EXPECT_DEATH(Witness("w", Key(9), {no_quorum}, {}), "quorum");
  WitnessedLog over = Followed();
  over.quorum = 5;
  EXPECT_DEATH(Witness("w", Key(9), {over}, {}), "quorum");
  WitnessedLog twice = Followed();
  twice.keys.push_back(twice.keys[0]);
  EXPECT_DEATH(Witness("w", Key(9), {twice}, {}), "key ID");
  EXPECT_DEATH(Witness("w", Key(9), {Followed(), Followed()}, {}), "one origin");
  EXPECT_DEATH(Witness("a b", Key(9), {Followed()}, {}), "witness name");
}

}  // namespace
}  // namespace tamga::tlog

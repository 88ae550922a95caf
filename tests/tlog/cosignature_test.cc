// tests/tlog/cosignature_test.cc
// Ed25519 cosignatures: the signed message is the specification's layout, a real
// cosigner's verifier key parses with its 0x04 key ID, cosignatures round-trip and sit in
// a checkpoint note beside the log's own signature, and a changed text, key, timestamp or
// length, or a timestamp of 2^63 or more, is rejected.

#include "tlog/cosignature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tlog/base64.h"
#include "tlog/checkpoint.h"

namespace tamga::tlog {
namespace {

constexpr std::string_view kRemora =
    "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
// The checkpoint of the specification's examples.
constexpr std::string_view kSofa =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr std::string_view kSofaLog =
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
constexpr std::string_view kSofaWitness =
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
    "mbIUBkBIfZ+qnA==\n";
constexpr std::uint64_t kTime = 1679315147;

SecretKey Key(std::uint8_t fill) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(fill);
  return SecretKey::FromSeed(seed);
}

// The big-endian timestamp at the front of a cosignature.
std::uint64_t TimeOf(const NoteSignature& s) {
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < 8; ++i) t = (t << 8) | s.signature[i];
  return t;
}

void SetTime(NoteSignature& s, std::uint64_t t) {
  for (std::size_t i = 0; i < 8; ++i) s.signature[i] = static_cast<std::uint8_t>(t >> (56 - 8 * i));
}

TEST(Cosignature, MessageIsTheSpecificationLayout) {
  EXPECT_EQ(CosignedMessage(kSofa, kTime),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  EXPECT_EQ(CosignedMessage("a\n", 0), "cosignature/v1\ntime 0\na\n");
  EXPECT_EQ(CosignedMessage("a\n", kMaxCosignatureTime),
            "cosignature/v1\ntime 9223372036854775807\na\n");
}

TEST(Cosignature, SpecificationExampleHasTheTimestampedLayout) {
  const Note note =
      ParseNote(std::string(kSofa) + "\n" + std::string(kSofaLog) + std::string(kSofaWitness))
          .value();
  ASSERT_EQ(note.signatures.size(), 2u);
  const NoteSignature& w = note.signatures[1];
  EXPECT_EQ(w.name, "witness.example.com/w1");
  EXPECT_EQ(w.key_id, 0x8d66cf3fu);
  ASSERT_EQ(w.signature.size(), kCosignatureSize);
  EXPECT_EQ(TimeOf(w), kTime);
}

TEST(CosignatureKeys, ParsesARealCosignerKey) {
  const NoteVerifier v = ParseCosignatureVerifierKey(kRemora).value();
  EXPECT_EQ(v.name, "remora.n621.de");
  EXPECT_EQ(v.key_id, 0xda77ade7u);
  EXPECT_EQ(CosignatureKeyId(v.name, v.key), 0xda77ade7u);
  EXPECT_NE(NoteKeyId(v.name, v.key), 0xda77ade7u);
  EXPECT_EQ(MakeCosignatureVerifier("remora.n621.de", v.key), v);
  EXPECT_EQ(FormatCosignatureVerifierKey(v), kRemora);
  EXPECT_EQ(ParseCosignatureVerifierKey("remora.n621.de+DA77ADE7+"
                                        "BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
                .value(),
            v);
  // A cosigner key is not a note key, nor the reverse.
  EXPECT_EQ(ParseVerifierKey(kRemora).error().code(), StatusCode::kInvalidArgument);
  const std::string note_key = FormatVerifierKey(MakeVerifier("remora.n621.de", v.key));
  EXPECT_EQ(ParseCosignatureVerifierKey(note_key).error().code(), StatusCode::kInvalidArgument);
}

TEST(CosignatureKeys, RejectMalformedKeys) {
  const std::string key = "BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
  Bytes typed(33, 1);
  typed[0] = kCosignatureNoteType;
  const std::vector<std::string> bad = {
      "",
      "remora.n621.de",
      "remora.n621.de+da77ade7",
      "remora.n621.de+da77ade8+" + key,  // Wrong key ID.
      "remora.n621.d+da77ade7+" + key,   // The ID is of another name.
      "remora.n621.de+da77ade+" + key,
      "remora.n621.de+0da77ade7+" + key,
      "remora.n621.de+da77adeg+" + key,
      "+da77ade7+" + key,
      "remora n621.de+da77ade7+" + key,
      "remora.n621.de+da77ade7+" + key + "=",
      "remora.n621.de+da77ade7+" + key.substr(1),
      "remora.n621.de+da77ade7+ " + key,
      "remora.n621.de+da77ade7+" + Base64Encode(Bytes(typed.begin() + 1, typed.end())),
      "remora.n621.de+da77ade7+" + Base64Encode(Bytes(34, kCosignatureNoteType)),
  };
  for (const std::string& s : bad) {
    EXPECT_EQ(ParseCosignatureVerifierKey(s).error().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(Cosignature, RoundTripsInACheckpointNote) {
  const SecretKey log_key = Key(1);
  const SecretKey witness_key = Key(2);
  const std::string text(kSofa);
  const NoteVerifier witness =
      MakeCosignatureVerifier("witness.example/w1", witness_key.public_key());
  EXPECT_EQ(witness.key_id, CosignatureKeyId("witness.example/w1", witness_key.public_key()));

  const NoteSignature cosig = Cosign(text, witness.name, witness_key, kTime);
  EXPECT_EQ(cosig.name, witness.name);
  EXPECT_EQ(cosig.key_id, witness.key_id);
  ASSERT_EQ(cosig.signature.size(), kCosignatureSize);
  EXPECT_EQ(TimeOf(cosig), kTime);
  EXPECT_TRUE(VerifyRaw(witness_key.public_key(), AsBytes(CosignedMessage(text, kTime)),
                        Signature::FromView(ByteView(cosig.signature).subspan(8))));
  EXPECT_EQ(VerifyCosignature(text, cosig, witness).value(), kTime);

  // Appended to the log's note: the log's verifier ignores the cosignature line, and the
  // line parses back to the cosignature.
  const std::string note_bytes = text + "\n" +
                                 SignatureLine(text, "example.com/behind-the-sofa", log_key) +
                                 FormatSignatureLine(cosig);
  const Note note = ParseNote(note_bytes).value();
  const NoteVerifier log = MakeVerifier("example.com/behind-the-sofa", log_key.public_key());
  EXPECT_EQ(VerifyNote(note, {&log, 1}).value(), std::vector<NoteVerifier>{log});
  ASSERT_EQ(note.signatures.size(), 2u);
  EXPECT_EQ(note.signatures[1], cosig);
  EXPECT_EQ(VerifyCosignature(note.text, note.signatures[1], witness).value(), kTime);
  // A cosigner's verifier does not pass for a plain note signature.
  EXPECT_EQ(VerifyNote(note, {&witness, 1}).error().code(), StatusCode::kBadSignature);

  for (std::uint64_t t : {std::uint64_t{0}, std::uint64_t{1}, kMaxCosignatureTime}) {
    EXPECT_EQ(VerifyCosignature(text, Cosign(text, witness.name, witness_key, t), witness).value(),
              t);
  }
}

TEST(Cosignature, RejectsChangedTextKeyTimeAndLength) {
  const SecretKey witness_key = Key(2);
  const std::string text(kSofa);
  const NoteVerifier witness =
      MakeCosignatureVerifier("witness.example/w1", witness_key.public_key());
  const NoteSignature good = Cosign(text, witness.name, witness_key, kTime);

  std::string changed = text;
  changed[30] ^= 0x01;
  EXPECT_EQ(VerifyCosignature(changed, good, witness).error().code(), StatusCode::kBadSignature);
  EXPECT_EQ(VerifyCosignature(text + "extension\n", good, witness).error().code(),
            StatusCode::kBadSignature);

  // Another key under the same name and key ID.
  NoteVerifier impostor = witness;
  impostor.key = Key(3).public_key();
  EXPECT_EQ(VerifyCosignature(text, good, impostor).error().code(), StatusCode::kBadSignature);
  // Another key, its own key ID: not this cosigner's line.
  const NoteVerifier other = MakeCosignatureVerifier(witness.name, Key(3).public_key());
  EXPECT_EQ(VerifyCosignature(text, good, other).error().code(), StatusCode::kNotFound);
  NoteVerifier renamed = witness;
  renamed.name = "witness.example/w2";
  EXPECT_EQ(VerifyCosignature(text, good, renamed).error().code(), StatusCode::kNotFound);
  // A plain note signature by the same key carries the 0x01 key ID.
  EXPECT_EQ(VerifyCosignature(text, SignNoteText(text, witness.name, witness_key), witness)
                .error()
                .code(),
            StatusCode::kNotFound);

  for (std::uint64_t t : {kTime - 1, kTime + 1, std::uint64_t{0}}) {
    NoteSignature moved = good;
    SetTime(moved, t);
    EXPECT_EQ(VerifyCosignature(text, moved, witness).error().code(), StatusCode::kBadSignature)
        << t;
  }
  for (std::uint64_t t : {kMaxCosignatureTime + 1, UINT64_MAX}) {
    NoteSignature late = good;
    SetTime(late, t);
    EXPECT_EQ(VerifyCosignature(text, late, witness).error().code(), StatusCode::kCorruption) << t;
  }

  NoteSignature shorter = good;
  shorter.signature.pop_back();
  EXPECT_EQ(VerifyCosignature(text, shorter, witness).error().code(), StatusCode::kCorruption);
  NoteSignature longer = good;
  longer.signature.push_back(0);
  EXPECT_EQ(VerifyCosignature(text, longer, witness).error().code(), StatusCode::kCorruption);
  NoteSignature untimed = good;
  untimed.signature.erase(untimed.signature.begin(), untimed.signature.begin() + 8);
  EXPECT_EQ(VerifyCosignature(text, untimed, witness).error().code(), StatusCode::kCorruption);
  NoteSignature flipped = good;
  flipped.signature[40] ^= 0x10;
  EXPECT_EQ(VerifyCosignature(text, flipped, witness).error().code(), StatusCode::kBadSignature);

  EXPECT_EQ(VerifyCosignature("no newline", good, witness).error().code(), StatusCode::kCorruption);
}

TEST(CosignatureDeathTest, RefusesTimestampsOver2To63) {
  const SecretKey key = Key(2);
  EXPECT_DEATH(Cosign(kSofa, "w", key, kMaxCosignatureTime + 1), "2\\^63");
  EXPECT_DEATH(Cosign(kSofa, "a b", key, 0), "cosigner name");
}

}  // namespace
}  // namespace tamga::tlog

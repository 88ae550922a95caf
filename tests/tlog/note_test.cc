// tests/tlog/note_test.cc
// Signed notes: the vectors of Go's golang.org/x/mod/sumdb/note reproduce byte for byte,
// the verification rules (unknown keys ignored, any bad known signature fatal), and every
// malformed note, name and key string is rejected.

#include "tlog/note.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tlog/base64.h"

namespace tamga::tlog {
namespace {

constexpr std::string_view kPeterSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kPeterVerifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochVerifier =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterLine =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kDash = "\xE2\x80\x94 ";

std::string GoNote() { return std::string(kText) + "\n" + std::string(kPeterLine); }

NoteSigner Peter() { return ParseSignerKey(kPeterSigner).value(); }

// A signer made from a fixed seed.
NoteSigner Fixed(std::string name, std::uint8_t fill) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(fill);
  return MakeSigner(std::move(name), SecretKey::FromSeed(seed));
}

StatusCode ParseCode(std::string_view note) { return ParseNote(note).error().code(); }

TEST(NoteKeys, ParseGoVectorsAndFormatThemBack) {
  const NoteSigner peter = Peter();
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(peter.key_id, 0xc74f20a3u);
  EXPECT_EQ(FormatSignerKey(peter), kPeterSigner);

  const NoteVerifier v = ParseVerifierKey(kPeterVerifier).value();
  EXPECT_EQ(v, peter.verifier());
  EXPECT_EQ(NoteKeyId(v.name, v.key), 0xc74f20a3u);
  EXPECT_EQ(FormatVerifierKey(v), kPeterVerifier);
  EXPECT_EQ(MakeVerifier("PeterNeumann", v.key), v);

  const NoteVerifier enoch = ParseVerifierKey(kEnochVerifier).value();
  EXPECT_EQ(enoch.name, "EnochRoot");
  EXPECT_EQ(enoch.key_id, 0xaf0cfe78u);
  EXPECT_EQ(NoteKeyId(enoch.name, enoch.key), 0xaf0cfe78u);
  EXPECT_EQ(FormatVerifierKey(enoch), kEnochVerifier);
}

TEST(NoteKeys, AcceptUpperCaseHexAsGoDoes) {
  const NoteVerifier v =
      ParseVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .value();
  EXPECT_EQ(FormatVerifierKey(v), kPeterVerifier);
}

TEST(NoteKeys, RejectMalformedVerifierKeys) {
  const std::string key = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  const std::vector<std::string> bad = {
      "",
      "PeterNeumann",
      "PeterNeumann+c74f20a3",
      "PeterNeumann+c74f20a4+" + key,  // Wrong key ID.
      "PeterNeumann+c74f20a+" + key,
      "PeterNeumann+0c74f20a3+" + key,
      "PeterNeumann+c74f20g3+" + key,
      "PeterNeuman+c74f20a3+" + key,  // The ID is of another name.
      "+c74f20a3+" + key,
      "Peter Neumann+c74f20a3+" + key,
      "PeterNeumann+c74f20a3+" + key + "=",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
      "PeterNeumann+c74f20a3+" + Base64Encode(Bytes(32, 1)),  // No type byte.
      "PeterNeumann+c74f20a3+" + Base64Encode(Bytes(34, 1)),
      "PeterNeumann+c74f20a3+" + Base64Encode(Bytes(33, 2)),  // Not Ed25519.
      "PeterNeumann+c74f20a3+ ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  };
  for (const std::string& s : bad) {
    EXPECT_EQ(ParseVerifierKey(s).error().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(NoteKeys, RejectMalformedSignerKeys) {
  const std::string rest = "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  for (const std::string& s :
       {rest, "PRIVATE+KEY+" + std::string(kPeterVerifier), "PRIVATE+KEY" + rest,
        "private+key+" + rest,
        std::string(
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
        std::string(
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF")}) {
    EXPECT_EQ(ParseSignerKey(s).error().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(NoteKeys, NamesRejectPlusSpacesAndControls) {
  for (std::string_view ok : {"PeterNeumann", "example.com/log", "\xC3\x9Cml\xC3\xA4ut", "a-b_c"}) {
    EXPECT_TRUE(ValidKeyName(ok)) << ok;
  }
  for (std::string_view bad :
       {"", "a+b", "a b", "a\tb", "a\nb", "a\x01", "a\xC2\xA0z", "a\xE2\x80\x83z", "a\xE2\x80\x8Az",
        "a\xE3\x80\x80z", "a\xC2\x85z", "a\xE2\x80\xA8z", "\xFF", "\xC0\x80", "\xED\xA0\x80"}) {
    EXPECT_FALSE(ValidKeyName(bad)) << bad;
  }
}

TEST(Note, SignReproducesGoNote) {
  const NoteSigner peter = Peter();
  EXPECT_EQ(SignatureLine(kText, peter.name, peter.key), kPeterLine);
  const Note note{std::string(kText), {SignNoteText(kText, peter.name, peter.key)}};
  EXPECT_EQ(FormatNote(note), GoNote());
}

TEST(Note, ParsesAndVerifiesGoNote) {
  const Note note = ParseNote(GoNote()).value();
  EXPECT_EQ(note.text, kText);
  ASSERT_EQ(note.signatures.size(), 1u);
  EXPECT_EQ(note.signatures[0].name, "PeterNeumann");
  EXPECT_EQ(note.signatures[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(note.signatures[0].signature.size(), 64u);
  EXPECT_EQ(FormatNote(note), GoNote());

  const NoteVerifier peter = ParseVerifierKey(kPeterVerifier).value();
  const std::vector<NoteVerifier> known = {ParseVerifierKey(kEnochVerifier).value(), peter};
  EXPECT_EQ(VerifyNote(note, known).value(), std::vector<NoteVerifier>{peter});
}

TEST(Note, FlippedTextByteFailsVerification) {
  std::string bytes = GoNote();
  bytes[3] ^= 0x01;
  const Note note = ParseNote(bytes).value();
  const NoteVerifier peter = ParseVerifierKey(kPeterVerifier).value();
  EXPECT_EQ(VerifyNote(note, {&peter, 1}).error().code(), StatusCode::kBadSignature);
}

TEST(Note, OnlyUnknownKeysIsRejected) {
  const Note note = ParseNote(GoNote()).value();
  const NoteVerifier enoch = ParseVerifierKey(kEnochVerifier).value();
  EXPECT_EQ(VerifyNote(note, {&enoch, 1}).error().code(), StatusCode::kBadSignature);
  EXPECT_EQ(VerifyNote(note, {}).error().code(), StatusCode::kBadSignature);
  // Same name, another key: another key ID, so unknown.
  const NoteVerifier other = Fixed("PeterNeumann", 7).verifier();
  EXPECT_EQ(VerifyNote(note, {&other, 1}).error().code(), StatusCode::kBadSignature);
}

TEST(Note, UnknownKeysAreIgnoredBesideAKnownOne) {
  const NoteSigner stranger = Fixed("stranger", 1);
  const NoteVerifier peter = ParseVerifierKey(kPeterVerifier).value();
  const std::string note_text = std::string(kText) + "\n" +
                                SignatureLine(kText, stranger.name, stranger.key) +
                                std::string(kPeterLine) +
                                // An unknown key whose signature would not verify.
                                std::string(kDash) + "ghost " + Base64Encode(Bytes(5, 9)) + "\n";
  const Note note = ParseNote(note_text).value();
  ASSERT_EQ(note.signatures.size(), 3u);
  EXPECT_EQ(VerifyNote(note, {&peter, 1}).value(), std::vector<NoteVerifier>{peter});
  EXPECT_EQ(FormatNote(note), note_text);
}

TEST(Note, ABadSignatureByAKnownKeyRejectsTheNote) {
  const NoteSigner alice = Fixed("alice", 2);
  const NoteSigner peter = Peter();
  NoteSignature bad = SignNoteText(kText, peter.name, peter.key);
  bad.signature[10] ^= 0x40;
  Note note{std::string(kText), {SignNoteText(kText, alice.name, alice.key), bad}};
  const std::vector<NoteVerifier> known = {alice.verifier(), peter.verifier()};
  EXPECT_EQ(VerifyNote(note, known).error().code(), StatusCode::kBadSignature);
  EXPECT_EQ(VerifyNote(note, {known.data(), 1}).value(), std::vector<NoteVerifier>{known[0]});

  // A known key's signature of the wrong length fails too.
  note.signatures[1] = SignNoteText(kText, peter.name, peter.key);
  note.signatures[1].signature.pop_back();
  EXPECT_EQ(VerifyNote(note, known).error().code(), StatusCode::kBadSignature);

  note.signatures[1] = SignNoteText(kText, peter.name, peter.key);
  EXPECT_EQ(VerifyNote(note, known).value(), known);
}

TEST(Note, RepeatedSignaturesCountOnceAndVerifiersInOrderOfAppearance) {
  const NoteSigner alice = Fixed("alice", 2);
  const NoteSigner bob = Fixed("bob", 3);
  const Note note{
      std::string(kText),
      {SignNoteText(kText, bob.name, bob.key), SignNoteText(kText, alice.name, alice.key),
       SignNoteText(kText, bob.name, bob.key)}};
  const std::vector<NoteVerifier> known = {alice.verifier(), bob.verifier()};
  EXPECT_EQ(VerifyNote(note, known).value(),
            (std::vector<NoteVerifier>{bob.verifier(), alice.verifier()}));
}

TEST(Note, AmbiguousKnownKeysAreRejected) {
  const NoteVerifier peter = ParseVerifierKey(kPeterVerifier).value();
  NoteVerifier twin = peter;
  twin.key = Fixed("x", 4).key.public_key();
  const std::vector<NoteVerifier> known = {peter, twin};
  EXPECT_EQ(VerifyNote(ParseNote(GoNote()).value(), known).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(Note, TextMayHoldEmptyLinesAndSplitsAtTheLastOne) {
  const NoteSigner peter = Peter();
  const std::string text = "first\n\n\nlast\n\n";
  const std::string bytes = text + "\n" + SignatureLine(text, peter.name, peter.key);
  const Note note = ParseNote(bytes).value();
  EXPECT_EQ(note.text, text);
  EXPECT_EQ(VerifyNote(note, std::vector<NoteVerifier>{peter.verifier()}).value().size(), 1u);
  EXPECT_EQ(ParseNote("\n\n" + std::string(kPeterLine)).value().text, "\n");
}

TEST(Note, RejectsMalformedNotes) {
  const std::string text(kText);
  const std::string line(kPeterLine);
  const std::string sig = line.substr(kDash.size() + std::string("PeterNeumann ").size());
  const std::vector<std::string> bad = {
      "",
      text,                                           // No signatures.
      text + "\n",                                    // Blank line, no signatures.
      text + line,                                    // No blank line.
      text + "\n" + line.substr(0, line.size() - 1),  // No final newline.
      "\n" + line,                                    // No text.
      "a\tb\n\n" + line,                              // Control characters.
      "a\rb\n\n" + line,
      "a\x7F\x01\n\n" + line,
      text + "\n" + line + "\x01\n",
      "a\xFF\n\n" + line,                            // Invalid UTF-8.
      "a\xC0\xAF\n\n" + line,                        // Overlong.
      "a\xED\xA0\x80\n\n" + line,                    // Surrogate.
      "a\xF4\x90\x80\x80\n\n" + line,                // Over U+10FFFF.
      "a\xE2\x80\n\n" + line,                        // Truncated.
      text + "\n" + line + "\n",                     // Trailing blank line.
      text + "\n" + line + "x\n",                    // Not a signature line.
      text + "\n- PeterNeumann " + sig,              // ASCII hyphen.
      text + "\n\xE2\x80\x93 PeterNeumann " + sig,   // En dash.
      text + "\n\xE2\x80\x94PeterNeumann " + sig,    // No space after the dash.
      text + "\n\xE2\x80\x94  PeterNeumann " + sig,  // Two spaces.
      text + "\n" + std::string(kDash) + "PeterNeumann\n",
      text + "\n" + std::string(kDash) + "PeterNeumann \n",
      text + "\n" + std::string(kDash) + " " + sig,               // Empty name.
      text + "\n" + std::string(kDash) + "Peter+Neumann " + sig,  // '+' in the name.
      text + "\n" + std::string(kDash) + "Peter Neumann " + sig,  // Space in the name.
      text + "\n" + std::string(kDash) + "Peter\xC2\xA0Neumann " + sig,
      text + "\n" + std::string(kDash) + "PeterNeumann  " + sig,  // Space before base64.
      text + "\n" + std::string(kDash) + "PeterNeumann " + sig.substr(0, 41) + "\n",
      text + "\n" + std::string(kDash) + "PeterNeumann " + sig.substr(0, sig.size() - 2) + "\n",
      text + "\n" + std::string(kDash) + "PeterNeumann " + "AAAAAA==\n",  // 4 bytes.
      text + "\n" + std::string(kDash) + "PeterNeumann " + "AAAAAAB=\n",  // Trailing bits.
      text + "\n" + std::string(kDash) + "PeterNeumann " + "AAAA AAAA\n",
      text + "\n" + std::string(kDash) + "PeterNeumann " + "AAAAAAA\n",   // No padding.
      text + "\n" + std::string(kDash) + "PeterNeumann " + "AAAAAA-_\n",  // URL alphabet.
  };
  for (const std::string& note : bad) {
    EXPECT_EQ(ParseCode(note), StatusCode::kCorruption) << note;
  }
}

TEST(Note, LimitsSignatureCountAndSize) {
  const std::string unknown = std::string(kDash) + "k " + Base64Encode(Bytes(68, 1)) + "\n";
  auto with = [&](std::size_t n) {
    std::string note = std::string(kText) + "\n" + std::string(kPeterLine);
    for (std::size_t i = 1; i < n; ++i) note += unknown;
    return note;
  };
  const NoteVerifier peter = ParseVerifierKey(kPeterVerifier).value();
  for (std::size_t n : {std::size_t{16}, kMaxNoteSignatures}) {
    const Note note = ParseNote(with(n)).value();
    EXPECT_EQ(note.signatures.size(), n);
    EXPECT_TRUE(VerifyNote(note, {&peter, 1}).ok());
  }
  EXPECT_EQ(ParseCode(with(kMaxNoteSignatures + 1)), StatusCode::kResourceExhausted);

  const std::string filler(kMaxNoteSize - GoNote().size(), 'a');
  const std::string at_limit = filler + GoNote();
  EXPECT_TRUE(ParseNote(at_limit).ok());
  EXPECT_EQ(ParseCode("a" + at_limit), StatusCode::kResourceExhausted);
}

TEST(Note, ValidNoteTextRules) {
  EXPECT_TRUE(ValidNoteText("a\n"));
  EXPECT_TRUE(ValidNoteText("\n"));
  EXPECT_TRUE(ValidNoteText("\xE2\x80\x94 \xF0\x9F\x98\x80\n\n"));
  EXPECT_FALSE(ValidNoteText(""));
  EXPECT_FALSE(ValidNoteText("a"));
  EXPECT_FALSE(ValidNoteText("a\x1F\n"));
  EXPECT_FALSE(ValidNoteText("\x80\n"));
}

}  // namespace
}  // namespace tamga::tlog

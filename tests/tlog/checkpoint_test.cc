// tests/tlog/checkpoint_test.cc
// Checkpoint texts format and parse back, work as the text of a signed note, and every
// breach of the format's rules is rejected.

#include "tlog/checkpoint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tlog/base64.h"
#include "tlog/note.h"

namespace tamga::tlog {
namespace {

constexpr std::string_view kZeroRoot = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

Hash32 Root() {
  std::array<std::uint8_t, 32> r{};
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return Hash32(r);
}

StatusCode ParseCode(std::string_view text) { return ParseCheckpointText(text).error().code(); }

TEST(Checkpoint, FormatsTheSpecifiedLines) {
  Checkpoint c{"example.com/log", 70000, Hash32(), {}};
  EXPECT_EQ(FormatCheckpointText(c), "example.com/log\n70000\n" + std::string(kZeroRoot) + "\n");
  c.extensions = {"ext one", "\xE2\x80\x94 two"};
  EXPECT_EQ(FormatCheckpointText(c),
            "example.com/log\n70000\n" + std::string(kZeroRoot) + "\next one\n\xE2\x80\x94 two\n");
}

TEST(Checkpoint, RoundTrips) {
  const std::vector<Checkpoint> all = {
      {"o", 0, Hash32(), {}},
      {"example.com/log", 1, Root(), {}},
      {"example.com/log", UINT64_MAX, Root(), {"a", "b c", "x+y"}},
      {"\xC3\x9C", 1234567890, Root(), {"only"}},
  };
  for (const Checkpoint& c : all) {
    const std::string text = FormatCheckpointText(c);
    EXPECT_EQ(ParseCheckpointText(text).value(), c) << text;
  }
}

TEST(Checkpoint, IsTheTextOfASignedNote) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(5);
  const NoteSigner log = MakeSigner("example.com/log", SecretKey::FromSeed(seed));
  const Checkpoint c{log.name, 42, Root(), {"extension"}};
  const std::string text = FormatCheckpointText(c);
  const std::string bytes = text + "\n" + SignatureLine(text, log.name, log.key);
  const Note note = ParseNote(bytes).value();
  ASSERT_TRUE(VerifyNote(note, std::vector<NoteVerifier>{log.verifier()}).ok());
  EXPECT_EQ(ParseCheckpointText(note.text).value(), c);
}

TEST(Checkpoint, RejectsBadSizes) {
  const std::string root = std::string(kZeroRoot) + "\n";
  EXPECT_TRUE(ParseCheckpointText("o\n0\n" + root).ok());
  EXPECT_TRUE(ParseCheckpointText("o\n18446744073709551615\n" + root).ok());
  for (const std::string& size : std::vector<std::string>{
           "", "00", "01", "007", "+1", "-1", " 1", "1 ", "1a", "0x10", "18446744073709551616",
           "99999999999999999999", "184467440737095516150"}) {
    EXPECT_EQ(ParseCode("o\n" + size + "\n" + root), StatusCode::kCorruption) << size;
  }
}

TEST(Checkpoint, RejectsBadOriginsAndRoots) {
  const std::string tail = "\n1\n" + std::string(kZeroRoot) + "\n";
  for (const std::string& origin : std::vector<std::string>{"", "a b", "a+b", "a\xC2\xA0z"}) {
    EXPECT_EQ(ParseCode(origin + tail), StatusCode::kCorruption) << origin;
  }
  for (const std::string& root : std::vector<std::string>{
           std::string(), Base64Encode(Bytes(31, 1)), Base64Encode(Bytes(33, 1)),
           std::string(kZeroRoot.substr(0, 43)), std::string(kZeroRoot) + "=",
           std::string(kZeroRoot.substr(0, 42)) + "B=", " " + std::string(kZeroRoot),
           ToHex(Bytes(32, 0))}) {
    EXPECT_EQ(ParseCode("o\n1\n" + root + "\n"), StatusCode::kCorruption) << root;
  }
}

TEST(Checkpoint, RejectsMissingAndEmptyLines) {
  const std::string root(kZeroRoot);
  for (const std::string& text : std::vector<std::string>{
           std::string(), "o\n", "o\n1\n", "o\n1\n" + root,  // Missing lines or final newline.
           "o\n1\n" + root + "\n\n",                         // Empty extension line.
           "o\n1\n" + root + "\next\n\n", "o\n1\n" + root + "\n\next\n", "\no\n1\n" + root + "\n",
           "o\n1\n" + root + "\nex\tt\n",  // Control character.
           "o\n1\n" + root + "\n\xFF\n"}) {
    EXPECT_EQ(ParseCode(text), StatusCode::kCorruption) << text;
  }
}

}  // namespace
}  // namespace tamga::tlog

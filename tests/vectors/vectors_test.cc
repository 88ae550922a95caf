// tests/vectors/vectors_test.cc
// The proof test vectors (docs/vectors/README.md) against the C++ verifier: a fresh set,
// written and read back, and the committed set in docs/vectors, which must hold every
// vector the generator makes.

#include "tests/vectors/vectors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "cli/verify_command.h"
#include "cli/verify_texts.h"
#include "common/file_util.h"
#include "tests/support/temp_dir.h"

namespace tamga::vectors {
namespace {

const std::string kCommitted = std::string(TAMGA_SOURCE_DIR) + "/docs/vectors";

const std::vector<Vector>& Fresh() {
  static const std::vector<Vector> vectors = MakeVectors();
  return vectors;
}

void ExpectAllAgree(const std::vector<Vector>& vectors) {
  for (const Vector& v : vectors) {
    std::string diffs;
    for (const std::string& d : CheckVector(v)) diffs += "\n  " + d;
    EXPECT_TRUE(diffs.empty()) << v.name << ":" << diffs;
  }
}

TEST(Vectors, AFreshSetWrittenAndReadBackAgreesWithTheVerifier) {
  tamga::testing::TempDir dir("vectors");
  ASSERT_TRUE(WriteVectors(Fresh(), dir.path().string()).ok());
  auto read = ReadVectors(dir.path().string());
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_EQ(read->size(), Fresh().size());
  ExpectAllAgree(*read);
}

TEST(Vectors, TheCommittedSetAgreesWithTheVerifierAndHoldsEveryVector) {
  auto committed = ReadVectors(kCommitted);
  ASSERT_TRUE(committed.ok()) << committed.error().ToString();
  ExpectAllAgree(*committed);
  std::set<std::string> names;
  for (const Vector& v : *committed) names.insert(v.name);
  const std::string readme = ReadFileToString(kCommitted + "/README.md", 1 << 20).value();
  for (const Vector& v : Fresh()) {
    EXPECT_TRUE(names.contains(v.name))
        << v.name << " is not in docs/vectors: run tamga_make_vectors docs/vectors";
    EXPECT_NE(readme.find("| `" + v.name + "` |"), std::string::npos)
        << v.name << " is not in docs/vectors/README.md's table";
  }
}

// `tamga verify --lang` and the verifier page (web/verdict.js, run under Node) say the
// same words for every vector in every language; only the detail line of a refused proof,
// each verifier's own English message, may differ.
TEST(Vectors, ThePageAndTheCommandSayTheSameInEveryLanguage) {
  const std::string command = std::string(TAMGA_NODE) + " " + TAMGA_SOURCE_DIR +
                              "/tests/web/render_vectors.js " + kCommitted;
  std::FILE* p = ::popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << command;
  const auto page = nlohmann::json::parse(text);
  auto committed = ReadVectors(kCommitted);
  ASSERT_TRUE(committed.ok()) << committed.error().ToString();
  std::size_t compared = 0;
  for (const Vector& v : *committed) {
    for (const std::string& lang : cli::Languages()) {
      cli::DocumentVerdict c = Explain(v, lang);
      if (c.code == "proof_invalid") c.lines.pop_back();  // The detail line.
      const auto& shown = page.at(v.name).at(lang);
      EXPECT_EQ(c.headline, shown.at("headline").get<std::string>()) << v.name << " " << lang;
      EXPECT_EQ(c.lines, shown.at("lines").get<std::vector<std::string>>())
          << v.name << " " << lang;
      ++compared;
    }
  }
  EXPECT_EQ(compared, committed->size() * 4);
}

// The check is not vacuous: a changed expectation is caught.
TEST(Vectors, ADifferentExpectationIsCaught) {
  for (const Vector& v : Fresh()) {
    Vector wrong = v;
    wrong.expect.code = "something_else";
    EXPECT_FALSE(CheckVector(wrong).empty()) << v.name;
    if (!v.expect.record.is_null()) {
      wrong = v;
      wrong.expect.record["kind"] = "nothing";
      EXPECT_FALSE(CheckVector(wrong).empty()) << v.name;
    }
  }
}

}  // namespace
}  // namespace tamga::vectors

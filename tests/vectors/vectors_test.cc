// tests/vectors/vectors_test.cc
// The proof test vectors (docs/vectors/README.md) against the C++ verifier: a fresh set,
// written and read back, and the committed set in docs/vectors, which must hold every
// vector the generator makes.

#include "tests/vectors/vectors.h"

#include <gtest/gtest.h>

#include <set>

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

// tests/ledger/safety_file_test.cc

#include "ledger/safety_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace tamga::ledger {
namespace {

TEST(SafetyFile, SavesReplacesAndLoads) {
  testing::TempDir dir("safety_file");
  SafetyFile f(dir.File("safety"));
  EXPECT_FALSE(f.Load().value().has_value());
  ASSERT_TRUE(f.Save(Bytes{1, 2, 3}).ok());
  EXPECT_EQ(f.Load().value(), Bytes({1, 2, 3}));
  ASSERT_TRUE(f.Save(Bytes{4}).ok());
  EXPECT_EQ(f.Load().value(), Bytes({4}));
  struct stat st {};
  ASSERT_EQ(::stat(f.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SafetyFile, DamageIsCorruptionNotAGuess) {
  testing::TempDir dir("safety_damage");
  SafetyFile f(dir.File("safety"));
  ASSERT_TRUE(f.Save(Bytes{1, 2, 3}).ok());
  {
    std::fstream file(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-1, std::ios::end);
    file.put('\x09');
  }
  EXPECT_EQ(f.Load().error().code(), StatusCode::kCorruption);
  std::ofstream(f.path(), std::ios::trunc) << "something else";
  EXPECT_EQ(f.Load().error().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tamga::ledger

// tests/ledger/safety_file_test.cc

#include "ledger/safety_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/sha256.h"
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
    file.seekp(20);  // Inside the one record written so far.
    file.put('\x09');
  }
  EXPECT_EQ(f.Load().error().code(), StatusCode::kCorruption);
  std::ofstream(f.path(), std::ios::trunc) << "something else";
  EXPECT_EQ(f.Load().error().code(), StatusCode::kCorruption);
}

// Format 2 keeps two slots; each Save after the first overwrites the older one in place.
TEST(SafetyFile, AlternatesSlotsInPlace) {
  testing::TempDir dir("safety_slots");
  SafetyFile f(dir.File("safety"));
  ASSERT_TRUE(f.Save(Bytes{1}).ok());
  struct stat first {};
  ASSERT_EQ(::stat(f.path().c_str(), &first), 0);
  EXPECT_EQ(first.st_size, 8192);
  for (std::uint8_t i = 2; i < 40; ++i) {
    ASSERT_TRUE(f.Save(Bytes{i, i}).ok());
    EXPECT_EQ(f.Load().value(), Bytes({i, i}));
  }
  struct stat later {};
  ASSERT_EQ(::stat(f.path().c_str(), &later), 0);
  EXPECT_EQ(later.st_ino, first.st_ino);  // Written in place, not replaced.
  // Another object over the same file (a restart) continues where it stopped.
  SafetyFile again(f.path());
  ASSERT_TRUE(again.Save(Bytes{77}).ok());
  EXPECT_EQ(SafetyFile(f.path()).Load().value(), Bytes({77}));
  EXPECT_EQ(again.Save(Bytes(SafetyFile::kMaxPayload + 1)).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(again.Save(Bytes(SafetyFile::kMaxPayload, 5)).ok());
  EXPECT_EQ(again.Load().value(), Bytes(SafetyFile::kMaxPayload, 5));
}

// A crash while a slot is written leaves that slot damaged: the record before it is what
// was durable, and is what Load returns. Both slots damaged is Corruption.
TEST(SafetyFile, ASaveCutByACrashLeavesTheRecordBefore) {
  testing::TempDir dir("safety_torn");
  SafetyFile f(dir.File("safety"));
  ASSERT_TRUE(f.Save(Bytes{1}).ok());  // Sequence 1, slot 0.
  ASSERT_TRUE(f.Save(Bytes{2}).ok());  // Sequence 2, slot 1.
  ASSERT_TRUE(f.Save(Bytes{3}).ok());  // Sequence 3, slot 0.
  auto damage = [&](std::streamoff at) {
    std::fstream file(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(at);
    file.put('\x7f');
  };
  damage(30);  // Inside slot 0's payload: the save of 3 was cut.
  EXPECT_EQ(SafetyFile(f.path()).Load().value(), Bytes({2}));
  // The next save after a restart overwrites the damaged slot and is read back.
  SafetyFile restarted(f.path());
  ASSERT_TRUE(restarted.Load().ok());
  ASSERT_TRUE(restarted.Save(Bytes{4}).ok());
  EXPECT_EQ(SafetyFile(f.path()).Load().value(), Bytes({4}));
  damage(0);     // Slot 0 (4) damaged again,
  damage(4096);  // and slot 1 (2): nothing to trust.
  EXPECT_EQ(SafetyFile(f.path()).Load().error().code(), StatusCode::kCorruption);
  EXPECT_EQ(SafetyFile(f.path()).Save(Bytes{5}).code(), StatusCode::kCorruption);
}

// A validator upgraded from format 1 reads its record, and its next save writes format 2.
TEST(SafetyFile, ReadsFormatOneAndMovesOnToTwo) {
  testing::TempDir dir("safety_v1");
  const std::string path = dir.File("safety");
  const Bytes payload{9, 8, 7};
  {
    std::ofstream out(path, std::ios::binary);
    out << "tamga-safety/1\n" << Sha256Of(payload).ToHex() << "\n";
    out.write(reinterpret_cast<const char*>(payload.data()), 3);
  }
  SafetyFile f(path);
  EXPECT_EQ(f.Load().value(), payload);
  ASSERT_TRUE(f.Save(Bytes{6}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 8192);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(SafetyFile(path).Load().value(), Bytes({6}));
}

}  // namespace
}  // namespace tamga::ledger

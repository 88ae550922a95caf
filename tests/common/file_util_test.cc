#include "common/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace tamga {
namespace {

class FileUtilTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& n) const { return tmp_.File(n); }
  testing::TempDir tmp_{"file_util_test"};
  const std::filesystem::path& dir_ = tmp_.path();
};

TEST_F(FileUtilTest, WritesWithTheRequestedModeAndReadsBack) {
  const std::string p = Path("a");
  ASSERT_TRUE(WriteFileAtomic(p, "hello", {.mode = 0600, .overwrite = false}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadFileToString(p, 100).value(), "hello");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1) << "a temporary file was left behind";
}

TEST_F(FileUtilTest, OverwriteReplacesAndNoOverwriteRefuses) {
  const std::string p = Path("a");
  ASSERT_TRUE(WriteFileAtomic(p, "one", {}).ok());
  EXPECT_EQ(WriteFileAtomic(p, "two", {.mode = 0644, .overwrite = false}).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFileToString(p, 100).value(), "one");
  ASSERT_TRUE(WriteFileAtomic(p, "three", {.mode = 0644, .overwrite = true}).ok());
  EXPECT_EQ(ReadFileToString(p, 100).value(), "three");
}

TEST_F(FileUtilTest, RacingWritersOfANewFileNeverBothSucceed) {
  const std::string p = Path("race");
  std::vector<int> won(8, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      won[static_cast<std::size_t>(i)] =
          WriteFileAtomic(p, std::to_string(i), {.mode = 0600, .overwrite = false}).ok();
    });
  }
  for (auto& t : threads) t.join();
  int winners = 0, winner = -1;
  for (int i = 0; i < 8; ++i) {
    if (won[static_cast<std::size_t>(i)]) {
      ++winners;
      winner = i;
    }
  }
  ASSERT_EQ(winners, 1);
  EXPECT_EQ(ReadFileToString(p, 100).value(), std::to_string(winner));
}

TEST_F(FileUtilTest, ReadRefusesFilesOverTheLimitAndReportsMissingOnes) {
  const std::string p = Path("big");
  ASSERT_TRUE(WriteFileAtomic(p, std::string(1000, 'x'), {}).ok());
  EXPECT_EQ(ReadFileToString(p, 999).error().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadFileToString(Path("none"), 10).error().code(), StatusCode::kNotFound);
}

TEST_F(FileUtilTest, WritingIntoAMissingDirectoryFails) {
  EXPECT_FALSE(WriteFileAtomic(Path("no/such/dir/file"), "x", {}).ok());
}

}  // namespace
}  // namespace tamga

// tests/common/log_test.cc

#include "common/log.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"

namespace tamga {
namespace {

std::string ReadAll(const std::string& path) {
  spdlog::default_logger()->flush();
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(LogBudget, WritesUpToItsRateAndThenSaysHowManyItLeftOut) {
  testing::TempDir dir("log_budget");
  const std::string file = dir.File("log.txt");
  ASSERT_TRUE(SetupLogging(LogFormat::kText, LogLevel::kInfo, file));
  LogBudget budget(3);
  int written = 0;
  for (int i = 0; i < 10; ++i) {
    written += budget.Log(LogLevel::kWarn, "link_refused", {{"n", std::to_string(i)}}) ? 1 : 0;
  }
  EXPECT_EQ(written, 3);
  std::string text = ReadAll(file);
  EXPECT_EQ(Count(text, "link_refused"), 3u) << text;
  EXPECT_EQ(Count(text, "suppressed="), 0u) << text;
  // A second later the budget is whole again, and the first line written says how many
  // were left out before it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(budget.Log(LogLevel::kWarn, "link_refused", {{"n", "10"}}));
  text = ReadAll(file);
  EXPECT_EQ(Count(text, "link_refused"), 4u) << text;
  EXPECT_NE(text.find("link_refused n=10 suppressed=7"), std::string::npos) << text;
  // Lines below the logger's level are not written, budget or not.
  LogBudget quiet(100);
  quiet.Log(LogLevel::kDebug, "not_written");
  EXPECT_EQ(ReadAll(file).find("not_written"), std::string::npos);
  ASSERT_TRUE(SetupLogging(LogFormat::kText, LogLevel::kInfo));  // Back to stderr.
}

}  // namespace
}  // namespace tamga

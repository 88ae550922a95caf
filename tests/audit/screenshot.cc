// tests/audit/screenshot.cc

#include "tests/audit/screenshot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_util.h"

namespace tamga::testing {

void ExpectScreenshot(const std::string& html_file, const std::string& png_name, int width,
                      int height, const std::string& scratch_dir) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "chromium is missing: scripts/install-deps installs it";
  std::filesystem::create_directories(TAMGA_AUDIT_SCREENSHOTS);
  const std::string png = std::string(TAMGA_AUDIT_SCREENSHOTS) + "/" + png_name;
  std::filesystem::remove(png);
  const std::string command =
      "timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--no-first-run --user-data-dir=" +
      scratch_dir + "/chromium --window-size=" + std::to_string(width) + "," +
      std::to_string(height) + " --screenshot=" + png + " file://" + html_file + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string image = ReadFileToString(png, 1 << 24).value();
  ASSERT_GT(image.size(), 20000u);  // A page with charts, not a blank one.
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace tamga::testing

// tests/support/temp_dir.h
// A fresh, empty directory for one test, removed afterwards.

#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace tamga::testing {

class TempDir {
 public:
  // `name` keeps concurrent test binaries apart; the process id keeps runs apart.
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("tamga_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace tamga::testing

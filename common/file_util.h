// common/file_util.h
// Small, careful file operations: reading a whole file, and replacing a file atomically and
// durably (temporary file, fsync, rename, fsync of the directory), so a crash leaves either
// the old contents or the new, never a torn mix.
//
// Thread-safety: thread-safe for distinct paths.

#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga {

// Reads the whole file; ResourceExhausted if it is longer than `max_bytes`.
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes);

struct WriteFileOptions {
  mode_t mode = 0644;
  bool overwrite = true;  // If false, AlreadyExists when `path` exists.
};
// Writes `contents` to `path` atomically and durably, with `options.mode`.
Status WriteFileAtomic(const std::string& path, std::string_view contents,
                       const WriteFileOptions& options);
// Makes an existing file durable where it is: fsync of the file, then of its directory (so
// that its name, a rename's result say, is durable too).
Status SyncFileAndDirectory(const std::string& path);

}  // namespace tamga

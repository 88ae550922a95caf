#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tamga {
namespace {

Status ErrnoStatus(const std::string& what, int err) {
  std::string m = what + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(m));
  if (err == EACCES || err == EPERM) return Status::PermissionDenied(std::move(m));
  if (err == EEXIST) return Status::AlreadyExists(std::move(m));
  return Status::IoError(std::move(m));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error close() saw (it can report a failed write-back).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// fsync of the directory that holds `path`.
Status SyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) {
    return ErrnoStatus(path + " was written but its directory " + dir + " could not be synced",
                       errno);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("cannot open " + path, errno);
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read " + path, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return Status::ResourceExhausted(path + " is larger than " + std::to_string(max_bytes) +
                                       " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view contents,
                       const WriteFileOptions& options) {
  // A unique temporary name in the same directory, so concurrent writers never share one
  // and the final rename or link stays within one file system.
  std::string tmp = path + ".tmp.XXXXXX";
  Fd fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) return ErrnoStatus("cannot create a temporary file beside " + path, errno);
  auto fail = [&](const std::string& what, int err) {
    ::unlink(tmp.c_str());
    return ErrnoStatus(what, err);
  };
  if (::fchmod(fd.get(), options.mode) != 0) return fail("cannot chmod " + tmp, errno);
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write " + tmp, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("cannot sync " + tmp, errno);
  if (fd.Close() != 0) return fail("cannot close " + tmp, errno);
  if (options.overwrite) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      return fail("cannot rename " + tmp + " to " + path, errno);
    }
  } else {
    // link() fails with EEXIST if the name is taken, atomically: two writers racing for a
    // new file cannot both succeed.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      if (err == EEXIST) {
        return Status::AlreadyExists(path + " already exists; refusing to overwrite it");
      }
      return ErrnoStatus("cannot create " + path, err);
    }
    ::unlink(tmp.c_str());
  }
  return SyncDirectoryOf(path);
}

Status SyncFileAndDirectory(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("cannot open " + path, errno);
  if (::fsync(fd.get()) != 0) return ErrnoStatus("cannot sync " + path, errno);
  return SyncDirectoryOf(path);
}

}  // namespace tamga

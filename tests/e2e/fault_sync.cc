// tests/e2e/fault_sync.cc
// Preloaded into a tamgad under test (LD_PRELOAD), it makes the disk's syncs fail the way a
// dying disk's do: with TAMGA_FAULT_SYNC_AFTER=N in the environment, the first N calls of
// fsync and fdatasync go through and every later one fails with EIO without syncing. Unset,
// every call goes through. RocksDB and the safety file sync through these two calls.

#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace {

using SyncFn = int (*)(int);

long Limit() {
  static const long limit = [] {
    const char* v = std::getenv("TAMGA_FAULT_SYNC_AFTER");
    return v != nullptr ? std::strtol(v, nullptr, 10) : -1L;
  }();
  return limit;
}

std::atomic<long> calls{0};

// Whether this call fails; counts it either way.
bool Fails() {
  const long limit = Limit();
  return limit >= 0 && calls.fetch_add(1) >= limit;
}

SyncFn Real(const char* name) { return reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, name)); }

int SyncOrFail(SyncFn real, int fd) {
  if (Fails()) {
    errno = EIO;
    return -1;
  }
  return real(fd);
}

}  // namespace

extern "C" {

int fsync(int fd) {
  static const SyncFn real = Real("fsync");
  return SyncOrFail(real, fd);
}

int fdatasync(int fd) {
  static const SyncFn real = Real("fdatasync");
  return SyncOrFail(real, fd);
}

}  // extern "C"

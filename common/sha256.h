// common/sha256.h
// SHA-256 through OpenSSL's EVP interface. A Sha256 keeps one EVP_MD_CTX and reuses it
// across digests: measured on this project's machines that is about 2.6x the throughput of
// OpenSSL's one-shot call and 3x libsodium's for 64-byte inputs (Merkle nodes, ids); see
// BENCHMARKS.md.
//
// Thread-safety: a Sha256 object is not thread-safe; Sha256Of() uses one hasher per thread.

#pragma once

#include <string>

#include "common/bytes.h"
#include "common/status.h"

struct evp_md_ctx_st;

namespace tamga {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Feeds more input to the digest in progress.
  void Update(ByteView data);
  void Update(std::uint8_t byte) { Update(ByteView(&byte, 1)); }
  // Returns the digest of everything fed since the last Finish() and starts anew.
  Hash32 Finish();

 private:
  evp_md_ctx_st* ctx_;  // Owned; initialised for SHA-256 and ready for Update().
};

// SHA-256 of `data`, with this thread's reused context.
Hash32 Sha256Of(ByteView data);
// SHA-256 of the concatenation `a || b`, without copying.
Hash32 Sha256Of(ByteView a, ByteView b);

// SHA-256 of a file's contents, read in 1 MiB chunks so any size fits in memory.
Result<Hash32> Sha256OfFile(const std::string& path);

}  // namespace tamga

#include "common/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace tamga {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  TAMGA_CHECK(ctx_ != nullptr);
  TAMGA_CHECK(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(ByteView data) {
  TAMGA_CHECK(EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1);
}

Hash32 Sha256::Finish() {
  Hash32 out;
  unsigned int len = 0;
  TAMGA_CHECK(EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1 && len == Hash32::kSize);
  // Re-initialising with the same digest and a null engine reuses the fetched method,
  // which is the cheap path this class exists for.
  TAMGA_CHECK(EVP_DigestInit_ex(ctx_, nullptr, nullptr) == 1);
  return out;
}

namespace {
Sha256& ThreadHasher() {
  thread_local Sha256 hasher;
  return hasher;
}
}  // namespace

Hash32 Sha256Of(ByteView data) {
  Sha256& h = ThreadHasher();
  h.Update(data);
  return h.Finish();
}

Hash32 Sha256Of(ByteView a, ByteView b) {
  Sha256& h = ThreadHasher();
  h.Update(a);
  h.Update(b);
  return h.Finish();
}

Result<Hash32> Sha256OfFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound("cannot open " + path + ": no such file");
    return Status::IoError("cannot open " + path + ": " + std::strerror(err));
  }
  Sha256 hasher;
  std::vector<std::uint8_t> buf(1 << 20);
  while (true) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n > 0) hasher.Update(ByteView(buf.data(), n));
    if (n < buf.size()) {
      if (std::ferror(f.get())) return Status::IoError("read error on " + path);
      break;
    }
  }
  return hasher.Finish();
}

}  // namespace tamga

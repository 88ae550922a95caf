// tlog/base64.cc

#include "tlog/base64.h"

#include <sodium.h>

#include "common/ed25519.h"

namespace tamga::tlog {

std::string Base64Encode(ByteView bytes) {
  EnsureSodium();
  if (bytes.empty()) return "";  // libsodium's pointers must not be null.
  const std::size_t size = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');  // Includes the terminating NUL sodium writes.
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  EnsureSodium();
  if (text.size() % 4 != 0) return Status::Corruption("base64 length is not a multiple of 4");
  if (text.empty()) return Bytes();  // libsodium's pointers must not be null.
  Bytes out(text.size() / 4 * 3);
  std::size_t size = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Status::Corruption("invalid base64");
  }
  out.resize(size);
  // sodium tolerates some non-canonical forms; only the canonical one round-trips. The
  // copy is wiped since the text may be a secret key.
  std::string again = Base64Encode(out);
  const bool canonical = again == text;
  SecureWipe(again);
  if (!canonical) {
    sodium_memzero(out.data(), out.size());
    return Status::Corruption("non-canonical base64");
  }
  return out;
}

}  // namespace tamga::tlog

// common/bytes.h
// Byte buffers, fixed-size byte values with a hex form, and hex conversion.
// Hash32, PublicKey and Signature are distinct types so that a signature can never be
// passed where a key is expected.
//
// Thread-safety: value types.

#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tamga {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Overwrites a string that held a secret (a passphrase, a seed in hex) and empties it, in
// a way the compiler may not optimise away.
void SecureWipe(std::string& s);

// Lower-case hex of `bytes`.
std::string ToHex(ByteView bytes);
// Accepts upper or lower case; rejects odd lengths and non-hex characters.
Result<Bytes> FromHex(std::string_view hex);

// FixedBytes<N, Tag> is N bytes with value semantics, ordering and a hex form. Tag only
// makes types distinct.
template <std::size_t N, typename Tag>
class FixedBytes {
 public:
  static constexpr std::size_t kSize = N;

  // All zero.
  constexpr FixedBytes() : bytes_{} {}
  explicit constexpr FixedBytes(const std::array<std::uint8_t, N>& bytes) : bytes_(bytes) {}

  // REQUIRES: view.size() == N (checked).
  static FixedBytes FromView(ByteView view) {
    TAMGA_CHECK(view.size() == N);
    FixedBytes out;
    std::copy(view.begin(), view.end(), out.bytes_.begin());
    return out;
  }
  // Exactly 2N hex digits.
  static Result<FixedBytes> FromHex(std::string_view hex) {
    if (hex.size() != 2 * N) {
      return Status::InvalidArgument("expected " + std::to_string(2 * N) + " hex digits, got " +
                                     std::to_string(hex.size()));
    }
    TAMGA_ASSIGN_OR_RETURN(Bytes raw, ::tamga::FromHex(hex));
    return FromView(raw);
  }

  std::string ToHex() const { return ::tamga::ToHex(bytes_); }
  // The first 8 hex digits, for logs.
  std::string ShortHex() const { return ToHex().substr(0, 8); }

  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  static constexpr std::size_t size() { return N; }
  ByteView view() const { return bytes_; }
  const std::array<std::uint8_t, N>& array() const { return bytes_; }
  bool IsZero() const {
    return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
  }

  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;

 private:
  std::array<std::uint8_t, N> bytes_;
};

struct Hash32Tag {};
struct PublicKeyTag {};
struct SignatureTag {};

// A SHA-256 digest.
using Hash32 = FixedBytes<32, Hash32Tag>;
// An Ed25519 public key (RFC 8032 encoding).
using PublicKey = FixedBytes<32, PublicKeyTag>;
// An Ed25519 signature (R || S, RFC 8032 encoding).
using Signature = FixedBytes<64, SignatureTag>;

}  // namespace tamga

// common/encoding.h
// The canonical byte form of everything Tamga hashes or signs (docs/encoding.md).
//
// Rules, in brief: integers are fixed-width big-endian; booleans are one byte, 0 or 1;
// fixed-size values (hashes, keys, signatures) are their raw bytes; variable-length bytes
// and strings carry a u32 length first; lists carry a u32 count first. There are no
// optional padding bytes, no alternative encodings of one value and no trailing bytes, so
// each value has exactly one encoding and Decode(bytes) succeeds only if
// Encode(Decode(bytes)) == bytes.
//
// Decoder errors are sticky: after the first failure every read returns a zero value and
// Finish() reports the first failure, so a decoding function reads straight through and
// checks once at the end.
//
// Thread-safety: Encoder and Decoder are not thread-safe; use one per thread.

#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/ids.h"
#include "common/status.h"

namespace tamga {

class Encoder {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16(std::uint16_t v);
  void U32(std::uint32_t v);
  void U64(std::uint64_t v);
  void Bool(bool v) { U8(v ? 1 : 0); }
  template <std::size_t N, typename Tag>
  void Fixed(const FixedBytes<N, Tag>& v) {
    Raw(v.view());
  }
  template <typename Rep, typename Tag>
  void Id(StrongId<Rep, Tag> id) {
    if constexpr (sizeof(Rep) == 8) {
      U64(id.value());
    } else {
      static_assert(sizeof(Rep) == 4);
      U32(id.value());
    }
  }
  // u32 length, then the bytes. REQUIRES: size fits in u32 (checked).
  void Blob(ByteView v);
  void String(std::string_view s) { Blob(AsBytes(s)); }
  // A list's element count. REQUIRES: fits in u32 (checked).
  void Count(std::size_t n);
  // Bytes that are already canonical (a nested encoding), without a length.
  void Raw(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }

  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Decoder {
 public:
  // `in` must outlive the decoder. `what` names the value in error messages.
  Decoder(ByteView in, std::string_view what) : in_(in), what_(what) {}

  std::uint8_t U8();
  std::uint16_t U16();
  std::uint32_t U32();
  std::uint64_t U64();
  // Fails unless the byte is 0 or 1.
  bool Bool();
  template <typename T>
  T Fixed() {
    T out;
    ByteView v = Take(T::kSize, "fixed-size value");
    if (!v.empty()) out = T::FromView(v);
    return out;
  }
  template <typename T>
  T Id() {
    if constexpr (sizeof(typename T::RepType) == 8) {
      return T(U64());
    } else {
      return T(U32());
    }
  }
  // A u32 length (at most `max`) and that many bytes.
  Bytes Blob(std::size_t max, std::string_view field);
  // Like Blob, and fails unless every byte is printable ASCII (0x20-0x7e): the strings the
  // ledger stores are codes and names, and one spelling per string keeps them canonical.
  std::string AsciiString(std::size_t max, std::string_view field);
  // A list's element count: at most `max`, and at most remaining()/min_element_size so a
  // short input cannot make the caller reserve a huge list.
  std::size_t Count(std::size_t max, std::size_t min_element_size, std::string_view field);
  // The next `n` bytes, not copied (empty view on failure).
  ByteView Take(std::size_t n, std::string_view field);

  // Records a failure found by the caller (an unknown enum value, unsorted keys...).
  void Fail(std::string message);

  bool ok() const { return error_.ok(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // OK iff every read succeeded and all input was consumed.
  Status Finish();

 private:
  const ByteView in_;
  const std::string_view what_;
  std::size_t pos_ = 0;
  Status error_;  // The first failure.
};

// Encodes a value with its EncodeTo(Encoder&, const T&) overload.
template <typename T>
Bytes Encode(const T& value) {
  Encoder e;
  EncodeTo(e, value);
  return e.Take();
}

// An optional value: a presence boolean, then the value if present.
template <typename T>
void EncodeOptional(Encoder& e, const std::optional<T>& v) {
  e.Bool(v.has_value());
  if (v) EncodeTo(e, *v);
}
template <typename T>
void DecodeOptional(Decoder& d, std::optional<T>& v) {
  if (d.Bool()) {
    v.emplace();
    DecodeFrom(d, *v);
  } else {
    v.reset();
  }
}

// Decodes a whole value with its DecodeFrom(Decoder&, T&) overload; fails on any
// non-canonical input, including trailing bytes.
template <typename T>
Result<T> Decode(ByteView in, std::string_view what) {
  Decoder d(in, what);
  T value{};
  DecodeFrom(d, value);
  TAMGA_RETURN_IF_ERROR(d.Finish());
  return value;
}

}  // namespace tamga

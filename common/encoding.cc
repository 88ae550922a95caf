#include "common/encoding.h"

namespace tamga {

void Encoder::U16(std::uint16_t v) {
  U8(static_cast<std::uint8_t>(v >> 8));
  U8(static_cast<std::uint8_t>(v));
}

void Encoder::U32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) U8(static_cast<std::uint8_t>(v >> shift));
}

void Encoder::U64(std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<std::uint8_t>(v >> shift));
}

void Encoder::Blob(ByteView v) {
  Count(v.size());
  Raw(v);
}

void Encoder::Count(std::size_t n) {
  TAMGA_CHECK(n <= std::numeric_limits<std::uint32_t>::max());
  U32(static_cast<std::uint32_t>(n));
}

ByteView Decoder::Take(std::size_t n, std::string_view field) {
  if (!error_.ok()) return {};
  if (n > remaining()) {
    Fail(std::string(field) + " needs " + std::to_string(n) + " bytes at offset " +
         std::to_string(pos_) + ", only " + std::to_string(remaining()) + " left");
    return {};
  }
  ByteView v = in_.subspan(pos_, n);
  pos_ += n;
  return v;
}

std::uint8_t Decoder::U8() {
  ByteView v = Take(1, "u8");
  return v.empty() ? 0 : v[0];
}

std::uint16_t Decoder::U16() {
  ByteView v = Take(2, "u16");
  if (v.empty()) return 0;
  return static_cast<std::uint16_t>((v[0] << 8) | v[1]);
}

std::uint32_t Decoder::U32() {
  ByteView v = Take(4, "u32");
  std::uint32_t out = 0;
  for (std::uint8_t b : v) out = (out << 8) | b;
  return out;
}

std::uint64_t Decoder::U64() {
  ByteView v = Take(8, "u64");
  std::uint64_t out = 0;
  for (std::uint8_t b : v) out = (out << 8) | b;
  return out;
}

bool Decoder::Bool() {
  const std::size_t at = pos_;
  const std::uint8_t b = U8();
  if (b > 1) Fail("boolean at offset " + std::to_string(at) + " is " + std::to_string(b));
  return b == 1;
}

Bytes Decoder::Blob(std::size_t max, std::string_view field) {
  const std::uint32_t len = U32();
  if (len > max) {
    Fail(std::string(field) + " length " + std::to_string(len) + " > max " + std::to_string(max));
    return {};
  }
  ByteView v = Take(len, field);
  return Bytes(v.begin(), v.end());
}

std::string Decoder::AsciiString(std::size_t max, std::string_view field) {
  Bytes raw = Blob(max, field);
  for (std::uint8_t c : raw) {
    if (c < 0x20 || c > 0x7e) {
      Fail(std::string(field) + " has a byte outside printable ASCII");
      return {};
    }
  }
  return std::string(raw.begin(), raw.end());
}

std::size_t Decoder::Count(std::size_t max, std::size_t min_element_size,
                           std::string_view field) {
  const std::uint32_t n = U32();
  if (n > max) {
    Fail(std::string(field) + " count " + std::to_string(n) + " > max " + std::to_string(max));
    return 0;
  }
  if (min_element_size > 0 && n > remaining() / min_element_size) {
    Fail(std::string(field) + " count " + std::to_string(n) + " cannot fit in the " +
         std::to_string(remaining()) + " bytes left");
    return 0;
  }
  return ok() ? n : 0;
}

void Decoder::Fail(std::string message) {
  if (error_.ok()) error_ = Status::Corruption(std::string(what_) + ": " + std::move(message));
}

Status Decoder::Finish() {
  if (error_.ok() && pos_ != in_.size()) {
    Fail(std::to_string(in_.size() - pos_) + " trailing bytes");
  }
  return error_;
}

}  // namespace tamga

#include "common/encoding.h"

#include <gtest/gtest.h>

namespace tamga {
namespace {

TEST(Encoder, WritesBigEndianFixedWidthIntegers) {
  Encoder e;
  e.U8(0x01);
  e.U16(0x0203);
  e.U32(0x04050607);
  e.U64(0x08090a0b0c0d0e0fULL);
  e.Bool(true);
  e.String("hi");
  EXPECT_EQ(ToHex(e.bytes()), "010203040506070809" "0a0b0c0d0e0f" "01" "00000002" "6869");
}

TEST(Decoder, ReadsWhatTheEncoderWrote) {
  Encoder e;
  e.U16(65535);
  e.U64(1ULL << 63);
  e.Bool(false);
  e.Blob(Bytes{9, 8, 7});
  const Bytes bytes = e.Take();
  Decoder d(bytes, "test");
  EXPECT_EQ(d.U16(), 65535);
  EXPECT_EQ(d.U64(), 1ULL << 63);
  EXPECT_FALSE(d.Bool());
  EXPECT_EQ(d.Blob(10, "blob"), (Bytes{9, 8, 7}));
  EXPECT_TRUE(d.Finish().ok());
}

TEST(Decoder, RejectsBooleansOtherThanZeroAndOne) {
  const Bytes bytes = {2};
  Decoder d(bytes, "flag");
  d.Bool();
  Status s = d.Finish();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "flag: boolean at offset 0 is 2");
}

TEST(Decoder, RejectsTrailingBytes) {
  const Bytes bytes = {0, 1, 2};
  Decoder d(bytes, "value");
  d.U16();
  EXPECT_EQ(d.Finish().message(), "value: 1 trailing bytes");
}

TEST(Decoder, RejectsTruncatedInputAndStaysFailed) {
  const Bytes bytes = {0, 0, 0};
  Decoder d(bytes, "value");
  EXPECT_EQ(d.U32(), 0u);
  EXPECT_EQ(d.U8(), 0);  // Sticky: later reads give zero values.
  EXPECT_EQ(d.Finish().message(),
            "value: u32 needs 4 bytes at offset 0, only 3 left");
}

TEST(Decoder, RejectsBlobsOverTheirLimitBeforeReading) {
  Encoder e;
  e.Blob(Bytes(100, 1));
  const Bytes bytes = e.Take();
  Decoder d(bytes, "tx");
  d.Blob(99, "payload");
  EXPECT_EQ(d.Finish().message(), "tx: payload length 100 > max 99");
}

TEST(Decoder, RejectsCountsThatCannotFitInTheInput) {
  // A count of a million 68-byte entries in a 10-byte input must fail at once, before any
  // caller reserves memory for it.
  Encoder e;
  e.Count(1'000'000);
  e.Raw(Bytes(6, 0));
  const Bytes bytes = e.Take();
  Decoder d(bytes, "qc");
  EXPECT_EQ(d.Count(2'000'000, 68, "signatures"), 0u);
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.Finish().message(), "qc: signatures count 1000000 cannot fit in the 6 bytes left");
}

TEST(Decoder, AsciiStringsRejectControlAndHighBytes) {
  for (std::uint8_t bad : {std::uint8_t{0x0a}, std::uint8_t{0x7f}, std::uint8_t{0xc3}}) {
    Encoder e;
    e.Blob(Bytes{'K', bad});
    const Bytes bytes = e.Take();
    Decoder d(bytes, "code");
    d.AsciiString(10, "country");
    EXPECT_FALSE(d.Finish().ok()) << int(bad);
  }
  Encoder e;
  e.String("KZ");
  const Bytes bytes = e.Take();
  Decoder d(bytes, "code");
  EXPECT_EQ(d.AsciiString(10, "country"), "KZ");
  EXPECT_TRUE(d.Finish().ok());
}

}  // namespace
}  // namespace tamga

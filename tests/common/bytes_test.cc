#include "common/bytes.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace tamga {
namespace {

TEST(Hex, RoundTripsAndAcceptsUpperCase) {
  const Bytes b = {0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(ToHex(b), "007f80ff");
  EXPECT_EQ(FromHex("007F80FF").value(), b);
  EXPECT_EQ(FromHex("").value(), Bytes{});
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_EQ(FromHex("abc").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex("zz").error().message(), "non-hex character at offset 0");
  EXPECT_FALSE(FromHex("0g").ok());
}

TEST(FixedBytes, ParsesExactLengthOnly) {
  const std::string hex(64, 'a');
  auto h = Hash32::FromHex(hex);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->ToHex(), hex);
  EXPECT_EQ(h->ShortHex(), "aaaaaaaa");
  EXPECT_FALSE(Hash32::FromHex(hex.substr(2)).ok());
  EXPECT_FALSE(Signature::FromHex(hex).ok());  // 32 bytes is not a signature.
  EXPECT_TRUE(Hash32().IsZero());
  EXPECT_FALSE(h->IsZero());
}

TEST(FixedBytes, OrdersLexicographically) {
  Hash32 a, b;
  b.data()[0] = 1;
  EXPECT_LT(a, b);
  EXPECT_NE(a, b);
}

TEST(StrongId, DistinctTypesCompareAndIncrement) {
  Round r(7);
  EXPECT_EQ(r.Next(), Round(8));
  EXPECT_LT(Height(1), Height(2));
  EXPECT_EQ(ValidatorIndex(3).ToString(), "3");
  static_assert(!std::is_convertible_v<Round, Height>);
  static_assert(!std::is_convertible_v<std::uint64_t, Round>);
}

}  // namespace
}  // namespace tamga

#include "common/status.h"

#include <gtest/gtest.h>

#include <string>

namespace tamga {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TAMGA_ASSIGN_OR_RETURN(int half, Half(x));
  TAMGA_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  TAMGA_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(Status, OkIsCheapAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, CarriesCodeAndMessage) {
  Status s = Status::Corruption("frame too short");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ToString(), "corruption: frame too short");
  EXPECT_EQ(s.WithContext("peer 3").message(), "peer 3: frame too short");
  EXPECT_TRUE(Status::Ok().WithContext("ignored").ok());
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).message(), "5 is odd");
}

TEST(ResultDeathTest, ValueOfAnErrorAborts) {
  Result<int> r = Status::NotFound("nothing");
  EXPECT_DEATH((void)r.value(), "TAMGA_CHECK failed");
}

TEST(ResultDeathTest, BuildingFromOkStatusAborts) {
  EXPECT_DEATH({ Result<int> r{Status::Ok()}; }, "without a value");
}

}  // namespace
}  // namespace tamga

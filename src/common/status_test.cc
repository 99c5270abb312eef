#include "common/status.h"

#include <gtest/gtest.h>

namespace icegraph {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ICEGRAPH_ASSIGN_OR_RAISE(const int h, Half(x));
  ICEGRAPH_ASSIGN_OR_RAISE(const int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  ICEGRAPH_RETURN_NOT_OK(Half(x).status().WithContext("checking " + std::to_string(x)));
  return Status::OK();
}

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(Status::OK().ToString(), "OK");
  const Status st = Status::NotFound("table db.users");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.ToString(), "NotFound: table db.users");
  EXPECT_EQ(st.WithContext("loading mapping users").message(), "loading mapping users: table db.users");
}

TEST(StatusTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd: 3");
  EXPECT_EQ(CheckEven(5).message(), "checking 5: odd: 5");
  EXPECT_TRUE(CheckEven(4).ok());
}

TEST(StatusTest, DetailTravelsThroughContextAndDecidesWithoutText) {
  EXPECT_EQ(Status::OK().WithDetail({413, "", false, ErrorDetail::Cause::kTooLarge}).detail(), nullptr);
  const Status plain = Status::Invalid("HTTP 413 in the text only");
  EXPECT_EQ(plain.detail(), nullptr);
  EXPECT_EQ(plain.http_status(), 0);
  EXPECT_EQ(plain.cause(), ErrorDetail::Cause::kUnspecified);
  EXPECT_FALSE(plain.retryable());
  const Status st = Status::Unavailable("POST /restpp/graph/g: busy")
                        .WithDetail({503, "REST-12000", true, ErrorDetail::Cause::kUnspecified})
                        .WithContext("upsert of vertex person");
  ASSERT_NE(st.detail(), nullptr);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(st.message(), "upsert of vertex person: POST /restpp/graph/g: busy");
  EXPECT_EQ(st.http_status(), 503);
  EXPECT_EQ(st.detail()->remote_code, "REST-12000");
  EXPECT_TRUE(st.retryable());
  const Status big = Status::Invalid("refused").WithDetail({413, "", false, ErrorDetail::Cause::kTooLarge});
  EXPECT_EQ(big.cause(), ErrorDetail::Cause::kTooLarge);
  EXPECT_EQ(ErrorCauseName(big.cause()), "too_large");
  // A copy shares the detail; attaching another leaves the first status as it was.
  const Status other = big.WithDetail({400, "REST-30000", false, ErrorDetail::Cause::kInvalidRow});
  EXPECT_EQ(big.http_status(), 413);
  EXPECT_EQ(other.http_status(), 400);
  EXPECT_EQ(other.cause(), ErrorDetail::Cause::kInvalidRow);
}

}  // namespace
}  // namespace icegraph

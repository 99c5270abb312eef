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

}  // namespace
}  // namespace icegraph

#include "common/arrow_status.h"

#include <gtest/gtest.h>

namespace icegraph {
namespace {

TEST(ArrowStatusTest, MapsCodesAndKeepsArrowsMessage) {
  EXPECT_TRUE(FromArrowStatus(arrow::Status::OK(), "x").ok());
  const Status io = FromArrowStatus(arrow::Status::IOError("disk gone"), "reading f.parquet");
  EXPECT_EQ(io.code(), StatusCode::kIOError);
  EXPECT_EQ(io.message(), "reading f.parquet: IOError: disk gone");
  EXPECT_EQ(FromArrowStatus(arrow::Status::KeyError("k"), "c").code(), StatusCode::kNotFound);
  EXPECT_EQ(FromArrowStatus(arrow::Status::TypeError("t"), "c").code(), StatusCode::kTypeError);
  EXPECT_EQ(FromArrowStatus(arrow::Status::NotImplemented("n"), "c").code(), StatusCode::kNotImplemented);
  EXPECT_EQ(FromArrowStatus(arrow::Status::OutOfMemory("m"), "c").code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromArrowStatus(arrow::Status::Invalid("i"), "c").code(), StatusCode::kInvalid);
}

TEST(ArrowStatusTest, ResultsGiveTheValueOrTheError) {
  EXPECT_EQ(*FromArrowResult(arrow::Result<int>(7), "seven"), 7);
  const auto bad = FromArrowResult(arrow::Result<int>(arrow::Status::Invalid("no")), "casting");
  EXPECT_EQ(bad.status().message(), "casting: Invalid: no");
}

}  // namespace
}  // namespace icegraph

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulator/types.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

TEST(DatetimeTest, AcceptsTigerGraphFormatsAndRange) {
  EXPECT_EQ(ParseDatetime("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(ParseDatetime("2026-01-20 10:00:00"), 1768903200);
  EXPECT_EQ(ParseDatetime("2026/01/20 10:00:00"), 1768903200);
  EXPECT_EQ(ParseDatetime("2026-01-20T10:00:00.123Z"), 1768903200);
  EXPECT_EQ(ParseDatetime("2026-01-20"), 1768867200);
  EXPECT_EQ(ParseDatetime("1768903200"), 1768903200);  // digits alone are epoch seconds
  EXPECT_EQ(ParseDatetime("20260120"), 20260120);
  EXPECT_EQ(ParseDatetime("2024-02-29 23:59:59"), 1709251199);
  EXPECT_EQ(ParseDatetime("1582-10-15 00:00:00"), -12219292800);
  EXPECT_EQ(ParseDatetime("9999-12-31 23:59:59"), 253402300799);
  for (const char* bad : {"", "2023-02-29", "2026-13-01", "2026-01-32", "2026-01-20 24:00:00", "1582-10-14", "2026-1-5",
                          "2026-01-20 10:00", "tomorrow", "2026-01-20X"}) {
    EXPECT_FALSE(ParseDatetime(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatDatetime(1768903200), "2026-01-20 10:00:00");
  EXPECT_EQ(FormatDatetime(-12219292800), "1582-10-15 00:00:00");
  EXPECT_EQ(FormatDatetime(253402300799), "9999-12-31 23:59:59");
}

TEST(ValueFromTokenTest, ScalarsAsTheLoaderReadsThem) {
  EXPECT_EQ(std::get<int64_t>(ValueFromToken({Kind::kInt}, "-42")->data), -42);
  EXPECT_EQ(std::get<int64_t>(ValueFromToken({Kind::kInt}, "9223372036854775807")->data), INT64_MAX);
  EXPECT_FALSE(ValueFromToken({Kind::kInt}, "9223372036854775808").ok());
  EXPECT_FALSE(ValueFromToken({Kind::kInt}, "3.5").ok());
  EXPECT_FALSE(ValueFromToken({Kind::kUint}, "-1").ok());
  EXPECT_EQ(std::get<uint64_t>(ValueFromToken({Kind::kUint}, "18446744073709551615")->data), UINT64_MAX);
  EXPECT_DOUBLE_EQ(std::get<double>(ValueFromToken({Kind::kDouble}, "1.5e3")->data), 1500.0);
  EXPECT_FALSE(ValueFromToken({Kind::kDouble}, "abc").ok());
  EXPECT_EQ(std::get<bool>(ValueFromToken({Kind::kBool}, "true")->data), true);
  EXPECT_EQ(std::get<bool>(ValueFromToken({Kind::kBool}, "0")->data), false);
  EXPECT_FALSE(ValueFromToken({Kind::kBool}, "yes").ok());
  EXPECT_EQ(std::get<std::string>(ValueFromToken({Kind::kString}, " a,b ")->data), " a,b ");
  // An empty token loads the default for numbers, booleans and datetimes.
  EXPECT_EQ(std::get<int64_t>(ValueFromToken({Kind::kInt}, "")->data), 0);
  EXPECT_EQ(std::get<int64_t>(ValueFromToken({Kind::kDatetime}, "")->data), 0);
  const auto err = ValueFromToken({Kind::kInt}, "x1");
  EXPECT_EQ(err.status().message(), "invalid value \"x1\" for attribute of type INT");
}

TEST(ValueFromJsonTest, StrictAboutJsonTypes) {
  EXPECT_FALSE(ValueFromJson({Kind::kInt}, json("5")).ok());
  EXPECT_FALSE(ValueFromJson({Kind::kString}, json(5)).ok());
  EXPECT_FALSE(ValueFromJson({Kind::kUint}, json(-5)).ok());
  EXPECT_EQ(std::get<int64_t>(ValueFromJson({Kind::kDatetime}, json("2026-01-20"))->data), 1768867200);
  EXPECT_EQ(std::get<int64_t>(ValueFromJson({Kind::kDatetime}, json(60))->data), 60);
  const AttrType set{Kind::kSet, Kind::kInt};
  const Value s = *ValueFromJson(set, json::array({3, 1, 3}));
  EXPECT_EQ(ValueToJson(set, s), json::array({3, 1}));
  const AttrType map{Kind::kMap, Kind::kDouble, Kind::kString};
  const Value m = *ValueFromJson(map, json{{"keylist", {"a", "b"}}, {"valuelist", {1.5, 2}}});
  EXPECT_EQ(ValueToJson(map, m), (json{{"a", 1.5}, {"b", 2}}));
  EXPECT_FALSE(ValueFromJson(map, json::array({1})).ok());
}

TEST(ValueToJsonTest, RendersAsRestppDoes) {
  EXPECT_EQ(ValueToJson({Kind::kDouble}, Value{25.0}), json(25));
  EXPECT_EQ(ValueToJson({Kind::kDouble}, Value{2.5}), json(2.5));
  EXPECT_EQ(ValueToJson({Kind::kFloat}, *ValueFromToken({Kind::kFloat}, "1.1")), json(1.1));
  EXPECT_EQ(ValueToJson({Kind::kDatetime}, Value{int64_t{0}}), json("1970-01-01 00:00:00"));
  EXPECT_EQ(ValueToJson({Kind::kList, Kind::kString}, DefaultValue({Kind::kList, Kind::kString})), json::array());
  EXPECT_EQ(ValueToText({Kind::kUint}, Value{uint64_t{7}}), "7");
}

TEST(CompareValuesTest, OrdersByType) {
  EXPECT_LT(CompareValues({Kind::kInt}, Value{int64_t{2}}, Value{int64_t{10}}), 0);
  EXPECT_GT(CompareValues({Kind::kString}, Value{std::string("b")}, Value{std::string("a")}), 0);
  EXPECT_EQ(CompareValues({Kind::kDouble}, Value{1.5}, Value{1.5}), 0);
}

}  // namespace
}  // namespace icegraph::emulator

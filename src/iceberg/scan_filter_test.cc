#include "iceberg/scan_filter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "iceberg/iso_datetime.h"
#include "iceberg/pruning.h"
#include "iceberg/scan_test_util.h"

namespace icegraph::iceberg {
namespace {

using testing::F;

Schema TestSchema() {
  Schema s;
  s.fields = {
      F(1, "id", "long"),        F(2, "name", "string"),         F(3, "day", "date"),
      F(4, "ts", "timestamptz"), F(5, "score", "double"),        F(6, "n", "int"),
      F(7, "ok", "boolean"),     F(8, "price", "decimal(10,2)"), F(9, "rec", "struct", false, {F(10, "x", "int")}),
      F(11, "f", "float")};
  return s;
}

Filter Bound(const std::string& text) {
  auto parsed = ParseFilter(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto bound = BindFilter(*parsed, TestSchema());
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  return bound.ok() ? *bound : Filter{};
}

template <typename T>
std::string Le(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

TEST(IsoDateTimeTest, ParsesDatesTimesAndTimestamps) {
  EXPECT_EQ(*ParseIsoDate("1970-01-02"), 1);
  EXPECT_EQ(*ParseIsoDate("1969-12-31"), -1);
  EXPECT_EQ(*ParseIsoTime("00:00:01.5"), 1'500'000);
  EXPECT_EQ(*ParseIsoTimestamp("1970-01-01T00:00:01"), 1'000'000);
  EXPECT_EQ(*ParseIsoTimestamp("1970-01-01 01:00:00+01:00"), 0);
  EXPECT_EQ(*ParseIsoTimestamp("1970-01-01T00:00:00.000000001Z", true), 1);
  EXPECT_EQ(*ParseIsoTimestamp("2024-03-01"), int64_t{19783} * 86'400'000'000);
  EXPECT_FALSE(ParseIsoDate("2024-02-30").ok());
  EXPECT_FALSE(ParseIsoTimestamp("2024-03-01T25:00:00").ok());
  EXPECT_FALSE(ParseIsoTimestamp("1970-01-01T00:00:00.0000001").ok());  // sub-µs digits would be lost
}

TEST(ParseFilterTest, ParsesAndedPredicates) {
  auto f = ParseFilter(R"(id >= -5 and "name" = 'O''Brien' AND `day` IS NOT NULL AND ok = TRUE AND score < 1.5e2)");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->predicates.size(), 5u);
  EXPECT_EQ(f->predicates[0].op, CompareOp::kGtEq);
  EXPECT_EQ(std::get<int64_t>(f->predicates[0].literal), -5);
  EXPECT_EQ(std::get<std::string>(f->predicates[1].literal), "O'Brien");
  EXPECT_EQ(f->predicates[2].op, CompareOp::kNotNull);
  EXPECT_TRUE(std::get<bool>(f->predicates[3].literal));
  EXPECT_DOUBLE_EQ(std::get<double>(f->predicates[4].literal), 150.0);
  EXPECT_EQ(FilterToString(*f), "id >= -5 AND name = 'O'Brien' AND day IS NOT NULL AND ok = true AND score < 150.0");
  EXPECT_TRUE(ParseFilter("  ")->empty());
}

TEST(ParseFilterTest, RejectsWhatItDoesNotSupport) {
  for (const char* bad : {"id > 1 OR id < 0", "id = NULL", "id >", "= 3", "name = 'open", "id ~ 3"}) {
    EXPECT_EQ(ParseFilter(bad).status().code(), StatusCode::kInvalid) << bad;
  }
}

TEST(BindFilterTest, ConvertsLiteralsToTheColumnRepresentation) {
  const Filter f = Bound(
      "day = '1970-01-11' AND ts < '1970-01-01T00:00:01Z' AND score > 2 AND price = '1.50' "
      "AND n = 3");
  EXPECT_EQ(std::get<int64_t>(f.predicates[0].literal), 10);
  EXPECT_EQ(f.predicates[0].field_id, 3);
  EXPECT_EQ(std::get<int64_t>(f.predicates[1].literal), 1'000'000);
  EXPECT_DOUBLE_EQ(std::get<double>(f.predicates[2].literal), 2.0);
  EXPECT_EQ(std::get<std::string>(f.predicates[3].literal), "1.50");
  // Binding is idempotent: a bound filter binds to the same thing.
  EXPECT_EQ(FilterToString(*BindFilter(f, TestSchema())), FilterToString(f));
}

TEST(BindFilterTest, ReportsUnknownColumnsAndMismatchedLiterals) {
  const auto bind = [](const char* text) { return BindFilter(*ParseFilter(text), TestSchema()).status().code(); };
  EXPECT_EQ(bind("nope = 1"), StatusCode::kNotFound);
  EXPECT_EQ(bind("name = 1"), StatusCode::kTypeError);
  EXPECT_EQ(bind("id = 'x'"), StatusCode::kTypeError);
  EXPECT_EQ(bind("n = 3000000000"), StatusCode::kInvalid);
  EXPECT_EQ(bind("day = '2024-13-01'"), StatusCode::kInvalid);
  EXPECT_EQ(bind("rec = 1"), StatusCode::kInvalid);
}

TEST(FilterJsonTest, RoundTrips) {
  const Filter f = Bound("id != 4 AND name IS NULL AND score <= 0.25 AND ok = false");
  const nlohmann::json j = FilterToJson(f);
  auto back = FilterFromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(FilterToJson(*back), j);
  EXPECT_FALSE(FilterFromJson(nlohmann::json::parse(R"([{"op": "~"}])")).ok());
}

TEST(DecodeBoundTest, DecodesSingleValueSerialisation) {
  EXPECT_EQ(std::get<int64_t>(*DecodeBound("int", Le<int32_t>(-7))), -7);
  EXPECT_EQ(std::get<int64_t>(*DecodeBound("long", Le<int64_t>(int64_t{1} << 40))), int64_t{1} << 40);
  EXPECT_EQ(std::get<int64_t>(*DecodeBound("long", Le<int32_t>(-3))), -3);  // written before int → long
  EXPECT_EQ(std::get<int64_t>(*DecodeBound("date", Le<int32_t>(19000))), 19000);
  EXPECT_EQ(std::get<int64_t>(*DecodeBound("timestamptz", Le<int64_t>(-1))), -1);
  EXPECT_DOUBLE_EQ(std::get<double>(*DecodeBound("float", Le<float>(1.5f))), 1.5);
  EXPECT_DOUBLE_EQ(std::get<double>(*DecodeBound("double", Le<float>(2.5f))), 2.5);  // float → double
  EXPECT_DOUBLE_EQ(std::get<double>(*DecodeBound("double", Le<double>(-0.125))), -0.125);
  EXPECT_EQ(std::get<std::string>(*DecodeBound("string", "abc")), "abc");
  EXPECT_TRUE(std::get<bool>(*DecodeBound("boolean", std::string(1, '\x01'))));
  EXPECT_EQ(DecodeBound("int", "abc").status().code(), StatusCode::kInvalid);
  EXPECT_EQ(DecodeBound("decimal(9,2)", "ab").status().code(), StatusCode::kNotImplemented);
}

TEST(FileMayMatchTest, UsesBoundsAndNullCounts) {
  DataFile f;
  f.lower_bounds = {{1, Le<int64_t>(10)}, {2, "m"}};
  f.upper_bounds = {{1, Le<int64_t>(20)}, {2, "p"}};
  f.value_counts = {{1, 100}, {2, 100}, {5, 100}};
  f.null_value_counts = {{1, 0}, {2, 5}, {5, 100}};
  const Schema schema = TestSchema();
  const auto may = [&](const char* text) { return FileMayMatch(Bound(text), schema, nullptr, f); };
  EXPECT_TRUE(may("id = 10"));
  EXPECT_FALSE(may("id = 9"));
  EXPECT_FALSE(may("id = 21"));
  EXPECT_FALSE(may("id < 10"));
  EXPECT_TRUE(may("id <= 10"));
  EXPECT_FALSE(may("id > 20"));
  EXPECT_TRUE(may("id >= 20"));
  EXPECT_TRUE(may("id != 15"));
  EXPECT_FALSE(may("id IS NULL"));  // no nulls in the column
  EXPECT_TRUE(may("name IS NULL"));
  EXPECT_FALSE(may("name = 'zebra'"));
  EXPECT_TRUE(may("name >= 'o'"));
  EXPECT_FALSE(may("score = 1"));  // all null
  EXPECT_FALSE(may("score IS NOT NULL"));
  EXPECT_TRUE(may("day = '2024-01-01'"));  // no metrics: cannot tell
  EXPECT_FALSE(may("id > 5 AND id < 8"));
  // A float column's bounds are floats: the literal is rounded to float the same way.
  f.lower_bounds[11] = Le<float>(0.1f);
  f.upper_bounds[11] = Le<float>(0.1f);
  EXPECT_TRUE(may("f = 0.1"));
  EXPECT_FALSE(may("f > 0.1"));
}

TEST(FileMayMatchTest, UsesIdentityPartitionValues) {
  PartitionSpec spec{
      0, {{2, 1000, "name_part", "identity"}, {3, 1001, "day_part", "identity"}, {1, 1002, "id_bucket", "bucket[4]"}}};
  DataFile f;
  f.partition = std::make_shared<const nlohmann::json>(
      nlohmann::json::parse(R"({"name_part": "eu", "day_part": 19000, "id_bucket": 3})"));
  const Schema schema = TestSchema();
  const auto may = [&](const char* text) { return FileMayMatch(Bound(text), schema, &spec, f); };
  EXPECT_TRUE(may("name = 'eu'"));
  EXPECT_FALSE(may("name = 'us'"));
  EXPECT_FALSE(may("name IS NULL"));
  EXPECT_TRUE(may("day >= '2022-01-08'"));  // 19000 days = 2022-01-08
  EXPECT_FALSE(may("day > '2022-01-08'"));
  EXPECT_TRUE(may("id = 3"));  // bucket transform: not used
  f.partition =
      std::make_shared<const nlohmann::json>(nlohmann::json::parse(R"({"name_part": null, "day_part": 19000})"));
  EXPECT_TRUE(may("name IS NULL"));
  EXPECT_FALSE(may("name = 'eu'"));
}

}  // namespace
}  // namespace icegraph::iceberg

// The Iceberg → TigerGraph type matrix and ConvertToCanonical, per type, with edge values.
#include "mapping/type_matrix.h"

#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <limits>

namespace icegraph::mapping {
namespace {

std::shared_ptr<arrow::Array> A(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  auto r = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

iceberg::Field F(std::string type, std::vector<iceberg::Field> children = {}) {
  iceberg::Field f;
  f.name = "c";
  f.type = std::move(type);
  f.children = std::move(children);
  return f;
}

Converted Convert(const std::shared_ptr<arrow::Array>& in, const iceberg::Field& f, TgType t) {
  auto r = ConvertToCanonical(in, f, t);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_TRUE(r->values->type()->Equals(*CanonicalArrowType(t))) << r->values->type()->ToString();
  EXPECT_TRUE(r->values->ValidateFull().ok());
  return std::move(r).ValueOrDie();
}

void ExpectValues(const Converted& c, const TgType& t, const std::string& json) {
  const auto want = A(CanonicalArrowType(t), json);
  EXPECT_TRUE(c.values->Equals(*want)) << c.values->ToString() << "\nwanted\n" << want->ToString();
}

std::string Errors(const Converted& c) {
  std::string out;
  for (const RowError& e : c.errors) {
    out += std::to_string(e.row) + ":" + std::string(ReasonCode(e.error)) + ":" + e.value + ":" + e.detail + ";";
  }
  return out;
}

constexpr TgType kInt{TgKind::kInt};
constexpr TgType kUint{TgKind::kUint};
constexpr TgType kDouble{TgKind::kDouble};
constexpr TgType kFloat{TgKind::kFloat};
constexpr TgType kString{TgKind::kString};
constexpr TgType kBool{TgKind::kBool};
constexpr TgType kDatetime{TgKind::kDatetime};

TEST(MappingTypeMatrixTest, DefaultTypes) {
  const auto def = [](const iceberg::Field& f) {
    auto r = DefaultTgType(f);
    return r.ok() ? r->ToGsql() : r.status().message();
  };
  EXPECT_EQ(def(F("boolean")), "BOOL");
  EXPECT_EQ(def(F("int")), "INT");
  EXPECT_EQ(def(F("long")), "INT");
  EXPECT_EQ(def(F("float")), "FLOAT");
  EXPECT_EQ(def(F("double")), "DOUBLE");
  EXPECT_EQ(def(F("decimal(10,2)")), "DOUBLE");
  EXPECT_EQ(def(F("decimal(15,0)")), "DOUBLE");
  EXPECT_EQ(def(F("decimal(16,2)")), "STRING");
  EXPECT_EQ(def(F("date")), "DATETIME");
  EXPECT_EQ(def(F("time")), "STRING");
  EXPECT_EQ(def(F("timestamp")), "DATETIME");
  EXPECT_EQ(def(F("timestamptz")), "DATETIME");
  EXPECT_EQ(def(F("timestamptz_ns")), "DATETIME");
  EXPECT_EQ(def(F("string")), "STRING");
  EXPECT_EQ(def(F("uuid")), "STRING");
  EXPECT_EQ(def(F("binary")), "STRING");
  EXPECT_EQ(def(F("fixed[16]")), "STRING");
  EXPECT_EQ(def(F("list", {F("string")})), "LIST<STRING>");
  EXPECT_EQ(def(F("list", {F("long")})), "LIST<INT>");
  EXPECT_EQ(def(F("map", {F("string"), F("double")})), "MAP<STRING, DOUBLE>");
  EXPECT_EQ(def(F("map", {F("long"), F("timestamptz")})), "MAP<INT, DATETIME>");
  EXPECT_EQ(def(F("struct")), "'c' is a struct: map its fields by path, e.g. c.<field>");
  EXPECT_EQ(def(F("list", {F("list", {F("int")})})),
            "'c' is a list of list: TigerGraph collections hold primitives only");
  EXPECT_EQ(def(F("variant")), "the Iceberg type variant of 'c' has no TigerGraph mapping");
}

TEST(MappingTypeMatrixTest, ParseTgType) {
  EXPECT_EQ(ParseTgType("int")->kind, TgKind::kInt);
  EXPECT_EQ(ParseTgType(" list < string > ")->ToGsql(), "LIST<STRING>");
  EXPECT_EQ(ParseTgType("MAP<INT,DOUBLE>")->ToGsql(), "MAP<INT, DOUBLE>");
  EXPECT_FALSE(ParseTgType("LIST<BOOL>").ok());
  EXPECT_FALSE(ParseTgType("MAP<DOUBLE, INT>").ok());
  EXPECT_FALSE(ParseTgType("TEXT").ok());
}

TEST(MappingTypeMatrixTest, CheckConvertible) {
  EXPECT_TRUE(CheckConvertible(F("decimal(20,2)"), kDouble).ok());
  EXPECT_TRUE(CheckConvertible(F("string"), kDatetime).ok());
  EXPECT_TRUE(CheckConvertible(F("list", {F("int")}), TgType{TgKind::kSet, TgKind::kInt}).ok());
  EXPECT_EQ(CheckConvertible(F("date"), kInt).message(), "'c' of Iceberg type date cannot be mapped to INT");
  EXPECT_FALSE(CheckConvertible(F("uuid"), kDouble).ok());
  EXPECT_FALSE(CheckConvertible(F("list", {F("int")}), kString).ok());
}

TEST(MappingTypeMatrixTest, IntegersKeepInt64Extremes) {
  const auto c = Convert(A(arrow::int64(), "[-9223372036854775808, 9223372036854775807, null, 0]"), F("long"), kInt);
  ExpectValues(c, kInt, "[-9223372036854775808, 9223372036854775807, null, 0]");
  EXPECT_EQ(Errors(c), "");
  const auto i32 = Convert(A(arrow::int32(), "[-2147483648, 7]"), F("int"), kInt);
  ExpectValues(i32, kInt, "[-2147483648, 7]");
}

TEST(MappingTypeMatrixTest, UintRefusesNegatives) {
  const auto c = Convert(A(arrow::int64(), "[5, -1, null, -9223372036854775808]"), F("long"), kUint);
  ExpectValues(c, kUint, "[5, null, null, null]");
  EXPECT_EQ(Errors(c),
            "1:out_of_range:-1:negative value for UINT;3:out_of_range:-9223372036854775808:negative "
            "value for UINT;");
  const auto s =
      Convert(A(arrow::utf8(), R"(["18446744073709551615", "-3", "18446744073709551616", "x"])"), F("string"), kUint);
  ExpectValues(s, kUint, "[18446744073709551615, null, null, null]");
  EXPECT_EQ(Errors(s),
            "1:out_of_range:-3:negative value for UINT;2:out_of_range:18446744073709551616:outside the "
            "range of UINT;3:unparseable:x:not an integer;");
}

TEST(MappingTypeMatrixTest, Uint64AboveInt64MaxIntoInt) {
  const auto c = Convert(A(arrow::uint64(), "[9223372036854775807, 9223372036854775808]"), F(""), kInt);
  ExpectValues(c, kInt, "[9223372036854775807, null]");
  EXPECT_EQ(Errors(c), "1:out_of_range:9223372036854775808:larger than INT's maximum 9223372036854775807;");
}

TEST(MappingTypeMatrixTest, DoublesToIntTruncateAndRefuseNaN) {
  const auto in = A(arrow::float64(), "[1.9, -1.9, 9.3e18, null]");
  auto c = Convert(in, F("double"), kInt);
  ExpectValues(c, kInt, "[1, -1, null, null]");
  EXPECT_EQ(Errors(c), "2:out_of_range:9.3e+18:outside the range of INT;");
  arrow::DoubleBuilder b;
  ASSERT_TRUE(
      b.AppendValues({std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), 2.5}).ok());
  const auto special = *b.Finish();
  EXPECT_EQ(Errors(Convert(special, F("double"), kInt)),
            "0:out_of_range:nan:outside the range of INT;1:out_of_range:inf:outside the range of INT;");
  const auto d = Convert(special, F("double"), kDouble);
  ExpectValues(d, kDouble, "[null, null, 2.5]");
  EXPECT_EQ(Errors(d),
            "0:out_of_range:nan:DOUBLE is not a finite number;1:out_of_range:inf:DOUBLE is not a finite "
            "number;");
  const auto f = Convert(A(arrow::float64(), "[1e39, 1.5]"), F("double"), kFloat);
  ExpectValues(f, kFloat, "[null, 1.5]");
  EXPECT_EQ(Errors(f), "0:out_of_range:1e+39:outside the range of FLOAT;");
}

TEST(MappingTypeMatrixTest, Decimals) {
  const auto small = Convert(A(arrow::decimal128(10, 2), R"(["12.30", "-0.01", null])"), F("decimal(10,2)"), kDouble);
  ExpectValues(small, kDouble, "[12.3, -0.01, null]");
  // decimal(20,2) forced to DOUBLE: up to 15 significant digits pass, more are refused rather than rounded.
  const auto wide =
      Convert(A(arrow::decimal128(20, 2), R"(["1234567890123.45", "12345678901234.56", "100000000000000000.00"])"),
              F("decimal(20,2)"), kDouble);
  ExpectValues(wide, kDouble, "[1234567890123.45, null, 1e17]");
  EXPECT_EQ(Errors(wide),
            "1:out_of_range:12345678901234.56:more than 15 significant digits do not fit DOUBLE "
            "exactly; map it as STRING;");
  const auto text =
      Convert(A(arrow::decimal128(20, 2), R"(["12345678901234.56", "-0.50"])"), F("decimal(20,2)"), kString);
  ExpectValues(text, kString, R"(["12345678901234.56", "-0.50"])");
  const auto to_int = Convert(A(arrow::decimal128(10, 2), R"(["12.99", "-12.99"])"), F("decimal(10,2)"), kInt);
  ExpectValues(to_int, kInt, "[12, -12]");
}

// Found by tests/reliability/test_type_roundtrip.py: Arrow's Decimal128::ToDouble is not correctly rounded
// (-0.008611 came out as -0.008610999999999999), and its text is scientific for small values ("0E-10").
TEST(MappingTypeMatrixTest, DecimalsGiveTheNearestDoubleAndPlainText) {
  const auto d = Convert(A(arrow::decimal128(15, 6), R"(["-0.008611", "0.000831", "-999999999.999999"])"),
                         F("decimal(15,6)"), kDouble);
  ExpectValues(d, kDouble, "[-0.008611, 0.000831, -999999999.999999]");
  const auto big = Convert(A(arrow::decimal128(38, 10), R"(["-1234567890123450000000000000.0000000000"])"),
                           F("decimal(38,10)"), kDouble);
  ExpectValues(big, kDouble, "[-1.23456789012345e27]");
  const auto text =
      Convert(A(arrow::decimal128(38, 10), R"(["0.0000000000", "0.0000000001", "-0.0000003621", "12.5000000000"])"),
              F("decimal(38,10)"), kString);
  ExpectValues(text, kString, R"(["0.0000000000", "0.0000000001", "-0.0000003621", "12.5000000000"])");
  const auto integral = Convert(A(arrow::decimal128(20, 0), R"(["-5", "0"])"), F("decimal(20,0)"), kString);
  ExpectValues(integral, kString, R"(["-5", "0"])");
}

TEST(MappingTypeMatrixTest, DatesAndTimestamps) {
  // 2024-02-29 (leap day) = 19782 days; 1582-10-15 = -141427 days; 1582-10-14 is outside TigerGraph's range.
  const auto d = Convert(A(arrow::date32(), "[19782, -141427, -141428, 2932896, 2932897, null]"), F("date"), kDatetime);
  ExpectValues(d, kDatetime, "[1709164800, -12219292800, null, 253402214400, null, null]");
  EXPECT_EQ(Errors(d),
            "2:out_of_range:1582-10-14:outside TigerGraph's DATETIME range 1582-10-15 .. 9999-12-31;"
            "4:out_of_range:10000-01-01:outside TigerGraph's DATETIME range 1582-10-15 .. 9999-12-31;");
  // µs timestamps: the fraction is dropped, floored (so -0.5 s is 1969-12-31 23:59:59).
  const auto ts = Convert(A(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[1709164800999999, -500000, null]"),
                          F("timestamptz"), kDatetime);
  ExpectValues(ts, kDatetime, "[1709164800, -1, null]");
  const auto ns = Convert(A(arrow::timestamp(arrow::TimeUnit::NANO), "[1000000001]"), F("timestamp_ns"), kDatetime);
  ExpectValues(ns, kDatetime, "[1]");
  const auto far =
      Convert(A(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[253402300800000000]"), F("timestamptz"), kDatetime);
  EXPECT_EQ(far.errors.size(), 1u);
  const auto text = Convert(A(arrow::utf8(), R"(["2024-02-29", "2024-02-29 13:14:15", "2024-02-29T13:14:15.5+01:00",
                                                 "2023-02-29", "yesterday", "1500-01-01"])"),
                            F("string"), kDatetime);
  ExpectValues(text, kDatetime, "[1709164800, 1709212455, 1709208855, null, null, null]");
  EXPECT_EQ(Errors(text),
            "3:unparseable:2023-02-29:not a date or timestamp (YYYY-MM-DD[ hh:mm:ss]);"
            "4:unparseable:yesterday:not a date or timestamp (YYYY-MM-DD[ hh:mm:ss]);"
            "5:out_of_range:1500-01-01:outside TigerGraph's DATETIME range 1582-10-15 .. 9999-12-31;");
  EXPECT_EQ(FormatDatetime(1709212455), "2024-02-29 13:14:15");
  EXPECT_EQ(FormatDatetime(kTgMinDatetime), "1582-10-15 00:00:00");
  EXPECT_EQ(FormatDatetime(kTgMaxDatetime), "9999-12-31 23:59:59");
}

// Whole timestamp and small-decimal columns convert in one pass sharing the input's validity; slices, nulls over
// values that would not convert, and one bad row among good ones give what the per-value path gives.
TEST(MappingTypeMatrixTest, ColumnPassesMatchThePerValuePath) {
  const auto ts_type = arrow::timestamp(arrow::TimeUnit::MILLI, "UTC");
  const auto ts = A(ts_type, "[1000, 1709164800999, -1500, null, 2000]");
  ExpectValues(Convert(ts->Slice(1, 2), F("timestamptz"), kDatetime), kDatetime, "[1709164800, -2]");
  ExpectValues(Convert(ts->Slice(2), F("timestamptz"), kDatetime), kDatetime, "[-2, null, 2]");
  // A null slot holding a value outside TigerGraph's range is still just a null, with no error.
  arrow::TimestampBuilder b(ts_type, arrow::default_memory_pool());
  ASSERT_TRUE(b.Append(5000).ok());
  ASSERT_TRUE(b.Append(std::numeric_limits<int64_t>::max()).ok());
  ASSERT_TRUE(b.Append(-12219292801000).ok());  // 1582-10-14 23:59:59
  std::shared_ptr<arrow::Array> raw;
  ASSERT_TRUE(b.Finish(&raw).ok());
  std::vector<uint8_t> validity = {0b101};
  const auto masked = arrow::MakeArray(arrow::ArrayData::Make(
      ts_type, 3, {std::make_shared<arrow::Buffer>(validity.data(), 1), raw->data()->buffers[1]}, 1));
  const auto m = Convert(masked, F("timestamptz"), kDatetime);
  ExpectValues(m, kDatetime, "[5, null, null]");
  EXPECT_EQ(Errors(m),
            "2:out_of_range:1582-10-14 23:59:59.000Z:outside TigerGraph's DATETIME range 1582-10-15 .. 9999-12-31;");

  const auto dec = A(arrow::decimal128(12, 2), R"(["12.30", null, "-0.07", "9999999999.99", "0.00"])");
  ExpectValues(Convert(dec, F("decimal(12,2)"), kDouble), kDouble, "[12.3, null, -0.07, 9999999999.99, 0]");
  ExpectValues(Convert(dec->Slice(2), F("decimal(12,2)"), kDouble), kDouble, "[-0.07, 9999999999.99, 0]");
  ExpectValues(Convert(dec->Slice(1, 2), F("decimal(12,2)"), kDouble), kDouble, "[null, -0.07]");
  // FLOAT: twelve digits may not fit, so each value is checked (the column pass is for decimals of six or fewer).
  ExpectValues(Convert(dec, F("decimal(12,2)"), kFloat), kFloat, "[12.3, null, -0.07, null, 0]");
  ExpectValues(Convert(A(arrow::decimal128(6, 2), R"(["12.30", null, "-0.07"])"), F("decimal(6,2)"), kFloat), kFloat,
               "[12.3, null, -0.07]");
  // An unscaled value beyond 2^53 among small ones (a file wider than its table's type): the column takes the
  // per-value path, each value rounded once.
  const auto mixed = A(arrow::decimal128(38, 0), R"(["1", "9007199254740993", "-3"])");
  ExpectValues(Convert(mixed, F("decimal(15,0)"), kDouble), kDouble, "[1, 9007199254740992, -3]");
}

TEST(MappingTypeMatrixTest, TimeAndTimestampAsString) {
  const auto t =
      Convert(A(arrow::time64(arrow::TimeUnit::MICRO), "[0, 45296000000, 45296000123, null]"), F("time"), kString);
  ExpectValues(t, kString, R"(["00:00:00", "12:34:56", "12:34:56.000123", null])");
  const auto ts =
      Convert(A(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[1709212455000001]"), F("timestamptz"), kString);
  ExpectValues(ts, kString, R"(["2024-02-29 13:14:15.000001"])");
}

TEST(MappingTypeMatrixTest, UuidBinaryAndUtf8) {
  arrow::FixedSizeBinaryBuilder u(arrow::fixed_size_binary(16));
  ASSERT_TRUE(u.Append("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef").ok());
  ASSERT_TRUE(u.AppendNull().ok());
  const auto uuids = *u.Finish();
  ExpectValues(Convert(uuids, F("uuid"), kString), kString, R"(["12345678-9abc-def0-0123-456789abcdef", null])");
  ExpectValues(Convert(uuids, F("fixed[16]"), kString), kString, R"(["123456789abcdef00123456789abcdef", null])");
  arrow::BinaryBuilder bin;
  ASSERT_TRUE(bin.Append(std::string("\x00\xff", 2)).ok());
  ExpectValues(Convert(*bin.Finish(), F("binary"), kString), kString, R"(["00ff"])");
  arrow::StringBuilder s;
  ASSERT_TRUE(s.Append("ok \xc3\xa9").ok());
  ASSERT_TRUE(s.Append("bad \xc3\x28").ok());
  ASSERT_TRUE(s.Append("\xed\xa0\x80").ok());  // a UTF-16 surrogate encoded in UTF-8 is invalid
  const auto strings = *s.Finish();
  const auto c = Convert(strings, F("string"), kString);
  ExpectValues(c, kString, R"(["ok é", null, null])");
  EXPECT_EQ(Errors(c), "1:invalid_utf8:bad \\xc3(:not valid UTF-8;2:invalid_utf8:\\xed\\xa0\\x80:not valid UTF-8;");
}

TEST(MappingTypeMatrixTest, Bools) {
  const auto c = Convert(A(arrow::utf8(), R"(["true", "FALSE", "1", "0", "yes", null])"), F("string"), kBool);
  ExpectValues(c, kBool, "[true, false, true, false, null, null]");
  EXPECT_EQ(Errors(c), "4:unparseable:yes:not true, false, 1 or 0;");
  ExpectValues(Convert(A(arrow::boolean(), "[true, null]"), F("boolean"), kBool), kBool, "[true, null]");
  ExpectValues(Convert(A(arrow::boolean(), "[true, false]"), F("boolean"), kString), kString, R"(["true", "false"])");
}

TEST(MappingTypeMatrixTest, ListsDropNullElementsAndChargeErrorsToTheRow) {
  const TgType list_int{TgKind::kList, TgKind::kInt};
  const auto c =
      Convert(A(arrow::list(arrow::int32()), "[[1, null, 2], null, [], [3]]"), F("list", {F("int")}), list_int);
  ExpectValues(c, list_int, "[[1, 2], null, [], [3]]");
  const TgType set_string{TgKind::kSet, TgKind::kString};
  const auto s = Convert(A(arrow::list(arrow::decimal128(5, 1)), R"([["1.5"], ["2.0", "3.0"]])"),
                         F("list", {F("decimal(5,1)")}), set_string);
  ExpectValues(s, set_string, R"([["1.5"], ["2.0", "3.0"]])");
  const TgType list_dt{TgKind::kList, TgKind::kDatetime};
  const auto bad =
      Convert(A(arrow::list(arrow::date32()), "[[0], [-141428, 0], [1]]"), F("list", {F("date")}), list_dt);
  ExpectValues(bad, list_dt, "[[0], null, [86400]]");
  EXPECT_EQ(Errors(bad),
            "1:out_of_range:1582-10-14:element: outside TigerGraph's DATETIME range 1582-10-15 .. "
            "9999-12-31;");
  // A sliced input keeps its rows.
  const auto sliced =
      Convert(A(arrow::list(arrow::int64()), "[[1], [2, 3], [4]]")->Slice(1, 2), F("list", {F("long")}), list_int);
  ExpectValues(sliced, list_int, "[[2, 3], [4]]");
}

TEST(MappingTypeMatrixTest, Maps) {
  const TgType m{TgKind::kMap, TgKind::kString, TgKind::kString, TgKind::kDouble};
  const auto in = A(arrow::map(arrow::utf8(), arrow::float32()), R"([[["a", 1.5], ["b", null]], null, []])");
  const auto c = Convert(in, F("map", {F("string"), F("float")}), m);
  ExpectValues(c, m, R"([[["a", 1.5]], null, []])");
}

}  // namespace
}  // namespace icegraph::mapping

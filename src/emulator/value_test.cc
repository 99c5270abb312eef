#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "emulator/types.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

// The converted scalar, or nullopt when the token is rejected (or holds another alternative).
template <typename T>
std::optional<T> Tok(const AttrType& type, std::string_view token) {
  const Result<Value> r = ValueFromToken(type, token);
  if (!r.ok()) return std::nullopt;
  const T* v = std::get_if<T>(&r->data);
  return v != nullptr ? std::optional<T>(*v) : std::nullopt;
}

template <typename T>
std::optional<T> FromJson(const AttrType& type, const json& j) {
  const Result<Value> r = ValueFromJson(type, j);
  if (!r.ok()) return std::nullopt;
  const T* v = std::get_if<T>(&r->data);
  return v != nullptr ? std::optional<T>(*v) : std::nullopt;
}

std::string TokenError(const AttrType& type, std::string_view token) {
  return ValueFromToken(type, token).status().message();
}

std::string JsonError(const AttrType& type, const json& j) { return ValueFromJson(type, j).status().message(); }

const AttrType kInt{Kind::kInt};
const AttrType kUint{Kind::kUint};
const AttrType kFloat{Kind::kFloat};
const AttrType kDouble{Kind::kDouble};
const AttrType kBool{Kind::kBool};
const AttrType kString{Kind::kString};
const AttrType kDatetime{Kind::kDatetime};
const AttrType kListInt{Kind::kList, Kind::kInt};
const AttrType kListString{Kind::kList, Kind::kString};
const AttrType kSetInt{Kind::kSet, Kind::kInt};
const AttrType kMapStringDouble{Kind::kMap, Kind::kDouble, Kind::kString};
const AttrType kMapIntString{Kind::kMap, Kind::kString, Kind::kInt};

Value I(int64_t v) { return Value{v}; }
Value S(std::string v) { return Value{std::move(v)}; }

TEST(ParseDatetimeTest, AcceptsEveryDocumentedFormat) {
  EXPECT_EQ(ParseDatetime("2011-02-03 01:02:03"), 1296694923);
  EXPECT_EQ(ParseDatetime("2011/02/03 01:02:03"), 1296694923);
  EXPECT_EQ(ParseDatetime("2011-02-03T01:02:03.123z"), 1296694923);  // the fraction is ignored
  EXPECT_EQ(ParseDatetime("2011-02-03"), 1296691200);
  EXPECT_EQ(ParseDatetime("2011/02/03"), 1296691200);
  EXPECT_EQ(ParseDatetime("1488566548"), 1488566548);            // any integer is epoch seconds
  EXPECT_EQ(FormatDatetime(1488566548), "2017-03-03 18:42:28");  // the docs' investment_net example pair
}

TEST(ParseDatetimeTest, LeadingZeroesAreOptionalAndTheTFormIsLenientAfterTheDot) {
  EXPECT_EQ(ParseDatetime("2011-2-3 1:2:3"), 1296694923);
  EXPECT_EQ(ParseDatetime("2011/2/3"), 1296691200);
  EXPECT_EQ(ParseDatetime("2011-02-03T01:02:03"), 1296694923);
  EXPECT_EQ(ParseDatetime("2011-02-03T01:02:03Z"), 1296694923);
  EXPECT_EQ(ParseDatetime("2011-02-03T01:02:03.999999+08:00"), 1296694923);  // text after the dot is ignored
  EXPECT_EQ(ParseDatetime("2011-02-03T01:02:03."), 1296694923);
  EXPECT_EQ(ParseDatetime("-1"), -1);
  EXPECT_EQ(ParseDatetime("+60"), 60);
  EXPECT_EQ(ParseDatetime("0"), 0);
  EXPECT_EQ(ParseDatetime("20110203"), 20110203);  // digits alone are epoch seconds, not a compact date
}

TEST(ParseDatetimeTest, RejectsWrongFormatsAndInvalidFields) {
  for (const char* bad : {"",
                          " 2011-02-03",
                          "2011-02-03 ",
                          "2011-02-03\r",
                          "11-02-03",
                          "02011-02-03",
                          "2011-002-03",
                          "2011-02-003",
                          "2011-02/03",
                          "2011/02-03",
                          "2011/02/03T01:02:03",
                          "2011-02-03 01:02",
                          "2011-02-03 01:02:03.5",
                          "2011-02-03 01:02:03Z",
                          "2011-02-03T01:02:03x",
                          "2011-02-03T",
                          "2011-02-03X01:02:03",
                          "2011-02-03 1:2:3:4",
                          "2011-02-03 001:02:03",
                          "2010-13-05",
                          "2004-04-31 00:00:00",
                          "2011-00-10",
                          "2011-01-00",
                          "2011-02-03 24:00:00",
                          "2011-02-03 23:60:00",
                          "2011-02-03 23:59:60",
                          "12.5",
                          "1e9",
                          "abc",
                          "-",
                          "+",
                          "--1",
                          "1 ",
                          "tomorrow"}) {
    EXPECT_EQ(ParseDatetime(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(ParseDatetimeTest, LeapYears) {
  EXPECT_EQ(ParseDatetime("2000-02-29"), 951782400);  // divisible by 400
  EXPECT_EQ(ParseDatetime("1600-02-29 12:00:00"), -11670955200);
  EXPECT_EQ(ParseDatetime("2024-02-29 23:59:59"), 1709251199);
  EXPECT_EQ(ParseDatetime("1900-02-29"), std::nullopt);  // divisible by 100 only
  EXPECT_EQ(ParseDatetime("2023-02-29"), std::nullopt);
  EXPECT_EQ(FormatDatetime(951782400), "2000-02-29 00:00:00");
}

TEST(ParseDatetimeTest, RangeIsGregorianStartToYear9999) {
  EXPECT_EQ(ParseDatetime("1582-10-15 00:00:00"), -12219292800);
  EXPECT_EQ(ParseDatetime("1582-10-15"), -12219292800);
  EXPECT_EQ(ParseDatetime("1582-10-14 23:59:59"), std::nullopt);
  EXPECT_EQ(ParseDatetime("0001-01-01"), std::nullopt);
  EXPECT_EQ(ParseDatetime("9999-12-31 23:59:59"), 253402300799);
  EXPECT_EQ(ParseDatetime("-12219292800"), -12219292800);
  EXPECT_EQ(ParseDatetime("-12219292801"), std::nullopt);
  EXPECT_EQ(ParseDatetime("253402300799"), 253402300799);
  EXPECT_EQ(ParseDatetime("253402300800"), std::nullopt);
  EXPECT_EQ(ParseDatetime("99999999999999999999999999"), std::nullopt);  // no overflow
}

TEST(FormatDatetimeTest, PrintsUtcWithSecondPrecision) {
  EXPECT_EQ(FormatDatetime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatDatetime(-1), "1969-12-31 23:59:59");
  EXPECT_EQ(FormatDatetime(1296694923), "2011-02-03 01:02:03");
  EXPECT_EQ(FormatDatetime(-12219292800), "1582-10-15 00:00:00");
  EXPECT_EQ(FormatDatetime(253402300799), "9999-12-31 23:59:59");
  EXPECT_EQ(FormatDatetime(-62135596800), "0001-01-01 00:00:00");  // outside the range, still well formed
  for (int64_t t = -12219292800; t <= 253402300799; t += 99991 * 7 + 13) {
    ASSERT_EQ(ParseDatetime(FormatDatetime(t)), t) << FormatDatetime(t);
  }
}

TEST(ValueFromTokenTest, IntIsSignedDigitsAndOverflowWraps) {
  EXPECT_EQ(Tok<int64_t>(kInt, "0"), 0);
  EXPECT_EQ(Tok<int64_t>(kInt, "-42"), -42);
  EXPECT_EQ(Tok<int64_t>(kInt, "+42"), 42);
  EXPECT_EQ(Tok<int64_t>(kInt, "007"), 7);
  EXPECT_EQ(Tok<int64_t>(kInt, "9223372036854775807"), INT64_MAX);
  EXPECT_EQ(Tok<int64_t>(kInt, "-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(Tok<int64_t>(kInt, "9223372036854775808"), INT64_MIN);  // "overflow instead of rejection"
  EXPECT_EQ(Tok<int64_t>(kInt, "18446744073709551621"), 5);
  for (const char* bad : {"3.5", " 5", "5 ", "5\r", "1,000", "-", "+", "--1", "+-1", "0x10", "1e3", "five"}) {
    EXPECT_EQ(Tok<int64_t>(kInt, bad), std::nullopt) << bad;
  }
}

TEST(ValueFromTokenTest, UintIsDigitsOnly) {
  EXPECT_EQ(Tok<uint64_t>(kUint, "0"), 0u);
  EXPECT_EQ(Tok<uint64_t>(kUint, "18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(Tok<uint64_t>(kUint, "18446744073709551616"), 0u);  // wraps
  for (const char* bad : {"-1", "+1", " 1", "1.0", "1e2", "x"})
    EXPECT_EQ(Tok<uint64_t>(kUint, bad), std::nullopt) << bad;
}

TEST(ValueFromTokenTest, FloatingPointFollowsTheDocumentedGrammar) {
  EXPECT_EQ(Tok<double>(kDouble, "-198256.03"), -198256.03);
  EXPECT_EQ(Tok<double>(kDouble, "+16."), 16.0);
  EXPECT_EQ(Tok<double>(kDouble, "-.00036"), -0.00036);
  EXPECT_EQ(Tok<double>(kDouble, "7.14285e15"), 7.14285e15);
  EXPECT_EQ(Tok<double>(kDouble, "9.99E-22"), 9.99e-22);
  EXPECT_EQ(Tok<double>(kDouble, "1e5"), 100000.0);
  EXPECT_EQ(Tok<double>(kDouble, "5"), 5.0);
  EXPECT_EQ(Tok<double>(kDouble, "1e308"), 1e308);
  EXPECT_EQ(Tok<double>(kDouble, "1e-400"), 0.0);  // underflow is zero, not an error
  EXPECT_EQ(Tok<double>(kDouble, "1e309"), std::nullopt);
  for (const char* bad : {"-198,256.03", "9.99 E-22", " 1.5", "1.5 ", "nan", "NaN", "inf", "-inf", "Infinity", ".",
                          "e5", "1e", "1e+", "0x1p3", "1.2.3"}) {
    EXPECT_EQ(Tok<double>(kDouble, bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Tok<double>(kFloat, "1.1"), static_cast<double>(1.1f));  // stored at float precision
  EXPECT_EQ(Tok<double>(kFloat, "3.4e38"), static_cast<double>(3.4e38f));
  EXPECT_EQ(Tok<double>(kFloat, "3.5e38"), std::nullopt);  // beyond FLOAT's range
}

TEST(ValueFromTokenTest, BoolTakesTrueFalseInAnyCaseAndOneZero) {
  for (const char* t : {"true", "TRUE", "True", "tRuE", "1"}) EXPECT_EQ(Tok<bool>(kBool, t), true) << t;
  for (const char* f : {"false", "FALSE", "False", "0"}) EXPECT_EQ(Tok<bool>(kBool, f), false) << f;
  for (const char* bad : {"t", "f", "yes", "no", "2", "01", " true", "true "}) {
    EXPECT_EQ(Tok<bool>(kBool, bad), std::nullopt) << bad;
  }
}

TEST(ValueFromTokenTest, StringsAreTakenVerbatim) {
  EXPECT_EQ(Tok<std::string>(kString, " a,b "), " a,b ");
  EXPECT_EQ(Tok<std::string>(kString, "\xff\xfe"), "\xff\xfe");  // bytes are not checked for UTF-8
  EXPECT_EQ(Tok<std::string>(kString, ""), "");                  // a STRING token is never missing
  EXPECT_EQ(Tok<std::string>(AttrType{Kind::kStringCompress}, "x"), "x");
  EXPECT_EQ(Tok<int64_t>(kDatetime, "2011-02-03 01:02:03"), 1296694923);
}

TEST(ValueFromTokenTest, EmptyTokenOfOtherTypesIsMissingAndGivesTheDefault) {
  EXPECT_EQ(Tok<int64_t>(kInt, ""), 0);
  EXPECT_EQ(Tok<uint64_t>(kUint, ""), 0u);
  EXPECT_EQ(Tok<double>(kDouble, ""), 0.0);
  EXPECT_EQ(Tok<bool>(kBool, ""), false);
  EXPECT_EQ(Tok<int64_t>(kDatetime, ""), 0);
  EXPECT_EQ(Tok<ValueList>(kListInt, ""), ValueList{});
  EXPECT_EQ(Tok<ValueList>(kListString, ""), (ValueList{S("")}));
}

TEST(ValueFromTokenTest, ContainersTakeOneElementPerToken) {
  EXPECT_EQ(Tok<ValueList>(kListInt, "10"), (ValueList{I(10)}));
  EXPECT_EQ(Tok<ValueList>(kSetInt, "-3"), (ValueList{I(-3)}));
  EXPECT_EQ(Tok<ValueList>(kListString, "[1,2]"), (ValueList{S("[1,2]")}));  // no JSON inside tokens
  EXPECT_EQ(TokenError(kListInt, "[1,2]"), "invalid value \"[1,2]\" for attribute of type LIST<INT>");
  EXPECT_EQ(TokenError(kMapStringDouble, "a:1"),
            "a single token \"a:1\" cannot be loaded to an attribute of type MAP<STRING,DOUBLE>; "
            "use ($k -> $v), MAP() or SPLIT()");
}

TEST(ValueFromTokenTest, ErrorsNameTheValueAndTheType) {
  const Result<Value> r = ValueFromToken(kInt, "x1");
  EXPECT_EQ(r.status().code(), StatusCode::kTypeError);
  EXPECT_EQ(r.status().message(), "invalid value \"x1\" for attribute of type INT");
  EXPECT_EQ(TokenError(kDatetime, "2011-02-30"), "invalid value \"2011-02-30\" for attribute of type DATETIME");
  EXPECT_EQ(TokenError(kInt, std::string(150, '9') + "x"),
            "invalid value \"" + std::string(100, '9') + "...\" for attribute of type INT");
}

TEST(ValueFromJsonTest, NumbersMustBeJsonNumbersOfTheRightKind) {
  EXPECT_EQ(FromJson<int64_t>(kInt, json(5)), 5);
  EXPECT_EQ(FromJson<int64_t>(kInt, json(-5)), -5);
  EXPECT_EQ(FromJson<int64_t>(kInt, json(INT64_MAX)), INT64_MAX);
  EXPECT_EQ(FromJson<int64_t>(kInt, json(uint64_t{INT64_MAX} + 1)), std::nullopt);
  EXPECT_EQ(FromJson<int64_t>(kInt, json(5.0)), std::nullopt);
  EXPECT_EQ(JsonError(kInt, json("5")), "invalid value \"5\" for attribute of type INT");
  EXPECT_EQ(FromJson<int64_t>(kInt, json(true)), std::nullopt);
  EXPECT_EQ(FromJson<int64_t>(kInt, json(nullptr)), std::nullopt);
  EXPECT_EQ(FromJson<uint64_t>(kUint, json(UINT64_MAX)), UINT64_MAX);
  EXPECT_EQ(JsonError(kUint, json(-5)), "invalid value -5 for attribute of type UINT");
  EXPECT_EQ(FromJson<double>(kDouble, json(1.5)), 1.5);
  EXPECT_EQ(FromJson<double>(kDouble, json(2)), 2.0);
  EXPECT_EQ(FromJson<double>(kDouble, json("1.5")), std::nullopt);
  EXPECT_EQ(FromJson<double>(kFloat, json(1.1)), static_cast<double>(1.1f));
  EXPECT_EQ(FromJson<double>(kFloat, json(1e39)), std::nullopt);
}

TEST(ValueFromJsonTest, BoolStringAndDatetime) {
  EXPECT_EQ(FromJson<bool>(kBool, json(true)), true);
  EXPECT_EQ(FromJson<bool>(kBool, json(1)), std::nullopt);  // JSON BOOL is only true/false
  EXPECT_EQ(FromJson<bool>(kBool, json("true")), std::nullopt);
  EXPECT_EQ(FromJson<std::string>(kString, json("x")), "x");
  EXPECT_EQ(JsonError(kString, json(5)), "invalid value 5 for attribute of type STRING");
  EXPECT_EQ(FromJson<int64_t>(kDatetime, json("2011-02-03 01:02:03")), 1296694923);
  EXPECT_EQ(FromJson<int64_t>(kDatetime, json(1488566548)), 1488566548);
  EXPECT_EQ(FromJson<int64_t>(kDatetime, json(-1)), -1);
  EXPECT_EQ(FromJson<int64_t>(kDatetime, json(253402300800)), std::nullopt);
  EXPECT_EQ(FromJson<int64_t>(kDatetime, json(1.5)), std::nullopt);
  EXPECT_EQ(JsonError(kDatetime, json("2011-02-30")), "invalid value \"2011-02-30\" for attribute of type DATETIME");
}

TEST(ValueFromJsonTest, ListsAndSets) {
  EXPECT_EQ(FromJson<ValueList>(kListInt, json::array({3, 1, 3})), (ValueList{I(3), I(1), I(3)}));
  EXPECT_EQ(FromJson<ValueList>(kSetInt, json::array({3, 1, 3, 1})), (ValueList{I(3), I(1)}));  // first wins
  EXPECT_EQ(FromJson<ValueList>(kListInt, json::array()), ValueList{});
  EXPECT_EQ(JsonError(kListInt, json::array({1, "x"})), "invalid value \"x\" for attribute of type LIST<INT>");
  EXPECT_EQ(JsonError(kListInt, json(1)), "invalid value 1 for attribute of type LIST<INT>");
}

TEST(ValueFromJsonTest, MapsUseKeylistAndValuelist) {
  const json doc = {{"keylist", {"a", "b"}}, {"valuelist", {1.5, 2}}};
  EXPECT_EQ(FromJson<ValueMap>(kMapStringDouble, doc), (ValueMap{{S("a"), S("b")}, {Value{1.5}, Value{2.0}}}));
  const json camel = {{"keyList", {"chest"}}, {"valueList", {35}}};  // the upsert page's spelling
  EXPECT_EQ(FromJson<ValueMap>(kMapStringDouble, camel), (ValueMap{{S("chest")}, {Value{35.0}}}));
  const json repeated = {{"keylist", {"a", "a"}}, {"valuelist", {1, 2}}};
  EXPECT_EQ(FromJson<ValueMap>(kMapStringDouble, repeated), (ValueMap{{S("a")}, {Value{2.0}}}));  // later wins
  const json int_keys = {{"keylist", {2, 1}}, {"valuelist", {"b", "a"}}};
  EXPECT_EQ(FromJson<ValueMap>(kMapIntString, int_keys), (ValueMap{{I(2), I(1)}, {S("b"), S("a")}}));
  EXPECT_EQ(FromJson<ValueMap>(kMapIntString, json{{"keylist", {"1"}}, {"valuelist", {"a"}}}), std::nullopt);
  EXPECT_EQ(FromJson<ValueMap>(kMapStringDouble, json{{"a", 1.5}}), std::nullopt);  // a plain object is not a MAP
  EXPECT_EQ(JsonError(kMapStringDouble, json{{"keylist", {"a"}}, {"valuelist", json::array()}}),
            "invalid value {\"keylist\":[\"a\"],\"valuelist\":[]} for attribute of type MAP<STRING,DOUBLE>: "
            "expected {\"keylist\": [...], \"valuelist\": [...]} of equal length");
}

TEST(ValueToJsonTest, ScalarsRenderAsRestppDoes) {
  EXPECT_EQ(ValueToJson(kInt, I(-7)).dump(), "-7");
  EXPECT_EQ(ValueToJson(kUint, Value{UINT64_MAX}).dump(), "18446744073709551615");
  EXPECT_EQ(ValueToJson(kDouble, Value{25.0}).dump(), "25");  // integral values have no fraction
  EXPECT_EQ(ValueToJson(kDouble, Value{2.5}).dump(), "2.5");
  EXPECT_EQ(ValueToJson(kDouble, Value{-0.5}).dump(), "-0.5");
  EXPECT_EQ(ValueToJson(kDouble, Value{0.1 + 0.2}).dump(), "0.3");  // 16 significant digits
  EXPECT_EQ(ValueToJson(kDouble, Value{1.0 / 3}).dump(), "0.3333333333333333");
  EXPECT_EQ(ValueToJson(kDouble, Value{1e16}).dump(), "1e+16");
  // 16 digits of DBL_MAX overflow when read back; found by tests/reliability/test_type_roundtrip.py (it showed 0).
  EXPECT_EQ(ValueToJson(kDouble, Value{-1.7976931348623157e308}).dump(), "-1.7976931348623157e+308");
  EXPECT_EQ(ValueToJson(kFloat, *ValueFromToken(kFloat, "1.1")).dump(), "1.1");  // 7 significant digits
  EXPECT_EQ(ValueToJson(kFloat, *ValueFromToken(kFloat, "202.32")).dump(), "202.32");
  EXPECT_EQ(ValueToJson(kFloat, *ValueFromToken(kFloat, "16777217")).dump(), "16777220");
  EXPECT_EQ(ValueToJson(kBool, Value{true}).dump(), "true");
  EXPECT_EQ(ValueToJson(kString, S("a\"b")).dump(), "\"a\\\"b\"");
  EXPECT_EQ(ValueToJson(kDatetime, I(1488566548)).dump(), "\"2017-03-03 18:42:28\"");
  EXPECT_EQ(ValueToJson(kInt, S("x")).dump(), "\"x\"");  // a mismatched value renders instead of throwing
}

TEST(ValueToJsonTest, Containers) {
  EXPECT_EQ(ValueToJson(kListInt, DefaultValue(kListInt)).dump(), "[]");
  const AttrType list_dt{Kind::kList, Kind::kDatetime};
  EXPECT_EQ(ValueToJson(list_dt, Value{ValueList{I(0), I(-1)}}).dump(),
            "[\"1970-01-01 00:00:00\",\"1969-12-31 23:59:59\"]");
  EXPECT_EQ(ValueToJson(kMapIntString, Value{ValueMap{{I(1), I(2)}, {S("a"), S("b")}}}).dump(),
            "{\"1\":\"a\",\"2\":\"b\"}");
  EXPECT_EQ(ValueToJson(kMapStringDouble, DefaultValue(kMapStringDouble)).dump(), "{}");
}

TEST(ValueToTextTest, PlainTextWithoutQuotes) {
  EXPECT_EQ(ValueToText(kInt, I(-5)), "-5");
  EXPECT_EQ(ValueToText(kUint, Value{uint64_t{7}}), "7");
  EXPECT_EQ(ValueToText(kDouble, Value{25.0}), "25");
  EXPECT_EQ(ValueToText(kDouble, Value{0.1 + 0.2}), "0.3");
  EXPECT_EQ(ValueToText(kFloat, *ValueFromToken(kFloat, "1.1")), "1.1");
  EXPECT_EQ(ValueToText(kFloat, Value{1e7}), "1e+07");
  EXPECT_EQ(ValueToText(kBool, Value{false}), "false");
  EXPECT_EQ(ValueToText(kDatetime, I(0)), "1970-01-01 00:00:00");
  EXPECT_EQ(ValueToText(kString, S("a\"b")), "a\"b");
  EXPECT_EQ(ValueToText(kListInt, Value{ValueList{I(1), I(2)}}), "[1,2]");
  EXPECT_EQ(ValueToText(kListString, Value{ValueList{S("\xff")}}), "[\"\xEF\xBF\xBD\"]");  // invalid UTF-8 replaced
  for (const double d : {0.5, -1234.25, 1e-5, 123456789.125}) {
    EXPECT_EQ(Tok<double>(kDouble, ValueToText(kDouble, Value{d})), d);
  }
}

TEST(DefaultValueTest, ZeroFalseEmptyAndEpochZero) {
  EXPECT_EQ(DefaultValue(kInt), I(0));
  EXPECT_EQ(DefaultValue(kUint), Value{uint64_t{0}});
  EXPECT_EQ(DefaultValue(kFloat), Value{0.0});
  EXPECT_EQ(DefaultValue(kBool), Value{false});
  EXPECT_EQ(DefaultValue(kString), S(""));
  EXPECT_EQ(DefaultValue(kDatetime), I(0));
  EXPECT_EQ(DefaultValue(kSetInt), Value{ValueList{}});
  EXPECT_EQ(DefaultValue(kMapIntString), Value{ValueMap{}});
}

TEST(ValueEqualityTest, ComparesAlternativeAndContents) {
  EXPECT_EQ(I(1), I(1));
  EXPECT_NE(I(1), Value{uint64_t{1}});
  EXPECT_NE(Value{ValueList{I(1)}}, Value{ValueList{I(2)}});
  EXPECT_EQ((Value{ValueMap{{S("a")}, {I(1)}}}), (Value{ValueMap{{S("a")}, {I(1)}}}));
  EXPECT_NE((Value{ValueMap{{S("a")}, {I(1)}}}), (Value{ValueMap{{S("a")}, {I(2)}}}));
}

TEST(CompareValuesTest, OrdersByTypeAndLexicographicallyForContainers) {
  EXPECT_LT(CompareValues(kInt, I(-2), I(10)), 0);
  EXPECT_GT(CompareValues(kUint, Value{UINT64_MAX}, Value{uint64_t{1}}), 0);
  EXPECT_EQ(CompareValues(kDouble, Value{1.5}, Value{1.5}), 0);
  EXPECT_LT(CompareValues(kString, S("a"), S("b")), 0);
  EXPECT_LT(CompareValues(kBool, Value{false}, Value{true}), 0);
  EXPECT_LT(CompareValues(kDatetime, I(-1), I(0)), 0);
  EXPECT_LT(CompareValues(kListInt, Value{ValueList{I(1), I(2)}}, Value{ValueList{I(1), I(3)}}), 0);
  EXPECT_LT(CompareValues(kListInt, Value{ValueList{I(1)}}, Value{ValueList{I(1), I(0)}}), 0);
  EXPECT_GT(CompareValues(kMapIntString, Value{ValueMap{{I(2)}, {S("a")}}}, Value{ValueMap{{I(1)}, {S("z")}}}), 0);
  EXPECT_NE(CompareValues(kInt, I(1), S("1")), 0);  // mismatched alternatives order by index, never crash
}

}  // namespace
}  // namespace icegraph::emulator

// The value comparison of reconciliation: what the sink wrote against what TigerGraph reads back, type by type.
// (Validate itself needs a catalog and a TigerGraph: tests/reliability/test_validate.py runs it end to end.)
#include "engine/validate.h"

#include <gtest/gtest.h>

namespace icegraph::engine {
namespace {

using json = nlohmann::json;
using mapping::TgKind;
using mapping::TgType;

TgType T(TgKind kind, TgKind elem = TgKind::kString, TgKind value = TgKind::kString) {
  TgType t;
  t.kind = kind;
  t.elem = elem;
  t.value = value;
  return t;
}

bool Same(const TgType& t, const char* tigergraph, const char* written) {
  return SameWrittenValue(t, json::parse(tigergraph), json::parse(written));
}

TEST(ValidateTest, Scalars) {
  EXPECT_TRUE(Same(T(TgKind::kInt), "-7", "-7"));
  EXPECT_FALSE(Same(T(TgKind::kInt), "8", "-7"));
  EXPECT_TRUE(Same(T(TgKind::kUint), "18446744073709551615", "18446744073709551615"));
  EXPECT_TRUE(Same(T(TgKind::kUint), "4611686018427387904", "4611686018427387904"));
  EXPECT_FALSE(Same(T(TgKind::kInt), "\"7\"", "7"));
  // DOUBLE printed with 16 significant digits, integral values without a fraction; FLOAT with 7.
  EXPECT_TRUE(Same(T(TgKind::kDouble), "0.3333333333333333", "0.3333333333333333"));
  EXPECT_TRUE(Same(T(TgKind::kDouble), "0.3333333333333333", "0.33333333333333331"));
  EXPECT_TRUE(Same(T(TgKind::kDouble), "25", "25"));
  EXPECT_TRUE(Same(T(TgKind::kDouble), "25", "25.0"));
  EXPECT_FALSE(Same(T(TgKind::kDouble), "0.333333", "0.3333333333333333"));
  EXPECT_TRUE(Same(T(TgKind::kFloat), "0.1", "0.1"));
  EXPECT_TRUE(Same(T(TgKind::kFloat), "0.1000000", "0.100000001"));
  EXPECT_FALSE(Same(T(TgKind::kFloat), "0.1001", "0.1"));
  EXPECT_TRUE(Same(T(TgKind::kDouble), "-0", "-0.0"));
  EXPECT_TRUE(Same(T(TgKind::kBool), "false", "false"));
  EXPECT_FALSE(Same(T(TgKind::kBool), "0", "false"));
  EXPECT_TRUE(Same(T(TgKind::kString), "\"D\\u00e9, \\\"q\\\"\\nx\"", "\"Dé, \\\"q\\\"\\nx\""));
  EXPECT_FALSE(Same(T(TgKind::kString), "\"\"", "\"x\""));
  EXPECT_TRUE(Same(T(TgKind::kDatetime), "\"2020-01-02 03:04:05\"", "\"2020-01-02 03:04:05\""));
  EXPECT_FALSE(Same(T(TgKind::kDatetime), "\"2020-01-02 03:04:06\"", "\"2020-01-02 03:04:05\""));
}

TEST(ValidateTest, Collections) {
  EXPECT_TRUE(Same(T(TgKind::kList, TgKind::kString), R"(["a", "b,c"])", R"(["a","b,c"])"));
  EXPECT_FALSE(Same(T(TgKind::kList, TgKind::kString), R"(["b,c", "a"])", R"(["a","b,c"])"));
  EXPECT_TRUE(Same(T(TgKind::kList, TgKind::kDouble), "[1, 0.5]", "[1.0,0.5]"));
  // A SET keeps one of each value, in any order.
  EXPECT_TRUE(Same(T(TgKind::kSet, TgKind::kInt), "[1, 3]", "[3,1,3]"));
  EXPECT_TRUE(Same(T(TgKind::kSet, TgKind::kInt), "[3, 1]", "[3,1,3]"));
  EXPECT_FALSE(Same(T(TgKind::kSet, TgKind::kInt), "[3, 1, 3]", "[3,1]"));
  EXPECT_FALSE(Same(T(TgKind::kSet, TgKind::kInt), "[3]", "[3,1]"));
  // A MAP goes as keylist/valuelist and comes back as an object keyed by the key's text.
  const TgType m = T(TgKind::kMap, TgKind::kInt, TgKind::kInt);
  EXPECT_TRUE(Same(m, R"({"k": 1, "l": 2})", R"({"keylist":["k","l"],"valuelist":[1,2]})"));
  EXPECT_FALSE(Same(m, R"({"k": 1, "l": 3})", R"({"keylist":["k","l"],"valuelist":[1,2]})"));
  EXPECT_FALSE(Same(m, R"({"k": 1})", R"({"keylist":["k","l"],"valuelist":[1,2]})"));
  EXPECT_TRUE(Same(m, R"({"7": 1})", R"({"keylist":[7],"valuelist":[1]})"));
  EXPECT_TRUE(Same(m, R"({})", R"({"keylist":[],"valuelist":[]})"));
}

}  // namespace
}  // namespace icegraph::engine

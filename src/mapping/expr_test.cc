// Attribute expressions and where conditions: parsing, binding errors, evaluation with Arrow compute.
#include "mapping/expr.h"

#include <gtest/gtest.h>

#include "mapping/mapping_test_util.h"

namespace icegraph::mapping {
namespace {

using test::JsonArray;
using test::MakeBatch;
using test::PurchasesSchema;
using test::TypeOf;

std::string Roundtrip(const std::string& text) {
  auto r = ParseExpr(text);
  return r.ok() ? ExprToString(*r) : "error: " + r.status().message();
}

TEST(ExprTest, ParsesAndPrints) {
  EXPECT_EQ(Roundtrip("order_id"), "order_id");
  EXPECT_EQ(Roundtrip("address.city"), "address.city");
  EXPECT_EQ(Roundtrip("CAST( ordered_at AS DateTime )"), "cast(ordered_at as datetime)");
  EXPECT_EQ(Roundtrip("concat(first, ' ', last)"), "concat(first, ' ', last)");
  EXPECT_EQ(Roundtrip("coalesce(note, 'it''s none')"), "coalesce(note, 'it''s none')");
  EXPECT_EQ(Roundtrip("coalesce(qty, -1)"), "coalesce(qty, -1)");
  EXPECT_EQ(Roundtrip("upper(lower(email))"), "upper(lower(email))");
  EXPECT_EQ(Roundtrip("2.5e3"), "2.5e3");
  EXPECT_EQ(Roundtrip("trim(x)"), "error: unknown function 'trim' (cast, concat, lower, upper, coalesce)");
  EXPECT_EQ(Roundtrip("cast(x as text)"),
            "error: cast to unknown type 'text' (int, uint, double, float, string, bool, datetime)");
  EXPECT_EQ(Roundtrip("lower(a, b)"), "error: lower() takes one argument, got 2");
  EXPECT_EQ(Roundtrip("concat(a)"), "error: concat() takes at least two arguments, got 1");
  EXPECT_EQ(Roundtrip("a b"), "error: expected the end of the expression at offset 2, got 'b'");
  EXPECT_EQ(Roundtrip("'open"), "error: unterminated string starting at offset 0");
  EXPECT_EQ(Roundtrip("a; drop"), "error: unexpected character ';' at offset 1");
}

std::string BindError(const std::string& text) {
  auto e = ParseExpr(text);
  if (!e.ok()) return e.status().message();
  const Status st = BindExpr(&*e, PurchasesSchema());
  return st.ok() ? "ok" : st.message();
}

TEST(ExprTest, BindErrorsNameTheColumn) {
  EXPECT_EQ(BindError("uid"), "column 'uid' not found");
  EXPECT_EQ(BindError("address.zip"), "column 'address.zip' not found");
  EXPECT_EQ(BindError("email.x"), "column 'email.x' not found ('email' is not a struct)");
  EXPECT_EQ(BindError("address"), "column 'address' is a struct: map its fields by path, e.g. address.city");
  EXPECT_EQ(BindError("cast(ordered_at as int)"), "cannot cast ordered_at (timestamptz) to INT");
  EXPECT_EQ(BindError("coalesce(qty, 'x')"), "the literal 'x' cannot be read as int32");
  EXPECT_EQ(BindError("coalesce(qty, email)"), "coalesce() arguments differ in type: qty is int32, email is string");
  EXPECT_EQ(BindError("lower(tags)"), "lower() cannot take the collection tags");
  EXPECT_EQ(BindError("concat(email, '-', qty, address.city)"), "ok");
}

class ExprEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const iceberg::Schema s = PurchasesSchema();
    arrow::StringBuilder email;
    ASSERT_TRUE(email.Append("A@X.COM").ok());
    ASSERT_TRUE(email.AppendNull().ok());
    ASSERT_TRUE(email.Append("bad\xff").ok());
    batch_ = MakeBatch(s, {JsonArray(TypeOf(s, 0), "[1, 2, 3]"), JsonArray(TypeOf(s, 1), "[10, 20, 30]"),
                           *email.Finish(), JsonArray(TypeOf(s, 3), R"(["1.50", "-2.00", null])"),
                           JsonArray(TypeOf(s, 4), "[1709212455000000, null, 0]"),
                           JsonArray(TypeOf(s, 5), R"([{"city": "Paris"}, null, {"city": null}])"),
                           JsonArray(TypeOf(s, 6), "[1, null, 3]"), JsonArray(TypeOf(s, 7), R"([null, "n", null])"),
                           JsonArray(TypeOf(s, 8), R"([["a"], [], null])")});
  }

  Evaluated Eval(const std::string& text) {
    auto e = ParseExpr(text);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_TRUE(BindExpr(&*e, PurchasesSchema()).ok());
    auto r = EvaluateExpr(*e, *batch_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Evaluated{};
  }

  void ExpectEval(const std::string& text, const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
    const Evaluated v = Eval(text);
    ASSERT_TRUE(v.values);
    const auto want = JsonArray(type, json);
    EXPECT_TRUE(v.values->Equals(*want)) << text << ": " << v.values->ToString();
  }

  std::shared_ptr<arrow::RecordBatch> batch_;
};

TEST_F(ExprEvalTest, Columns) {
  ExpectEval("order_id", arrow::int64(), "[1, 2, 3]");
  ExpectEval("address.city", arrow::utf8(), R"(["Paris", null, null])");
}

TEST_F(ExprEvalTest, StringFunctions) {
  const Evaluated lower = Eval("lower(email)");
  EXPECT_TRUE(lower.values->Equals(*JsonArray(arrow::utf8(), R"(["a@x.com", null, null])")))
      << lower.values->ToString();
  ASSERT_EQ(lower.errors.size(), 1u);
  EXPECT_EQ(lower.errors[0].row, 2);
  EXPECT_EQ(lower.errors[0].error, ConversionError::kInvalidUtf8);
  EXPECT_EQ(lower.errors[0].value, "bad\\xff");
  ExpectEval("upper(address.city)", arrow::utf8(), R"(["PARIS", null, null])");
  ExpectEval("concat(order_id, '-', user_id)", arrow::utf8(), R"(["1-10", "2-20", "3-30"])");
  ExpectEval("concat(note, '!')", arrow::utf8(), R"([null, "n!", null])");
  ExpectEval("concat('a', 'b')", arrow::utf8(), R"(["ab", "ab", "ab"])");
}

TEST_F(ExprEvalTest, CoalesceAndCast) {
  ExpectEval("coalesce(note, 'none')", arrow::utf8(), R"(["none", "n", "none"])");
  ExpectEval("coalesce(qty, 0)", arrow::int32(), "[1, 0, 3]");
  ExpectEval("coalesce(amount, 0)", arrow::decimal128(10, 2), R"(["1.50", "-2.00", "0.00"])");
  ExpectEval("cast(ordered_at as datetime)", arrow::timestamp(arrow::TimeUnit::SECOND, "UTC"), "[1709212455, null, 0]");
  ExpectEval("cast(amount as int)", arrow::int64(), "[1, -2, null]");
  ExpectEval("cast(order_id as string)", arrow::utf8(), R"(["1", "2", "3"])");
  const Evaluated u = Eval("cast(amount as uint)");
  ASSERT_EQ(u.errors.size(), 1u);
  EXPECT_EQ(u.errors[0].row, 1);
  EXPECT_EQ(u.errors[0].detail, "negative value for UINT");
}

std::string Mask(const arrow::RecordBatch& batch, const std::string& text) {
  auto c = ParseCondition(text);
  if (!c.ok()) return c.status().message();
  if (Status st = BindCondition(&*c, PurchasesSchema()); !st.ok()) return st.message();
  auto m = EvaluateCondition(*c, batch);
  if (!m.ok()) return m.status().message();
  std::string out;
  for (int64_t i = 0; i < (*m)->length(); ++i) out += (*m)->Value(i) ? '1' : '0';
  return out;
}

TEST_F(ExprEvalTest, Conditions) {
  EXPECT_EQ(Mask(*batch_, "order_id > 1"), "011");
  EXPECT_EQ(Mask(*batch_, "1 < order_id"), "011");
  EXPECT_EQ(Mask(*batch_, "amount > 0"), "100");  // null amount: unknown → not selected
  EXPECT_EQ(Mask(*batch_, "amount > 0 or note is not null"), "110");
  EXPECT_EQ(Mask(*batch_, "not (qty = 1) and qty is not null"), "001");
  EXPECT_EQ(Mask(*batch_, "note IS NULL AND user_id <> 30"), "100");
  EXPECT_EQ(Mask(*batch_, "ordered_at >= '2024-01-01'"), "100");
  EXPECT_EQ(Mask(*batch_, "address.city == 'Paris'"), "100");
  EXPECT_EQ(Mask(*batch_, "lower(email) = 'a@x.com'"), "100");
  EXPECT_EQ(Mask(*batch_, "qty > 'x'"), "the literal 'x' cannot be read as int32");
  EXPECT_EQ(Mask(*batch_, "qty >"), "expected a column, a literal or a function call at offset 5, got the end");
  EXPECT_EQ(Mask(*batch_, "qty = email"), "cannot compare qty (int32) with email (string)");
}

TEST(ExprTest, PushableFilter) {
  const iceberg::Schema s = PurchasesSchema();
  const auto push = [&](const std::string& text, bool* complete) {
    auto c = ParseCondition(text);
    EXPECT_TRUE(c.ok());
    const Status st = BindCondition(&*c, s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return iceberg::FilterToString(PushableFilter(*c, s, complete));
  };
  bool complete = false;
  EXPECT_EQ(push("amount > 0 and note is null", &complete), "amount > '0' AND note IS NULL");
  EXPECT_TRUE(complete);
  EXPECT_EQ(push("order_id >= 5 and lower(email) = 'x'", &complete), "order_id >= 5");
  EXPECT_FALSE(complete);
  EXPECT_EQ(push("order_id = 1 or order_id = 2", &complete), "");
  EXPECT_FALSE(complete);
}

}  // namespace
}  // namespace icegraph::mapping

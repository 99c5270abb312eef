// MappingPlan: config bound to schemas (refusals with exact messages), and Apply on a batch with good and bad rows
// giving exact batches and exact dead letters.
#include "mapping/transform.h"

#include <gtest/gtest.h>

#include <chrono>

#include "mapping/mapping_test_util.h"

namespace icegraph::mapping {
namespace {

using test::JsonArray;
using test::MakeBatch;
using test::ParseOk;
using test::PurchasesSchema;
using test::TypeOf;

std::map<std::string, iceberg::Schema> Schemas() { return {{"shop.purchases", PurchasesSchema()}}; }

std::string PlanError(const std::string& mappings) {
  const Model cfg = ParseOk(mappings);
  auto r = MappingPlan::Make(cfg, Schemas());
  return r.ok() ? "ok" : r.status().message();
}

TEST(TransformTest, PlanRefusesBadMappings) {
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - {type: A, id: order_id}\n"
                      "      - {type: B, id: uid}\n"),
            "icegraph.yaml:7: mappings[0].vertices[1].id: column 'uid' not found");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.nope\n    vertices: [{type: A, id: a}]\n"),
            "icegraph.yaml:4: mappings[0].table: table 'shop.nope' not found");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n        id: order_id\n"
                      "        attributes:\n          x: \"lower(addr.city)\"\n"),
            "icegraph.yaml:9: mappings[0].vertices[0].attributes.x: column 'addr' not found");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n"
                      "        id: {columns: [user_id, nope]}\n"),
            "icegraph.yaml:7: mappings[0].vertices[0].id.columns[1]: column 'nope' not found");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n        id: order_id\n"
                      "        attributes: {t: {expr: ordered_at, type: INT}}\n"),
            "icegraph.yaml:8: mappings[0].vertices[0].attributes.t: ordered_at cannot be mapped to INT");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    where: \"amount >> 0\"\n"
                      "    vertices: [{type: A, id: order_id}]\n"),
            "icegraph.yaml:5: mappings[0].where: 'amount >> 0': expected a column, a literal or a function call at "
            "offset 8, got '>'");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n        id: order_id\n"
                      "        attributes: {q: qty}\n        defaults: {q: many}\n"),
            "icegraph.yaml:9: mappings[0].vertices[0].defaults.q: default 'many' is not a valid INT: not an integer");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n        id: order_id\n"
                      "        attributes: {q: qty}\n      - type: A\n        id: user_id\n"
                      "        attributes: {q: email}\n"),
            "icegraph.yaml:9: mappings[0].vertices[1]: attribute 'q' of 'A' is STRING here but INT in another "
            "mapping; give it the same type (attributes: {q: {expr: ..., type: ...}})");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices: [{type: A, id: order_id}]\n    edges:\n"
                      "      - type: E\n        from: {type: A, id: user_id}\n        to: {type: A, id: order_id}\n"
                      "        attributes: {a: amount}\n        discriminator: [a]\n"),
            "icegraph.yaml:11: mappings[0].edges[0].discriminator[0]: discriminator attribute 'a' is DOUBLE; it "
            "must be INT, UINT, DATETIME or STRING");
  EXPECT_EQ(PlanError("mappings:\n  - table: shop.purchases\n    vertices:\n      - {type: A, id: tags}\n"),
            "icegraph.yaml:6: mappings[0].vertices[0].id: 'tags' is a collection and cannot be an id");
}

TEST(TransformTest, PlanRefusesGsqlNamesOfAModelBuiltInCode) {
  // A Model need not come from YAML (the HTTP service builds one): the plan checks every name GSQL is built from.
  Model cfg = ParseOk(
      "mappings:\n  - table: shop.purchases\n    vertices:\n      - type: A\n        id: order_id\n"
      "        attributes: {q: qty}\n");
  cfg.mappings[0].vertices[0].attributes[0].name = "q) ; DROP ALL";
  EXPECT_EQ(MappingPlan::Make(cfg, Schemas()).status().message(),
            "icegraph.yaml:8: mappings[0].vertices[0].attributes.q: 'q) ; DROP ALL' is not a valid GSQL identifier");
  cfg.graph = "g; DROP ALL";
  EXPECT_EQ(MappingPlan::Make(cfg, Schemas()).status().message(),
            "icegraph.yaml:0: tigergraph.graph: 'g; DROP ALL' is not a valid GSQL identifier");
}

constexpr const char* kMapping = R"yaml(mappings:
  - table: shop.purchases
    where: "qty > 0 or qty is null"
    vertices:
      - type: Sale
        id: order_id
        attributes:
          amount: amount
          sold_on: "cast(ordered_at as datetime)"
          email: "lower(email)"
          city: address.city
          note: "coalesce(note, 'none')"
          tags: tags
          qty: {expr: qty, type: UINT}
        defaults: {city: "?"}
      - type: User
        id: {columns: [user_id, address.city], separator: "|"}
    edges:
      - type: PLACED
        from: {type: User, id: user_id}
        to: {type: Sale, id: order_id}
        attributes: {at: ordered_at, amount: {expr: amount, type: STRING}}
        discriminator: [at]
)yaml";

TEST(TransformTest, PlanExposesProjectionAndFilter) {
  const auto plan = MappingPlan::Make(ParseOk(kMapping), Schemas());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const TablePlan* t = plan->ForTable("shop.purchases");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->projection(), (std::vector<int32_t>{8, 1, 4, 5, 3, 6, 9, 10, 2}));
  EXPECT_TRUE(t->pushed_filter().empty());  // an OR cannot be pushed down
  EXPECT_FALSE(t->where_fully_pushed());
  ASSERT_EQ(plan->vertex_types().size(), 2u);
  EXPECT_EQ(plan->vertex_types()[0].attributes.size(), 7u);
  EXPECT_EQ(plan->vertex_types()[0].attributes[1].type.ToGsql(), "DATETIME");
  EXPECT_EQ(plan->vertex_types()[0].attributes[5].type.ToGsql(), "LIST<STRING>");
  ASSERT_EQ(plan->edge_types().size(), 1u);
  EXPECT_EQ(plan->edge_types()[0].attributes[0].name, "at");

  const auto pushed =
      MappingPlan::Make(ParseOk("mappings:\n  - table: shop.purchases\n    where: \"qty > 0 and note is not null\"\n"
                                "    vertices: [{type: A, id: order_id}]\n"),
                        Schemas());
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(iceberg::FilterToString(pushed->tables()[0].pushed_filter()), "qty > 0 AND note IS NOT NULL");
  EXPECT_TRUE(pushed->tables()[0].where_fully_pushed());
}

std::string Json(const std::shared_ptr<arrow::Array>& a) { return a ? a->ToString() : "null"; }

TEST(TransformTest, ApplyMapsGoodRowsAndDeadLettersBadOnes) {
  const auto plan = MappingPlan::Make(ParseOk(kMapping), Schemas());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const iceberg::Schema s = PurchasesSchema();
  arrow::StringBuilder email;
  for (const char* e : {"A@X.COM", "b@y.org", "bad\xff", "c@z.net", "d@w.io", "e@v.fr"})
    ASSERT_TRUE(email.Append(e).ok());
  // Row 0 good; row 1 null order_id; row 2 invalid UTF-8 email; row 3 qty -5 (filtered by where);
  // row 4 ordered_at before 1582 and empty city; row 5 null city and negative... qty null (kept by where).
  const auto batch = MakeBatch(
      s, {JsonArray(TypeOf(s, 0), "[1, null, 3, 4, 5, 6]"), JsonArray(TypeOf(s, 1), "[10, 20, 30, 40, 50, 60]"),
          *email.Finish(), JsonArray(TypeOf(s, 3), R"(["1.50", "2.00", "3.00", "4.00", "5.00", null])"),
          JsonArray(TypeOf(s, 4), "[1709212455123456, 0, 0, 0, -13000000000000000, 86400000000]"),
          JsonArray(TypeOf(s, 5),
                    R"([{"city": "Paris"}, {"city": "Rome"}, {"city": "Oslo"}, null, {"city": ""}, {"city": null}])"),
          JsonArray(TypeOf(s, 6), "[1, 2, 3, -5, 5, null]"),
          JsonArray(TypeOf(s, 7), R"([null, "n2", null, null, "n5", null])"),
          JsonArray(TypeOf(s, 8), R"([["x", "y"], [], null, ["z"], [], ["w"]])")});
  auto r = plan->tables()[0].Apply(*batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const MappedBatch& m = *r;
  EXPECT_EQ(m.rows_in, 6);
  EXPECT_EQ(m.rows_selected, 5);
  ASSERT_EQ(m.vertices.size(), 2u);
  ASSERT_EQ(m.edges.size(), 1u);

  const VertexBatch& orders = m.vertices[0];
  EXPECT_EQ(orders.type, "Sale");
  EXPECT_TRUE(orders.ids->Equals(*JsonArray(arrow::utf8(), R"(["1", "6"])"))) << Json(orders.ids);
  ASSERT_EQ(orders.attributes.size(), 7u);
  const auto col = [&](size_t i, const std::string& json) {
    const AttributeColumn& c = orders.attributes[i];
    const auto want = JsonArray(CanonicalArrowType(c.type), json);
    EXPECT_TRUE(c.values->Equals(*want)) << c.name << ": " << Json(c.values);
  };
  col(0, "[1.5, null]");
  col(1, "[1709212455, 86400]");
  col(2, R"(["a@x.com", "e@v.fr"])");
  col(3, R"(["Paris", "?"])");  // the default for a null city
  col(4, R"(["none", "none"])");
  col(5, R"([["x", "y"], ["w"]])");
  col(6, "[1, null]");

  const VertexBatch& users = m.vertices[1];
  EXPECT_TRUE(users.ids->Equals(*JsonArray(arrow::utf8(), R"(["10|Paris", "20|Rome", "30|Oslo", "50|"])")))
      << Json(users.ids);

  const EdgeBatch& placed = m.edges[0];
  EXPECT_EQ(placed.from_type, "User");
  EXPECT_EQ(placed.to_type, "Sale");
  EXPECT_EQ(placed.discriminator, std::vector<std::string>{"at"});
  EXPECT_TRUE(placed.from_ids->Equals(*JsonArray(arrow::utf8(), R"(["10", "30", "60"])"))) << Json(placed.from_ids);
  EXPECT_TRUE(placed.to_ids->Equals(*JsonArray(arrow::utf8(), R"(["1", "3", "6"])")));
  EXPECT_TRUE(placed.attributes[0].values->Equals(
      *JsonArray(arrow::timestamp(arrow::TimeUnit::SECOND, "UTC"), "[1709212455, 0, 86400]")));
  EXPECT_TRUE(placed.attributes[1].values->Equals(*JsonArray(arrow::utf8(), R"(["1.50", "3.00", null])")));

  std::vector<std::string> letters;
  for (const DeadLetter& d : m.dead_letters) {
    letters.push_back(d.mapping + " | " + d.row_key + " | " + d.reason_code + " | " + d.message + " | " + d.row_json);
  }
  const std::string row1 =
      R"({"address":{"city":"Rome"},"amount":"2.00","email":"b@y.org","note":"n2","order_id":null,)"
      R"("ordered_at":"1970-01-01 00:00:00.000000Z","qty":2,"tags":[],"user_id":20})";
  const std::string row2 = R"({"address":{"city":"Oslo"},"amount":"3.00","email":"bad�","note":null,"order_id":3,)"
                           R"("ordered_at":"1970-01-01 00:00:00.000000Z","qty":3,"tags":null,"user_id":30})";
  const std::string row4 = R"({"address":{"city":""},"amount":"5.00","email":"d@w.io","note":"n5","order_id":5,)"
                           R"("ordered_at":"1558-01-18 00:53:20.000000Z","qty":5,"tags":[],"user_id":50})";
  const std::vector<std::string> want = {
      "shop.purchases/vertex:Sale |  | null_id | id column 'order_id' is null | " + row1,
      "shop.purchases/vertex:Sale | 3 | invalid_utf8 | attribute 'email' from expression 'lower(email)' value "
      "'bad\\xff' cannot be stored as STRING: not valid UTF-8 | " +
          row2,
      "shop.purchases/vertex:Sale | 5 | out_of_range | attribute 'sold_on' from expression 'cast(ordered_at as "
      "datetime)' value '1558-01-18 00:53:20.000000Z' cannot be stored as DATETIME: outside TigerGraph's "
      "DATETIME "
      "range 1582-10-15 .. 9999-12-31 | " +
          row4,
      "shop.purchases/vertex:User |  | null_id | id column 'address.city' is null | " +
          std::string(R"({"address":{"city":null},"amount":null,"email":"e@v.fr","note":null,"order_id":6,)"
                      R"("ordered_at":"1970-01-02 00:00:00.000000Z","qty":null,"tags":["w"],"user_id":60})"),
      "shop.purchases/edge:PLACED | 20-> | null_id | to id column 'order_id' is null | " + row1,
      "shop.purchases/edge:PLACED | 50->5 | out_of_range | attribute 'at' from column 'ordered_at' value "
      "'1558-01-18 00:53:20.000000Z' cannot be stored as DATETIME: outside TigerGraph's DATETIME range "
      "1582-10-15 "
      ".. 9999-12-31 | " +
          row4,
  };
  EXPECT_EQ(letters, want);
}

TEST(TransformTest, EmptyIdIsADeadLetter) {
  const iceberg::Schema s = PurchasesSchema();
  const auto plan = MappingPlan::Make(
      ParseOk("mappings:\n  - table: shop.purchases\n    vertices: [{type: N, id: note}]\n"), Schemas());
  ASSERT_TRUE(plan.ok());
  std::vector<std::shared_ptr<arrow::Array>> cols;
  const std::vector<std::string> json = {"[1, 2]",       "[1, 2]", R"(["a", "b"])", R"([null, null])", "[0, 0]",
                                         "[null, null]", "[1, 1]", R"(["", "x"])",  "[null, null]"};
  for (size_t i = 0; i < json.size(); ++i) cols.push_back(JsonArray(TypeOf(s, i), json[i]));
  auto r = plan->tables()[0].Apply(*MakeBatch(s, cols));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->dead_letters.size(), 1u);
  EXPECT_EQ(r->dead_letters[0].reason_code, "empty_id");
  EXPECT_EQ(r->dead_letters[0].message, "id column 'note' is empty");
  EXPECT_TRUE(r->vertices[0].ids->Equals(*JsonArray(arrow::utf8(), R"(["x"])")));
}

TEST(TransformTest, NullDiscriminatorIsADeadLetter) {
  const iceberg::Schema s = PurchasesSchema();
  const auto plan = MappingPlan::Make(
      ParseOk("mappings:\n  - table: shop.purchases\n    vertices: [{type: N, id: order_id}]\n    edges:\n"
              "      - {type: E, from: {type: N, id: order_id}, to: {type: N, id: user_id}, attributes: {n: note},"
              " discriminator: [n]}\n"),
      Schemas());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  std::vector<std::shared_ptr<arrow::Array>> cols;
  const std::vector<std::string> json = {"[1, 2]",       "[7, 8]", R"(["a", "b"])",  R"([null, null])", "[0, 0]",
                                         "[null, null]", "[1, 1]", R"(["x", null])", "[null, null]"};
  for (size_t i = 0; i < json.size(); ++i) cols.push_back(JsonArray(TypeOf(s, i), json[i]));
  auto r = plan->tables()[0].Apply(*MakeBatch(s, cols));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->dead_letters.size(), 1u);
  EXPECT_EQ(r->dead_letters[0].mapping, "shop.purchases/edge:E");
  EXPECT_EQ(r->dead_letters[0].row_key, "2->8");
  EXPECT_EQ(r->dead_letters[0].reason_code, "null_discriminator");
  EXPECT_EQ(r->dead_letters[0].message, "discriminator attribute 'n' is null");
  EXPECT_EQ(r->edges[0].length(), 1);
  EXPECT_EQ(r->vertices[0].length(), 2);
}

// Throughput of Apply on a 1M-row batch (id + 4 attributes, one vertex and one edge mapping); printed, not
// asserted.
TEST(TransformTest, ApplyThroughput) {
  const iceberg::Schema s = PurchasesSchema();
  const auto plan = MappingPlan::Make(ParseOk(R"yaml(mappings:
  - table: shop.purchases
    vertices:
      - type: Sale
        id: order_id
        attributes: {amount: amount, sold_on: ordered_at, email: "lower(email)", qty: qty}
    edges:
      - type: PLACED
        from: {type: Sale, id: order_id}
        to: {type: Sale, id: user_id}
        attributes: {at: ordered_at}
)yaml"),
                                      Schemas());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  constexpr int64_t kRows = 1000000;
  arrow::Int64Builder ids, users;
  arrow::StringBuilder emails, notes;
  arrow::Decimal128Builder amounts(arrow::decimal128(10, 2));
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::Int32Builder qty;
  for (int64_t i = 0; i < kRows; ++i) {
    ASSERT_TRUE(ids.Append(i).ok());
    ASSERT_TRUE(users.Append(i % 1000).ok());
    ASSERT_TRUE(emails.Append("User" + std::to_string(i) + "@Example.COM").ok());
    ASSERT_TRUE(notes.AppendNull().ok());
    ASSERT_TRUE(amounts.Append(arrow::Decimal128(i * 7)).ok());
    ASSERT_TRUE(ts.Append(1700000000000000 + i * 1000000).ok());
    ASSERT_TRUE(qty.Append(static_cast<int32_t>(i % 10)).ok());
  }
  const auto batch = MakeBatch(s, {*ids.Finish(), *users.Finish(), *emails.Finish(), *amounts.Finish(), *ts.Finish(),
                                   *arrow::MakeArrayOfNull(TypeOf(s, 5), kRows), *qty.Finish(), *notes.Finish(),
                                   *arrow::MakeArrayOfNull(TypeOf(s, 8), kRows)});
  const auto start = std::chrono::steady_clock::now();
  auto r = plan->tables()[0].Apply(*batch);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->vertices[0].length(), kRows);
  EXPECT_EQ(r->edges[0].length(), kRows);
  EXPECT_TRUE(r->dead_letters.empty());
  // Kept with the test's result (--gtest_output=xml), never asserted: speed is measured by `make bench`.
  RecordProperty("apply_rows_per_second", std::to_string(static_cast<int64_t>(static_cast<double>(kRows) / secs)));
}

}  // namespace
}  // namespace icegraph::mapping

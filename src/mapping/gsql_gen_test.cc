// Generated GSQL: exact text for a small model, accepted by the emulator's GSQL executor in-process, the loading
// job loading CSV lines in the documented layout, and CheckSchema against the emulator's schema JSON.
#include "mapping/gsql_gen.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "emulator/database.h"
#include "emulator/gsql_executor.h"
#include "emulator/loader.h"
#include "emulator/types.h"
#include "mapping/mapping_test_util.h"

namespace icegraph::mapping {
namespace {

using test::Fld;
using test::ParseOk;

std::map<std::string, iceberg::Schema> ShopSchemas() {
  iceberg::Schema users;
  users.fields = {Fld(1, "user_id", "long"), Fld(2, "name", "string"), Fld(3, "email", "string"),
                  Fld(4, "signup_date", "date")};
  iceberg::Schema purchases;
  purchases.fields = {Fld(1, "purchase_id", "long"),     Fld(2, "user_id", "long"),
                      Fld(3, "product_id", "long"),      Fld(4, "quantity", "int"),
                      Fld(5, "amount", "decimal(12,2)"), Fld(6, "purchased_at", "timestamptz"),
                      Fld(7, "email", "string")};
  return {{"shop.users", users}, {"shop.purchases", purchases}};
}

constexpr const char* kShop = R"yaml(mappings:
  - table: shop.users
    vertices:
      - type: User
        id: user_id
        attributes: {name: name, email: "lower(email)", signup: signup_date}
  - table: shop.purchases
    vertices:
      - type: User
        id: user_id
        attributes: {email: email}
      - type: Product
        id: product_id
    edges:
      - type: PURCHASED
        from: {type: User, id: user_id}
        to: {type: Product, id: product_id}
        attributes: {quantity: quantity, amount: amount, purchase_id: "cast(purchase_id as string)", at: purchased_at}
        discriminator: [purchase_id]
      - type: KNOWS
        from: {type: User, id: user_id}
        to: {type: User, id: purchase_id}
        directed: false
)yaml";

MappingPlan Plan() {
  auto r = MappingPlan::Make(ParseOk(kShop), ShopSchemas());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).ValueOrDie();
}

TEST(GsqlGenTest, SchemaDdlIsExact) {
  EXPECT_EQ(GenerateSchemaDdl(Plan()),
            "CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, email STRING, signup DATETIME) WITH "
            "primary_id_as_attribute=\"true\"\n"
            "CREATE VERTEX Product (PRIMARY_ID id STRING) WITH primary_id_as_attribute=\"true\"\n"
            "CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, DISCRIMINATOR(purchase_id STRING), quantity INT, "
            "amount DOUBLE, at DATETIME)\n"
            "CREATE UNDIRECTED EDGE KNOWS (FROM User, TO User)\n"
            "CREATE GRAPH shop (User, Product, PURCHASED, KNOWS)\n");
}

TEST(GsqlGenTest, LoadingJobsAreExact) {
  const MappingPlan plan = Plan();
  EXPECT_EQ(GenerateLoadingJobs(plan),
            "CREATE LOADING JOB icegraph_shop_users FOR GRAPH shop {\n"
            "  DEFINE FILENAME v_User;\n"
            "  LOAD v_User TO VERTEX User VALUES ($0, $1, $2, $3) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "}\n"
            "CREATE LOADING JOB icegraph_shop_purchases FOR GRAPH shop {\n"
            "  DEFINE FILENAME v_User;\n"
            "  DEFINE FILENAME v_Product;\n"
            "  DEFINE FILENAME e_PURCHASED;\n"
            "  DEFINE FILENAME e_KNOWS;\n"
            "  LOAD v_User TO VERTEX User VALUES ($0, _, $1, _) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "  LOAD v_Product TO VERTEX Product VALUES ($0) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "  LOAD e_PURCHASED TO EDGE PURCHASED VALUES ($0, $1, $4, $2, $3, $5) USING SEPARATOR=\",\", "
            "HEADER=\"false\";\n"
            "  LOAD e_KNOWS TO EDGE KNOWS VALUES ($0, $1) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "}\n");
  EXPECT_EQ(LoadingJobName("db-1.my table"), "icegraph_db_1_my_table");
}

TEST(GsqlGenTest, DeleteJobsAreExact) {
  const MappingPlan plan = Plan();
  EXPECT_EQ(GenerateDeleteJobs(plan),
            "CREATE LOADING JOB icegraph_shop_users_delete FOR GRAPH shop {\n"
            "  DEFINE FILENAME dv_User;\n"
            "  DELETE VERTEX User (PRIMARY_ID $0) FROM dv_User;\n"
            "}\n"
            "CREATE LOADING JOB icegraph_shop_purchases_delete FOR GRAPH shop {\n"
            "  DEFINE FILENAME dv_User;\n"
            "  DEFINE FILENAME dv_Product;\n"
            "  DEFINE FILENAME de_PURCHASED;\n"
            "  DEFINE FILENAME de_KNOWS;\n"
            "  DELETE VERTEX User (PRIMARY_ID $0) FROM dv_User;\n"
            "  DELETE VERTEX Product (PRIMARY_ID $0) FROM dv_Product;\n"
            "  DELETE EDGE PURCHASED (FROM $0, TO $1, DISCRIMINATOR ($2)) FROM de_PURCHASED;\n"
            "  DELETE EDGE KNOWS (FROM $0, TO $1) FROM de_KNOWS;\n"
            "}\n");
}

emulator::GsqlOutcome RunText(emulator::Database& db, emulator::GsqlSession& session, const std::string& text) {
  const emulator::RunJobFn no_jobs = [](const std::string&, const emulator::LoadingJob&,
                                        const std::vector<std::pair<std::string, std::string>>&,
                                        std::string*) { return Status::NotImplemented("not in this test"); };
  return emulator::RunGsql(db, session, text, no_jobs);
}

TEST(GsqlGenTest, EmulatorAcceptsDdlAndJobsAndLoadsTheLayout) {
  const MappingPlan plan = Plan();
  emulator::Database db;
  emulator::GsqlSession session;
  const auto ddl = RunText(db, session, GenerateSchemaDdl(plan));
  ASSERT_FALSE(ddl.failed) << ddl.output;
  const auto jobs = RunText(db, session, GenerateLoadingJobs(plan));
  ASSERT_FALSE(jobs.failed) << jobs.output;
  const emulator::Graph& g = db.catalog.graphs.at("shop");
  ASSERT_EQ(g.loading_jobs.size(), 2u);

  // Lines in the documented layout: vertex id then mapped attributes; edge from, to, then attributes in mapping
  // order (quantity, amount, purchase_id, at), DATETIME as "YYYY-MM-DD hh:mm:ss".
  const emulator::LoadingJob& users = g.loading_jobs.at("icegraph_shop_users");
  // As the sink posts them: unit separator between fields, record separator between lines, nothing quoted.
  emulator::LoadOverrides sink_format;
  sink_format.separator = "\x1f";
  sink_format.eol = "\x1e";
  auto r = emulator::RunLoad(db, users, "v_User",
                             "1\x1f"
                             "Ann, A.\x1f"
                             "ann@x.com\x1f"
                             "2024-02-29 00:00:00\x1e",
                             sink_format);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->valid_line, 1);
  const emulator::LoadingJob& purchases = g.loading_jobs.at("icegraph_shop_purchases");
  r = emulator::RunLoad(db, purchases, "v_User",
                        "1\x1f"
                        "new@x.com\x1e",
                        sink_format);
  ASSERT_TRUE(r.ok());
  r = emulator::RunLoad(db, purchases, "e_PURCHASED",
                        "1\x1f"
                        "7\x1f"
                        "2\x1f"
                        "19.99\x1f"
                        "p-1\x1f"
                        "2024-03-01 10:00:00\x1e"
                        "1\x1f"
                        "7\x1f"
                        "1\x1f"
                        "5.5\x1f"
                        "p-2\x1f"
                        "2024-03-02 11:00:00\x1e",
                        sink_format);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->valid_line, 2);
  EXPECT_EQ(db.store.EdgeCount("PURCHASED"), 2);

  const emulator::VertexType* user_type = db.catalog.FindVertex("User");
  const emulator::Attrs* found = db.store.FindVertex("User", "1");
  ASSERT_NE(found, nullptr);
  const emulator::Attrs& ann = *found;
  std::vector<std::string> values;
  for (size_t i = 0; i < ann.size(); ++i)
    values.push_back(emulator::ValueToText(user_type->attributes[i].type, ann[i]));
  // The second job set email only: `_` kept name and signup.
  EXPECT_EQ(values, (std::vector<std::string>{"Ann, A.", "new@x.com", "2024-02-29 00:00:00"}));

  // The live schema matches the plan.
  const std::string live =
      nlohmann::json{{"error", false}, {"results", emulator::GraphSchemaJson(db.catalog, g)}}.dump();
  auto diffs = CheckSchema(plan, live);
  ASSERT_TRUE(diffs.ok()) << diffs.status().ToString();
  EXPECT_TRUE(diffs->empty()) << (diffs->empty() ? "" : diffs->front().message);
}

TEST(GsqlGenTest, CollectionAttributesAreLeftOutOfLoadingJobs) {
  iceberg::Schema products;
  products.fields = {Fld(1, "product_id", "long"), Fld(2, "tags", "list", {Fld(3, "element", "string")}),
                     Fld(4, "props", "map", {Fld(5, "key", "string"), Fld(6, "value", "double")})};
  auto plan = MappingPlan::Make(
      ParseOk("mappings:\n  - table: shop.products\n    vertices:\n      - type: Product\n        id: product_id\n"
              "        attributes: {tags: tags, ids: {expr: tags, type: \"SET<STRING>\"}, props: props}\n"),
      {{"shop.products", products}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(GenerateSchemaDdl(*plan),
            "CREATE VERTEX Product (PRIMARY_ID id STRING, tags LIST<STRING>, ids SET<STRING>, props MAP<STRING, "
            "DOUBLE>) WITH primary_id_as_attribute=\"true\"\n"
            "CREATE GRAPH shop (Product)\n");
  EXPECT_EQ(GenerateLoadingJobs(*plan),
            "CREATE LOADING JOB icegraph_shop_products FOR GRAPH shop {\n"
            "  DEFINE FILENAME v_Product;\n"
            "  LOAD v_Product TO VERTEX Product VALUES ($0, _, _, _) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "}\n");
  emulator::Database db;
  emulator::GsqlSession session;
  const auto ddl = RunText(db, session, GenerateSchemaDdl(*plan));
  ASSERT_FALSE(ddl.failed) << ddl.output;
  const auto jobs = RunText(db, session, GenerateLoadingJobs(*plan));
  EXPECT_FALSE(jobs.failed) << jobs.output;
}

TEST(GsqlGenTest, CheckSchemaListsEveryDifference) {
  const MappingPlan plan = Plan();
  const std::string live = R"({"GraphName": "shop",
    "VertexTypes": [
      {"Name": "User", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "INT"}},
       "Attributes": [{"AttributeName": "name", "AttributeType": {"Name": "STRING"}},
                      {"AttributeName": "signup", "AttributeType": {"Name": "STRING"}},
                      {"AttributeName": "extra", "AttributeType": {"Name": "INT"}}]}],
    "EdgeTypes": [
      {"Name": "PURCHASED", "IsDirected": false, "FromVertexTypeName": "User", "ToVertexTypeName": "Product",
       "Attributes": [{"AttributeName": "quantity", "AttributeType": {"Name": "INT"}},
                      {"AttributeName": "amount", "AttributeType": {"Name": "DOUBLE"}},
                      {"AttributeName": "at", "AttributeType": {"Name": "DATETIME"}},
                      {"AttributeName": "purchase_id", "AttributeType": {"Name": "STRING"}}]},
      {"Name": "KNOWS", "IsDirected": false, "FromVertexTypeName": "User", "ToVertexTypeName": "User",
       "Attributes": []}]})";
  auto diffs = CheckSchema(plan, live);
  ASSERT_TRUE(diffs.ok()) << diffs.status().ToString();
  std::vector<std::string> messages;
  for (const SchemaDifference& d : *diffs) messages.push_back(d.message);
  // NOLINTBEGIN(bugprone-suspicious-missing-comma): each message is long, split over adjacent literals
  const std::vector<std::string> want = {
      "vertex type User has a INT primary id; icegraph writes STRING ids: recreate it with CREATE VERTEX User "
      "(PRIMARY_ID id STRING, name STRING, email STRING, signup DATETIME) WITH primary_id_as_attribute=\"true\"",
      "vertex User has no attribute email: add it with a schema change job: ALTER VERTEX User ADD ATTRIBUTE (email "
      "STRING);",
      "attribute User.signup is STRING in TigerGraph but the mapping writes DATETIME: change the mapping's type "
      "(attributes: {signup: {expr: ..., type: STRING}}) or drop and re-add the attribute as DATETIME",
      "vertex type Product is missing from graph shop: create it with CREATE VERTEX Product (PRIMARY_ID id STRING) "
      "WITH primary_id_as_attribute=\"true\"",
      "edge type PURCHASED is UNDIRECTED User -> Product in TigerGraph but the mapping needs DIRECTED User -> "
      "Product: recreate it with CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, DISCRIMINATOR(purchase_id "
      "STRING), quantity INT, amount DOUBLE, at DATETIME)",
      "edge type PURCHASED has DISCRIMINATOR() in TigerGraph but the mapping needs DISCRIMINATOR(purchase_id): "
      "recreate it with CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, DISCRIMINATOR(purchase_id STRING), "
      "quantity INT, amount DOUBLE, at DATETIME)",
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  EXPECT_EQ(messages, want);
  EXPECT_FALSE(CheckSchema(plan, "not json").ok());
  EXPECT_EQ(CheckSchema(plan, R"({"error": true, "message": "Graph shop does not exist."})").status().message(),
            "TigerGraph returned an error for the schema: Graph shop does not exist.");
}

TEST(GsqlGenTest, EcommerceExamplePlansAndItsDdlRunsOnTheEmulator) {
  const std::filesystem::path example = std::filesystem::path(ICEGRAPH_SOURCE_DIR) / "examples/ecommerce/icegraph.yaml";
  auto cfg = config::LoadConfig(example.string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  iceberg::Schema users;
  users.fields = {Fld(1, "user_id", "long"),   Fld(2, "name", "string"),      Fld(3, "email", "string"),
                  Fld(4, "country", "string"), Fld(5, "signup_date", "date"), Fld(6, "updated_at", "timestamptz")};
  iceberg::Schema products;
  products.fields = {Fld(1, "product_id", "long"),
                     Fld(2, "name", "string"),
                     Fld(3, "category", "string"),
                     Fld(4, "price", "decimal(10,2)"),
                     Fld(5, "tags", "list", {Fld(7, "element", "string")}),
                     Fld(6, "updated_at", "timestamptz")};
  iceberg::Schema purchases;
  purchases.fields = {Fld(1, "purchase_id", "long"),      Fld(2, "user_id", "long"),
                      Fld(3, "product_id", "long"),       Fld(4, "quantity", "int"),
                      Fld(5, "amount", "decimal(12,2)"),  Fld(6, "purchased_at", "timestamptz"),
                      Fld(7, "updated_at", "timestamptz")};
  auto plan = MappingPlan::Make(cfg->pipeline.model,
                                {{"shop.users", users}, {"shop.products", products}, {"shop.purchases", purchases}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const std::string ddl = GenerateSchemaDdl(*plan);
  EXPECT_EQ(ddl,
            "CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, email STRING, country STRING, signup_date "
            "DATETIME, updated_at DATETIME) WITH primary_id_as_attribute=\"true\"\n"
            "CREATE VERTEX Product (PRIMARY_ID id STRING, name STRING, category STRING, price DOUBLE, tags "
            "LIST<STRING>, updated_at DATETIME) WITH primary_id_as_attribute=\"true\"\n"
            "CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, DISCRIMINATOR(purchase_id STRING), quantity INT, "
            "amount DOUBLE, purchased_at DATETIME)\n"
            "CREATE GRAPH shop (User, Product, PURCHASED)\n");
  EXPECT_TRUE(plan->ForTable("shop.purchases")->where_fully_pushed());
  emulator::Database db;
  emulator::GsqlSession session;
  const auto out = RunText(db, session, ddl);
  EXPECT_FALSE(out.failed) << out.output;
  // users and purchases have no collection attributes: their jobs run on the emulator too.
  for (const char* table : {"shop.users", "shop.purchases"}) {
    const auto job = RunText(db, session, GenerateLoadingJob(*plan, *plan->ForTable(table)));
    EXPECT_FALSE(job.failed) << job.output;
  }
}

}  // namespace
}  // namespace icegraph::mapping

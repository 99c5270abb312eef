// Schema changes for `icegraph schema --apply` on an existing graph: exact jobs for an empty graph, a graph with
// some types (local and global), refusals naming every incompatible type, and the jobs run on the in-process
// emulator, after which the graph matches the plan and loading jobs put every column in its attribute.
#include "mapping/schema_change.h"

#include <gtest/gtest.h>

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

constexpr const char* kShop = R"yaml(mappings:
  - table: shop.users
    vertices:
      - type: User
        id: user_id
        attributes: {name: name, email: email}
  - table: shop.purchases
    vertices:
      - type: Product
        id: product_id
    edges:
      - type: PURCHASED
        from: {type: User, id: user_id}
        to: {type: Product, id: product_id}
        attributes: {quantity: quantity, purchase_id: "cast(purchase_id as string)"}
        discriminator: [purchase_id]
)yaml";

MappingPlan Plan() {
  iceberg::Schema users;
  users.fields = {Fld(1, "user_id", "long"), Fld(2, "name", "string"), Fld(3, "email", "string")};
  iceberg::Schema purchases;
  purchases.fields = {Fld(1, "purchase_id", "long"), Fld(2, "user_id", "long"), Fld(3, "product_id", "long"),
                      Fld(4, "quantity", "int")};
  auto r = MappingPlan::Make(ParseOk(kShop), {{"shop.users", users}, {"shop.purchases", purchases}});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).ValueOrDie();
}

std::vector<std::string> Messages(const std::vector<SchemaDifference>& diffs) {
  std::vector<std::string> out;
  out.reserve(diffs.size());
  for (const SchemaDifference& d : diffs) out.push_back(d.message);
  return out;
}

TEST(SchemaChangeTest, EmptyGraphGetsEveryTypeInOneLocalJob) {
  auto change = PlanSchemaChange(Plan(), R"({"error": false, "message": "",
      "results": {"GraphName": "shop", "VertexTypes": [], "EdgeTypes": []}})");
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_TRUE(change->incompatible.empty());
  EXPECT_EQ(change->additive.size(), 3u);
  EXPECT_EQ(change->jobs, std::vector<std::string>{"icegraph_add_shop"});
  EXPECT_EQ(change->Text(),
            "USE GRAPH shop\n"
            "CREATE SCHEMA_CHANGE JOB icegraph_add_shop FOR GRAPH shop {\n"
            "  ADD VERTEX User (PRIMARY_ID id STRING, name STRING, email STRING) WITH "
            "primary_id_as_attribute=\"true\";\n"
            "  ADD VERTEX Product (PRIMARY_ID id STRING) WITH primary_id_as_attribute=\"true\";\n"
            "  ADD DIRECTED EDGE PURCHASED (FROM User, TO Product, DISCRIMINATOR(purchase_id STRING), quantity INT);\n"
            "}\n"
            "RUN SCHEMA_CHANGE JOB icegraph_add_shop\n"
            "DROP JOB icegraph_add_shop\n");
}

// User exists as a local type without email, PURCHASED as a global type without quantity: the local job adds the
// missing type and the local attribute, a global job the global type's attribute.
constexpr const char* kPartial = R"({"GraphName": "shop",
  "VertexTypes": [
    {"Name": "User", "IsLocal": true, "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}},
     "Attributes": [{"AttributeName": "name", "AttributeType": {"Name": "STRING"}},
                    {"AttributeName": "age", "AttributeType": {"Name": "INT"}}]}],
  "EdgeTypes": [
    {"Name": "PURCHASED", "IsLocal": false, "IsDirected": true, "FromVertexTypeName": "User",
     "ToVertexTypeName": "Product",
     "Attributes": [{"AttributeName": "purchase_id", "IsDiscriminator": true, "AttributeType": {"Name": "STRING"}}]}]})";

TEST(SchemaChangeTest, PartialGraphGetsMissingTypesAndAttributes) {
  auto change = PlanSchemaChange(Plan(), kPartial);
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_TRUE(change->incompatible.empty()) << Messages(change->incompatible).front();
  EXPECT_EQ(Messages(change->additive),
            (std::vector<std::string>{
                "vertex User has no attribute email: add it with a schema change job: ALTER VERTEX User ADD "
                "ATTRIBUTE (email STRING);",
                "vertex type Product is missing from graph shop: create it with CREATE VERTEX Product (PRIMARY_ID id "
                "STRING) WITH primary_id_as_attribute=\"true\"",
                "edge PURCHASED has no attribute quantity: add it with a schema change job: ALTER EDGE PURCHASED ADD "
                "ATTRIBUTE (quantity INT);"}));
  EXPECT_EQ(change->jobs, (std::vector<std::string>{"icegraph_add_shop", "icegraph_add_shop_global"}));
  EXPECT_EQ(change->Text(),
            "USE GRAPH shop\n"
            "CREATE SCHEMA_CHANGE JOB icegraph_add_shop FOR GRAPH shop {\n"
            "  ADD VERTEX Product (PRIMARY_ID id STRING) WITH primary_id_as_attribute=\"true\";\n"
            "  ALTER VERTEX User ADD ATTRIBUTE (email STRING);\n"
            "}\n"
            "RUN SCHEMA_CHANGE JOB icegraph_add_shop\n"
            "DROP JOB icegraph_add_shop\n"
            "USE GLOBAL\n"
            "CREATE GLOBAL SCHEMA_CHANGE JOB icegraph_add_shop_global {\n"
            "  ALTER EDGE PURCHASED ADD ATTRIBUTE (quantity INT);\n"
            "}\n"
            "RUN GLOBAL SCHEMA_CHANGE JOB icegraph_add_shop_global\n"
            "DROP JOB icegraph_add_shop_global\n");
}

TEST(SchemaChangeTest, MatchingGraphNeedsNothing) {
  const std::string live = R"({"GraphName": "shop",
    "VertexTypes": [
      {"Name": "User", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}},
       "Attributes": [{"AttributeName": "name", "AttributeType": {"Name": "STRING"}},
                      {"AttributeName": "email", "AttributeType": {"Name": "STRING"}}]},
      {"Name": "Product", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}},
       "Attributes": []}],
    "EdgeTypes": [
      {"Name": "PURCHASED", "IsDirected": true, "FromVertexTypeName": "User", "ToVertexTypeName": "Product",
       "Attributes": [{"AttributeName": "purchase_id", "IsDiscriminator": true, "AttributeType": {"Name": "STRING"}},
                      {"AttributeName": "quantity", "AttributeType": {"Name": "INT"}}]}]})";
  auto change = PlanSchemaChange(Plan(), live);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->additive.empty());
  EXPECT_TRUE(change->incompatible.empty());
  EXPECT_TRUE(change->statements.empty());
  EXPECT_EQ(change->Text(), "");
}

TEST(SchemaChangeTest, IncompatibleTypesAreRefusedWithEveryDifference) {
  const std::string live = R"({"GraphName": "shop",
    "VertexTypes": [
      {"Name": "User", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "INT"}},
       "Attributes": [{"AttributeName": "name", "AttributeType": {"Name": "INT"}}]},
      {"Name": "PURCHASED", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}},
       "Attributes": []}],
    "EdgeTypes": [
      {"Name": "Product", "IsDirected": false, "FromVertexTypeName": "User", "ToVertexTypeName": "User",
       "Attributes": []}]})";
  auto change = PlanSchemaChange(Plan(), live);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->statements.empty());
  EXPECT_EQ(Messages(change->incompatible),
            (std::vector<std::string>{
                "vertex type User has a INT primary id; icegraph writes STRING ids: recreate it with CREATE VERTEX "
                "User (PRIMARY_ID id STRING, name STRING, email STRING) WITH primary_id_as_attribute=\"true\"",
                "attribute User.name is INT in TigerGraph but the mapping writes STRING: change the mapping's type "
                "(attributes: {name: {expr: ..., type: INT}}) or drop and re-add the attribute as STRING",
                "Product is an edge type in TigerGraph but the mapping needs a vertex type of that name: rename the "
                "mapping's type or drop the existing one",
                "PURCHASED is a vertex type in TigerGraph but the mapping needs an edge type of that name: rename "
                "the mapping's type or drop the existing one"}));
  // The missing email is still listed as additive: the refusal names only what cannot be added.
  EXPECT_EQ(change->additive.size(), 1u);
  EXPECT_FALSE(PlanSchemaChange(Plan(), "[]").ok());
}

TEST(SchemaChangeTest, EdgeShapeDifferencesAreRefused) {
  const std::string live = R"({"GraphName": "shop",
    "VertexTypes": [
      {"Name": "User", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}}, "Attributes": []},
      {"Name": "Product", "PrimaryId": {"AttributeName": "id", "AttributeType": {"Name": "STRING"}},
       "Attributes": []}],
    "EdgeTypes": [
      {"Name": "PURCHASED", "IsDirected": false, "FromVertexTypeName": "Product", "ToVertexTypeName": "User",
       "Attributes": [{"AttributeName": "quantity", "AttributeType": {"Name": "INT"}}]}]})";
  auto change = PlanSchemaChange(Plan(), live);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(Messages(change->incompatible),
            (std::vector<std::string>{
                "edge type PURCHASED is UNDIRECTED Product -> User in TigerGraph but the mapping needs DIRECTED User "
                "-> Product: recreate it with CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, "
                "DISCRIMINATOR(purchase_id STRING), quantity INT)",
                "edge type PURCHASED has DISCRIMINATOR() in TigerGraph but the mapping needs "
                "DISCRIMINATOR(purchase_id): recreate it with CREATE DIRECTED EDGE PURCHASED (FROM User, TO Product, "
                "DISCRIMINATOR(purchase_id STRING), quantity INT)"}));
}

emulator::GsqlOutcome RunText(emulator::Database& db, emulator::GsqlSession& session, const std::string& text) {
  const emulator::RunJobFn no_jobs = [](const std::string&, const emulator::LoadingJob&,
                                        const std::vector<std::pair<std::string, std::string>>&,
                                        std::string*) { return Status::NotImplemented("not in this test"); };
  return emulator::RunGsql(db, session, text, no_jobs);
}

std::string LiveJson(const emulator::Database& db) {
  return nlohmann::json{{"error", false},
                        {"results", emulator::GraphSchemaJson(db.catalog, db.catalog.graphs.at("shop"))}}
      .dump();
}

// A graph made by hand with User(name, age) only: the jobs add Product, PURCHASED and User.email (after age), the
// graph then matches, and the loading job built on the live order puts each column in its attribute.
TEST(SchemaChangeTest, JobsRunOnTheEmulatorAndLoadingJobsFollowTheLiveOrder) {
  const MappingPlan plan = Plan();
  emulator::Database db;
  emulator::GsqlSession session;
  const auto made = RunText(db, session,
                            "CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, age INT) WITH "
                            "primary_id_as_attribute=\"true\"\nCREATE GRAPH shop (User)\n");
  ASSERT_FALSE(made.failed) << made.output;
  auto change = PlanSchemaChange(plan, LiveJson(db));
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  ASSERT_TRUE(change->incompatible.empty()) << Messages(change->incompatible).front();
  ASSERT_FALSE(change->statements.empty());
  for (const std::string& s : change->statements) {
    const auto out = RunText(db, session, s);
    ASSERT_FALSE(out.failed) << s << "\n" << out.output;
  }
  auto diffs = CheckSchema(plan, LiveJson(db));
  ASSERT_TRUE(diffs.ok());
  EXPECT_TRUE(diffs->empty()) << Messages(*diffs).front();
  auto again = PlanSchemaChange(plan, LiveJson(db));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->statements.empty());

  auto order = LiveAttributeOrder(LiveJson(db));
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->at("User"), (std::vector<std::string>{"name", "age", "email"}));
  const std::string job = GenerateLoadingJob(plan, *plan.ForTable("shop.users"), &*order);
  EXPECT_EQ(job,
            "CREATE LOADING JOB icegraph_shop_users FOR GRAPH shop {\n"
            "  DEFINE FILENAME v_User;\n"
            "  LOAD v_User TO VERTEX User VALUES ($0, $1, _, $2) USING SEPARATOR=\",\", HEADER=\"false\";\n"
            "}\n");
  const auto created = RunText(db, session, "USE GRAPH shop\n" + job);
  ASSERT_FALSE(created.failed) << created.output;
  emulator::LoadOverrides sink_format;
  sink_format.separator = "\x1f";
  sink_format.eol = "\x1e";
  auto r = emulator::RunLoad(db, db.catalog.graphs.at("shop").loading_jobs.at("icegraph_shop_users"), "v_User",
                             "7\x1f"
                             "Ann\x1f"
                             "ann@x.com\x1e",
                             sink_format);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const emulator::VertexType* user = db.catalog.FindVertex("User");
  const emulator::Attrs* found = db.store.FindVertex("User", "7");
  ASSERT_NE(found, nullptr);
  const emulator::Attrs& ann = *found;
  std::vector<std::string> values;
  for (size_t i = 0; i < ann.size(); ++i) values.push_back(emulator::ValueToText(user->attributes[i].type, ann[i]));
  EXPECT_EQ(values, (std::vector<std::string>{"Ann", "0", "ann@x.com"}));
}

}  // namespace
}  // namespace icegraph::mapping

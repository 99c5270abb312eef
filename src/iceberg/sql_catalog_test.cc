// The SQL catalog on SQLite, with the tables pyiceberg and the Java JDBC catalog create.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "iceberg/avro_test_writer.h"
#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

std::string Metadata(const std::string& location) {
  return R"({"format-version": 2, "table-uuid": "u", "location": ")" + location + R"(", "current-schema-id": 0,
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "required": true, "type": "long"}]}],
    "partition-specs": [{"spec-id": 0, "fields": []}], "default-spec-id": 0})";
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err != nullptr ? err : "") << "\n"
                                                                              << sql;
}

// A catalog database like pyiceberg's (schema v1 with iceberg_type, or v0 without).
class SqlCatalogTest : public ::testing::Test {
 protected:
  void Create(bool with_iceberg_type) {
    db_path_ = dir_.File("catalog.db");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    Exec(db,
         std::string("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) "
                     "NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), "
                     "previous_metadata_location VARCHAR(1000)") +
             (with_iceberg_type ? ", iceberg_type VARCHAR(5)" : "") +
             ", PRIMARY KEY (catalog_name, table_namespace, table_name))");
    Exec(db,
         "CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) "
         "NOT NULL, property_key VARCHAR(255) NOT NULL, property_value VARCHAR(1000), "
         "PRIMARY KEY (catalog_name, namespace, property_key))");
    const auto row = [&](const std::string& catalog, const std::string& ns, const std::string& name,
                         const std::string& type) {
      const std::string location = dir_.path() + "/" + ns + "/" + name;
      const std::string metadata = dir_.Write(ns + "/" + name + "/metadata/00001-x.metadata.json", Metadata(location));
      Exec(db, "INSERT INTO iceberg_tables VALUES ('" + catalog + "', '" + ns + "', '" + name + "', 'file://" +
                   metadata + "', NULL" + (with_iceberg_type ? ", " + type : std::string()) + ")");
    };
    row("default", "shop", "orders", "'TABLE'");
    row("default", "shop", "customers", "NULL");
    row("default", "shop", "order_totals", "'VIEW'");
    row("default", "crm.eu", "leads", "'TABLE'");
    row("other", "shop", "orders_elsewhere", "'TABLE'");
    Exec(db, "INSERT INTO iceberg_namespace_properties VALUES ('default', 'empty_ns', 'exists', 'true')");
    sqlite3_close(db);
  }

  Result<std::unique_ptr<Catalog>> Open(const std::string& name = "default") {
    return MakeCatalog("", {{"uri", "sqlite:///" + db_path_}, {"name", name}});
  }

  testing::ScratchDir dir_;
  std::string db_path_;
};

TEST_F(SqlCatalogTest, LoadsTablesByNamespaceAndName) {
  Create(/*with_iceberg_type=*/true);
  auto catalog = Open();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto orders = (*catalog)->LoadTable({"shop", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_EQ(orders->location, dir_.path() + "/shop/orders");
  EXPECT_NE(orders->metadata_location.find("00001-x.metadata.json"), std::string::npos);
  auto leads = (*catalog)->LoadTable(*TableIdentifier::Parse("crm.eu.leads"));
  ASSERT_TRUE(leads.ok()) << leads.status().ToString();
  auto missing = (*catalog)->LoadTable({"shop", "nope"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("shop.nope"), std::string::npos);
  EXPECT_EQ((*catalog)->LoadTable({"shop", "order_totals"}).status().code(), StatusCode::kNotFound);  // a view
  EXPECT_EQ((*catalog)->LoadTable({"shop", "orders_elsewhere"}).status().code(), StatusCode::kNotFound);
}

TEST_F(SqlCatalogTest, ListsTablesAndNamespaces) {
  Create(/*with_iceberg_type=*/true);
  auto catalog = Open().ValueOrDie();
  auto tables = catalog->ListTables("shop");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "customers");
  EXPECT_EQ((*tables)[1].ToString(), "shop.orders");
  auto namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<std::string>{"crm", "crm.eu", "empty_ns", "shop"}));
  auto other = Open("other").ValueOrDie();
  EXPECT_EQ(other->ListTables("shop")->size(), 1u);
  EXPECT_EQ(*other->ListNamespaces(), (std::vector<std::string>{"shop"}));
}

TEST_F(SqlCatalogTest, ReadsV0CatalogsWithoutTheTypeColumn) {
  Create(/*with_iceberg_type=*/false);
  auto catalog = Open().ValueOrDie();
  EXPECT_EQ(catalog->ListTables("shop")->size(), 3u);  // no way to tell views apart in v0
  EXPECT_TRUE(catalog->LoadTable({"shop", "orders"}).ok());
}

TEST_F(SqlCatalogTest, ExplainsBadUris) {
  EXPECT_FALSE(MakeCatalog("sql", {}).ok());
  auto missing = MakeCatalog("sql", {{"uri", "sqlite:///" + dir_.path() + "/nope.db"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.db"), std::string::npos);
  EXPECT_FALSE(MakeCatalog("sql", {{"uri", "sqlite:///:memory:"}}).ok());
  EXPECT_FALSE(MakeCatalog("sql", {{"uri", "mysql://x"}}).ok());
  // A SQLite file that is not a catalog fails on use with SQLite's reason.
  const std::string empty = dir_.File("empty.db");
  sqlite3* db = nullptr;
  sqlite3_open(empty.c_str(), &db);
  Exec(db, "CREATE TABLE t (x INT)");
  sqlite3_close(db);
  auto catalog = MakeCatalog("sql", {{"uri", "sqlite:///" + empty}});
  ASSERT_TRUE(catalog.ok());
  auto tables = (*catalog)->ListTables("shop");
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.status().message().find("iceberg_tables"), std::string::npos) << tables.status().message();
}

}  // namespace
}  // namespace icegraph::iceberg

// The filesystem catalog over a warehouse directory laid out as Spark's `type=hadoop` catalog writes it.
#include <gtest/gtest.h>

#include "iceberg/avro_test_writer.h"
#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

std::string Metadata(const std::string& location, int64_t last_updated) {
  return R"({"format-version": 2, "table-uuid": "u", "location": ")" + location + R"(", "last-updated-ms": )" +
         std::to_string(last_updated) + R"(, "current-schema-id": 0,
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "required": true, "type": "long"}]}]})";
}

class HadoopCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // db.orders: hint says 2; db.events: hint missing, v1..v3 present; db.stale: hint 1 but v2 committed after it;
    // crm.eu.leads: a nested namespace; db/not_a_table: a directory without metadata/.
    Table("db/orders", {1, 2}, "2\n");
    Table("db/events", {1, 2, 3}, std::nullopt);
    Table("db/stale", {1, 2}, "1");
    Table("crm/eu/leads", {1}, "1");
    dir_.Write("db/not_a_table/readme.txt", "hi");
  }

  void Table(const std::string& path, const std::vector<int>& versions, std::optional<std::string> hint) {
    for (const int v : versions) {
      dir_.Write(path + "/metadata/v" + std::to_string(v) + ".metadata.json", Metadata(dir_.path() + "/" + path, v));
    }
    dir_.Write(path + "/metadata/snap-1.avro", "not metadata");
    if (hint) dir_.Write(path + "/metadata/version-hint.text", *hint);
  }

  std::unique_ptr<Catalog> Open() {
    auto catalog = MakeCatalog("hadoop", {{"warehouse", "file://" + dir_.path() + "/"}});
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return std::move(catalog).ValueOrDie();
  }

  testing::ScratchDir dir_;
};

TEST_F(HadoopCatalogTest, LoadsTheCurrentVersion) {
  auto catalog = Open();
  auto orders = catalog->LoadTable({"db", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_EQ(orders->last_updated_ms, 2);
  EXPECT_NE(orders->metadata_location.find("/db/orders/metadata/v2.metadata.json"), std::string::npos);
  auto events = catalog->LoadTable({"db", "events"});
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->last_updated_ms, 3);                               // no hint: the highest version
  EXPECT_EQ(catalog->LoadTable({"db", "stale"})->last_updated_ms, 2);  // a stale hint does not hide v2
  auto leads = catalog->LoadTable({"crm.eu", "leads"});
  ASSERT_TRUE(leads.ok()) << leads.status().ToString();
  auto missing = catalog->LoadTable({"db", "nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("db.nope"), std::string::npos) << missing.status().message();
}

TEST_F(HadoopCatalogTest, ListsTablesAndNamespaces) {
  auto catalog = Open();
  auto tables = catalog->ListTables("db");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 3u);
  EXPECT_EQ((*tables)[0].name, "events");
  EXPECT_EQ((*tables)[2].name, "stale");
  EXPECT_EQ(catalog->ListTables("crm.eu")->size(), 1u);
  auto namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<std::string>{"crm", "crm.eu", "db", "db.not_a_table"}));
  EXPECT_FALSE(catalog->ListTables("nowhere").ok());
}

TEST_F(HadoopCatalogTest, NeedsAWarehouse) {
  auto catalog = MakeCatalog("hadoop", {});
  ASSERT_FALSE(catalog.ok());
  EXPECT_NE(catalog.status().message().find("warehouse"), std::string::npos);
  // Without a type or uri, a warehouse alone means this catalog.
  EXPECT_TRUE(MakeCatalog("", {{"warehouse", dir_.path()}}).ok());
}

}  // namespace
}  // namespace icegraph::iceberg

#include "iceberg/catalog.h"

#include <gtest/gtest.h>

namespace icegraph::iceberg {
namespace {

TEST(TableIdentifierTest, TheLastDotSeparatesTheTable) {
  auto id = TableIdentifier::Parse("crm.eu.leads");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ns, "crm.eu");
  EXPECT_EQ(id->name, "leads");
  EXPECT_EQ(id->ToString(), "crm.eu.leads");
  for (const char* bad : {"leads", ".leads", "crm.", ""}) EXPECT_FALSE(TableIdentifier::Parse(bad).ok()) << bad;
}

// A catalog type registered from outside the library, as a plug-in would.
class FixedCatalog final : public Catalog {
 public:
  explicit FixedCatalog(std::string location) : location_(std::move(location)) {}
  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    TableMetadata m;
    m.location = location_ + "/" + id.name;
    return m;
  }
  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    return std::vector<TableIdentifier>{{ns, "t"}};
  }
  std::shared_ptr<FileIO> io() override { return nullptr; }

 private:
  std::string location_;
};

TEST(CatalogRegistryTest, MakesRegisteredTypesFromProperties) {
  RegisterCatalog("fixed", [](const CatalogProperties& p) -> Result<std::unique_ptr<Catalog>> {
    return std::unique_ptr<Catalog>(std::make_unique<FixedCatalog>(p.at("warehouse")));
  });
  auto catalog = MakeCatalog("fixed", {{"warehouse", "/wh"}});
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ((*catalog)->LoadTable({"ns", "t"})->location, "/wh/t");
  EXPECT_EQ((*catalog)->ListNamespaces().status().code(), StatusCode::kNotImplemented);  // the default
  EXPECT_EQ((*catalog)->TableIO({"ns", "t"}).ValueOrDie(), nullptr);                     // io() by default
}

TEST(CatalogRegistryTest, UnknownTypesListTheKnownOnes) {
  auto catalog = MakeCatalog("glue", {});
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.status().code(), StatusCode::kNotImplemented);
  for (const char* known : {"hadoop", "rest", "sql"}) {
    EXPECT_NE(catalog.status().message().find(known), std::string::npos) << catalog.status().message();
  }
}

TEST(CatalogRegistryTest, InfersTheTypeFromTheUri) {
  // Each factory names itself in its errors, which shows which one the uri chose.
  EXPECT_NE(MakeCatalog("", {{"uri", "sqlite:////nonexistent/dir/c.db"}}).status().message().find("SQL catalog"),
            std::string::npos);
  EXPECT_EQ(MakeCatalog("", {{"uri", "http://127.0.0.1:1"}}).status().code(), StatusCode::kUnavailable);
  auto unknown = MakeCatalog("", {{"uri", "thrift://metastore:9083"}});
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalid);
  EXPECT_NE(unknown.status().message().find("--catalog-type"), std::string::npos);
  EXPECT_FALSE(MakeCatalog("", {}).ok());
}

}  // namespace
}  // namespace icegraph::iceberg

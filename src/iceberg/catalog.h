// Iceberg catalogs behind one interface, chosen by configuration through a registry of factories.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

/// "namespace.table" (the namespace may itself contain dots: the last part is the table).
struct TableIdentifier {
  std::string ns;
  std::string name;
  static Result<TableIdentifier> Parse(const std::string& text);
  std::string ToString() const { return ns + "." + name; }
};

class Catalog {
 public:
  virtual ~Catalog() = default;
  /// The current metadata of a table.
  virtual Result<TableMetadata> LoadTable(const TableIdentifier& id) = 0;
  /// Every namespace the catalog knows, dotted ("a", "a.b"), sorted.
  virtual Result<std::vector<std::string>> ListNamespaces() {
    return Status::NotImplemented("this catalog cannot list namespaces");
  }
  /// The tables of one namespace, sorted by name.
  virtual Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) = 0;
  /// The IO that reads this catalog's metadata and data files.
  virtual std::shared_ptr<FileIO> io() = 0;
  /// The IO for one table's files: io(), or one with the storage credentials the catalog vends for that table
  /// (REST catalogs with X-Iceberg-Access-Delegation); call after LoadTable.
  virtual Result<std::shared_ptr<FileIO>> TableIO(const TableIdentifier& id) {
    (void)id;
    return io();
  }
};

using CatalogProperties = std::map<std::string, std::string>;
using CatalogFactory = std::function<Result<std::unique_ptr<Catalog>>(const CatalogProperties&)>;

/// Registers a catalog type ("sql", "hadoop", ...); a registration replaces an earlier one of its type. The built-in
/// types (sql, hadoop, rest) are registered by the first MakeCatalog call (catalog.cc calls each Register*Catalog, so
/// static linking keeps them), so they replace one of their names registered before that call, not after.
void RegisterCatalog(const std::string& type, CatalogFactory factory);
/// Creates a catalog of `type` (or inferred from `uri` when type is empty, as pyiceberg does).
Result<std::unique_ptr<Catalog>> MakeCatalog(const std::string& type, const CatalogProperties& properties);

/// The `catalog:` section of icegraph.yaml.
struct CatalogOptions {
  std::string type;  // sql | rest | hadoop
  std::string uri;
  std::string warehouse;
  std::string name;                               // "default" when empty
  std::map<std::string, std::string> properties;  // passed through to the catalog
};
/// The catalog of `options`: its properties, with uri, warehouse and name set from their fields.
Result<std::unique_ptr<Catalog>> MakeCatalog(const CatalogOptions& options);

/// Reads and parses a metadata JSON file.
Result<TableMetadata> ReadMetadataFile(FileIO& io, const std::string& location);

}  // namespace icegraph::iceberg

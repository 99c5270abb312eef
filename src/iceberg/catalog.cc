#include "iceberg/catalog.h"

#include <mutex>
#include <string_view>
#include <utility>

#include "iceberg/metadata_json.h"

namespace icegraph::iceberg {
namespace {

std::map<std::string, CatalogFactory>& Registry() {
  static std::map<std::string, CatalogFactory> registry;
  return registry;
}

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

// Defined by each catalog's source file; called once so static linking keeps them.
void RegisterSqlCatalog();
void RegisterHadoopCatalog();
void RegisterRestCatalog();

Result<TableIdentifier> TableIdentifier::Parse(const std::string& text) {
  const size_t dot = text.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) {
    return Status::Invalid("table '" + text + "' must be namespace.table");
  }
  return TableIdentifier{text.substr(0, dot), text.substr(dot + 1)};
}

void RegisterCatalog(const std::string& type, CatalogFactory factory) {
  const std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[type] = std::move(factory);
}

Result<std::unique_ptr<Catalog>> MakeCatalog(const std::string& type, const CatalogProperties& properties) {
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterSqlCatalog();
    RegisterHadoopCatalog();
    RegisterRestCatalog();
  });
  std::string kind = type;
  if (kind.empty()) {
    // As pyiceberg infers it: from the uri's scheme, and a bare warehouse is a filesystem catalog.
    static constexpr std::pair<std::string_view, std::string_view> kByScheme[] = {
        {"sqlite:", "sql"}, {"postgresql", "sql"}, {"postgres:", "sql"}, {"http:", "rest"}, {"https:", "rest"}};
    const auto uri = properties.find("uri");
    const std::string u = uri == properties.end() ? "" : uri->second;
    for (const auto& [scheme, catalog_type] : kByScheme) {
      if (u.rfind(scheme, 0) == 0) kind = catalog_type;
    }
    if (kind.empty() && u.empty() && properties.count("warehouse")) kind = "hadoop";
    if (kind.empty()) {
      return Status::Invalid("cannot tell the catalog type from uri '" + u +
                             "': give --catalog-type sql|rest|hadoop (or a sqlite:, postgresql: or http(s): uri)");
    }
  }
  CatalogFactory factory;
  {
    const std::lock_guard<std::mutex> lock(RegistryMutex());
    const auto it = Registry().find(kind);
    if (it == Registry().end()) {
      std::string known;
      for (const auto& [k, f] : Registry()) known += (known.empty() ? "" : ", ") + k;
      return Status::NotImplemented("unknown catalog type '" + kind + "' (known: " + known + ")");
    }
    factory = it->second;
  }
  return factory(properties);
}

Result<std::unique_ptr<Catalog>> MakeCatalog(const CatalogOptions& options) {
  CatalogProperties props(options.properties.begin(), options.properties.end());
  if (!options.uri.empty()) props["uri"] = options.uri;
  if (!options.warehouse.empty()) props["warehouse"] = options.warehouse;
  props["name"] = options.name.empty() ? "default" : options.name;
  return MakeCatalog(options.type, props);
}

Result<TableMetadata> ReadMetadataFile(FileIO& io, const std::string& location) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string text, io.ReadAll(location));
  return ParseTableMetadata(text, location);
}

}  // namespace icegraph::iceberg

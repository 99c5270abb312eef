// The filesystem ("Hadoop") catalog: <warehouse>/<ns path>/<table>/metadata/version-hint.text holds N, the
// current metadata is v<N>.metadata.json beside it. A directory with a metadata/ folder is a table, any other
// directory a namespace.
#include <arrow/filesystem/api.h>

#include <algorithm>
#include <cctype>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

std::string NamespacePath(std::string ns) {
  std::replace(ns.begin(), ns.end(), '.', '/');
  return ns;
}

// N of "v<N>.metadata.json", or -1.
int64_t MetadataVersion(const std::string& name) {
  constexpr std::string_view kSuffix = ".metadata.json";
  if (name.size() <= kSuffix.size() + 1 || name[0] != 'v' || !name.ends_with(kSuffix)) return -1;
  const std::string digits = name.substr(1, name.size() - 1 - kSuffix.size());
  if (digits.empty() || digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
  return std::stoll(digits);
}

class HadoopCatalog final : public Catalog {
 public:
  HadoopCatalog(std::string warehouse, std::shared_ptr<FileIO> io)
      : warehouse_(std::move(warehouse)), io_(std::move(io)) {}

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    const std::string dir = warehouse_ + "/" + NamespacePath(id.ns) + "/" + id.name + "/metadata";
    auto version = CurrentVersion(dir);
    if (!version.ok()) return version.status().WithContext("table " + id.ToString());
    auto metadata = ReadMetadataFile(*io_, dir + "/v" + std::to_string(*version) + ".metadata.json");
    if (!metadata.ok()) return metadata.status().WithContext("table " + id.ToString());
    return metadata;
  }

  Result<std::vector<std::string>> ListNamespaces() override {
    std::vector<std::string> out;
    ICEGRAPH_RETURN_NOT_OK(CollectNamespaces("", /*depth=*/0, &out));
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto children, Children(NamespacePath(ns)));
    std::vector<TableIdentifier> out;
    for (const auto& [name, is_table] : children) {
      if (is_table) out.push_back({ns, name});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  // The version named by version-hint.text, or (as Java does when the hint is missing or stale) the highest
  // v<N>.metadata.json in the directory.
  Result<int64_t> CurrentVersion(const std::string& dir) {
    int64_t hinted = -1;
    if (auto hint = io_->ReadAll(dir + "/version-hint.text"); hint.ok()) {
      std::string text = *hint;
      text.erase(std::remove_if(text.begin(), text.end(), ::isspace), text.end());
      hinted = MetadataVersion("v" + text + ".metadata.json");
    }
    ICEGRAPH_ASSIGN_OR_RAISE(auto resolved, io_->Resolve(dir));
    arrow::fs::FileSelector selector;
    selector.base_dir = resolved.second;
    auto infos = resolved.first->GetFileInfo(selector);
    if (!infos.ok()) {
      if (hinted >= 0) return hinted;
      return Status::NotFound("no table metadata at " + dir + ": " + infos.status().ToString());
    }
    int64_t highest = hinted;
    for (const auto& info : *infos) highest = std::max(highest, MetadataVersion(info.base_name()));
    if (highest < 0) return Status::NotFound("no v<N>.metadata.json in " + dir);
    return highest;
  }

  // Sub-directories of a warehouse-relative path, each with whether it is a table.
  Result<std::vector<std::pair<std::string, bool>>> Children(const std::string& relative) {
    const std::string base = relative.empty() ? warehouse_ : warehouse_ + "/" + relative;
    ICEGRAPH_ASSIGN_OR_RAISE(auto resolved, io_->Resolve(base));
    arrow::fs::FileSelector selector;
    selector.base_dir = resolved.second;
    selector.recursive = true;
    selector.max_recursion = 1;  // children and grandchildren: enough to see each child's metadata/ folder
    auto infos = resolved.first->GetFileInfo(selector);
    if (!infos.ok()) return Status::IOError("cannot list " + base + ": " + infos.status().ToString());
    std::map<std::string, bool> children;
    const std::string prefix = resolved.second + "/";
    for (const auto& info : *infos) {
      if (!info.IsDirectory() || info.path().rfind(prefix, 0) != 0) continue;
      const std::string rest = info.path().substr(prefix.size());
      const size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        children.emplace(rest, false);
      } else if (rest.substr(slash + 1) == "metadata") {
        children[rest.substr(0, slash)] = true;
      }
    }
    return std::vector<std::pair<std::string, bool>>(children.begin(), children.end());
  }

  Status CollectNamespaces(const std::string& ns, int depth, std::vector<std::string>* out) {
    if (depth > 8) return Status::OK();  // guards against symlink loops
    ICEGRAPH_ASSIGN_OR_RAISE(auto children, Children(NamespacePath(ns)));
    for (const auto& [name, is_table] : children) {
      if (is_table || name.find('.') != std::string::npos) continue;
      std::string child = ns;
      if (!child.empty()) child += '.';
      child += name;
      out->push_back(child);
      ICEGRAPH_RETURN_NOT_OK(CollectNamespaces(child, depth + 1, out));
    }
    return Status::OK();
  }

  std::string warehouse_;
  std::shared_ptr<FileIO> io_;
};

Result<std::unique_ptr<Catalog>> MakeHadoopCatalog(const CatalogProperties& props) {
  const auto wh = props.find("warehouse");
  if (wh == props.end() || wh->second.empty()) {
    return Status::Invalid("the hadoop catalog needs a 'warehouse' directory or URI (--warehouse)");
  }
  std::string warehouse = wh->second;
  while (warehouse.size() > 1 && warehouse.back() == '/') warehouse.pop_back();
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, FileIO::Make(props));
  return std::unique_ptr<Catalog>(std::make_unique<HadoopCatalog>(std::move(warehouse), std::move(io)));
}

}  // namespace

void RegisterHadoopCatalog() { RegisterCatalog("hadoop", MakeHadoopCatalog); }

}  // namespace icegraph::iceberg

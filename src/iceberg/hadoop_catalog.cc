// The filesystem ("Hadoop") catalog: <warehouse>/<ns>/<table>/metadata/version-hint.text names v<N>.metadata.json.
#include <arrow/filesystem/api.h>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

class HadoopCatalog final : public Catalog {
 public:
  HadoopCatalog(std::string warehouse, std::shared_ptr<FileIO> io)
      : warehouse_(std::move(warehouse)), io_(std::move(io)) {}

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    std::string ns_path = id.ns;
    for (char& c : ns_path) c = c == '.' ? '/' : c;
    const std::string dir = warehouse_ + "/" + ns_path + "/" + id.name + "/metadata";
    auto hint = io_->ReadAll(dir + "/version-hint.text");
    if (!hint.ok()) return Status::NotFound("table " + id.ToString() + ": no " + dir + "/version-hint.text");
    std::string version = *hint;
    while (!version.empty() && (version.back() == '\n' || version.back() == ' ')) version.pop_back();
    return ReadMetadataFile(*io_, dir + "/v" + version + ".metadata.json");
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    std::string ns_path = ns;
    for (char& c : ns_path) c = c == '.' ? '/' : c;
    ICEGRAPH_ASSIGN_OR_RAISE(auto resolved, io_->Resolve(warehouse_ + "/" + ns_path));
    arrow::fs::FileSelector sel;
    sel.base_dir = resolved.second;
    auto infos = resolved.first->GetFileInfo(sel);
    if (!infos.ok()) return Status::IOError(infos.status().ToString());
    std::vector<TableIdentifier> out;
    for (const auto& info : *infos) {
      if (info.IsDirectory()) out.push_back({ns, info.base_name()});
    }
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  std::string warehouse_;
  std::shared_ptr<FileIO> io_;
};

Result<std::unique_ptr<Catalog>> MakeHadoopCatalog(const CatalogProperties& props) {
  const auto wh = props.find("warehouse");
  if (wh == props.end()) return Status::Invalid("the hadoop catalog needs a 'warehouse' directory or URI");
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, FileIO::Make(props));
  return std::unique_ptr<Catalog>(std::make_unique<HadoopCatalog>(wh->second, std::move(io)));
}

}  // namespace

void RegisterHadoopCatalog() { RegisterCatalog("hadoop", MakeHadoopCatalog); }

}  // namespace icegraph::iceberg

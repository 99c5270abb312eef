#include "engine/pipeline.h"

#include <cstdlib>
#include <filesystem>

namespace icegraph::engine {

std::string ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("ICEGRAPH_CONFIG"); env != nullptr && *env != '\0') return env;
  return "icegraph.yaml";
}

Result<std::unique_ptr<Pipeline>> Pipeline::Open(const std::string& config_path) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto config, mapping::LoadConfig(config_path));
  return Open(std::move(config));
}

Result<std::unique_ptr<Pipeline>> Pipeline::Open(mapping::Config config) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->config_ = std::move(config);
  const mapping::CatalogConfig& c = p->config_.catalog;
  iceberg::CatalogProperties props(c.properties.begin(), c.properties.end());
  if (!c.uri.empty()) props["uri"] = c.uri;
  if (!c.warehouse.empty()) props["warehouse"] = c.warehouse;
  props["name"] = c.name.empty() ? "default" : c.name;
  ICEGRAPH_ASSIGN_OR_RAISE(p->catalog_, iceberg::MakeCatalog(c.type, props));

  std::map<std::string, iceberg::Schema> schemas;
  for (const auto& m : p->config_.mappings) {
    if (schemas.count(m.table) != 0) continue;
    auto id = iceberg::TableIdentifier::Parse(m.table);
    if (!id.ok()) return p->config_.ErrorAt(m.loc, id.status().message());
    auto metadata = p->catalog_->LoadTable(*id);
    if (!metadata.ok()) return p->config_.ErrorAt(m.loc, metadata.status().ToString());
    ICEGRAPH_ASSIGN_OR_RAISE(auto io, p->catalog_->TableIO(*id));
    const iceberg::Schema* schema = metadata->CurrentSchema();
    if (schema == nullptr) return p->config_.ErrorAt(m.loc, "table " + m.table + " has no current schema");
    schemas.emplace(m.table, *schema);
    p->tables_.push_back(SourceTable{m.table, std::move(*metadata), std::move(io), nullptr});
  }
  ICEGRAPH_ASSIGN_OR_RAISE(p->plan_, mapping::MappingPlan::Make(p->config_, schemas));
  for (auto& t : p->tables_) t.plan = p->plan_.ForTable(t.name);
  return p;
}

Result<std::unique_ptr<sink::TigerGraphClient>> Pipeline::Connect() const {
  const mapping::TigerGraphConfig& t = config_.tigergraph;
  sink::TigerGraphOptions o;
  o.urls = t.urls;
  o.graph = t.graph;
  o.username = t.username;
  o.password = t.password;
  o.secret = t.secret;
  o.token = t.token;
  o.verify_tls = t.verify_tls;
  o.ca_bundle = t.ca_bundle;
  o.request_timeout_ms = int64_t{t.timeout_s} * 1000;
  o.concurrency = t.concurrency;
  return sink::TigerGraphClient::Make(std::move(o));
}

sink::SinkOptions Pipeline::SinkOptions() const {
  sink::SinkOptions o;
  switch (config_.sink.mode) {
    case mapping::SinkMode::kAuto: o.mode = sink::SinkOptions::Mode::kAuto; break;
    case mapping::SinkMode::kBulk: o.mode = sink::SinkOptions::Mode::kBulk; break;
    case mapping::SinkMode::kUpsert: o.mode = sink::SinkOptions::Mode::kUpsert; break;
  }
  o.bulk_threshold_rows = config_.sink.bulk_threshold_rows;
  o.chunk_bytes = int64_t{config_.sink.chunk_mb} << 20;
  o.vertex_must_exist = config_.sink.vertex_must_exist;
  return o;
}

Result<std::unique_ptr<state::StateStore>> Pipeline::OpenState() const { return OpenStateStore(config_); }

Result<std::unique_ptr<state::StateStore>> OpenStateStore(const mapping::Config& config) {
  std::string url = config.state.url;
  if (url.empty()) {
    url = "sqlite://" +
          (std::filesystem::absolute(config.config_dir.empty() ? "." : config.config_dir) / ".icegraph" / "state.db")
              .lexically_normal()
              .string();
  }
  return state::StateStore::Open(url);
}

}  // namespace icegraph::engine

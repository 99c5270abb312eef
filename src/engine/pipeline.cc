#include "engine/pipeline.h"

#include <cstdlib>
#include <filesystem>

#include "common/log.h"
#include "iceberg/snapshot_diff.h"

namespace icegraph::engine {

std::string ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("ICEGRAPH_CONFIG"); env != nullptr && *env != '\0') return env;
  return "icegraph.yaml";
}

Result<std::unique_ptr<Pipeline>> Pipeline::Open(PipelineConfig config) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->config_ = std::move(config);
  ICEGRAPH_ASSIGN_OR_RAISE(p->catalog_, iceberg::MakeCatalog(p->config_.catalog));

  const mapping::Model& model = p->config_.model;
  std::map<std::string, iceberg::Schema> schemas;
  for (const auto& m : model.mappings) {
    if (schemas.count(m.table) != 0) continue;
    auto id = iceberg::TableIdentifier::Parse(m.table);
    if (!id.ok()) return model.ErrorAt(m.loc, id.status().message());
    auto metadata = p->catalog_->LoadTable(*id);
    if (!metadata.ok()) return model.ErrorAt(m.loc, metadata.status().ToString());
    ICEGRAPH_ASSIGN_OR_RAISE(auto io, p->catalog_->TableIO(*id));
    const iceberg::Schema* schema = metadata->CurrentSchema();
    if (schema == nullptr) return model.ErrorAt(m.loc, "table " + m.table + " has no current schema");
    schemas.emplace(m.table, *schema);
    const int32_t schema_id = metadata->current_schema_id;
    p->tables_.push_back(SourceTable{m.table, std::move(*metadata), std::move(io), nullptr, schema_id});
  }
  auto plan = mapping::MappingPlan::Make(model, schemas);
  if (!plan.ok()) {
    // Columns renamed since the last sync: bind the mapping by the names of the checkpoint's schema, which resolve
    // to the same field ids, so the mapping keeps working until it is updated to the new names.
    auto renamed = p->SchemasAsOfCheckpoints(schemas);
    if (renamed.ok() && *renamed != nullptr) {
      auto retry = mapping::MappingPlan::Make(model, **renamed);
      if (retry.ok()) {
        log::Warn(
            "mapping_follows_renamed_columns",
            {{"hint", "columns were renamed in Iceberg since the last sync; update icegraph.yaml to the new names"},
             {"error_with_current_names", plan.status().message()}});
      }
      // Either way the renamed binding says more: what is missing even after following renames (a dropped column).
      plan = std::move(retry);
    }
  }
  if (!plan.ok()) return plan.status();
  p->plan_ = std::move(*plan);
  for (auto& t : p->tables_) t.plan = p->plan_.ForTable(t.name);
  return p;
}

namespace {

// `field` with the names `old` gave to the same field ids (recursively); fields `old` lacks keep their names.
iceberg::Field WithOldNames(const iceberg::Field& field, const iceberg::Schema& old) {
  iceberg::Field out = field;
  if (const iceberg::Field* was = old.FindField(field.id); was != nullptr) out.name = was->name;
  for (auto& child : out.children) child = WithOldNames(child, old);
  return out;
}

}  // namespace

Result<std::unique_ptr<std::map<std::string, iceberg::Schema>>> Pipeline::SchemasAsOfCheckpoints(
    const std::map<std::string, iceberg::Schema>& current) {
  // A SQLite state database not created yet holds no checkpoint: a refused config must not create it.
  const std::string& url = config_.state_url;
  if (url.rfind("sqlite://", 0) == 0 && !std::filesystem::exists(url.substr(9))) {
    return std::unique_ptr<std::map<std::string, iceberg::Schema>>();
  }
  ICEGRAPH_ASSIGN_OR_RAISE(auto store, OpenStateStore(config_));
  auto out = std::make_unique<std::map<std::string, iceberg::Schema>>(current);
  bool changed = false;
  for (SourceTable& t : tables_) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto cp, store->GetCheckpoint(name(), t.name));
    if (!cp || cp->schema_id == t.metadata.current_schema_id) continue;
    const iceberg::Schema* old = t.metadata.SchemaById(static_cast<int32_t>(cp->schema_id));
    if (old == nullptr) continue;
    iceberg::Schema& s = (*out)[t.name];
    for (auto& f : s.fields) f = WithOldNames(f, *old);
    changed = true;
    t.binding_schema_id = old->schema_id;
  }
  if (!changed) return std::unique_ptr<std::map<std::string, iceberg::Schema>>();
  return out;
}

SnapshotLag LagOf(const SourceTable& t, const std::optional<state::Checkpoint>& checkpoint, int64_t now_ms) {
  SnapshotLag lag;
  if (!t.snapshot_id() || (checkpoint && checkpoint->snapshot_id == *t.snapshot_id())) return lag;
  const auto from = checkpoint ? std::optional<int64_t>(checkpoint->snapshot_id) : std::nullopt;
  auto diff = iceberg::DiffSnapshots(*t.io, t.metadata, from, *t.snapshot_id());
  if (!diff.ok() || diff->gap != iceberg::GapKind::kNone) {
    lag.gap = diff.ok() ? std::string(iceberg::GapKindName(diff->gap)) : diff.status().ToString();
    return lag;
  }
  lag.snapshots = static_cast<int64_t>(diff->snapshots.size());
  // Counted from the oldest snapshot not yet applied.
  if (!diff->snapshots.empty()) {
    const iceberg::Snapshot* first = t.metadata.SnapshotById(diff->snapshots.front().snapshot_id);
    if (first != nullptr) lag.seconds = std::max<int64_t>(0, (now_ms - first->timestamp_ms) / 1000);
  }
  return lag;
}

Result<std::unique_ptr<sink::TigerGraphClient>> Pipeline::Connect() const {
  if (!config_.tigergraph.verify_tls) {
    log::Warn("tigergraph_tls_unverified", {{"hint", "verify_tls: false accepts any certificate; set ca_bundle"}});
  }
  return sink::TigerGraphClient::Make(config_.tigergraph);
}

Result<std::unique_ptr<state::StateStore>> Pipeline::OpenState() const { return OpenStateStore(config_); }

Result<std::unique_ptr<state::StateStore>> OpenStateStore(const PipelineConfig& config) {
  std::string url = config.state_url;
  if (url.empty()) {
    url = "sqlite://" +
          (std::filesystem::absolute(config.config_dir.empty() ? "." : config.config_dir) / ".icegraph" / "state.db")
              .lexically_normal()
              .string();
  }
  return state::StateStore::Open(url);
}

}  // namespace icegraph::engine

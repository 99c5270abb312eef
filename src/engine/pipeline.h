// A pipeline opened from its config (pipeline_config.h): the Iceberg tables it reads (iceberg), the mapping plan bound
// to their schemas (mapping), the TigerGraph client it writes with (sink), and the state database around them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/pipeline_config.h"
#include "iceberg/catalog.h"
#include "iceberg/manifest_avro.h"
#include "mapping/transform.h"
#include "sink/sink.h"
#include "sink/tigergraph_client.h"
#include "state/state_store.h"

namespace icegraph::engine {

/// One source table as of the moment the pipeline was opened.
struct SourceTable {
  std::string name;  // as written in the mapping, "namespace.table"
  iceberg::TableMetadata metadata;
  std::shared_ptr<iceberg::FileIO> io;
  const mapping::TablePlan* plan = nullptr;
  /// The schema whose column names the mapping was bound with: the current one, or the checkpoint's when columns
  /// were renamed since (kept in the checkpoint so the mapping keeps following the renamed fields).
  int32_t binding_schema_id = 0;
  /// Manifests this run already read: planning several snapshots of the table reads each manifest once.
  std::shared_ptr<iceberg::ManifestCache> manifests = std::make_shared<iceberg::ManifestCache>();
  /// The snapshot a sync reads (the current one), absent for a table without snapshots.
  std::optional<int64_t> snapshot_id() const { return metadata.current_snapshot_id; }
};

class Pipeline {
 public:
  /// Loads every mapped table's metadata from the catalog and binds the mapping plan; refuses a bad config (file,
  /// line, field) before anything is written.
  static Result<std::unique_ptr<Pipeline>> Open(PipelineConfig config);

  const PipelineConfig& config() const { return config_; }
  const mapping::MappingPlan& plan() const { return plan_; }
  const std::vector<SourceTable>& tables() const { return tables_; }
  /// The pipeline's name in the state database: the graph name.
  const std::string& name() const { return config_.tigergraph.graph; }

  /// A TigerGraph client from the `tigergraph:` section.
  Result<std::unique_ptr<sink::TigerGraphClient>> Connect() const;
  /// Sink options from the `sink:` section.
  sink::SinkOptions SinkOptions() const { return config_.sink; }
  /// The state database from `state:`.
  Result<std::unique_ptr<state::StateStore>> OpenState() const;

 private:
  Pipeline() = default;
  /// The tables' current schemas with each field named as in the schema of its table's checkpoint (same field ids),
  /// or nullptr when no table's schema changed since its checkpoint; records the binding schema of each table.
  Result<std::unique_ptr<std::map<std::string, iceberg::Schema>>> SchemasAsOfCheckpoints(
      const std::map<std::string, iceberg::Schema>& current);
  PipelineConfig config_;
  std::unique_ptr<iceberg::Catalog> catalog_;
  mapping::MappingPlan plan_;
  std::vector<SourceTable> tables_;
};

/// How far a table's checkpoint is behind its current snapshot.
struct SnapshotLag {
  int64_t snapshots = 0;           // snapshots of the current ancestry after the checkpoint
  int64_t seconds = 0;             // age of the oldest of them
  std::optional<std::string> gap;  // why they cannot be counted (the checkpoint left the ancestry...)
};
SnapshotLag LagOf(const SourceTable& table, const std::optional<state::Checkpoint>& checkpoint, int64_t now_ms);

/// The state database of a config (`state.url`, default sqlite:///<config dir>/.icegraph/state.db).
Result<std::unique_ptr<state::StateStore>> OpenStateStore(const PipelineConfig& config);

/// The config file to use: `flag` when set, else $ICEGRAPH_CONFIG, else ./icegraph.yaml.
std::string ResolveConfigPath(const std::string& flag);

}  // namespace icegraph::engine

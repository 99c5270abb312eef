// What a pipeline is opened from: each stage's options as the config stage read them from icegraph.yaml
// (config/config.h), or as a caller builds them in code. The engine never reads the file itself.
#pragma once

#include <string>

#include "iceberg/catalog.h"
#include "mapping/model.h"
#include "sink/sink.h"
#include "sink/tigergraph_client.h"

namespace icegraph::engine {

/// What incremental sync does when the checkpoint is not an ancestor of the current snapshot (rollback, expiry).
enum class OnGap { kResync, kFail };

/// The `sync:` section: how every run of the pipeline syncs (per-run choices are SyncOptions, full_sync.h).
struct SyncSettings {
  OnGap on_gap = OnGap::kResync;
  std::string updated_at_column = "updated_at";  // `sync --since`: the column telling when a row last changed
  // `validate: after_sync`: reconcile the graph with the tables after every successful sync (engine/validate.h).
  bool validate_after_sync = false;
};

struct PipelineConfig {
  std::string config_dir;              // directory of the config file (an empty state_url defaults below it)
  iceberg::CatalogOptions catalog;     // `catalog:`
  sink::TigerGraphOptions tigergraph;  // `tigergraph:`, its retry policy included
  sink::SinkOptions sink;              // `sink:`
  std::string state_url;               // `state.url`: sqlite://... or postgresql://...
  SyncSettings sync;                   // `sync:`
  mapping::Model model;                // `mappings:` and `aliases:`; its file prefixes config errors
};

}  // namespace icegraph::engine

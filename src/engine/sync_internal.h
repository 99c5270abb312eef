// Shared by the full and incremental parts of a sync run (not a public API).
#pragma once

#include <vector>

#include "engine/full_sync.h"
#include "iceberg/scan_task.h"
#include "sink/sink.h"

namespace icegraph::engine {

struct RunContext {
  const Pipeline& pipeline;
  state::StateStore& store;
  int64_t run_id;
  const SyncOptions& options;
  sink::GraphSink& sink;
  SyncReport* report;
  sink::TigerGraphClient* client;  // for reads: listing what a resync must delete
};

/// Waits for the sink, adds its counts to the report and stores the rows TigerGraph refused as dead letters.
Status FlushInto(RunContext& ctx);

/// Reads the included tables in full at their current snapshot: vertices of every table, then edges.
Status RunFullTables(RunContext& ctx, const std::vector<bool>& include);

/// The scan tasks of a table at a snapshot, projected and filtered as its mapping needs.
/// `extra` predicates are ANDed to the mapping's filter.
Result<std::vector<iceberg::ScanTask>> PlanTable(const SourceTable& t, int64_t snapshot_id,
                                                 const iceberg::Filter& extra = {});

/// Applies, snapshot by snapshot, what changed in table `index` after `from_snapshot`; moves its checkpoint after
/// each. A gap (from expired or not an ancestor) resyncs the table or fails, per `sync.on_gap`.
Status RunIncrementalTable(RunContext& ctx, size_t index, int64_t from_snapshot);

}  // namespace icegraph::engine

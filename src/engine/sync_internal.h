// Shared by the full and incremental parts of a sync run (not a public API).
#pragma once

#include <algorithm>
#include <thread>
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

  /// The threads a run may use: --threads, else one per core.
  int Threads() const {
    return options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
};

/// Waits for the sink, adds its counts to the report and stores the rows TigerGraph refused as dead letters.
Status FlushInto(RunContext& ctx);

class Unproduced;
struct GraphTypes;

/// Declares every table's loading and delete jobs to `sink` (bulk writes and deletes go through them).
void RegisterJobs(const Pipeline& p, sink::GraphSink& sink);

/// Types every feeding table of which is read in full (`full[i]`): only those can be reconciled from this read.
GraphTypes ReconciledTypes(const Pipeline& p, const std::vector<bool>& full);

/// Reads the included tables in full at their current snapshot: vertices of every table, then edges. Every mapped
/// batch strikes the keys it produces from `unproduced` when given (a reconciling full sync). Moves no checkpoint:
/// RunSync moves those of the full-read tables after this returned flushed and the reconcile's deletes were
/// acknowledged (never under `discard` or `--since`).
Status RunFullTables(RunContext& ctx, const std::vector<bool>& include, Unproduced* unproduced = nullptr);

/// The scan tasks of a table at a snapshot, projected and filtered as its mapping needs.
/// `extra` predicates are ANDed to the mapping's filter.
Result<std::vector<iceberg::ScanTask>> PlanTable(const SourceTable& t, int64_t snapshot_id,
                                                 const iceberg::Filter& extra = {});

/// A table an incremental run applies: the changes after its checkpoint, or a resync (mapping changed).
struct IncrementalStart {
  size_t index = 0;
  int64_t from_snapshot = 0;
  bool resync = false;
};

/// Applies what changed in the tables after their checkpoints in one recompute of the affected keys
/// (recompute.h). Only once TigerGraph acknowledged every write of it (the recompute flushed) does it move each
/// applied table's checkpoint to its current snapshot, so a run that fails or crashes earlier moves none and its
/// rerun recomputes the same keys; `discard` moves none. A gap (checkpoint expired or not an ancestor) or a changed
/// mapping resyncs the table (its keys held in TigerGraph and produced now are recomputed) or fails, per
/// `sync.on_gap`.
Status RunIncrementalTables(RunContext& ctx, const std::vector<IncrementalStart>& starts);

}  // namespace icegraph::engine

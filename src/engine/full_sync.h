// The local engine's full sync: every mapped table read at its current snapshot (iceberg), mapped (mapping) and
// written (sink) by a pool of threads, vertices before edges, dead letters and run history kept (state).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/pipeline.h"

namespace icegraph::engine {

struct SyncOptions {
  int threads = 0;                          // scan/transform threads; 0: one per core
  int64_t batch_rows = int64_t{64} * 1024;  // rows per Arrow batch (memory is bounded by batch × threads)
  std::string kind = "full";                // recorded in run history
  bool discard = false;      // map and serialise everything, send nothing, move no checkpoint (benchmarks)
  bool full = false;         // read every table in full even where a checkpoint exists
  bool dry_run = false;      // with discard: list what a full sync would delete (SyncReport::reconcile)
  int64_t lock_wait_ms = 0;  // how long to wait for another worker's lock on the pipeline
  std::string since;         // micro-batch: only rows whose sync.updated_at_column is later (no deletes)
  /// Called about once a second from a background thread with the progress so far.
  std::function<void(const struct SyncProgress&)> on_progress;
};

/// Counts of one table.
struct TableReport {
  std::string table;
  std::string mode;              // full | incremental | resync | unchanged
  int64_t from_snapshot_id = 0;  // the checkpoint an incremental run started after (0: none)
  int64_t snapshots_applied = 0;
  int64_t snapshot_id = 0;
  int64_t files = 0;
  int64_t rows_read = 0;
  int64_t dead_letters = 0;
};

/// Counts of one vertex or edge type.
struct TypeReport {
  bool is_edge = false;
  int64_t sent = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t deleted = 0;
};

struct SyncProgress {
  std::string phase;  // "vertices" or "edges"
  int64_t files_done = 0;
  int64_t files_total = 0;
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  double seconds = 0;
};

struct SyncReport {  // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  int64_t run_id = 0;
  std::string outcome;  // succeeded | failed
  std::string error;
  double seconds = 0;
  std::vector<TableReport> tables;
  std::map<std::string, TypeReport> types;
  int64_t dead_letters = 0;
  int64_t requests = 0;
  int64_t bytes = 0;
  int64_t bulk_rows = 0;
  int64_t upsert_rows = 0;
  int64_t resent_requests = 0;  // halves re-sent to name refused rows or because a body was too large (413)
  int64_t retries = 0;          // TigerGraph requests repeated by the retry policy
  std::map<std::string, int64_t> retry_reasons;  // per reason: connect, reset, timeout, overloaded, gateway...
  int64_t concurrency_cuts = 0;                  // times overload halved the requests in flight
  bool breaker_opened = false;                   // TigerGraph stayed down and the circuit breaker stopped the run
  /// `sync.validate: after_sync`: the ValidationReport's JSON, or {"ok": false, "error": ...}; null when not run.
  nlohmann::json validation;
  /// A full read's reconciliation: {dry_run, unproduced: N, elements: {vertices: {type: [ids]}, edges: {type:
  /// [{from, to, discriminator}]}}}: what TigerGraph held that no row produces (deleted unless dry_run); null when
  /// no table was read in full.
  nlohmann::json reconcile;
  nlohmann::json ToJson() const;
};

/// Syncs every mapped table under the pipeline's lock: a table without a checkpoint (or with `full`, or whose
/// mapping changed) is read in full; a table with one gets the changes of each snapshot after it, in order
/// (upserts and deletes), its checkpoint moving after each snapshot TigerGraph acknowledged. Records the run and
/// its dead letters. The report is returned even when the run failed (outcome, error); Unavailable when another
/// worker holds the lock.
Result<SyncReport> RunSync(const Pipeline& pipeline, state::StateStore& store, const SyncOptions& options);

/// A stable digest of one table's mappings (types, ids, attributes, where): a change means a resync of the table.
std::string MappingFingerprint(const mapping::Model& model, const std::string& table);

}  // namespace icegraph::engine

// The Spark engine's three steps (docs/spark.md): the driver plans a run and keeps its task ledger, executors run
// one scan task each (read, map, write through the same sink), and the driver commits once every task finished.
// Only the driver writes the state database and the ledger; executors only read Iceberg and write TigerGraph.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/full_sync.h"
#include "engine/pipeline.h"

namespace icegraph::engine {

struct SparkPlanOptions {
  bool full = false;     // read every table in full even where a checkpoint exists
  bool discard = false;  // executors map and serialise but send nothing; no checkpoint moves (benchmarks)
};

/// What the driver distributes: one line per task not finished yet, each with its phase. Phases run in order
/// (vertices, then edges), each one only after every task of the one before finished.
struct SparkPlan {     // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  nlohmann::json run;  // {run_id, resumed, phases, tasks, pending, tables}
  std::vector<nlohmann::json> pending;  // {id, phase, table, snapshot_id, both, scan}
};

/// Plans a Spark run and keeps its task ledger in the state database, or resumes the one the ledger holds (same mode,
/// same mappings: the same pinned snapshots and tasks, finished ones skipped). Tables read in full are split into scan
/// tasks at their current snapshot (pinned in the ledger); incremental ones are applied by the driver at commit.
/// Refuses what a distributed run cannot make exact: a full read into types TigerGraph already holds elements of (that
/// needs a reconcile of the whole read).
Result<SparkPlan> PlanSparkRun(const Pipeline& pipeline, state::StateStore& store, const SparkPlanOptions& options);

struct SparkTaskOptions {
  bool discard = false;
};

/// Runs one planned task on an executor: reads its Iceberg files, maps them, writes them through the sink (its
/// retry policy and dead letters) and flushes. The result row: {id, ok, rows_read, rows_written, types, requests,
/// bytes, bulk_rows, upsert_rows, resent_requests, retries, dead_letters: [{table, mapping, row_key, ...}]}.
Result<nlohmann::json> RunSparkTask(const Pipeline& pipeline, const nlohmann::json& task,
                                    const SparkTaskOptions& options);

/// Adds finished tasks' result rows to the ledger (a task already finished keeps its first result, so a repeated
/// or speculative attempt adds nothing). Returns how many were new.
Result<int64_t> RecordSparkResults(state::StateStore& store, const std::string& pipeline,
                                   const std::vector<nlohmann::json>& results);

/// Commits the ledger's run once every task finished: the tables' dead letters become those the tasks found, the
/// tables read in full get their pinned snapshot as checkpoint, incremental tables are applied by the driver with
/// the one-machine engine, and the run is recorded; the ledger is removed last. FailedPrecondition while a task is
/// unfinished.
Result<SyncReport> CommitSparkRun(const Pipeline& pipeline, state::StateStore& store);

/// The pipeline's ledger, or nullopt when it has none.
Result<std::optional<nlohmann::json>> ReadSparkLedger(state::StateStore& store, const std::string& pipeline);

/// Ends the ledger's run as failed (the ledger stays: a rerun resumes it and skips its finished tasks).
Status AbortSparkRun(state::StateStore& store, const std::string& pipeline, const std::string& error);

}  // namespace icegraph::engine

// Incremental sync: the rows each changed table's snapshots removed and added (carry-overs cancelled) name the
// affected keys; their truth is recomputed from the current snapshots of every table feeding their types
// (recompute.h), so the graph ends as a full reload of the current tables would leave it.
//
// For a snapshot S with parent P:
//   removed = rows of the data files S removed (as live at P: copy-on-write overwrite/delete) + rows of files live
//             at P that the delete files S added newly hide (position / equality deletes, deletion vectors);
//   added   = live rows (at S) of the data files S added.
// Over all snapshots of the run, a removed row equal to an added row is a carry-over (row_hash.h) and changes
// nothing. `replace` snapshots (compaction) change no row and are skipped.
#include <arrow/api.h>

#include <atomic>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <thread>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/held_keys.h"
#include "engine/recompute.h"
#include "engine/row_hash.h"
#include "engine/sync_internal.h"
#include "iceberg/metadata_json.h"
#include "iceberg/reader.h"
#include "iceberg/snapshot_diff.h"

namespace icegraph::engine {
namespace {

iceberg::ReadOptions ReadOpts(const RunContext& ctx) {
  iceberg::ReadOptions ro;
  ro.parquet.batch_size = ctx.options.batch_rows;
  return ro;
}

Status ReadAll(iceberg::TaskReader& reader, TableReport& tr,
               const std::function<Status(std::shared_ptr<arrow::RecordBatch>)>& f) {
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader.Next());
    if (batch == nullptr) return Status::OK();
    tr.rows_read += batch->num_rows();
    ICEGRAPH_RETURN_NOT_OK(f(std::move(batch)));
  }
}

// One file read of a snapshot's change: rows a data file had at the parent (a copy-on-write removal), rows of a
// data file that new delete files hide, or the live rows of an added data file.
struct ReadJob {
  bool removed = false;
  const iceberg::ScanTask* task = nullptr;  // into a plan the caller keeps
  bool deleted_rows = false;                // read only the rows `pos` / `eq` hide
  std::vector<iceberg::DataFile> pos;
  std::vector<iceberg::DataFile> eq;
};

// The scan plan of `snapshot_id`, planned once per run: a snapshot is the parent of the next one.
using Plans = std::map<int64_t, std::vector<iceberg::ScanTask>>;
Result<const std::vector<iceberg::ScanTask>*> PlanOnce(const SourceTable& t, int64_t snapshot_id, Plans* plans) {
  if (const auto it = plans->find(snapshot_id); it != plans->end()) return &it->second;
  ICEGRAPH_ASSIGN_OR_RAISE(auto tasks, PlanTable(t, snapshot_id));
  return &plans->emplace(snapshot_id, std::move(tasks)).first->second;
}

// Plans the reads of snapshot `c` (child of `parent`); the plans they point into are kept in `plans`.
Status PlanSnapshotReads(const SourceTable& t, const iceberg::SnapshotChanges& c, std::optional<int64_t> parent,
                         Plans* plans, std::vector<ReadJob>* jobs) {
  if (c.operation == iceberg::Operation::kReplace) return Status::OK();  // compaction: same rows
  std::set<std::string> added;
  std::set<std::string> removed;
  std::set<std::string> new_deletes;
  for (const auto& e : c.added_data_files) added.insert(e.file.file_path);
  for (const auto& e : c.removed_data_files) removed.insert(e.file.file_path);
  for (const auto& e : c.added_delete_files) new_deletes.insert(e.file.file_path);
  ICEGRAPH_ASSIGN_OR_RAISE(const auto* planned, PlanOnce(t, c.snapshot_id, plans));
  const auto& at_s = *planned;
  std::map<std::string, const iceberg::ScanTask*> at_p;
  if ((!removed.empty() || !new_deletes.empty()) && parent) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto* at_parent, PlanOnce(t, *parent, plans));
    for (const auto& task : *at_parent) at_p[task.data_file.file_path] = &task;
  }
  for (const auto& path : removed) {
    const auto it = at_p.find(path);
    if (it == at_p.end()) continue;  // pruned by the mapping's filter, or already empty
    jobs->push_back({true, it->second, false, {}, {}});
  }
  if (!new_deletes.empty()) {
    for (const auto& task : at_s) {
      if (added.count(task.data_file.file_path) != 0) continue;
      ReadJob job{true, nullptr, true, {}, {}};
      for (const auto& d : task.position_deletes) {
        if (new_deletes.count(d.file_path) != 0) job.pos.push_back(d);
      }
      for (const auto& d : task.equality_deletes) {
        if (new_deletes.count(d.file_path) != 0) job.eq.push_back(d);
      }
      if (job.pos.empty() && job.eq.empty()) continue;
      const auto it = at_p.find(task.data_file.file_path);
      if (it == at_p.end()) continue;
      job.task = it->second;
      jobs->push_back(std::move(job));
    }
  }
  for (const auto& task : at_s) {
    if (added.count(task.data_file.file_path) != 0) jobs->push_back({false, &task, false, {}, {}});
  }
  return Status::OK();
}

// The batches of one read and their row hashes.
struct ReadResult {
  Status status;
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  std::vector<std::vector<uint64_t>> hashes;
  int64_t rows = 0;
};

ReadResult RunRead(const RunContext& ctx, const SourceTable& t, const ReadJob& job) {
  ReadResult out;
  auto reader = job.deleted_rows
                    ? iceberg::TaskReader::OpenDeletedRows(*t.io, *job.task, job.pos, job.eq, ReadOpts(ctx))
                    : iceberg::TaskReader::Open(*t.io, *job.task, ReadOpts(ctx));
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  while (true) {
    auto batch = (*reader)->Next();
    if (!batch.ok()) {
      out.status = batch.status();
      return out;
    }
    if (*batch == nullptr) return out;
    auto hashes = HashRows(**batch);
    if (!hashes.ok()) {
      out.status = hashes.status();
      return out;
    }
    out.rows += (*batch)->num_rows();
    out.hashes.push_back(std::move(*hashes));
    out.batches.push_back(std::move(*batch));
  }
}

// Runs the reads on a few threads (files are independent) and adds their rows to `changes` in job order; the rows
// of added files are also kept in `read`, for the recompute's lookups.
Status RunReads(RunContext& ctx, size_t index, const std::vector<ReadJob>& jobs, RowChanges* changes,
                std::map<std::string, ReadFile>* read) {
  const SourceTable& t = ctx.pipeline.tables()[index];
  TableReport& tr = ctx.report->tables[index];
  std::vector<ReadResult> results(jobs.size());
  const size_t n = std::min(jobs.size(), static_cast<size_t>(ctx.Threads()));
  // Largest files first, so the threads finish together: in job order, a run's last big file would start alone.
  std::vector<size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return jobs[a].task->data_file.record_count > jobs[b].task->data_file.record_count;
  });
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t k = next++; k < jobs.size(); k = next++) results[order[k]] = RunRead(ctx, t, jobs[order[k]]);
  };
  if (n <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (size_t i = 0; i < n; ++i) pool.emplace_back(work);
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    ReadResult& r = results[i];
    if (!r.status.ok()) return r.status.WithContext("reading the changes of " + t.name);
    tr.rows_read += r.rows;
    if (!jobs[i].removed && !jobs[i].deleted_rows)
      (*read)[jobs[i].task->data_file.file_path] = {*jobs[i].task, r.batches};
    for (size_t b = 0; b < r.batches.size(); ++b) {
      changes->Add(jobs[i].removed, std::move(r.batches[b]), std::move(r.hashes[b]));
    }
  }
  return Status::OK();
}

// Maps the changed rows of table `index` into affected keys; dead letters of removed rows close, of added rows open.
Status MapChanges(RunContext& ctx, size_t index, const RowChanges& changes, AffectedKeys* keys) {
  const SourceTable& t = ctx.pipeline.tables()[index];
  TableReport& tr = ctx.report->tables[index];
  std::vector<mapping::DeadLetter> closed;
  for (const auto& batch : changes.removed()) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t.plan->Apply(*batch));
    keys->Add(*t.plan, mapped);
    for (auto& l : mapped.dead_letters) closed.push_back(std::move(l));
  }
  if (!closed.empty() && !ctx.options.discard) {
    ICEGRAPH_RETURN_NOT_OK(ctx.store.ResolveDeadLetters(ctx.run_id, t.name, closed));
  }
  for (const auto& batch : changes.added()) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t.plan->Apply(*batch));
    keys->Add(*t.plan, mapped);
    if (!mapped.dead_letters.empty()) {
      tr.dead_letters += static_cast<int64_t>(mapped.dead_letters.size());
      ICEGRAPH_RETURN_NOT_OK(ctx.store.AddDeadLetters(ctx.run_id, t.name, tr.snapshot_id, mapped.dead_letters));
    }
  }
  return Status::OK();
}

// A resync of table `index`: every key TigerGraph holds of the types it feeds, and every key it produces now.
Status CollectResync(RunContext& ctx, size_t index, AffectedKeys* keys) {
  const SourceTable& t = ctx.pipeline.tables()[index];
  TableReport& tr = ctx.report->tables[index];
  ICEGRAPH_RETURN_NOT_OK(AddHeldKeys(ctx, TypesFedBy(*t.plan), keys));
  if (!ctx.options.discard) ICEGRAPH_RETURN_NOT_OK(ctx.store.ResolveAllDeadLetters(ctx.run_id, t.name));
  if (!t.snapshot_id()) return Status::OK();
  ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanTable(t, *t.snapshot_id()));
  tr.files += static_cast<int64_t>(tasks.size());
  for (const auto& task : tasks) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, task, ReadOpts(ctx)));
    ICEGRAPH_RETURN_NOT_OK(ReadAll(*reader, tr, [&](const std::shared_ptr<arrow::RecordBatch>& batch) -> Status {
      ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t.plan->Apply(*batch));
      keys->Add(*t.plan, mapped);
      if (mapped.dead_letters.empty()) return Status::OK();
      tr.dead_letters += static_cast<int64_t>(mapped.dead_letters.size());
      return ctx.store.AddDeadLetters(ctx.run_id, t.name, tr.snapshot_id, mapped.dead_letters);
    }));
  }
  return Status::OK();
}

Status SetCheckpoint(RunContext& ctx, const SourceTable& t, int64_t snapshot_id) {
  if (ctx.options.discard) return Status::OK();
  failpoint::Pass("sync.checkpoint_before");
  ICEGRAPH_RETURN_NOT_OK(ctx.store.SetCheckpoint({ctx.pipeline.name(), t.name, snapshot_id,
                                                  MappingFingerprint(ctx.pipeline.config().model, t.name),
                                                  static_cast<int64_t>(t.binding_schema_id), 0}));
  failpoint::Pass("sync.checkpoint_moved");
  return Status::OK();
}

}  // namespace

Status RunIncrementalTables(RunContext& ctx, const std::vector<IncrementalStart>& starts) {
  AffectedKeys keys;
  ReadFiles read(ctx.pipeline.tables().size());
  std::vector<const IncrementalStart*> applied;
  for (const IncrementalStart& s : starts) {
    const SourceTable& t = ctx.pipeline.tables()[s.index];
    TableReport& tr = ctx.report->tables[s.index];
    if (!t.snapshot_id() && !s.resync) continue;
    bool resync = s.resync;
    iceberg::SnapshotDiff diff;
    if (!resync) {
      ICEGRAPH_ASSIGN_OR_RAISE(diff, iceberg::DiffSnapshots(*t.io, t.metadata, s.from_snapshot, *t.snapshot_id()));
      if (diff.gap != iceberg::GapKind::kNone) {
        const std::string why = fmt::format("table {}: checkpoint snapshot {} cannot be followed to snapshot {} ({})",
                                            t.name, s.from_snapshot, *t.snapshot_id(), iceberg::GapKindName(diff.gap));
        if (ctx.pipeline.config().sync.on_gap == OnGap::kFail) {
          return Status::Invalid(why + "; sync.on_gap is fail: run `icegraph sync --full` to resync");
        }
        log::Warn("sync_gap_resync", {{"table", t.name}, {"gap", iceberg::GapKindName(diff.gap)}});
        resync = true;
      }
    }
    applied.push_back(&s);
    if (resync) {
      tr.mode = "resync";
      ICEGRAPH_RETURN_NOT_OK(CollectResync(ctx, s.index, &keys));
      continue;
    }
    RowChanges changes;
    std::optional<int64_t> parent = s.from_snapshot;
    Plans plans;
    std::vector<ReadJob> jobs;
    for (const auto& c : diff.snapshots) {
      log::Info("sync_snapshot", {{"table", t.name},
                                  {"snapshot_id", c.snapshot_id},
                                  {"operation", iceberg::OperationName(c.operation)},
                                  {"added_files", c.added_data_files.size()},
                                  {"removed_files", c.removed_data_files.size()},
                                  {"delete_files", c.added_delete_files.size()}});
      ICEGRAPH_RETURN_NOT_OK(PlanSnapshotReads(t, c, parent, &plans, &jobs));
      ++tr.snapshots_applied;
      parent = c.snapshot_id;
    }
    ICEGRAPH_RETURN_NOT_OK(RunReads(ctx, s.index, jobs, &changes, &read[s.index]));
    ICEGRAPH_RETURN_NOT_OK(changes.Cancel(ctx.Threads()));
    log::Info("sync_changes", {{"table", t.name}, {"carried_over", changes.cancelled()}});
    ICEGRAPH_RETURN_NOT_OK(MapChanges(ctx, s.index, changes, &keys));
  }
  ICEGRAPH_RETURN_NOT_OK(Recompute(ctx, keys, &read));
  // Checkpoints move only once TigerGraph acknowledged every write (Recompute flushed); a crash before leaves them,
  // and the rerun recomputes the same keys from the same tables: the same idempotent writes.
  for (const IncrementalStart* s : applied) {
    const SourceTable& t = ctx.pipeline.tables()[s->index];
    if (t.snapshot_id()) ICEGRAPH_RETURN_NOT_OK(SetCheckpoint(ctx, t, *t.snapshot_id()));
  }
  return Status::OK();
}

}  // namespace icegraph::engine

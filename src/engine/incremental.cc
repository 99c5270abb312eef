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

#include <functional>
#include <set>

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

// Adds the rows snapshot `c` (child of `parent`) removed and added to `changes`.
Status CollectSnapshot(RunContext& ctx, size_t index, const iceberg::SnapshotChanges& c, std::optional<int64_t> parent,
                       RowChanges* changes) {
  if (c.operation == iceberg::Operation::kReplace) return Status::OK();  // compaction: same rows
  const SourceTable& t = ctx.pipeline.tables()[index];
  TableReport& tr = ctx.report->tables[index];
  std::set<std::string> added;
  std::set<std::string> removed;
  std::set<std::string> new_deletes;
  for (const auto& e : c.added_data_files) added.insert(e.file.file_path);
  for (const auto& e : c.removed_data_files) removed.insert(e.file.file_path);
  for (const auto& e : c.added_delete_files) new_deletes.insert(e.file.file_path);
  ICEGRAPH_ASSIGN_OR_RAISE(const auto at_s, PlanTable(t, c.snapshot_id));
  std::map<std::string, const iceberg::ScanTask*> at_p;
  std::vector<iceberg::ScanTask> parent_tasks;
  if ((!removed.empty() || !new_deletes.empty()) && parent) {
    ICEGRAPH_ASSIGN_OR_RAISE(parent_tasks, PlanTable(t, *parent));
    for (const auto& task : parent_tasks) at_p[task.data_file.file_path] = &task;
  }
  const auto add_removed = [&](std::shared_ptr<arrow::RecordBatch> b) { return changes->AddRemoved(std::move(b)); };
  const auto add_added = [&](std::shared_ptr<arrow::RecordBatch> b) { return changes->AddAdded(std::move(b)); };
  for (const auto& path : removed) {
    const auto it = at_p.find(path);
    if (it == at_p.end()) continue;  // pruned by the mapping's filter, or already empty
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, *it->second, ReadOpts(ctx)));
    ICEGRAPH_RETURN_NOT_OK(ReadAll(*reader, tr, add_removed));
  }
  if (!new_deletes.empty()) {
    for (const auto& task : at_s) {
      if (added.count(task.data_file.file_path) != 0) continue;
      std::vector<iceberg::DataFile> pos;
      std::vector<iceberg::DataFile> eq;
      for (const auto& d : task.position_deletes) {
        if (new_deletes.count(d.file_path) != 0) pos.push_back(d);
      }
      for (const auto& d : task.equality_deletes) {
        if (new_deletes.count(d.file_path) != 0) eq.push_back(d);
      }
      if (pos.empty() && eq.empty()) continue;
      const auto it = at_p.find(task.data_file.file_path);
      if (it == at_p.end()) continue;
      ICEGRAPH_ASSIGN_OR_RAISE(auto reader,
                               iceberg::TaskReader::OpenDeletedRows(*t.io, *it->second, pos, eq, ReadOpts(ctx)));
      ICEGRAPH_RETURN_NOT_OK(ReadAll(*reader, tr, add_removed));
    }
  }
  for (const auto& task : at_s) {
    if (added.count(task.data_file.file_path) == 0) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, task, ReadOpts(ctx)));
    ICEGRAPH_RETURN_NOT_OK(ReadAll(*reader, tr, add_added));
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
                                                  MappingFingerprint(ctx.pipeline.config(), t.name),
                                                  static_cast<int64_t>(t.binding_schema_id), 0}));
  failpoint::Pass("sync.checkpoint_moved");
  return Status::OK();
}

}  // namespace

Status RunIncrementalTables(RunContext& ctx, const std::vector<IncrementalStart>& starts) {
  AffectedKeys keys;
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
        if (ctx.pipeline.config().sync.on_gap == mapping::OnGap::kFail) {
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
    for (const auto& c : diff.snapshots) {
      log::Info("sync_snapshot", {{"table", t.name},
                                  {"snapshot_id", c.snapshot_id},
                                  {"operation", iceberg::OperationName(c.operation)},
                                  {"added_files", c.added_data_files.size()},
                                  {"removed_files", c.removed_data_files.size()},
                                  {"delete_files", c.added_delete_files.size()}});
      ICEGRAPH_RETURN_NOT_OK(CollectSnapshot(ctx, s.index, c, parent, &changes));
      ++tr.snapshots_applied;
      parent = c.snapshot_id;
    }
    ICEGRAPH_RETURN_NOT_OK(changes.Cancel());
    log::Info("sync_changes", {{"table", t.name}, {"carried_over", changes.cancelled()}});
    ICEGRAPH_RETURN_NOT_OK(MapChanges(ctx, s.index, changes, &keys));
  }
  ICEGRAPH_RETURN_NOT_OK(Recompute(ctx, keys));
  // Checkpoints move only once TigerGraph acknowledged every write (Recompute flushed); a crash before leaves them,
  // and the rerun recomputes the same keys from the same tables: the same idempotent writes.
  for (const IncrementalStart* s : applied) {
    const SourceTable& t = ctx.pipeline.tables()[s->index];
    if (t.snapshot_id()) ICEGRAPH_RETURN_NOT_OK(SetCheckpoint(ctx, t, *t.snapshot_id()));
  }
  return Status::OK();
}

}  // namespace icegraph::engine

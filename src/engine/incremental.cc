// Incremental sync: the changes of each snapshot after a table's checkpoint become upserts and deletes.
//
// For a snapshot S with parent P:
//   upserts    = live rows (at S) of the data files S added;
//   candidates = rows of the data files S removed (read as they were live at P: copy-on-write overwrite/delete)
//                + rows of files live at P that the delete files S added newly hide (merge-on-read position and
//                equality deletes, deletion vectors);
//   deletes    = candidate keys that no upsert of S writes again (a key both removed and added is an update).
// `replace` snapshots (compaction) change no row and are skipped. With `sync.verify_deletes` (default) a key another
// live row still maps to is kept; only the owning mapping of a type deletes (`owner`, default: its only mapping).
#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/sync_internal.h"
#include "iceberg/metadata_json.h"
#include "iceberg/reader.h"
#include "iceberg/snapshot_diff.h"

namespace icegraph::engine {
namespace {

std::string ScalarText(const arrow::Array& a, int64_t row) {
  auto s = a.GetScalar(row);
  return s.ok() ? (*s)->ToString() : std::string();
}

// Every value of row `r` as text: rows of a rewritten file that equal a removed row are carry-overs.
std::string RowText(const arrow::RecordBatch& b, int64_t r) {
  std::string out;
  for (int c = 0; c < b.num_columns(); ++c) {
    if (b.schema()->field(c)->name() == "_pos") continue;
    auto s = b.column(c)->GetScalar(r);
    out += s.ok() && (*s)->is_valid ? (*s)->ToString() : std::string("\x00null", 5);
    out += '\x1f';
  }
  return out;
}

struct EdgeCandidate {
  std::string from;
  std::string to;
  std::vector<std::shared_ptr<arrow::Scalar>> disc;
};

// Keys a snapshot may delete, per mapping, until an upsert of the same snapshot writes them again.
class Candidates {
 public:
  explicit Candidates(const mapping::TablePlan& plan)
      : vertices_(plan.vertices().size()), edges_(plan.edges().size()) {}

  bool empty() const {
    for (const auto& v : vertices_) {
      if (!v.empty()) return false;
    }
    for (const auto& e : edges_) {
      if (!e.empty()) return false;
    }
    return true;
  }

  void Add(const mapping::MappedBatch& b) {
    for (size_t v = 0; v < b.vertices.size(); ++v) {
      const auto& ids = static_cast<const arrow::StringArray&>(*b.vertices[v].ids);
      for (int64_t r = 0; r < ids.length(); ++r) vertices_[v].emplace(ids.GetView(r));
    }
    for (size_t e = 0; e < b.edges.size(); ++e) {
      const mapping::EdgeBatch& eb = b.edges[e];
      const auto cols = DiscColumns(eb);
      const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
      const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
      for (int64_t r = 0; r < eb.length(); ++r) {
        EdgeCandidate c{std::string(from.GetView(r)), std::string(to.GetView(r)), {}};
        for (const arrow::Array* col : cols) {
          auto s = col->GetScalar(r);
          if (s.ok()) c.disc.push_back(*s);
        }
        edges_[e].emplace(EdgeKey(eb, cols, r), std::move(c));
      }
    }
  }

  // Keys written again by an upsert are updates, not deletes.
  void Remove(const mapping::MappedBatch& b) {
    for (size_t v = 0; v < b.vertices.size(); ++v) {
      if (vertices_[v].empty()) continue;
      const auto& ids = static_cast<const arrow::StringArray&>(*b.vertices[v].ids);
      for (int64_t r = 0; r < ids.length(); ++r) vertices_[v].erase(std::string(ids.GetView(r)));
    }
    for (size_t e = 0; e < b.edges.size(); ++e) {
      if (edges_[e].empty()) continue;
      const auto cols = DiscColumns(b.edges[e]);
      for (int64_t r = 0; r < b.edges[e].length(); ++r) edges_[e].erase(EdgeKey(b.edges[e], cols, r));
    }
  }

  Result<mapping::VertexBatch> VertexDeletes(const mapping::VertexPlan& plan, size_t v) const {
    arrow::StringBuilder ids;
    std::vector<std::string> sorted(vertices_[v].begin(), vertices_[v].end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& id : sorted) {
      if (!ids.Append(id).ok()) return Status::Internal("building vertex deletes");
    }
    mapping::VertexBatch out;
    out.type = plan.type;
    if (!ids.Finish(&out.ids).ok()) return Status::Internal("building vertex deletes");
    return out;
  }

  Result<mapping::EdgeBatch> EdgeDeletes(const mapping::EdgePlan& plan, size_t e) const {
    mapping::EdgeBatch out;
    out.type = plan.type;
    out.from_type = plan.from_type;
    out.to_type = plan.to_type;
    out.discriminator = plan.discriminator;
    arrow::StringBuilder from;
    arrow::StringBuilder to;
    std::vector<std::unique_ptr<arrow::ArrayBuilder>> disc(plan.discriminator.size());
    for (size_t d = 0; d < plan.discriminator.size(); ++d) {
      const auto it = std::find_if(plan.attributes.begin(), plan.attributes.end(),
                                   [&](const mapping::AttributePlan& a) { return a.name == plan.discriminator[d]; });
      if (it == plan.attributes.end())
        return Status::Internal("discriminator " + plan.discriminator[d] + " not mapped");
      auto b = arrow::MakeBuilder(mapping::CanonicalArrowType(it->type));
      if (!b.ok()) return Status::Internal(b.status().ToString());
      disc[d] = std::move(*b);
      out.attributes.push_back({it->name, it->type, nullptr});
    }
    for (const auto& [key, c] : edges_[e]) {
      if (!from.Append(c.from).ok() || !to.Append(c.to).ok()) return Status::Internal("building edge deletes");
      for (size_t d = 0; d < disc.size() && d < c.disc.size(); ++d) {
        if (!disc[d]->AppendScalar(*c.disc[d]).ok()) return Status::Internal("building edge deletes");
      }
    }
    if (!from.Finish(&out.from_ids).ok() || !to.Finish(&out.to_ids).ok()) {
      return Status::Internal("building edge deletes");
    }
    for (size_t d = 0; d < disc.size(); ++d) {
      if (!disc[d]->Finish(&out.attributes[d].values).ok()) return Status::Internal("building edge deletes");
    }
    return out;
  }

 private:
  static std::vector<const arrow::Array*> DiscColumns(const mapping::EdgeBatch& eb) {
    std::vector<const arrow::Array*> cols;
    for (const auto& name : eb.discriminator) {
      for (const auto& a : eb.attributes) {
        if (a.name == name) cols.push_back(a.values.get());
      }
    }
    return cols;
  }

  static std::string EdgeKey(const mapping::EdgeBatch& eb, const std::vector<const arrow::Array*>& cols, int64_t r) {
    std::string key(static_cast<const arrow::StringArray&>(*eb.from_ids).GetView(r));
    key += '\x1f';
    key += static_cast<const arrow::StringArray&>(*eb.to_ids).GetView(r);
    for (const arrow::Array* c : cols) {
      key += '\x1f';
      key += ScalarText(*c, r);
    }
    return key;
  }

  std::vector<std::unordered_set<std::string>> vertices_;
  std::vector<std::unordered_map<std::string, EdgeCandidate>> edges_;
};

// Whether deletes of this mapping may delete the type's elements.
bool IsOwner(const mapping::Config& config, const std::string& table, bool is_edge, const std::string& type) {
  int feeding = 0;
  std::optional<bool> mine;
  for (const auto& m : config.mappings) {
    if (is_edge) {
      for (const auto& e : m.edges) {
        if (e.type != type) continue;
        ++feeding;
        if (m.table == table) mine = e.owner;
      }
    } else {
      for (const auto& v : m.vertices) {
        if (v.type != type) continue;
        ++feeding;
        if (m.table == table) mine = v.owner;
      }
    }
  }
  return mine.value_or(feeding == 1);
}

class SnapshotApplier {
 public:
  SnapshotApplier(RunContext& ctx, size_t index)
      : ctx_(ctx), t_(ctx.pipeline.tables()[index]), index_(index), candidates_(*t_.plan) {}

  // Queues the upserts of snapshot S and adds its delete candidates; a key re-added by a later snapshot of the same
  // run is an update, so deletes wait for Finish (pyiceberg commits an overwrite as a delete plus an append).
  Status Collect(const iceberg::SnapshotChanges& c, std::optional<int64_t> parent) {
    if (c.operation == iceberg::Operation::kReplace) return Status::OK();  // compaction: same rows
    std::set<std::string> added;
    std::set<std::string> removed;
    std::set<std::string> new_deletes;
    for (const auto& e : c.added_data_files) added.insert(e.file.file_path);
    for (const auto& e : c.removed_data_files) removed.insert(e.file.file_path);
    for (const auto& e : c.added_delete_files) new_deletes.insert(e.file.file_path);

    ICEGRAPH_ASSIGN_OR_RAISE(const auto at_s, PlanTable(t_, c.snapshot_id));
    std::map<std::string, const iceberg::ScanTask*> at_p;
    std::vector<iceberg::ScanTask> parent_tasks;
    if ((!removed.empty() || !new_deletes.empty()) && parent) {
      ICEGRAPH_ASSIGN_OR_RAISE(parent_tasks, PlanTable(t_, *parent));
      for (const auto& task : parent_tasks) at_p[task.data_file.file_path] = &task;
    }
    // Rows of removed files, as they were live before this snapshot; kept as text to recognise carry-overs.
    std::unordered_multiset<std::string> removed_rows;
    for (const auto& path : removed) {
      const auto it = at_p.find(path);
      if (it == at_p.end()) continue;  // pruned by the mapping's filter, or already empty
      ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t_.io, *it->second, ReadOpts()));
      while (true) {
        ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
        if (batch == nullptr) break;
        ctx_.report->tables[index_].rows_read += batch->num_rows();
        for (int64_t r = 0; r < batch->num_rows(); ++r) removed_rows.insert(RowText(*batch, r));
        ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t_.plan->Apply(*batch));
        candidates_.Add(mapped);
      }
    }
    // Rows of older files that this snapshot's delete files newly hide.
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
                                 iceberg::TaskReader::OpenDeletedRows(*t_.io, *it->second, pos, eq, ReadOpts()));
        ICEGRAPH_RETURN_NOT_OK(Drain(*reader, true, [&](const mapping::MappedBatch& b) { candidates_.Add(b); }));
      }
    }
    // Upserts: live rows of the added files, queued in row order.
    std::vector<const iceberg::ScanTask*> upserts;
    for (const auto& task : at_s) {
      if (added.count(task.data_file.file_path) != 0) upserts.push_back(&task);
    }
    ICEGRAPH_RETURN_NOT_OK(Upsert(upserts, removed_rows));
    // A barrier between snapshots: a later snapshot's value of a key must land after this one's, even when one of
    // this snapshot's requests is delayed by retries (requests of one snapshot run concurrently, in any order).
    return FlushInto(ctx_);
  }

  // Candidates from a whole snapshot that is no longer in the current ancestry (rollback): every key it mapped.
  Status CollectAll(int64_t snapshot_id) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanTable(t_, snapshot_id));
    for (const auto& task : tasks) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t_.io, task, ReadOpts()));
      ICEGRAPH_RETURN_NOT_OK(Drain(*reader, false, [&](const mapping::MappedBatch& b) { candidates_.Add(b); }));
    }
    return Status::OK();
  }

  // Verifies the remaining candidates against the current snapshot and deletes what no live row maps to any more.
  Status Finish(int64_t current_snapshot, bool verify_all) {
    if (!candidates_.empty() && (verify_all || ctx_.pipeline.config().sync.verify_deletes)) {
      ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanTable(t_, current_snapshot));
      for (const auto& task : tasks) {
        if (candidates_.empty()) break;
        ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t_.io, task, ReadOpts()));
        while (!candidates_.empty()) {
          ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
          if (batch == nullptr) break;
          ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t_.plan->Apply(*batch));
          candidates_.Remove(mapped);
        }
      }
    }
    ICEGRAPH_RETURN_NOT_OK(FlushInto(ctx_));
    // Deletes: edges first, then vertices (which take their remaining edges with them in TigerGraph).
    const mapping::Config& config = ctx_.pipeline.config();
    for (size_t e = 0; e < t_.plan->edges().size(); ++e) {
      const auto& plan = t_.plan->edges()[e];
      if (!IsOwner(config, t_.name, true, plan.type)) continue;
      ICEGRAPH_ASSIGN_OR_RAISE(const auto batch, candidates_.EdgeDeletes(plan, e));
      ICEGRAPH_RETURN_NOT_OK(ctx_.sink.DeleteEdges(batch, plan.mapping));
    }
    for (size_t v = 0; v < t_.plan->vertices().size(); ++v) {
      const auto& plan = t_.plan->vertices()[v];
      if (!IsOwner(config, t_.name, false, plan.type)) continue;
      ICEGRAPH_ASSIGN_OR_RAISE(const auto batch, candidates_.VertexDeletes(plan, v));
      deleted_vertices_ += batch.length();
      ICEGRAPH_RETURN_NOT_OK(ctx_.sink.DeleteVertices(batch, plan.mapping));
    }
    return FlushInto(ctx_);
  }

  int64_t deleted_vertices() const { return deleted_vertices_; }

 private:
  // Rows of the added files: their keys stay; rows equal to a removed row (carried over by a copy-on-write rewrite)
  // change nothing and are not written again, so they cannot re-create what another table's deletes removed.
  Status Upsert(const std::vector<const iceberg::ScanTask*>& tasks, std::unordered_multiset<std::string>& carried) {
    for (const iceberg::ScanTask* task : tasks) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t_.io, *task, ReadOpts()));
      while (true) {
        ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
        if (batch == nullptr) break;
        ctx_.report->tables[index_].rows_read += batch->num_rows();
        ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t_.plan->Apply(*batch));
        if (!candidates_.empty()) candidates_.Remove(mapped);
        if (!carried.empty()) {
          arrow::BooleanBuilder keep;
          int64_t kept = 0;
          for (int64_t r = 0; r < batch->num_rows(); ++r) {
            const auto it = carried.find(RowText(*batch, r));
            const bool is_new = it == carried.end();
            if (!is_new) carried.erase(it);
            kept += is_new ? 1 : 0;
            if (!keep.Append(is_new).ok()) return Status::Internal("carry-over mask");
          }
          if (kept < batch->num_rows()) {
            std::shared_ptr<arrow::Array> mask;
            if (!keep.Finish(&mask).ok()) return Status::Internal("carry-over mask");
            auto filtered = arrow::compute::Filter(batch, mask);
            if (!filtered.ok()) return Status::Internal(filtered.status().ToString());
            ICEGRAPH_ASSIGN_OR_RAISE(mapped, t_.plan->Apply(*filtered->record_batch()));
          }
        }
        if (!mapped.dead_letters.empty()) {
          ctx_.report->tables[index_].dead_letters += static_cast<int64_t>(mapped.dead_letters.size());
          ICEGRAPH_RETURN_NOT_OK(ctx_.store.AddDeadLetters(
              ctx_.run_id, t_.name, ctx_.report->tables[index_].snapshot_id, mapped.dead_letters));
        }
        for (size_t v = 0; v < mapped.vertices.size(); ++v) {
          if (mapped.vertices[v].length() == 0) continue;
          ICEGRAPH_RETURN_NOT_OK(ctx_.sink.WriteVertices(mapped.vertices[v], t_.plan->vertices()[v].mapping));
        }
        for (size_t e = 0; e < mapped.edges.size(); ++e) {
          if (mapped.edges[e].length() == 0) continue;
          ICEGRAPH_RETURN_NOT_OK(ctx_.sink.WriteEdges(mapped.edges[e], t_.plan->edges()[e].mapping));
        }
      }
    }
    return Status::OK();
  }

  iceberg::ReadOptions ReadOpts() const {
    iceberg::ReadOptions ro;
    ro.parquet.batch_size = ctx_.options.batch_rows;
    return ro;
  }

  // Maps every batch of `reader`; dead letters of rows read for the first time are kept, as in a full read.
  template <typename F>
  Status Drain(iceberg::TaskReader& reader, bool keep_dead_letters, F&& on_batch) {
    while (true) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader.Next());
      if (batch == nullptr) break;
      ctx_.report->tables[index_].rows_read += batch->num_rows();
      ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t_.plan->Apply(*batch));
      on_batch(mapped);
      if (keep_dead_letters && !mapped.dead_letters.empty()) {
        ctx_.report->tables[index_].dead_letters += static_cast<int64_t>(mapped.dead_letters.size());
        ICEGRAPH_RETURN_NOT_OK(ctx_.store.AddDeadLetters(ctx_.run_id, t_.name, ctx_.report->tables[index_].snapshot_id,
                                                         mapped.dead_letters));
      }
    }
    return Status::OK();
  }

  RunContext& ctx_;
  const SourceTable& t_;
  const size_t index_;
  Candidates candidates_;
  int64_t deleted_vertices_ = 0;
};

// After a resync of table `index`: vertices of the types it owns that TigerGraph holds but the table no longer maps
// to are deleted (their edges go with them). Edges of surviving vertices that the table no longer has are not
// found this way (README: Incremental sync).
Status DeleteStaleVertices(RunContext& ctx, size_t index) {
  const SourceTable& t = ctx.pipeline.tables()[index];
  const mapping::TablePlan& plan = *t.plan;
  if (plan.vertices().empty() || ctx.options.discard || !t.snapshot_id()) return Status::OK();
  std::vector<std::unordered_set<std::string>> seen(plan.vertices().size());
  ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanTable(t, *t.snapshot_id()));
  for (const auto& task : tasks) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, task));
    while (true) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (batch == nullptr) break;
      ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, plan.Apply(*batch));
      for (size_t v = 0; v < mapped.vertices.size(); ++v) {
        const auto& ids = static_cast<const arrow::StringArray&>(*mapped.vertices[v].ids);
        for (int64_t r = 0; r < ids.length(); ++r) seen[v].emplace(ids.GetView(r));
      }
    }
  }
  for (size_t v = 0; v < plan.vertices().size(); ++v) {
    const auto& vp = plan.vertices()[v];
    if (!IsOwner(ctx.pipeline.config(), t.name, false, vp.type)) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(const auto live, ctx.client->GetVertices(vp.type));
    arrow::StringBuilder stale;
    for (const auto& item : live) {
      const std::string id = item.value("v_id", "");
      if (!id.empty() && seen[v].count(id) == 0 && !stale.Append(id).ok()) return Status::Internal("stale ids");
    }
    mapping::VertexBatch batch;
    batch.type = vp.type;
    if (!stale.Finish(&batch.ids).ok()) return Status::Internal("stale ids");
    log::Info("sync_resync_stale", {{"table", t.name}, {"type", vp.type}, {"deleting", batch.length()}});
    ICEGRAPH_RETURN_NOT_OK(ctx.sink.DeleteVertices(batch, vp.mapping));
  }
  return FlushInto(ctx);
}

// Tables with edges to or from the vertex types `table` owns: their edges are gone with deleted vertices.
std::vector<bool> EdgeTablesReferencing(const Pipeline& p, size_t table) {
  std::set<std::string> owned;
  for (const auto& v : p.tables()[table].plan->vertices()) {
    if (IsOwner(p.config(), p.tables()[table].name, false, v.type)) owned.insert(v.type);
  }
  std::vector<bool> out(p.tables().size(), false);
  for (size_t i = 0; i < p.tables().size(); ++i) {
    for (const auto& e : p.tables()[i].plan->edges()) {
      if (owned.count(e.from_type) != 0 || owned.count(e.to_type) != 0) out[i] = true;
    }
  }
  return out;
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

Status RunIncrementalTable(RunContext& ctx, size_t index, int64_t from_snapshot) {
  const SourceTable& t = ctx.pipeline.tables()[index];
  TableReport& tr = ctx.report->tables[index];
  if (!t.snapshot_id()) return Status::OK();
  const int64_t current = *t.snapshot_id();
  ICEGRAPH_ASSIGN_OR_RAISE(const auto diff, iceberg::DiffSnapshots(*t.io, t.metadata, from_snapshot, current));
  if (diff.gap != iceberg::GapKind::kNone) {
    const std::string why = fmt::format("table {}: checkpoint snapshot {} cannot be followed to snapshot {} ({})",
                                        t.name, from_snapshot, current, iceberg::GapKindName(diff.gap));
    if (ctx.pipeline.config().sync.on_gap == mapping::OnGap::kFail) {
      return Status::Invalid(why + "; sync.on_gap is fail: run `icegraph sync --full` to resync");
    }
    log::Warn("sync_gap_resync", {{"table", t.name}, {"gap", iceberg::GapKindName(diff.gap)}});
    tr.mode = "resync";
    SnapshotApplier applier(ctx, index);
    const bool readable = t.metadata.SnapshotById(from_snapshot) != nullptr;
    // A rolled-back checkpoint is still readable: what it had and the current snapshot lacks is deleted.
    if (readable) ICEGRAPH_RETURN_NOT_OK(applier.CollectAll(from_snapshot));
    std::vector<bool> only(ctx.pipeline.tables().size(), false);
    only[index] = true;
    ICEGRAPH_RETURN_NOT_OK(RunFullTables(ctx, only));
    if (readable) {
      ICEGRAPH_RETURN_NOT_OK(applier.Finish(current, /*verify_all=*/true));
    } else {
      ICEGRAPH_RETURN_NOT_OK(DeleteStaleVertices(ctx, index));  // expired: ask TigerGraph what it holds
    }
    // Edges other tables hold to this table's vertices were removed with deleted vertices: write them again.
    std::vector<bool> dependents = EdgeTablesReferencing(ctx.pipeline, index);
    dependents[index] = false;
    if (std::find(dependents.begin(), dependents.end(), true) != dependents.end()) {
      ICEGRAPH_RETURN_NOT_OK(RunFullTables(ctx, dependents));
    }
    return SetCheckpoint(ctx, t, current);
  }
  SnapshotApplier applier(ctx, index);
  std::optional<int64_t> parent = from_snapshot;
  for (const auto& changes : diff.snapshots) {
    log::Info("sync_snapshot", {{"table", t.name},
                                {"snapshot_id", changes.snapshot_id},
                                {"operation", iceberg::OperationName(changes.operation)},
                                {"added_files", changes.added_data_files.size()},
                                {"removed_files", changes.removed_data_files.size()},
                                {"delete_files", changes.added_delete_files.size()}});
    ICEGRAPH_RETURN_NOT_OK(applier.Collect(changes, parent));
    ++tr.snapshots_applied;
    parent = changes.snapshot_id;
  }
  ICEGRAPH_RETURN_NOT_OK(applier.Finish(current, /*verify_all=*/false));
  // The checkpoint moves only once TigerGraph acknowledged every write of these snapshots (Finish flushed); a crash
  // before leaves it where it was, and the rerun applies the same idempotent writes again.
  return SetCheckpoint(ctx, t, current);
}

}  // namespace icegraph::engine

#include "engine/full_sync.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/held_keys.h"
#include "engine/recompute.h"
#include "engine/sync_internal.h"
#include "engine/validate.h"
#include "iceberg/reader.h"
#include "iceberg/scan.h"
#include "mapping/gsql_gen.h"

namespace icegraph::engine {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct WorkItem {
  size_t table = 0;  // index into Pipeline::tables()
  iceberg::ScanTask task;
  bool both = false;  // write the table's vertices and edges from this one read (in the vertex phase)
};

bool IsEdgeMapping(const std::string& mapping) { return mapping.find("/edge:") != std::string::npos; }

// Runs one phase (vertices or edges) of a full sync over a fixed set of scan tasks with a pool of threads.
class Phase {
 public:
  Phase(const Pipeline& p, state::StateStore& store, sink::GraphSink& sink, int64_t run_id, bool edges,
        const SyncOptions& options, std::vector<TableReport>& reports, Unproduced* unproduced)
      : p_(p),
        store_(store),
        sink_(sink),
        run_id_(run_id),
        edges_(edges),
        options_(options),
        reports_(reports),
        unproduced_(unproduced) {}

  Status Run(const std::vector<WorkItem>& items, int threads) {
    items_ = &items;
    const auto start = Clock::now();
    std::vector<std::thread> pool;
    const int n = std::max(1, std::min<int>(threads, static_cast<int>(items.size())));
    pool.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) pool.emplace_back([this] { Work(); });
    std::jthread progress;
    if (options_.on_progress) {
      progress = std::jthread([this, start](const std::stop_token& stop) {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        while (!stop.stop_requested()) {
          cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
          if (stop.stop_requested()) break;
          options_.on_progress(Progress(SecondsSince(start)));
        }
      });
    }
    for (auto& t : pool) t.join();
    if (progress.joinable()) {
      progress.request_stop();
      progress.join();
      options_.on_progress(Progress(SecondsSince(start)));
    }
    const std::lock_guard lock(mu_);
    return error_;
  }

 private:
  SyncProgress Progress(double seconds) const {
    return {edges_ ? "edges" : "vertices",
            files_done_.load(),
            static_cast<int64_t>(items_->size()),
            rows_read_.load(),
            rows_written_.load(),
            seconds};
  }

  void Work() {
    while (!failed_.load()) {
      const size_t i = next_.fetch_add(1);
      if (i >= items_->size()) return;
      Status st = RunItem((*items_)[i]);
      if (!st.ok()) {
        const std::lock_guard lock(mu_);
        if (error_.ok()) error_ = st;
        failed_ = true;
        return;
      }
      ++files_done_;
    }
  }

  Status RunItem(const WorkItem& item) {
    const SourceTable& table = p_.tables()[item.table];
    const mapping::TablePlan& plan = *table.plan;
    iceberg::ReadOptions ro;
    ro.parquet.batch_size = options_.batch_rows;
    ro.parquet.use_threads = false;  // the engine already runs one file per core
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*table.io, item.task, ro));
    while (true) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (batch == nullptr) break;
      rows_read_ += batch->num_rows();
      ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, plan.Apply(*batch));
      if (unproduced_ != nullptr) unproduced_->Strike(plan, mapped);
      int64_t written = 0;
      if (!edges_) {
        for (size_t v = 0; v < mapped.vertices.size(); ++v) {
          if (mapped.vertices[v].length() == 0) continue;
          ICEGRAPH_RETURN_NOT_OK(sink_.WriteVertices(mapped.vertices[v], plan.vertices()[v].mapping));
          written += mapped.vertices[v].length();
        }
      }
      if (edges_ || item.both) {
        for (size_t e = 0; e < mapped.edges.size(); ++e) {
          if (mapped.edges[e].length() == 0) continue;
          ICEGRAPH_RETURN_NOT_OK(sink_.WriteEdges(mapped.edges[e], plan.edges()[e].mapping));
          written += mapped.edges[e].length();
        }
      }
      rows_written_ += written;
      std::vector<mapping::DeadLetter> letters;
      for (auto& l : mapped.dead_letters) {
        if (item.both || IsEdgeMapping(l.mapping) == edges_) letters.push_back(std::move(l));
      }
      if (!letters.empty()) {
        ICEGRAPH_RETURN_NOT_OK(store_.AddDeadLetters(run_id_, table.name, table.snapshot_id().value_or(0), letters));
        const std::lock_guard lock(mu_);
        reports_[item.table].dead_letters += static_cast<int64_t>(letters.size());
      }
    }
    // A table read in both phases counts its rows in the first.
    if (edges_ && !plan.vertices().empty()) return Status::OK();
    const std::lock_guard lock(mu_);
    reports_[item.table].rows_read += reader->rows_scanned();
    return Status::OK();
  }

  const Pipeline& p_;
  state::StateStore& store_;
  sink::GraphSink& sink_;
  const int64_t run_id_;
  const bool edges_;
  const SyncOptions& options_;
  std::vector<TableReport>& reports_;
  Unproduced* const unproduced_;
  const std::vector<WorkItem>* items_ = nullptr;
  std::atomic<size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> files_done_{0};
  std::atomic<int64_t> rows_read_{0};
  std::atomic<int64_t> rows_written_{0};
  std::mutex mu_;
  Status error_;
};

// The table a sink dead letter came from: DeadLetter::mapping is "<table>/<kind>:<type>".
std::string TableOf(const mapping::DeadLetter& l) { return l.mapping.substr(0, l.mapping.rfind('/')); }

void Merge(const sink::SinkReport& r, SyncReport* out) {
  for (const auto& [type, c] : r.vertices) {
    auto& t = out->types[type];
    t.sent += c.sent;
    t.accepted += c.accepted;
    t.rejected += c.rejected;
  }
  for (const auto& [type, c] : r.edges) {
    auto& t = out->types[type];
    t.is_edge = true;
    t.sent += c.sent;
    t.accepted += c.accepted;
    t.rejected += c.rejected;
  }
  out->requests += r.requests;
  out->bytes += r.bytes;
  out->bulk_rows += r.bulk_rows;
  out->resent_requests += r.resent_requests;
  out->upsert_rows += r.upsert_rows;
}

}  // namespace

Status FlushInto(RunContext& ctx) {
  auto flushed = ctx.sink.Flush();
  if (!flushed.ok()) return flushed.status();
  Merge(*flushed, ctx.report);
  for (const auto& [type, n] : flushed->deleted) ctx.report->types[type].deleted += n;
  // Rows TigerGraph refused, per source table.
  std::map<std::string, std::vector<mapping::DeadLetter>> refused;
  for (auto& l : flushed->dead_letters) refused[TableOf(l)].push_back(std::move(l));
  for (auto& [table, letters] : refused) {
    int64_t snapshot = 0;
    for (auto& tr : ctx.report->tables) {
      if (tr.table == table) {
        snapshot = tr.snapshot_id;
        tr.dead_letters += static_cast<int64_t>(letters.size());
      }
    }
    ICEGRAPH_RETURN_NOT_OK(ctx.store.AddDeadLetters(ctx.run_id, table, snapshot, letters));
  }
  failpoint::Pass("sync.flushed");
  return Status::OK();
}

Status RunFullTables(RunContext& ctx, const std::vector<bool>& include, Unproduced* unproduced) {
  const Pipeline& p = ctx.pipeline;
  // Plan every table first: a table that cannot be planned fails the run before anything is written.
  std::vector<WorkItem> vertex_items;
  std::vector<WorkItem> edge_items;
  for (size_t i = 0; i < p.tables().size(); ++i) {
    const SourceTable& t = p.tables()[i];
    if (!include[i] || !t.snapshot_id()) continue;  // no snapshot yet: nothing to read
    iceberg::Filter extra;
    if (!ctx.options.since.empty()) {
      // Micro-batch: rows changed after `since`, by the table's updated-at column (pushed into the scan).
      const std::string& col = p.config().sync.updated_at_column;
      const iceberg::Schema* schema = t.metadata.CurrentSchema();
      const bool has = schema != nullptr && std::any_of(schema->fields.begin(), schema->fields.end(),
                                                        [&](const iceberg::Field& f) { return f.name == col; });
      if (!has) {
        log::Warn("sync_since_skips_table", {{"table", t.name}, {"missing_column", col}});
        ctx.report->tables[i].mode = "skipped";
        continue;
      }
      ICEGRAPH_ASSIGN_OR_RAISE(extra, iceberg::ParseFilter("\"" + col + "\" > '" + ctx.options.since + "'"));
    }
    ICEGRAPH_ASSIGN_OR_RAISE(auto tasks, PlanTable(t, *t.snapshot_id(), extra));
    // The table's bad rows are recorded again by this read: the open dead letters become exactly those.
    if (ctx.options.since.empty() && !ctx.options.discard) {
      ICEGRAPH_RETURN_NOT_OK(ctx.store.ResolveAllDeadLetters(ctx.run_id, t.name));
    }
    ctx.report->tables[i].files += static_cast<int64_t>(tasks.size());
    // Without vertex_must_exist an edge may arrive before its endpoints (TigerGraph creates them and the vertex
    // upsert sets their attributes), so a table feeding both is read and mapped once.
    const bool both = !t.plan->vertices().empty() && !t.plan->edges().empty() && !p.config().sink.vertex_must_exist;
    for (auto& task : tasks) {
      if (both) {
        vertex_items.push_back({i, std::move(task), true});
        continue;
      }
      if (!t.plan->vertices().empty()) vertex_items.push_back({i, task});
      if (!t.plan->edges().empty()) edge_items.push_back({i, std::move(task)});
    }
  }
  if (vertex_items.empty() && edge_items.empty()) return Status::OK();
  const int threads = ctx.Threads();
  // Vertices first, flushed, so edges never arrive before the vertices they need (vertex_must_exist); tables read
  // once for both write their edges in the first phase.
  for (const bool edges : {false, true}) {
    const auto& items = edges ? edge_items : vertex_items;
    log::Info("sync_phase_start", {{"phase", edges ? "edges" : "vertices"}, {"files", items.size()}});
    Phase phase(p, ctx.store, ctx.sink, ctx.run_id, edges, ctx.options, ctx.report->tables, unproduced);
    const Status st = phase.Run(items, threads);
    const Status flushed = FlushInto(ctx);
    ICEGRAPH_RETURN_NOT_OK(st);
    ICEGRAPH_RETURN_NOT_OK(flushed);
  }
  return Status::OK();
}

Result<std::vector<iceberg::ScanTask>> PlanTable(const SourceTable& t, int64_t snapshot_id,
                                                 const iceberg::Filter& extra) {
  iceberg::ScanOptions so;
  so.snapshot_id = snapshot_id;
  so.field_ids = t.plan->projection();
  so.filter = t.plan->pushed_filter();
  so.manifests = t.manifests.get();
  so.filter.predicates.insert(so.filter.predicates.end(), extra.predicates.begin(), extra.predicates.end());
  auto tasks = iceberg::PlanScan(*t.io, t.metadata, so);
  if (!tasks.ok()) return tasks.status().WithContext("planning the scan of " + t.name);
  return tasks;
}

void RegisterJobs(const Pipeline& p, sink::GraphSink& sink) {
  for (const SourceTable& t : p.tables()) {
    const std::vector<std::string> vars = mapping::LoadingJobFileVars(*t.plan);
    const std::vector<std::string> dvars = mapping::DeleteJobFileVars(*t.plan);
    const std::string job = mapping::LoadingJobName(t.name);
    const std::string djob = mapping::DeleteJobName(t.name);
    size_t i = 0;
    for (const auto& v : t.plan->vertices()) {
      sink.RegisterDeleteJob(v.mapping, false, djob, dvars[i]);
      sink.RegisterLoadingJob(v.mapping, false, job, vars[i++]);
    }
    for (const auto& e : t.plan->edges()) {
      sink.RegisterDeleteJob(e.mapping, true, djob, dvars[i]);
      sink.RegisterLoadingJob(e.mapping, true, job, vars[i++]);
    }
  }
}

namespace {

// The snapshot each table's sync starts after, or nullopt for a full read.
struct TableStart {
  std::optional<state::Checkpoint> checkpoint;
  bool full = true;
};

}  // namespace

GraphTypes ReconciledTypes(const Pipeline& p, const std::vector<bool>& full) {
  GraphTypes out = MappedTypes(p);
  for (size_t i = 0; i < p.tables().size(); ++i) {
    if (full[i]) continue;
    const GraphTypes fed = TypesFedBy(*p.tables()[i].plan);
    for (const auto& v : fed.vertices) out.vertices.erase(v);
    for (const auto& e : fed.edges) out.edges.erase(e);
  }
  return out;
}

namespace {

// The keys held before the full read that it did not produce: deleted, or listed by a dry run.
Status FinishReconcile(RunContext& ctx, const Unproduced& left) {
  nlohmann::json listed = {{"vertices", nlohmann::json::object()}, {"edges", nlohmann::json::object()}};
  int64_t count = 0;
  for (const auto& [type, ids] : left.keys().vertices) {
    for (const auto& id : ids) listed["vertices"][type].push_back(id);
    count += static_cast<int64_t>(ids.size());
  }
  for (const auto& [type, keys] : left.keys().edges) {
    for (const auto& [text, k] : keys) {
      nlohmann::json e = {{"from", k.from}, {"to", k.to}};
      for (const auto& d : k.disc) e["discriminator"].push_back(d->ToString());
      listed["edges"][type].push_back(std::move(e));
    }
    count += static_cast<int64_t>(keys.size());
  }
  // Held keys a plain upsert left with stale values (a null attribute, an endpoint no vertex row produces).
  AffectedKeys keys = left.Stale();
  const auto stale = static_cast<int64_t>(keys.size());
  ctx.report->reconcile = {
      {"dry_run", ctx.options.dry_run}, {"unproduced", count}, {"reset", stale}, {"elements", listed}};
  log::Info("sync_reconcile", {{"unproduced", count}, {"reset", stale}, {"dry_run", ctx.options.dry_run}});
  if (ctx.options.dry_run || (count == 0 && stale == 0)) return Status::OK();
  // Nothing produces or names the unproduced keys any more: the recompute deletes every one of them, and gives the
  // stale ones what a reload gives.
  for (const auto& [type, ids] : left.keys().vertices) {
    for (const auto& id : ids) keys.AddVertex(type, id);
  }
  for (const auto& [type, edges] : left.keys().edges) {
    for (const auto& [text, k] : edges) keys.edges[type].emplace(text, k);
  }
  return Recompute(ctx, keys);
}

Status RunTables(RunContext& ctx) {
  const Pipeline& p = ctx.pipeline;
  const size_t n = p.tables().size();
  std::vector<TableStart> starts(n);
  std::vector<bool> full(n, false);
  std::vector<IncrementalStart> incremental;
  for (size_t i = 0; i < n; ++i) {
    const SourceTable& t = p.tables()[i];
    TableReport& tr = ctx.report->tables[i];
    tr.table = t.name;
    tr.snapshot_id = t.snapshot_id().value_or(0);
    ICEGRAPH_ASSIGN_OR_RAISE(starts[i].checkpoint, ctx.store.GetCheckpoint(p.name(), t.name));
    const auto& cp = starts[i].checkpoint;
    const std::string fp = MappingFingerprint(p.config().model, t.name);
    if (!ctx.options.since.empty()) {
      tr.mode = "since";
    } else if (ctx.options.full || !cp) {
      tr.mode = "full";
    } else if (cp->mapping_fingerprint != fp) {
      log::Warn("sync_mapping_changed", {{"table", t.name}});
      tr.mode = "resync";
      incremental.push_back({i, cp->snapshot_id, /*resync=*/true});
      continue;
    } else if (t.snapshot_id() && cp->snapshot_id == *t.snapshot_id()) {
      tr.mode = "unchanged";
      tr.from_snapshot_id = cp->snapshot_id;
      continue;
    } else {
      tr.mode = "incremental";
      tr.from_snapshot_id = cp->snapshot_id;
      incremental.push_back({i, cp->snapshot_id, false});
      continue;
    }
    full[i] = true;
  }
  // A full read reconciles: what TigerGraph held before it of the types only full-read tables feed, and the read
  // did not produce, is deleted afterwards (`sync --full` makes a drifted graph exact again).
  const bool any_full = std::find(full.begin(), full.end(), true) != full.end();
  std::unique_ptr<Unproduced> unproduced;
  if (any_full && ctx.options.since.empty() && (!ctx.options.discard || ctx.options.dry_run)) {
    AffectedKeys held;
    HeldValues values;
    ICEGRAPH_RETURN_NOT_OK(AddHeldKeys(ctx, ReconciledTypes(p, full), &held, &values));
    unproduced =
        std::make_unique<Unproduced>(p.plan(), std::move(held), std::move(values), p.config().sink.vertex_must_exist);
  }
  ICEGRAPH_RETURN_NOT_OK(RunFullTables(ctx, full, unproduced && !unproduced->empty() ? unproduced.get() : nullptr));
  if (unproduced) ICEGRAPH_RETURN_NOT_OK(FinishReconcile(ctx, *unproduced));
  for (size_t i = 0; i < n; ++i) {
    const SourceTable& t = p.tables()[i];
    // A micro-batch (--since) sees no deletes, so it never moves a checkpoint.
    if (!full[i] || ctx.options.discard || !ctx.options.since.empty() || !t.snapshot_id()) continue;
    failpoint::Pass("sync.checkpoint_before");
    ICEGRAPH_RETURN_NOT_OK(
        ctx.store.SetCheckpoint({p.name(), t.name, *t.snapshot_id(), MappingFingerprint(p.config().model, t.name),
                                 static_cast<int64_t>(t.binding_schema_id), 0}));
    failpoint::Pass("sync.checkpoint_moved");
  }
  if (!incremental.empty()) ICEGRAPH_RETURN_NOT_OK(RunIncrementalTables(ctx, incremental));
  return Status::OK();
}

nlohmann::json ValidateAfterSync(const Pipeline& p, state::StateStore& store) {
  auto client = p.Connect();
  const Result<ValidationReport> r =
      client.ok() ? Validate(p, store, **client, ValidateOptions{.record = false}) : client.status();
  if (!r.ok()) return {{"ok", false}, {"error", r.status().ToString()}};
  return r->ToJson();
}

}  // namespace

nlohmann::json SyncReport::ToJson() const {
  nlohmann::json j = {
      {"run_id", run_id},     {"outcome", outcome}, {"seconds", seconds},     {"dead_letters", dead_letters},
      {"requests", requests}, {"bytes", bytes},     {"bulk_rows", bulk_rows}, {"upsert_rows", upsert_rows}};
  if (!error.empty()) j["error"] = error;
  j["resent_requests"] = resent_requests;
  j["retries"] = retries;
  j["retry_reasons"] = retry_reasons;
  j["concurrency_cuts"] = concurrency_cuts;
  if (breaker_opened) j["breaker_opened"] = true;
  if (!validation.is_null()) j["validation"] = validation;
  if (!reconcile.is_null()) j["reconcile"] = reconcile;
  j["tables"] = nlohmann::json::array();
  for (const auto& t : tables) {
    j["tables"].push_back({{"table", t.table},
                           {"mode", t.mode},
                           {"from_snapshot_id", t.from_snapshot_id},
                           {"snapshots_applied", t.snapshots_applied},
                           {"snapshot_id", t.snapshot_id},
                           {"files", t.files},
                           {"rows_read", t.rows_read},
                           {"dead_letters", t.dead_letters}});
  }
  j["types"] = nlohmann::json::object();
  for (const auto& [name, t] : types) {
    j["types"][name] = {{"kind", t.is_edge ? "edge" : "vertex"},
                        {"sent", t.sent},
                        {"accepted", t.accepted},
                        {"rejected", t.rejected},
                        {"deleted", t.deleted}};
  }
  return j;
}

std::string MappingFingerprint(const mapping::Model& model, const std::string& table) {
  // Everything that decides what a row becomes in the graph; a change in it invalidates the checkpoint.
  std::string text = table;
  for (const auto& m : model.mappings) {
    if (m.table != table) continue;
    text += "|where=" + m.where.value_or("");
    auto attrs = [&](const std::vector<mapping::AttributeSpec>& list, const std::map<std::string, std::string>& d) {
      for (const auto& a : list) text += fmt::format("|{}={}:{}", a.name, a.expr, a.type.value_or(""));
      for (const auto& [k, v] : d) text += fmt::format("|default:{}={}", k, v);
    };
    auto id = [&](const mapping::IdSpec& s) {
      text += "|id=";
      for (const auto& c : s.columns) text += c + ",";
      text += "sep=" + s.separator;
    };
    for (const auto& v : m.vertices) {
      text += "|vertex:" + v.type;
      id(v.id);
      attrs(v.attributes, v.defaults);
    }
    for (const auto& e : m.edges) {
      text += "|edge:" + e.type + ":" + e.from.type + "->" + e.to.type + (e.directed ? ":d" : ":u");
      id(e.from.id);
      id(e.to.id);
      attrs(e.attributes, e.defaults);
      for (const auto& d : e.discriminator) text += "|disc=" + d;
    }
  }
  // FNV-1a: stable across runs and builds, unlike std::hash.
  uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

Result<SyncReport> RunSync(const Pipeline& pipeline, state::StateStore& store, const SyncOptions& options) {
  const auto start = Clock::now();
  ICEGRAPH_ASSIGN_OR_RAISE(auto lock, store.LockPipeline(pipeline.name(), options.lock_wait_ms));
  SyncReport report;
  report.tables.resize(pipeline.tables().size());
  ICEGRAPH_ASSIGN_OR_RAISE(report.run_id, store.BeginRun(pipeline.name(), options.kind));
  log::Info("sync_start", {{"run_id", report.run_id}, {"kind", options.kind}, {"tables", pipeline.tables().size()}});
  std::unique_ptr<sink::TigerGraphClient> client;
  Status st = [&]() -> Status {
    ICEGRAPH_ASSIGN_OR_RAISE(client, pipeline.Connect());
    sink::SinkOptions sink_options = pipeline.SinkOptions();
    sink_options.discard = options.discard;
    if (!options.discard || options.dry_run) ICEGRAPH_RETURN_NOT_OK(client->Authenticate());
    sink::GraphSink sink(*client, sink_options);
    RegisterJobs(pipeline, sink);
    RunContext ctx{pipeline, store, report.run_id, options, sink, &report, client.get()};
    return RunTables(ctx);
  }();
  report.seconds = SecondsSince(start);
  if (client) {
    const sink::RetryStats rs = client->retry_stats();
    report.retries = rs.retries;
    report.retry_reasons = rs.reasons;
    report.concurrency_cuts = rs.concurrency_cuts;
    report.breaker_opened = rs.breaker_opened;
  }
  // sync.validate: after_sync, still under the lock; the result is kept with the run (a --since run moves no
  // checkpoint, so the graph is ahead of what validation compares with).
  if (st.ok() && !options.discard && options.since.empty() && pipeline.config().sync.validate_after_sync) {
    report.validation = ValidateAfterSync(pipeline, store);
  }
  for (const auto& t : report.tables) report.dead_letters += t.dead_letters;
  report.outcome = st.ok() ? "succeeded" : "failed";
  report.error = st.ok() ? "" : st.ToString();
  ICEGRAPH_RETURN_NOT_OK(store.EndRun(report.run_id, report.outcome, report.error, report.ToJson()));
  log::Event(st.ok() ? log::Level::kInfo : log::Level::kError, "sync_end",
             {{"run_id", report.run_id},
              {"outcome", report.outcome},
              {"seconds", report.seconds},
              {"dead_letters", report.dead_letters},
              {"error", report.error}});
  return report;
}

}  // namespace icegraph::engine

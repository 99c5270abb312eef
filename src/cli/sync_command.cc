// `icegraph sync|plan|schema|check|validate|dead-letters`: the pipeline commands, all driven by icegraph.yaml.
// Exit codes: 0 success; 1 the run failed (TigerGraph, IO); 2 bad config or usage; 3 the live schema differs from
// the mapping (check, sync); 4 the sync succeeded but left dead letters (only with --fail-on-dead-letters); 5 the
// graph does not match the tables at their checkpoints (validate, and sync with `sync.validate: after_sync`).
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <fmt/format.h>
#include <parquet/arrow/writer.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "common/log.h"
#include "engine/full_sync.h"
#include "engine/pipeline.h"
#include "engine/validate.h"
#include "iceberg/metadata_json.h"
#include "iceberg/scan.h"
#include "mapping/gsql_gen.h"
#include "mapping/schema_change.h"

namespace icegraph::cli {
namespace {

using json = nlohmann::json;

constexpr int kExitFailed = 1;
constexpr int kExitConfig = 2;
constexpr int kExitSchemaMismatch = 3;
constexpr int kExitDeadLetters = 4;
constexpr int kExitValidationMismatch = 5;

int Fail(const Status& st, int code) {
  std::cerr << "icegraph: " << st.ToString() << "\n";
  return code;
}

// A bad config is a usage error (2); anything else while opening (catalog down, missing table) a failure (1).
int FailOpen(const Status& st) { return Fail(st, st.code() == StatusCode::kInvalid ? kExitConfig : kExitFailed); }

Status InitCompute() {
  // Compute kernels register on first use since Arrow 21.
  if (const arrow::Status st = arrow::compute::Initialize(); !st.ok()) return Status::Internal(st.ToString());
  return Status::OK();
}

Result<std::unique_ptr<engine::Pipeline>> OpenPipeline(const std::string& config_flag) {
  ICEGRAPH_RETURN_NOT_OK(InitCompute());
  return engine::Pipeline::Open(engine::ResolveConfigPath(config_flag));
}

// Differences between the live schema and the mapping, printed; NotFound when the graph does not exist yet.
Result<std::vector<mapping::SchemaDifference>> LiveDifferences(const engine::Pipeline& p,
                                                               sink::TigerGraphClient& client) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto schema, client.GetSchema());
  return mapping::CheckSchema(p.plan(), schema.dump());
}

void PrintDifferences(const std::vector<mapping::SchemaDifference>& diffs) {
  for (const auto& d : diffs) std::cerr << "  - " << d.message << "\n";
}

// Runs a schema change job's statements; a failed run drops the job so the next apply starts clean.
Status RunSchemaChange(sink::TigerGraphClient& client, const std::string& graph,
                       const mapping::SchemaChangePlan& change) {
  for (size_t i = 0; i < change.jobs.size(); ++i) {
    const std::string scope = change.statements[i].rfind("USE GLOBAL", 0) == 0 ? "USE GLOBAL" : "USE GRAPH " + graph;
    // A job left behind by an interrupted apply would make CREATE fail; DROP fails when there is none (normal).
    (void)client.RunGsql(scope + "\nDROP JOB " + change.jobs[i]);
    auto out = client.RunGsql(change.statements[i]);
    if (!out.ok()) {
      (void)client.RunGsql(scope + "\nDROP JOB " + change.jobs[i]);
      return out.status().WithContext("running schema change job " + change.jobs[i] + " on graph " + graph);
    }
    std::cout << *out << "\n";
  }
  return Status::OK();
}

int Schema(const std::string& config, bool apply, bool dry_run) {
  auto p = OpenPipeline(config);
  if (!p.ok()) return FailOpen(p.status());
  const mapping::MappingPlan& plan = (*p)->plan();
  const std::string ddl = mapping::GenerateSchemaDdl(plan);
  if (!apply && !dry_run) {
    std::cout << ddl << "\n" << mapping::GenerateLoadingJobs(plan) << mapping::GenerateDeleteJobs(plan);
    return 0;
  }
  auto client = (*p)->Connect();
  if (!client.ok()) return FailOpen(client.status());
  auto live = (*client)->GetSchema();
  if (!live.ok() && live.status().code() != StatusCode::kNotFound) {
    return Fail(live.status().WithContext("reading the live schema of graph " + (*p)->name()), kExitFailed);
  }
  if (!live.ok()) {
    // No graph yet: create every type and the graph.
    if (dry_run) {
      std::cout << "# graph " << (*p)->name() << " does not exist: --apply creates its types and the graph\n" << ddl;
      return 0;
    }
    auto out = (*client)->RunGsql(ddl);
    if (!out.ok()) return Fail(out.status(), kExitFailed);
    std::cout << *out << "\n";
  } else {
    auto change = mapping::PlanSchemaChange(plan, live->dump());
    if (!change.ok()) return Fail(change.status().WithContext("comparing graph " + (*p)->name()), kExitFailed);
    if (!change->incompatible.empty()) {
      std::cerr << "icegraph: graph " << (*p)->name()
                << " has types whose definition differs from the mapping; a schema change job only adds missing "
                   "types and attributes, so nothing was changed:\n";
      PrintDifferences(change->incompatible);
      return kExitSchemaMismatch;
    }
    if (dry_run) {
      if (change->statements.empty()) {
        std::cout << "# graph " << (*p)->name() << " has every type and attribute of the mapping: nothing to add\n";
      } else {
        std::cout << "# graph " << (*p)->name() << " exists: --apply adds what it lacks with\n" << change->Text();
      }
      return 0;
    }
    if (Status st = RunSchemaChange(**client, (*p)->name(), *change); !st.ok()) return Fail(st, kExitFailed);
  }
  // Loading job VALUES follow the live attribute order (added attributes come last, others may exist).
  auto after = (*client)->GetSchema();
  if (!after.ok()) return Fail(after.status().WithContext("reading the schema of graph " + (*p)->name()), kExitFailed);
  auto order = mapping::LiveAttributeOrder(after->dump());
  if (!order.ok()) return Fail(order.status(), kExitFailed);
  // Loading jobs are icegraph's own: replaced on every apply so they always match the mapping.
  for (const auto& t : plan.tables()) {
    for (const bool del : {false, true}) {
      const std::string name = del ? mapping::DeleteJobName(t.table()) : mapping::LoadingJobName(t.table());
      // DROP fails when the job does not exist yet, which is the normal first run.
      (void)(*client)->RunGsql("USE GRAPH " + (*p)->name() + "\nDROP JOB " + name);
      const std::string job = del ? mapping::GenerateDeleteJob(plan, t) : mapping::GenerateLoadingJob(plan, t, &*order);
      auto out = (*client)->RunGsql("USE GRAPH " + (*p)->name() + "\n" + job);
      if (!out.ok()) return Fail(out.status(), kExitFailed);
      std::cout << *out << "\n";
    }
  }
  return 0;
}

int Check(const std::string& config) {
  auto p = OpenPipeline(config);
  if (!p.ok()) return FailOpen(p.status());
  auto client = (*p)->Connect();
  if (!client.ok()) return FailOpen(client.status());
  auto diffs = LiveDifferences(**p, **client);
  if (!diffs.ok())
    return Fail(diffs.status(), diffs.status().code() == StatusCode::kNotFound ? kExitSchemaMismatch : kExitFailed);
  if (!diffs->empty()) {
    std::cerr << "icegraph: the schema of graph " << (*p)->name() << " differs from the mapping:\n";
    PrintDifferences(*diffs);
    return kExitSchemaMismatch;
  }
  std::cout << "schema of graph " << (*p)->name() << " matches the mapping (" << (*p)->plan().vertex_types().size()
            << " vertex types, " << (*p)->plan().edge_types().size() << " edge types)\n";
  return 0;
}

int Plan(const std::string& config, bool as_json) {
  auto p = OpenPipeline(config);
  if (!p.ok()) return FailOpen(p.status());
  json out = json::array();
  for (const auto& t : (*p)->tables()) {
    json j = {{"table", t.name}, {"snapshot_id", t.snapshot_id() ? json(*t.snapshot_id()) : json(nullptr)}};
    int64_t files = 0, rows = 0, bytes = 0, deletes = 0;
    if (t.snapshot_id()) {
      iceberg::ScanOptions so;
      so.snapshot_id = t.snapshot_id();
      so.field_ids = t.plan->projection();
      so.filter = t.plan->pushed_filter();
      auto tasks = iceberg::PlanScan(*t.io, t.metadata, so);
      if (!tasks.ok()) return Fail(tasks.status(), kExitFailed);
      for (const auto& task : *tasks) {
        ++files;
        rows += task.data_file.record_count;
        bytes += task.data_file.file_size_in_bytes;
        deletes += static_cast<int64_t>(task.position_deletes.size() + task.equality_deletes.size());
      }
    }
    j["files"] = files;
    j["rows"] = rows;
    j["bytes"] = bytes;
    j["delete_files"] = deletes;
    j["vertex_types"] = json::array();
    for (const auto& v : t.plan->vertices()) j["vertex_types"].push_back(v.type);
    j["edge_types"] = json::array();
    for (const auto& e : t.plan->edges()) j["edge_types"].push_back(e.type);
    out.push_back(j);
  }
  if (as_json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-28s %20s %7s %12s %12s  %s\n", "table", "snapshot", "files", "rows", "bytes", "writes");
  for (const auto& j : out) {
    std::string writes;
    for (const auto& v : j["vertex_types"]) writes += "vertex " + v.get<std::string>() + "  ";
    for (const auto& e : j["edge_types"]) writes += "edge " + e.get<std::string>() + "  ";
    std::printf("%-28s %20s %7lld %12lld %12lld  %s\n", j["table"].get<std::string>().c_str(),
                j["snapshot_id"].is_null() ? "-" : std::to_string(j["snapshot_id"].get<int64_t>()).c_str(),
                static_cast<long long>(j["files"].get<int64_t>()), static_cast<long long>(j["rows"].get<int64_t>()),
                static_cast<long long>(j["bytes"].get<int64_t>()), writes.c_str());
  }
  return 0;
}

void PrintSummary(const engine::SyncReport& r) {
  std::printf("\nrun %lld %s in %.2f s\n\n", static_cast<long long>(r.run_id), r.outcome.c_str(), r.seconds);
  std::printf("%-24s %-11s %20s %9s %7s %12s %12s\n", "table", "mode", "snapshot", "snapshots", "files", "rows read",
              "dead letters");
  for (const auto& t : r.tables) {
    std::printf("%-24s %-11s %20lld %9lld %7lld %12lld %12lld\n", t.table.c_str(), t.mode.c_str(),
                static_cast<long long>(t.snapshot_id), static_cast<long long>(t.snapshots_applied),
                static_cast<long long>(t.files), static_cast<long long>(t.rows_read),
                static_cast<long long>(t.dead_letters));
  }
  std::printf("\n%-24s %-7s %12s %12s %12s %12s\n", "type", "kind", "sent", "accepted", "rejected", "deleted");
  for (const auto& [name, t] : r.types) {
    std::printf("%-24s %-7s %12lld %12lld %12lld %12lld\n", name.c_str(), t.is_edge ? "edge" : "vertex",
                static_cast<long long>(t.sent), static_cast<long long>(t.accepted), static_cast<long long>(t.rejected),
                static_cast<long long>(t.deleted));
  }
  std::printf("\n%lld requests, %.1f MB, %lld rows by loading job, %lld by upsert, %lld dead letters\n",
              static_cast<long long>(r.requests), static_cast<double>(r.bytes) / 1e6,
              static_cast<long long>(r.bulk_rows), static_cast<long long>(r.upsert_rows),
              static_cast<long long>(r.dead_letters));
  if (r.retries > 0) {
    std::string reasons;
    for (const auto& [why, n] : r.retry_reasons) reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", n, why);
    std::printf("%lld retries (%s), %lld concurrency cuts\n", static_cast<long long>(r.retries), reasons.c_str(),
                static_cast<long long>(r.concurrency_cuts));
  }
  if (!r.error.empty()) std::printf("error: %s\n", r.error.c_str());
  if (r.validation.is_object()) {
    std::printf("validation: %s\n", r.validation.contains("error")    ? r.validation["error"].dump().c_str()
                                    : r.validation.value("ok", false) ? "graph matches the tables"
                                                                      : "MISMATCH (icegraph history --json)");
  }
}

// `sync --dry-run`: what a full sync would delete, one element a line.
void PrintDryRun(const engine::SyncReport& r) {
  if (r.reconcile.is_null()) return;
  const auto& el = r.reconcile["elements"];
  for (const auto& [type, ids] : el["vertices"].items()) {
    for (const auto& id : ids) std::cout << "delete vertex " << type << " " << id.get<std::string>() << "\n";
  }
  for (const auto& [type, edges] : el["edges"].items()) {
    for (const auto& e : edges) {
      std::cout << "delete edge " << type << " " << e["from"].get<std::string>() << " -> "
                << e["to"].get<std::string>();
      if (e.contains("discriminator")) std::cout << " " << e["discriminator"].dump();
      std::cout << "\n";
    }
  }
  std::cout << r.reconcile["unproduced"].get<int64_t>() << " element(s) no row produces\n";
}

struct SyncArgs {
  std::string config;
  bool full = false;
  bool json_out = false;
  bool fail_on_dead_letters = false;
  bool skip_check = false;
  bool discard = false;
  bool dry_run = false;
  int threads = 0;
  int64_t lock_wait_s = 0;
  std::string since;
};

int Sync(const SyncArgs& a) {
  auto p = OpenPipeline(a.config);
  if (!p.ok()) return FailOpen(p.status());
  if (!a.skip_check && !a.discard && !a.dry_run) {
    auto client = (*p)->Connect();
    if (!client.ok()) return FailOpen(client.status());
    auto diffs = LiveDifferences(**p, **client);
    if (!diffs.ok()) return Fail(diffs.status().WithContext("checking the live schema"), kExitFailed);
    if (!diffs->empty()) {
      std::cerr << "icegraph: refusing to sync: the schema of graph " << (*p)->name()
                << " differs from the mapping (run `icegraph schema --apply` or change the mapping):\n";
      PrintDifferences(*diffs);
      return kExitSchemaMismatch;
    }
  }
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  engine::SyncOptions options;
  options.threads = a.threads;
  options.kind = a.discard ? "discard" : !a.since.empty() ? "since" : (a.full ? "full" : "incremental");
  options.since = a.since;
  options.discard = a.discard || a.dry_run;
  options.full = a.full || a.dry_run;
  options.dry_run = a.dry_run;
  if (a.dry_run) options.kind = "dry_run";
  options.lock_wait_ms = a.lock_wait_s * 1000;
  const bool tty = isatty(STDERR_FILENO) != 0;
  options.on_progress = [tty](const engine::SyncProgress& pr) {
    const double rate = pr.seconds > 0 ? static_cast<double>(pr.rows_read) / pr.seconds : 0;
    if (tty) {
      std::fprintf(stderr, "\r%-8s files %lld/%lld  rows read %lld  written %lld  %.0f rows/s   ", pr.phase.c_str(),
                   static_cast<long long>(pr.files_done), static_cast<long long>(pr.files_total),
                   static_cast<long long>(pr.rows_read), static_cast<long long>(pr.rows_written), rate);
    } else {
      log::Info("sync_progress", {{"phase", pr.phase},
                                  {"files_done", pr.files_done},
                                  {"files_total", pr.files_total},
                                  {"rows_read", pr.rows_read},
                                  {"rows_written", pr.rows_written},
                                  {"rows_per_s", static_cast<int64_t>(rate)}});
    }
  };
  auto report = engine::RunSync(**p, **store, options);
  if (tty) std::fprintf(stderr, "\n");
  if (!report.ok()) return Fail(report.status(), kExitFailed);
  if (a.json_out) {
    std::cout << report->ToJson().dump(2) << "\n";
  } else if (a.dry_run) {
    PrintDryRun(*report);
  } else {
    PrintSummary(*report);
  }
  if (report->outcome != "succeeded") return kExitFailed;
  if (report->validation.is_object()) {
    if (report->validation.contains("error")) return kExitFailed;
    if (!report->validation.value("ok", false)) return kExitValidationMismatch;
  }
  if (a.fail_on_dead_letters && report->dead_letters > 0) return kExitDeadLetters;
  return 0;
}

struct ValidateArgs {
  std::string config;
  int64_t sample = 100;
  uint64_t seed = 1;
  bool json_out = false;
};

int ValidateGraph(const ValidateArgs& a) {
  auto p = OpenPipeline(a.config);
  if (!p.ok()) return FailOpen(p.status());
  auto client = (*p)->Connect();
  if (!client.ok()) return FailOpen(client.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  // A sync in flight would move the graph and the checkpoints under the comparison.
  auto lock = (*store)->LockPipeline((*p)->name(), 0);
  if (!lock.ok()) return Fail(lock.status(), kExitFailed);
  engine::ValidateOptions options;
  options.sample = a.sample;
  options.seed = a.seed;
  auto report = engine::Validate(**p, **store, **client, options);
  if (!report.ok()) return Fail(report.status(), kExitFailed);
  if (a.json_out) {
    std::cout << report->ToJson().dump(2) << "\n";
  } else {
    std::cout << report->ToTable();
  }
  return report->ok ? 0 : kExitValidationMismatch;
}

struct DeadLetterArgs {
  std::string config;
  std::string format = "table";
  std::string output;
  int64_t run_id = 0;
  int64_t limit = 0;
};

Status WriteParquet(const std::vector<state::DeadLetterRecord>& all, const std::string& path) {
  arrow::Int64Builder id, run, snap, created;
  arrow::StringBuilder table, mapping, key, code, message, row;
  for (const auto& r : all) {
    (void)id.Append(r.id);
    (void)run.Append(r.run_id);
    (void)snap.Append(r.snapshot_id);
    (void)created.Append(r.created_ms);
    (void)table.Append(r.source_table);
    (void)mapping.Append(r.letter.mapping);
    (void)key.Append(r.letter.row_key);
    (void)code.Append(r.letter.reason_code);
    (void)message.Append(r.letter.message);
    (void)row.Append(r.letter.row_json);
  }
  std::vector<std::shared_ptr<arrow::Array>> cols(10);
  arrow::ArrayBuilder* builders[] = {&id, &run, &table, &snap, &mapping, &key, &code, &message, &row, &created};
  for (size_t i = 0; i < cols.size(); ++i) {
    if (const arrow::Status st = builders[i]->Finish(&cols[i]); !st.ok()) return Status::Internal(st.ToString());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("run_id", arrow::int64()),
                               arrow::field("source_table", arrow::utf8()), arrow::field("snapshot_id", arrow::int64()),
                               arrow::field("mapping", arrow::utf8()), arrow::field("row_key", arrow::utf8()),
                               arrow::field("reason_code", arrow::utf8()), arrow::field("message", arrow::utf8()),
                               arrow::field("row_json", arrow::utf8()), arrow::field("created_ms", arrow::int64())});
  auto out = arrow::io::FileOutputStream::Open(path);
  if (!out.ok()) return Status::IOError("cannot write " + path + ": " + out.status().ToString());
  const arrow::Status st =
      parquet::arrow::WriteTable(*arrow::Table::Make(schema, cols), arrow::default_memory_pool(), *out, 64 * 1024);
  if (!st.ok()) return Status::IOError("writing " + path + ": " + st.ToString());
  if (const arrow::Status c = (*out)->Close(); !c.ok()) return Status::IOError(c.ToString());
  return Status::OK();
}

int DeadLetters(const DeadLetterArgs& a) {
  auto config = mapping::LoadConfig(engine::ResolveConfigPath(a.config));
  if (!config.ok()) return Fail(config.status(), kExitConfig);
  // The state database alone: listing dead letters must work while the catalog or TigerGraph is down.
  auto p = engine::OpenStateStore(*config);
  if (!p.ok()) return Fail(p.status(), kExitFailed);
  state::DeadLetterQuery q;
  if (a.run_id > 0) q.run_id = a.run_id;
  std::vector<state::DeadLetterRecord> all;
  while (true) {
    auto page = (*p)->ListDeadLetters(q);
    if (!page.ok()) return Fail(page.status(), kExitFailed);
    if (page->empty()) break;
    q.after_id = page->back().id;
    for (auto& r : *page) all.push_back(std::move(r));
    if (a.limit > 0 && static_cast<int64_t>(all.size()) >= a.limit) {
      all.resize(static_cast<size_t>(a.limit));
      break;
    }
  }
  if (a.format == "parquet") {
    if (a.output.empty()) return Fail(Status::Invalid("--export parquet needs --output FILE"), kExitConfig);
    const Status st = WriteParquet(all, a.output);
    if (!st.ok()) return Fail(st, kExitFailed);
    std::cerr << "wrote " << all.size() << " dead letters to " << a.output << "\n";
    return 0;
  }
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(Status::IOError("cannot write " + a.output), kExitFailed);
  }
  std::ostream& out = a.output.empty() ? std::cout : file;
  if (a.format == "jsonl") {
    for (const auto& r : all) out << r.ToJson().dump() << "\n";
    return 0;
  }
  out << fmt::format("{:>6} {:>5} {:<22} {:<30} {:<16} {:<14} {}\n", "id", "run", "table", "mapping", "key", "reason",
                     "message");
  for (const auto& r : all) {
    out << fmt::format("{:>6} {:>5} {:<22} {:<30} {:<16} {:<14} {}\n", r.id, r.run_id, r.source_table, r.letter.mapping,
                       r.letter.row_key, r.letter.reason_code, r.letter.message);
  }
  return 0;
}

int Status_(const std::string& config, bool as_json) {
  auto p = OpenPipeline(config);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto runs = (*store)->ListRuns(1);
  if (!runs.ok()) return Fail(runs.status(), kExitFailed);
  json out = json::array();
  const int64_t now = state::NowMs();
  for (const auto& t : (*p)->tables()) {
    auto cp = (*store)->GetCheckpoint((*p)->name(), t.name);
    if (!cp.ok()) return Fail(cp.status(), kExitFailed);
    json j = {{"table", t.name},
              {"current_snapshot_id", t.snapshot_id() ? json(*t.snapshot_id()) : json(nullptr)},
              {"checkpoint_snapshot_id", *cp ? json((*cp)->snapshot_id) : json(nullptr)}};
    const engine::SnapshotLag lag = engine::LagOf(t, *cp, now);
    if (lag.gap) j["gap"] = *lag.gap;
    j["snapshots_behind"] = lag.snapshots;
    j["seconds_behind"] = lag.seconds;
    j["checkpoint_updated_ms"] = *cp ? json((*cp)->updated_ms) : json(nullptr);
    out.push_back(j);
  }
  json last = runs->empty() ? json(nullptr)
                            : json{{"run_id", (*runs)[0].id},
                                   {"kind", (*runs)[0].kind},
                                   {"outcome", (*runs)[0].outcome},
                                   {"started_ms", (*runs)[0].started_ms},
                                   {"ended_ms", (*runs)[0].ended_ms}};
  if (as_json) {
    std::cout << json{{"pipeline", (*p)->name()}, {"tables", out}, {"last_run", last}}.dump(2) << "\n";
    return 0;
  }
  std::printf("%-24s %20s %20s %9s %9s\n", "table", "checkpoint", "current", "behind", "seconds");
  for (const auto& j : out) {
    auto id = [](const json& v) { return v.is_null() ? std::string("-") : std::to_string(v.get<int64_t>()); };
    std::printf("%-24s %20s %20s %9lld %9lld%s\n", j["table"].get<std::string>().c_str(),
                id(j["checkpoint_snapshot_id"]).c_str(), id(j["current_snapshot_id"]).c_str(),
                static_cast<long long>(j["snapshots_behind"].get<int64_t>()),
                static_cast<long long>(j["seconds_behind"].get<int64_t>()),
                j.contains("gap") ? ("  gap: " + j["gap"].get<std::string>()).c_str() : "");
  }
  if (!last.is_null()) {
    std::printf("\nlast run %lld: %s %s\n", static_cast<long long>(last["run_id"].get<int64_t>()),
                last["kind"].get<std::string>().c_str(), last["outcome"].get<std::string>().c_str());
  }
  return 0;
}

int History(const std::string& config, int64_t limit, bool as_json) {
  auto cfg = mapping::LoadConfig(engine::ResolveConfigPath(config));
  if (!cfg.ok()) return Fail(cfg.status(), kExitConfig);
  auto store = engine::OpenStateStore(*cfg);
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto runs = (*store)->ListRuns(limit);
  if (!runs.ok()) return Fail(runs.status(), kExitFailed);
  for (const auto& r : *runs) {
    if (as_json) {
      std::cout << json{{"run_id", r.id},       {"pipeline", r.pipeline},     {"kind", r.kind},
                        {"outcome", r.outcome}, {"started_ms", r.started_ms}, {"ended_ms", r.ended_ms},
                        {"error", r.error},     {"counts", r.counts}}
                       .dump()
                << "\n";
    } else {
      std::printf("%6lld  %-12s %-10s %8.2fs  %s\n", static_cast<long long>(r.id), r.kind.c_str(), r.outcome.c_str(),
                  r.ended_ms > 0 ? static_cast<double>(r.ended_ms - r.started_ms) / 1000.0 : 0.0, r.error.c_str());
    }
  }
  return 0;
}

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

// Parses "5s", "500ms", "2m" or plain seconds.
std::optional<int64_t> ParseIntervalMs(const std::string& text) {
  size_t pos = 0;
  int64_t n = 0;
  try {
    n = std::stoll(text, &pos);
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = text.substr(pos);
  if (unit.empty() || unit == "s") return n * 1000;
  if (unit == "ms") return n;
  if (unit == "m") return n * 60000;
  return std::nullopt;
}

int Watch(const SyncArgs& a, const std::string& interval, int64_t max_runs) {
  const auto ms = ParseIntervalMs(interval);
  if (!ms || *ms <= 0)
    return Fail(Status::Invalid("--interval '" + interval + "' is not like 5s, 500ms or 2m"), kExitConfig);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  int64_t runs = 0;
  while (!g_stop) {
    // Reopened every round: the catalog is polled for new snapshots, and a changed config is picked up.
    const int code = Sync(a);
    ++runs;
    if (code != 0 && code != kExitDeadLetters) log::Warn("watch_sync_failed", {{"exit_code", code}});
    if (code == kExitConfig || code == kExitSchemaMismatch) return code;
    if (max_runs > 0 && runs >= max_runs) break;
    // Sleep in small steps so SIGINT/SIGTERM end the wait promptly; a sync in flight always finishes first.
    for (int64_t slept = 0; slept < *ms && !g_stop; slept += 100) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(100, *ms - slept)));
    }
  }
  log::Info("watch_stopped", {{"runs", runs}});
  return 0;
}

void AddConfigOption(CLI::App* cmd, std::string* config) {
  cmd->add_option("--config,-c", *config, "icegraph.yaml (default: $ICEGRAPH_CONFIG, else ./icegraph.yaml)");
}

}  // namespace

void AddSyncCommands(CLI::App& app, int* exit_code) {
  auto sync = std::make_shared<SyncArgs>();
  CLI::App* s = app.add_subcommand("sync", "Sync the mapped Iceberg tables into TigerGraph");
  AddConfigOption(s, &sync->config);
  s->add_flag("--full", sync->full, "Read every table in full, even where a checkpoint exists");
  s->add_option("--lock-wait", sync->lock_wait_s, "Seconds to wait for another worker's lock on the pipeline");
  s->add_option("--since", sync->since,
                "Micro-batch: only rows whose sync.updated_at_column is later than this UTC time "
                "(YYYY-MM-DDTHH:MM:SS); sees no deletes and moves no checkpoint (the weaker mode)");
  s->add_flag("--json", sync->json_out, "Print the run report as JSON instead of tables");
  s->add_flag("--fail-on-dead-letters", sync->fail_on_dead_letters, "Exit 4 when the run left dead letters");
  s->add_flag("--skip-check", sync->skip_check, "Do not compare the live schema with the mapping first");
  s->add_option("--threads", sync->threads, "Scan and transform threads (default: one per core)");
  s->add_flag("--discard", sync->discard,
              "Read, map and serialise everything but send nothing and move no checkpoint (measures icegraph alone)");
  s->add_flag("--dry-run", sync->dry_run,
              "Read every table as --full does but write nothing: list the vertices and edges TigerGraph holds that "
              "no row produces (what --full would delete)");
  s->callback([sync, exit_code] { *exit_code = Sync(*sync); });

  auto va = std::make_shared<ValidateArgs>();
  CLI::App* v = app.add_subcommand(
      "validate",
      "Compare the graph with the tables at their checkpoints: counts, sampled attributes (exit 5 if differ)");
  AddConfigOption(v, &va->config);
  v->add_option("--sample", va->sample, "Keys per type whose attributes are compared")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  v->add_option("--seed", va->seed, "Picks the sampled keys")->capture_default_str();
  v->add_flag("--json", va->json_out, "Print the report as JSON");
  v->callback([va, exit_code] { *exit_code = ValidateGraph(*va); });

  auto plan_config = std::make_shared<std::string>();
  auto plan_json = std::make_shared<bool>(false);
  CLI::App* pl =
      app.add_subcommand("plan", "Dry run: the files, rows and bytes a sync would read, the types it writes");
  AddConfigOption(pl, plan_config.get());
  pl->add_flag("--json", *plan_json, "Print JSON");
  pl->callback([plan_config, plan_json, exit_code] { *exit_code = Plan(*plan_config, *plan_json); });

  auto schema_config = std::make_shared<std::string>();
  auto apply = std::make_shared<bool>(false);
  CLI::App* sc = app.add_subcommand("schema", "Print (or --apply) the GSQL schema and loading jobs of the mapping");
  AddConfigOption(sc, schema_config.get());
  auto dry_run = std::make_shared<bool>(false);
  sc->add_flag("--apply", *apply,
               "Create the graph, or add the types and attributes it lacks with a schema change job; then (re)create "
               "the loading jobs. Refused (exit 3) when a type exists with another definition");
  sc->add_flag("--dry-run", *dry_run,
               "Compare with the live graph and print the GSQL --apply would run; change nothing");
  sc->callback([schema_config, apply, dry_run, exit_code] { *exit_code = Schema(*schema_config, *apply, *dry_run); });

  auto check_config = std::make_shared<std::string>();
  CLI::App* ck = app.add_subcommand("check", "Compare the live TigerGraph schema with the mapping (exit 3 if differ)");
  AddConfigOption(ck, check_config.get());
  ck->callback([check_config, exit_code] { *exit_code = Check(*check_config); });

  auto st_config = std::make_shared<std::string>();
  auto st_json = std::make_shared<bool>(false);
  CLI::App* st =
      app.add_subcommand("status", "Per table: checkpoint vs current snapshot, snapshots and seconds behind");
  AddConfigOption(st, st_config.get());
  st->add_flag("--json", *st_json, "Print JSON");
  st->callback([st_config, st_json, exit_code] { *exit_code = Status_(*st_config, *st_json); });

  auto hi_config = std::make_shared<std::string>();
  auto hi_limit = std::make_shared<int64_t>(20);
  auto hi_json = std::make_shared<bool>(false);
  CLI::App* hi = app.add_subcommand("history", "The last sync runs with their outcome");
  AddConfigOption(hi, hi_config.get());
  hi->add_option("--limit", *hi_limit, "How many runs")->capture_default_str();
  hi->add_flag("--json", *hi_json, "One JSON object per run, with its counts");
  hi->callback([hi_config, hi_limit, hi_json, exit_code] { *exit_code = History(*hi_config, *hi_limit, *hi_json); });

  auto watch = std::make_shared<SyncArgs>();
  auto interval = std::make_shared<std::string>("5s");
  auto max_runs = std::make_shared<int64_t>(0);
  CLI::App* w = app.add_subcommand("watch", "Poll the catalog and apply each new snapshot until SIGINT/SIGTERM");
  AddConfigOption(w, &watch->config);
  w->add_option("--interval", *interval, "Time between polls: 5s, 500ms, 2m")->capture_default_str();
  w->add_option("--max-runs", *max_runs, "Stop after this many syncs (0: never)");
  w->add_option("--lock-wait", watch->lock_wait_s, "Seconds to wait for another worker's lock on the pipeline");
  w->callback([watch, interval, max_runs, exit_code] { *exit_code = Watch(*watch, *interval, *max_runs); });

  auto dl = std::make_shared<DeadLetterArgs>();
  CLI::App* d = app.add_subcommand("dead-letters", "List or export the rows that could not be written");
  AddConfigOption(d, &dl->config);
  d->add_option("--export", dl->format, "table (default), jsonl or parquet")
      ->check(CLI::IsMember({"table", "jsonl", "parquet"}));
  d->add_option("--output,-o", dl->output, "Write to this file instead of stdout (required for parquet)");
  d->add_option("--run", dl->run_id, "Only this run's dead letters");
  d->add_option("--limit", dl->limit, "At most this many");
  d->callback([dl, exit_code] { *exit_code = DeadLetters(*dl); });
}

}  // namespace icegraph::cli

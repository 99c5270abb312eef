// `icegraph sync|validate|watch`, and the registration of every pipeline command (all driven by icegraph.yaml; schema,
// check and plan are schema_command.cc, status, history and dead-letters state_command.cc).
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
#include "cli/pipeline_commands.h"
#include "common/log.h"
#include "config/config.h"
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

Status InitCompute() {
  // Compute kernels register on first use since Arrow 21.
  if (const arrow::Status st = arrow::compute::Initialize(); !st.ok()) return Status::Internal(st.ToString());
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<engine::Pipeline>> OpenPipeline(const std::string& config_flag) {
  ICEGRAPH_RETURN_NOT_OK(InitCompute());
  ICEGRAPH_ASSIGN_OR_RAISE(config::Config config, config::LoadConfig(engine::ResolveConfigPath(config_flag)));
  return engine::Pipeline::Open(std::move(config.pipeline));
}

namespace {

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

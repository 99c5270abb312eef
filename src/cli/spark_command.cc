// `icegraph spark plan|run-task|record|commit|abort|ledger`: the steps the Spark engine (python/icegraph/spark.py) runs
// on the driver and on executors, one process each, JSON lines on stdin and stdout (docs/spark.md). Not meant to be
// typed by hand; hidden from `icegraph --help`.
#include <arrow/compute/api.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/pipeline_commands.h"
#include "config/config.h"
#include "engine/spark.h"

namespace icegraph::cli {
namespace {

using json = nlohmann::json;

struct SparkArgs {
  std::string config;
  std::string error;
  bool full = false;
  bool discard = false;
  bool discard_ledger = false;
  int concurrency = 0;
};

// Opens the pipeline; `concurrency` > 0 replaces tigergraph.concurrency (an executor's share of the writes).
Result<std::unique_ptr<engine::Pipeline>> Open(const SparkArgs& a, int concurrency = 0) {
  if (const arrow::Status st = arrow::compute::Initialize(); !st.ok()) return Status::Internal(st.ToString());
  ICEGRAPH_ASSIGN_OR_RAISE(auto config, config::LoadConfig(engine::ResolveConfigPath(a.config)));
  if (concurrency > 0) config.pipeline.tigergraph.concurrency = concurrency;
  return engine::Pipeline::Open(std::move(config.pipeline));
}

int ExitOf(const Status& st) { return st.code() == StatusCode::kInvalid ? kExitConfig : kExitFailed; }

Result<std::vector<json>> ReadJsonLines(std::istream& in) {
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Status::Invalid("stdin holds a line that is not JSON: " + line.substr(0, 200));
    out.push_back(std::move(j));
  }
  return out;
}

int Plan(const SparkArgs& a) {
  auto p = Open(a);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto plan = engine::PlanSparkRun(**p, **store, {a.full, a.discard});
  if (!plan.ok()) return Fail(plan.status(), ExitOf(plan.status()));
  std::cout << plan->run.dump() << "\n";
  for (const auto& t : plan->pending) std::cout << t.dump() << "\n";
  return 0;
}

int RunTask(const SparkArgs& a) {
  auto tasks = ReadJsonLines(std::cin);
  if (!tasks.ok()) return Fail(tasks.status(), kExitConfig);
  auto p = Open(a, a.concurrency);
  if (!p.ok()) return FailOpen(p.status());
  int code = 0;
  for (const auto& task : *tasks) {
    auto r = engine::RunSparkTask(**p, task, {a.discard});
    if (r.ok()) {
      std::cout << r->dump() << std::endl;
      continue;
    }
    std::cout << json{{"id", task.value("id", "")}, {"ok", false}, {"error", r.status().ToString()}}.dump()
              << std::endl;
    std::cerr << "icegraph: task " << task.value("id", "") << ": " << r.status().ToString() << "\n";
    code = kExitFailed;
    break;  // the executor fails the Spark task; Spark runs it again
  }
  return code;
}

int Record(const SparkArgs& a) {
  auto results = ReadJsonLines(std::cin);
  if (!results.ok()) return Fail(results.status(), kExitConfig);
  auto p = Open(a);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto added = engine::RecordSparkResults(**store, (*p)->name(), *results);
  if (!added.ok()) return Fail(added.status(), ExitOf(added.status()));
  std::cout << json{{"recorded", *added}}.dump() << "\n";
  return 0;
}

int Commit(const SparkArgs& a) {
  auto p = Open(a);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto report = engine::CommitSparkRun(**p, **store);
  if (!report.ok()) return Fail(report.status(), ExitOf(report.status()));
  std::cout << report->ToJson().dump() << "\n";
  if (report->outcome != "succeeded") return kExitFailed;
  if (report->validation.is_object() && !report->validation.value("ok", false)) return kExitValidationMismatch;
  return 0;
}

int Abort(const SparkArgs& a) {
  auto p = Open(a);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  // A ledger that is not valid JSON cannot be read to end its run: --discard-ledger removes it all the same.
  Status st = a.discard_ledger ? Status::OK() : engine::AbortSparkRun(**store, (*p)->name(), a.error);
  if (st.ok() && a.discard_ledger) st = (*store)->DeleteSparkLedger((*p)->name());
  return st.ok() ? 0 : Fail(st, kExitFailed);
}

// Prints the pipeline's open ledger (`null` when none): what a rerun would resume.
int Ledger(const SparkArgs& a) {
  auto p = Open(a);
  if (!p.ok()) return FailOpen(p.status());
  auto store = (*p)->OpenState();
  if (!store.ok()) return Fail(store.status(), kExitFailed);
  auto ledger = engine::ReadSparkLedger(**store, (*p)->name());
  if (!ledger.ok()) return Fail(ledger.status(), ExitOf(ledger.status()));
  std::cout << (*ledger ? ledger->value().dump() : "null") << "\n";
  return 0;
}

}  // namespace

void AddSparkCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SparkArgs>();
  CLI::App* s = app.add_subcommand("spark", "");  // hidden: the Spark engine's steps (docs/spark.md)
  s->group("");
  s->require_subcommand(1);
  auto common = [&](CLI::App* c) {
    c->add_option("--config", args->config, "icegraph.yaml (default $ICEGRAPH_CONFIG or ./icegraph.yaml)");
  };
  CLI::App* plan = s->add_subcommand("plan", "Driver: plan or resume a run; prints the run, then pending tasks");
  common(plan);
  plan->add_flag("--full", args->full, "Read every table in full");
  plan->add_flag("--discard", args->discard, "Executors send nothing; no checkpoint moves");
  plan->callback([args, exit_code] { *exit_code = Plan(*args); });
  CLI::App* task = s->add_subcommand("run-task", "Executor: run the tasks on stdin; prints one result per task");
  common(task);
  task->add_flag("--discard", args->discard, "Map and serialise, send nothing");
  task->add_option("--concurrency", args->concurrency, "Requests in flight of this task (default: the config's)");
  task->callback([args, exit_code] { *exit_code = RunTask(*args); });
  CLI::App* record = s->add_subcommand("record", "Driver: add the finished tasks' results on stdin to the ledger");
  common(record);
  record->callback([args, exit_code] { *exit_code = Record(*args); });
  CLI::App* commit = s->add_subcommand("commit", "Driver: record the run, dead letters and checkpoints");
  common(commit);
  commit->callback([args, exit_code] { *exit_code = Commit(*args); });
  CLI::App* abort = s->add_subcommand("abort", "Driver: end the ledger's run as failed (the ledger stays)");
  common(abort);
  abort->add_option("--error", args->error, "Why the run failed");
  abort->add_flag("--discard-ledger", args->discard_ledger, "Remove the ledger too (a rerun then plans anew)");
  abort->callback([args, exit_code] { *exit_code = Abort(*args); });
  CLI::App* ledger = s->add_subcommand("ledger", "Print the open task ledger kept in the state database (null: none)");
  common(ledger);
  ledger->callback([args, exit_code] { *exit_code = Ledger(*args); });
}

}  // namespace icegraph::cli

// The Spark driver's planning and its task ledger: JSON kept in the state database beside the run it belongs to,
// replaced whole in one statement, so a driver killed at any point leaves the ledger before or after a step.
#include <fmt/format.h>

#include <set>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/held_keys.h"
#include "engine/spark.h"
#include "engine/sync_internal.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;

Result<std::optional<json>> ReadLedger(state::StateStore& store, const std::string& pipeline) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto text, store.GetSparkLedger(pipeline));
  if (!text) return std::optional<json>();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Invalid("the Spark task ledger of pipeline " + pipeline +
                           " in the state database is not valid JSON; `icegraph spark abort --discard-ledger` "
                           "removes it");
  }
  return std::optional<json>(std::move(j));
}

Status WriteLedger(state::StateStore& store, const std::string& pipeline, const json& ledger) {
  return store.PutSparkLedger(pipeline, ledger.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A ledger can be resumed when it plans the same mode and mappings of the same pipeline.
bool Resumable(const json& ledger, const Pipeline& p, const SparkPlanOptions& o) {
  if (ledger.value("pipeline", "") != p.name() || ledger.value("full", false) != o.full ||
      ledger.value("discard", false) != o.discard || !ledger.contains("tables")) {
    return false;
  }
  for (const auto& t : ledger["tables"]) {
    if (t.value("fingerprint", "") != MappingFingerprint(p.config().model, t.value("table", ""))) return false;
  }
  return ledger["tables"].size() == p.tables().size();
}

json RunLine(const json& ledger, bool resumed, size_t pending) {
  size_t tasks = 0;
  json phases = json::array();
  for (const auto& ph : ledger["phases"]) {
    phases.push_back(ph["name"]);
    tasks += ph["tasks"].size();
  }
  return {{"kind", "run"},
          {"run_id", ledger["run_id"]},
          {"resumed", resumed},
          {"phases", phases},
          {"tasks", tasks},
          {"pending", pending},
          {"tables", ledger["tables"]},
          {"ledger_finished", ledger["finished"].size()}};
}

// The tables' modes, and the scan tasks of those read in full split into the vertex and edge phases.
Result<json> PlanNew(const Pipeline& p, state::StateStore& store, const SparkPlanOptions& o, int64_t run_id) {
  json tables = json::array();
  json vertex_tasks = json::array();
  json edge_tasks = json::array();
  std::vector<bool> full(p.tables().size(), false);
  for (size_t i = 0; i < p.tables().size(); ++i) {
    const SourceTable& t = p.tables()[i];
    ICEGRAPH_ASSIGN_OR_RAISE(auto cp, store.GetCheckpoint(p.name(), t.name));
    const std::string fp = MappingFingerprint(p.config().model, t.name);
    std::string mode = "full";
    if (!o.full && cp) {
      mode = cp->mapping_fingerprint != fp                              ? "resync"
             : (t.snapshot_id() && cp->snapshot_id == *t.snapshot_id()) ? "unchanged"
                                                                        : "incremental";
    }
    tables.push_back({{"table", t.name},
                      {"mode", mode},
                      {"snapshot_id", t.snapshot_id().value_or(0)},
                      {"from_snapshot_id", cp ? cp->snapshot_id : 0},
                      {"fingerprint", fp},
                      {"schema_id", t.binding_schema_id}});
    if (mode != "full" || !t.snapshot_id()) continue;
    full[i] = true;
    ICEGRAPH_ASSIGN_OR_RAISE(auto tasks, PlanTable(t, *t.snapshot_id()));
    tables.back()["files"] = tasks.size();
    // As on one machine: a table feeding both kinds is read once, in the vertex phase, unless edges need their
    // endpoints to exist first.
    const bool both = !t.plan->vertices().empty() && !t.plan->edges().empty() && !p.config().sink.vertex_must_exist;
    for (size_t k = 0; k < tasks.size(); ++k) {
      const json scan = tasks[k].ToJson();
      auto task = [&](const char* phase) {
        return json{{"id", fmt::format("{}/{}/{}", phase, i, k)},
                    {"phase", phase},
                    {"table", t.name},
                    {"snapshot_id", *t.snapshot_id()},
                    {"both", both},
                    {"scan", scan}};
      };
      if (both || !t.plan->vertices().empty()) vertex_tasks.push_back(task("vertices"));
      if (!both && !t.plan->edges().empty()) edge_tasks.push_back(task("edges"));
    }
  }
  return json{{"version", 1},
              {"pipeline", p.name()},
              {"run_id", run_id},
              {"full", o.full},
              {"discard", o.discard},
              {"tables", tables},
              {"phases", json::array({{{"name", "vertices"}, {"tasks", vertex_tasks}},
                                      {{"name", "edges"}, {"tasks", edge_tasks}}})},
              {"finished", json::object()}};
}

// A full read on one machine deletes afterwards what TigerGraph held and the read did not produce; executors cannot
// strike those keys for each other, so a distributed full read only goes into types that hold nothing yet.
Status RefuseHeldTypes(const Pipeline& p, state::StateStore& store, const json& tables, int64_t run_id) {
  std::vector<bool> full(p.tables().size(), false);
  bool any = false;
  for (size_t i = 0; i < p.tables().size(); ++i) {
    full[i] = tables[i]["mode"] == "full";
    any = any || full[i];
  }
  if (!any) return Status::OK();
  ICEGRAPH_ASSIGN_OR_RAISE(auto client, p.Connect());
  ICEGRAPH_RETURN_NOT_OK(client->Authenticate());
  sink::GraphSink sink(*client, p.SinkOptions());
  SyncOptions options;
  SyncReport report;
  RunContext ctx{p, store, run_id, options, sink, &report, client.get()};
  AffectedKeys held;
  ICEGRAPH_RETURN_NOT_OK(AddHeldKeys(ctx, ReconciledTypes(p, full), &held));
  if (held.empty()) return Status::OK();
  std::string types;
  for (const auto& [type, ids] : held.vertices)
    types += fmt::format("{}{} ({})", types.empty() ? "" : ", ", type, ids.size());
  for (const auto& [type, keys] : held.edges)
    types += fmt::format("{}{} ({})", types.empty() ? "" : ", ", type, keys.size());
  return Status::Invalid(
      "a Spark full read cannot reconcile types TigerGraph already holds elements of: " + types +
      "; run the one-machine `icegraph sync --full` to reconcile them, or a Spark sync without --full (incremental)");
}

}  // namespace

Result<SparkPlan> PlanSparkRun(const Pipeline& p, state::StateStore& store, const SparkPlanOptions& o) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto lock, store.LockPipeline(p.name(), 0));
  ICEGRAPH_ASSIGN_OR_RAISE(auto existing, ReadLedger(store, p.name()));
  const std::string kind = o.discard ? "spark-discard" : o.full ? "spark-full" : "spark";
  json ledger;
  bool resumed = false;
  if (existing && Resumable(*existing, p, o)) {
    ledger = std::move(*existing);
    resumed = true;
    // A run that was ended (failed) gets a new run record; one still `running` (its driver died) is continued.
    ICEGRAPH_ASSIGN_OR_RAISE(auto run, store.GetRun(ledger["run_id"].get<int64_t>()));
    if (!run || run->outcome != "running") {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t id, store.BeginRun(p.name(), kind));
      ledger["run_id"] = id;
    }
  } else {
    if (existing) {
      // The ledger plans another mode or mapping: its run can never be committed.
      const int64_t old = existing->value("run_id", int64_t{0});
      ICEGRAPH_ASSIGN_OR_RAISE(auto run, store.GetRun(old));
      if (run && run->outcome == "running") {
        ICEGRAPH_RETURN_NOT_OK(
            store.EndRun(old, "failed", "superseded by a Spark run of another mode or mapping", json::object()));
      }
      log::Warn("spark_ledger_superseded", {{"pipeline", p.name()}, {"run_id", old}});
    }
    ICEGRAPH_ASSIGN_OR_RAISE(const int64_t id, store.BeginRun(p.name(), kind));
    auto planned = PlanNew(p, store, o, id);
    Status st = planned.ok() ? Status::OK() : planned.status();
    if (st.ok() && !o.discard) st = RefuseHeldTypes(p, store, (*planned)["tables"], id);
    if (!st.ok()) {
      ICEGRAPH_RETURN_NOT_OK(store.EndRun(id, "failed", st.ToString(), json::object()));
      return st;
    }
    ledger = std::move(*planned);
  }
  ICEGRAPH_RETURN_NOT_OK(WriteLedger(store, p.name(), ledger));
  failpoint::Pass("spark.planned");
  SparkPlan plan;
  for (const auto& ph : ledger["phases"]) {
    for (const auto& t : ph["tasks"]) {
      if (!ledger["finished"].contains(t["id"].get<std::string>())) plan.pending.push_back(t);
    }
  }
  plan.run = RunLine(ledger, resumed, plan.pending.size());
  plan.run["concurrency"] = p.config().tigergraph.concurrency;  // the default number of partitions
  log::Info("spark_plan",
            {{"run_id", ledger["run_id"].get<int64_t>()}, {"resumed", resumed}, {"pending", plan.pending.size()}});
  return plan;
}

Result<int64_t> RecordSparkResults(state::StateStore& store, const std::string& pipeline,
                                   const std::vector<nlohmann::json>& results) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto ledger, ReadLedger(store, pipeline));
  if (!ledger) return Status::NotFound("pipeline " + pipeline + " has no Spark task ledger: plan a run first");
  std::set<std::string> known;
  for (const auto& ph : (*ledger)["phases"]) {
    for (const auto& t : ph["tasks"]) known.insert(t["id"].get<std::string>());
  }
  int64_t added = 0;
  for (const auto& r : results) {
    const std::string id = r.value("id", "");
    if (known.count(id) == 0)
      return Status::Invalid(fmt::format("result of task '{}', which the ledger of pipeline {} lacks", id, pipeline));
    if (!r.value("ok", false) || (*ledger)["finished"].contains(id)) continue;
    (*ledger)["finished"][id] = r;
    ++added;
  }
  if (added > 0) ICEGRAPH_RETURN_NOT_OK(WriteLedger(store, pipeline, *ledger));
  failpoint::Pass("spark.recorded");
  return added;
}

Status AbortSparkRun(state::StateStore& store, const std::string& pipeline, const std::string& error) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto ledger, ReadLedger(store, pipeline));
  if (!ledger) return Status::OK();
  const int64_t id = ledger->value("run_id", int64_t{0});
  ICEGRAPH_ASSIGN_OR_RAISE(auto run, store.GetRun(id));
  if (run && run->outcome == "running") ICEGRAPH_RETURN_NOT_OK(store.EndRun(id, "failed", error, json::object()));
  return Status::OK();
}

Result<std::optional<nlohmann::json>> ReadSparkLedger(state::StateStore& store, const std::string& pipeline) {
  return ReadLedger(store, pipeline);
}

}  // namespace icegraph::engine

// The Spark driver's commit: what every task returned becomes the run's dead letters and counts, the tables read in
// full move to their pinned snapshot, and tables with a checkpoint get their changes applied by the one-machine
// incremental engine (a recompute of the affected keys: deletes and upserts in its own order). A commit that fails
// or is killed leaves the ledger: its rerun does every step again, and each is idempotent (dead letters are keyed by
// identity, checkpoints are set to values, the recompute writes what the tables say).
#include <chrono>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/spark.h"
#include "engine/sync_internal.h"
#include "engine/validate.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;

mapping::DeadLetter LetterFrom(const json& j) {
  return {j.value("mapping", ""), j.value("row_key", ""), j.value("reason_code", ""), j.value("message", ""),
          j.value("row_json", "")};
}

// Adds one task's counts to the report.
void MergeResult(const json& r, SyncReport* report, TableReport* table) {
  table->rows_read += r.value("rows_read", int64_t{0});
  for (const auto& [name, c] : r["types"].items()) {
    TypeReport& t = report->types[name];
    t.is_edge = c.value("kind", "") == "edge";
    t.sent += c.value("sent", int64_t{0});
    t.accepted += c.value("accepted", int64_t{0});
    t.rejected += c.value("rejected", int64_t{0});
  }
  report->requests += r.value("requests", int64_t{0});
  report->bytes += r.value("bytes", int64_t{0});
  report->bulk_rows += r.value("bulk_rows", int64_t{0});
  report->upsert_rows += r.value("upsert_rows", int64_t{0});
  report->resent_requests += r.value("resent_requests", int64_t{0});
  report->retries += r.value("retries", int64_t{0});
  if (r.contains("retry_reasons")) {
    for (const auto& [why, n] : r["retry_reasons"].items()) report->retry_reasons[why] += n.get<int64_t>();
  }
}

Status CommitSteps(const Pipeline& p, state::StateStore& store, const json& ledger, SyncReport* report) {
  const bool discard = ledger.value("discard", false);
  const size_t n = p.tables().size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) {
    index[p.tables()[i].name] = i;
    report->tables[i].table = p.tables()[i].name;
    report->tables[i].snapshot_id = p.tables()[i].snapshot_id().value_or(0);
  }
  // Tables read in full by the executors, at their pinned snapshot.
  std::map<size_t, int64_t> pinned;
  for (const auto& t : ledger["tables"]) {
    const auto it = index.find(t.value("table", ""));
    if (it == index.end())
      return Status::Invalid("the Spark ledger names table " + t.value("table", "") + ", unmapped");
    if (t.value("mode", "") != "full") continue;
    TableReport& tr = report->tables[it->second];
    tr.mode = "full";
    tr.snapshot_id = t.value("snapshot_id", int64_t{0});
    tr.files = t.value("files", int64_t{0});
    if (tr.snapshot_id != 0) pinned[it->second] = tr.snapshot_id;
  }
  std::map<std::string, std::vector<mapping::DeadLetter>> letters;
  for (const auto& [id, r] : ledger["finished"].items()) {
    const auto it = index.find(r.value("table", ""));
    if (it == index.end()) return Status::Invalid("task " + id + " names an unmapped table");
    MergeResult(r, report, &report->tables[it->second]);
    for (const auto& l : r["dead_letters"]) letters[l.value("table", "")].push_back(LetterFrom(l));
  }
  if (!discard) {
    // The open dead letters of a table read in full become exactly the bad rows its tasks found.
    for (const auto& [i, snapshot] : pinned) {
      const std::string& name = p.tables()[i].name;
      ICEGRAPH_RETURN_NOT_OK(store.ResolveAllDeadLetters(report->run_id, name));
      const auto& found = letters[name];
      report->tables[i].dead_letters = static_cast<int64_t>(found.size());
      if (!found.empty()) ICEGRAPH_RETURN_NOT_OK(store.AddDeadLetters(report->run_id, name, snapshot, found));
    }
    for (const auto& [i, snapshot] : pinned) {
      const SourceTable& t = p.tables()[i];
      failpoint::Pass("sync.checkpoint_before");
      ICEGRAPH_RETURN_NOT_OK(store.SetCheckpoint(
          {p.name(), t.name, snapshot, MappingFingerprint(p.config().model, t.name), t.binding_schema_id, 0}));
      failpoint::Pass("sync.checkpoint_moved");
    }
  }
  // Tables with a checkpoint: the driver applies their changes since it, as `icegraph sync` does.
  std::vector<IncrementalStart> starts;
  for (size_t i = 0; i < n; ++i) {
    if (report->tables[i].mode == "full") continue;
    const SourceTable& t = p.tables()[i];
    TableReport& tr = report->tables[i];
    ICEGRAPH_ASSIGN_OR_RAISE(auto cp, store.GetCheckpoint(p.name(), t.name));
    if (!cp) return Status::Invalid("table " + t.name + " lost its checkpoint since the Spark run was planned");
    tr.from_snapshot_id = cp->snapshot_id;
    if (cp->mapping_fingerprint != MappingFingerprint(p.config().model, t.name)) {
      tr.mode = "resync";
      starts.push_back({i, cp->snapshot_id, true});
    } else if (t.snapshot_id() && cp->snapshot_id == *t.snapshot_id()) {
      tr.mode = "unchanged";
    } else {
      tr.mode = "incremental";
      starts.push_back({i, cp->snapshot_id, false});
    }
  }
  if (starts.empty()) return Status::OK();
  ICEGRAPH_ASSIGN_OR_RAISE(auto client, p.Connect());
  sink::SinkOptions so = p.SinkOptions();
  so.discard = discard;
  if (!discard) ICEGRAPH_RETURN_NOT_OK(client->Authenticate());
  sink::GraphSink sink(*client, so);
  RegisterJobs(p, sink);
  SyncOptions options;
  options.discard = discard;
  RunContext ctx{p, store, report->run_id, options, sink, report, client.get()};
  Status st = RunIncrementalTables(ctx, starts);  // not const: returned by move
  const sink::RetryStats rs = client->retry_stats();
  report->retries += rs.retries;
  for (const auto& [why, k] : rs.reasons) report->retry_reasons[why] += k;
  report->concurrency_cuts += rs.concurrency_cuts;
  report->breaker_opened = report->breaker_opened || rs.breaker_opened;
  return st;
}

}  // namespace

Result<SyncReport> CommitSparkRun(const Pipeline& p, state::StateStore& store) {
  const auto start = std::chrono::steady_clock::now();
  ICEGRAPH_ASSIGN_OR_RAISE(auto lock, store.LockPipeline(p.name(), 0));
  ICEGRAPH_ASSIGN_OR_RAISE(auto ledger, ReadSparkLedger(store, p.name()));
  if (!ledger) return Status::NotFound("pipeline " + p.name() + " has no Spark task ledger: plan a run first");
  size_t unfinished = 0;
  for (const auto& ph : (*ledger)["phases"]) {
    for (const auto& t : ph["tasks"]) unfinished += (*ledger)["finished"].contains(t["id"].get<std::string>()) ? 0 : 1;
  }
  if (unfinished != 0) {
    return Status::Invalid(
        fmt::format("{} task(s) of the Spark run are not finished; rerun the sync to run them", unfinished));
  }
  SyncReport report;
  report.run_id = (*ledger)["run_id"].get<int64_t>();
  report.tables.resize(p.tables().size());
  Status st = CommitSteps(p, store, *ledger, &report);
  if (st.ok() && !ledger->value("discard", false) && p.config().sync.validate_after_sync) {
    auto client = p.Connect();
    const Result<ValidationReport> r =
        client.ok() ? Validate(p, store, **client, ValidateOptions{.record = false}) : client.status();
    report.validation = r.ok() ? r->ToJson() : json{{"ok", false}, {"error", r.status().ToString()}};
  }
  for (const auto& t : report.tables) report.dead_letters += t.dead_letters;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.outcome = st.ok() ? "succeeded" : "failed";
  report.error = st.ok() ? "" : st.ToString();
  json counts = report.ToJson();
  counts["spark"] = {{"tasks", (*ledger)["finished"].size()}};
  ICEGRAPH_RETURN_NOT_OK(store.EndRun(report.run_id, report.outcome, report.error, counts));
  if (st.ok()) {
    failpoint::Pass("spark.committed");
    ICEGRAPH_RETURN_NOT_OK(store.DeleteSparkLedger(p.name()));
  }
  log::Event(st.ok() ? log::Level::kInfo : log::Level::kError, "spark_commit",
             {{"run_id", report.run_id}, {"outcome", report.outcome}, {"error", report.error}});
  return report;
}

}  // namespace icegraph::engine

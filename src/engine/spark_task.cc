// A Spark executor's task: one data file of a table read in full, mapped and written through the same sink (retry
// policy, request splitting, refused rows as dead letters) as the one-machine engine, then flushed, so a task that
// returned a result has every write acknowledged. Writes are upserts of the pinned snapshot's rows: an attempt that
// runs again writes the same values.
#include <chrono>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/spark.h"
#include "engine/sync_internal.h"
#include "iceberg/reader.h"
#include "iceberg/scan_task.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;

json LetterJson(const std::string& table, const mapping::DeadLetter& l) {
  return {{"table", table},       {"mapping", l.mapping},  {"row_key", l.row_key}, {"reason_code", l.reason_code},
          {"message", l.message}, {"row_json", l.row_json}};
}

bool IsEdgeMapping(const std::string& mapping) { return mapping.find("/edge:") != std::string::npos; }

void AddCounts(json& types, const std::map<std::string, sink::SinkTypeCounts>& counts, const char* kind) {
  for (const auto& [type, c] : counts) {
    json& t = types[type];
    t["kind"] = kind;
    t["sent"] = t.value("sent", int64_t{0}) + c.sent;
    t["accepted"] = t.value("accepted", int64_t{0}) + c.accepted;
    t["rejected"] = t.value("rejected", int64_t{0}) + c.rejected;
  }
}

}  // namespace

Result<nlohmann::json> RunSparkTask(const Pipeline& p, const nlohmann::json& task, const SparkTaskOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (!task.is_object() || !task.contains("scan") || !task.contains("id")) {
    return Status::Invalid("a Spark task is a JSON object with id, phase, table and scan (from `icegraph spark plan`)");
  }
  const std::string id = task["id"].get<std::string>();
  const std::string table_name = task.value("table", "");
  const SourceTable* table = nullptr;
  for (const auto& t : p.tables()) {
    if (t.name == table_name) table = &t;
  }
  if (table == nullptr) return Status::Invalid("task " + id + ": table " + table_name + " is not mapped by the config");
  ICEGRAPH_ASSIGN_OR_RAISE(auto scan, iceberg::ScanTask::FromJson(task["scan"]));
  const bool edges = task.value("phase", "") == "edges";
  const bool both = task.value("both", false);
  failpoint::Pass("spark.task_start");

  ICEGRAPH_ASSIGN_OR_RAISE(auto client, p.Connect());
  sink::SinkOptions so = p.SinkOptions();
  so.discard = options.discard;
  if (!options.discard) ICEGRAPH_RETURN_NOT_OK(client->Authenticate());
  sink::GraphSink sink(*client, so);
  RegisterJobs(p, sink);

  const mapping::TablePlan& plan = *table->plan;
  iceberg::ReadOptions ro;
  ro.parquet.use_threads = false;  // Spark runs one task per core
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*table->io, scan, ro));
  json letters = json::array();
  int64_t written = 0;
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (batch == nullptr) break;
    ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, plan.Apply(*batch));
    if (!edges) {
      for (size_t v = 0; v < mapped.vertices.size(); ++v) {
        if (mapped.vertices[v].length() == 0) continue;
        ICEGRAPH_RETURN_NOT_OK(sink.WriteVertices(mapped.vertices[v], plan.vertices()[v].mapping));
        written += mapped.vertices[v].length();
      }
    }
    if (edges || both) {
      for (size_t e = 0; e < mapped.edges.size(); ++e) {
        if (mapped.edges[e].length() == 0) continue;
        ICEGRAPH_RETURN_NOT_OK(sink.WriteEdges(mapped.edges[e], plan.edges()[e].mapping));
        written += mapped.edges[e].length();
      }
    }
    // The phase's own bad rows: the other phase's task of the same file reports the rest.
    for (const auto& l : mapped.dead_letters) {
      if (both || IsEdgeMapping(l.mapping) == edges) letters.push_back(LetterJson(table->name, l));
    }
  }
  failpoint::Pass("spark.task_written");
  ICEGRAPH_ASSIGN_OR_RAISE(auto flushed, sink.Flush());
  for (const auto& l : flushed.dead_letters) {
    letters.push_back(LetterJson(l.mapping.substr(0, l.mapping.rfind('/')), l));
  }
  json types = json::object();
  AddCounts(types, flushed.vertices, "vertex");
  AddCounts(types, flushed.edges, "edge");
  const sink::RetryStats rs = client->retry_stats();
  // A file read in both phases counts its rows in the first.
  const bool counts_rows = !edges || plan.vertices().empty();
  return json{{"id", id},
              {"ok", true},
              {"phase", task.value("phase", "")},
              {"table", table->name},
              {"rows_read", counts_rows ? reader->rows_scanned() : 0},
              {"rows_written", written},
              {"types", types},
              {"requests", flushed.requests},
              {"bytes", flushed.bytes},
              {"bulk_rows", flushed.bulk_rows},
              {"upsert_rows", flushed.upsert_rows},
              {"resent_requests", flushed.resent_requests},
              {"retries", rs.retries},
              {"retry_reasons", rs.reasons},
              {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()},
              {"dead_letters", letters}};
}

}  // namespace icegraph::engine

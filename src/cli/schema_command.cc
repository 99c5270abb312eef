// `icegraph schema|check|plan`: the mapping's GSQL against the live graph, and what a sync would read.
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

}  // namespace

Result<std::vector<mapping::SchemaDifference>> LiveDifferences(const engine::Pipeline& p,
                                                               sink::TigerGraphClient& client) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto schema, client.GetSchema());
  return mapping::CheckSchema(p.plan(), schema.dump());
}

void PrintDifferences(const std::vector<mapping::SchemaDifference>& diffs) {
  for (const auto& d : diffs) std::cerr << "  - " << d.message << "\n";
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

}  // namespace icegraph::cli

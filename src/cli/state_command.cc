// `icegraph status|history|dead-letters`: what the state database says about the pipeline.
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
  const arrow::Status st = parquet::arrow::WriteTable(*arrow::Table::Make(schema, cols), arrow::default_memory_pool(),
                                                      *out, int64_t{64} * 1024);
  if (!st.ok()) return Status::IOError("writing " + path + ": " + st.ToString());
  if (const arrow::Status c = (*out)->Close(); !c.ok()) return Status::IOError(c.ToString());
  return Status::OK();
}

}  // namespace

int DeadLetters(const DeadLetterArgs& a) {
  auto config = config::LoadConfig(engine::ResolveConfigPath(a.config));
  if (!config.ok()) return Fail(config.status(), kExitConfig);
  // The state database alone: listing dead letters must work while the catalog or TigerGraph is down.
  auto p = engine::OpenStateStore(config->pipeline);
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
  auto cfg = config::LoadConfig(engine::ResolveConfigPath(config));
  if (!cfg.ok()) return Fail(cfg.status(), kExitConfig);
  auto store = engine::OpenStateStore(cfg->pipeline);
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

}  // namespace icegraph::cli

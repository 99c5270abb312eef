// Emulator throughput on one core: loading-job lines/s and REST++ upsert objects/s, without HTTP.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "emulator/gsql_executor.h"
#include "emulator/loader.h"
#include "emulator/restpp_ops.h"

namespace icegraph::emulator {
namespace {

constexpr const char* kSchema = R"(
CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, age INT, score DOUBLE, joined DATETIME)
CREATE VERTEX Product (PRIMARY_ID id STRING, name STRING, price DOUBLE)
CREATE UNDIRECTED EDGE PURCHASED (FROM User, TO Product, amount DOUBLE, ordered_at DATETIME)
CREATE GRAPH shop (User, Product, PURCHASED)
CREATE LOADING JOB load_users FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO VERTEX User VALUES ($0, $1, $2, $3, $4) USING SEPARATOR=",", QUOTE="double";
}
CREATE LOADING JOB load_purchases FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO EDGE PURCHASED VALUES ($0, $1, $2, $3) USING SEPARATOR=",";
}
)";

constexpr const char* kFollowsSchema = R"(
CREATE DIRECTED EDGE FOLLOWS (FROM User, TO User, since DATETIME)
CREATE GLOBAL SCHEMA_CHANGE JOB add_follows { ADD EDGE FOLLOWS TO GRAPH shop; }
RUN GLOBAL SCHEMA_CHANGE JOB add_follows
CREATE LOADING JOB load_follows FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO EDGE FOLLOWS VALUES ($0, $1, $2) USING SEPARATOR=",";
}
)";

bool Setup(Database& db) {
  GsqlSession session;
  return !RunGsql(db, session, kSchema, nullptr).failed;
}

std::string UserCsv(int64_t n) {
  std::string csv;
  for (int64_t i = 0; i < n; ++i) {
    csv += fmt::format("u{},\"User, {}\",{},{}.5,2026-01-{:02} 10:00:00\n", i, i, i % 90, i % 100, i % 28 + 1);
  }
  return csv;
}

void BM_LoadingJobVertices(benchmark::State& state) {
  const std::string csv = UserCsv(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<Database>();
    if (!Setup(*db)) state.SkipWithError("schema failed");
    const LoadingJob job = db->catalog.FindGraph("shop")->loading_jobs.at("load_users");
    state.ResumeTiming();
    auto stats = RunLoad(*db, job, "f", csv, {});
    benchmark::DoNotOptimize(stats);
    if (!stats.ok() || stats->valid_line != state.range(0)) state.SkipWithError("load failed");
    state.PauseTiming();
    db.reset();  // teardown is not part of the load
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(csv.size()));
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadingJobVertices)->Arg(200000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LoadingJobEdges(benchmark::State& state) {
  std::string csv;
  for (int64_t i = 0; i < state.range(0); ++i) {
    csv += fmt::format("u{},p{},{}.25,2026-02-{:02} 11:00:00\n", i % 50000, i % 1000, i % 300, i % 28 + 1);
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<Database>();
    if (!Setup(*db)) state.SkipWithError("schema failed");
    const LoadingJob job = db->catalog.FindGraph("shop")->loading_jobs.at("load_purchases");
    state.ResumeTiming();
    auto stats = RunLoad(*db, job, "f", csv, {});
    benchmark::DoNotOptimize(stats);
    if (!stats.ok()) state.SkipWithError("load failed");
    state.PauseTiming();
    db.reset();
    state.ResumeTiming();
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadingJobEdges)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Edges into a graph that no longer fits in cache: 1,000,000 users, then edge lines to random targets in requests
// of 100,000 lines, as scripts/bench_http.py sends them; only the edge loads are timed.
void BM_LoadingJobEdgesLargeGraph(benchmark::State& state) {
  constexpr int64_t kUsers = 1'000'000;
  constexpr int64_t kPerRequest = 100'000;
  const std::string users = UserCsv(kUsers);
  std::vector<std::string> requests;
  for (int64_t sent = 0; sent < state.range(0); sent += kPerRequest) {
    std::string csv;
    for (int64_t k = sent; k < sent + kPerRequest; ++k) {
      csv += fmt::format("u{},u{},2026-01-05 10:00:00\n", k % kUsers, (k * 7919 + k / kUsers) % kUsers);
    }
    requests.push_back(std::move(csv));
  }
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<Database>();
    GsqlSession session;
    const bool ok = Setup(*db) && !RunGsql(*db, session, kFollowsSchema, nullptr).failed;
    if (!ok) state.SkipWithError("schema failed");
    const LoadingJob users_job = db->catalog.FindGraph("shop")->loading_jobs.at("load_users");
    const LoadingJob follows_job = db->catalog.FindGraph("shop")->loading_jobs.at("load_follows");
    if (!RunLoad(*db, users_job, "f", users, {}).ok()) state.SkipWithError("users failed");
    state.ResumeTiming();
    for (const std::string& csv : requests) {
      auto stats = RunLoad(*db, follows_job, "f", csv, {});
      if (!stats.ok() || stats->valid_line != kPerRequest) state.SkipWithError("load failed");
    }
    state.PauseTiming();
    db.reset();
    state.ResumeTiming();
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadingJobEdgesLargeGraph)->Arg(3'000'000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RestppUpsertVertices(benchmark::State& state) {
  std::string body = R"({"vertices":{"User":{)";
  for (int64_t i = 0; i < state.range(0); ++i) {
    body += fmt::format(R"({}"u{}":{{"name":{{"value":"User {}"}},"age":{{"value":{}}},"score":{{"value":{}.5}},)"
                        R"("joined":{{"value":"2026-01-{:02} 10:00:00"}}}})",
                        i == 0 ? "" : ",", i, i, i % 90, i % 100, i % 28 + 1);
  }
  body += "}}}";
  for (auto _ : state) {
    state.PauseTiming();
    auto db = std::make_unique<Database>();
    if (!Setup(*db)) state.SkipWithError("schema failed");
    state.ResumeTiming();
    const Reply r = UpsertGraph(*db, "shop", {}, body);
    if (r.error) state.SkipWithError("upsert failed");
    state.PauseTiming();
    db.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["objects/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RestppUpsertVertices)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace icegraph::emulator

// CSV and JSON serialisation throughput of a 1M-row edge batch (two ids, DATETIME, INT, DOUBLE, STRING).
#include <benchmark/benchmark.h>

#include "sink/csv_writer.h"
#include "sink/json_writer.h"

namespace icegraph::sink {
namespace {

mapping::EdgeBatch MakeEdges(int64_t n) {
  arrow::StringBuilder from, to, note;
  arrow::Int64Builder count;
  arrow::DoubleBuilder amount;
  arrow::TimestampBuilder day(arrow::timestamp(arrow::TimeUnit::SECOND, "UTC"), arrow::default_memory_pool());
  for (int64_t i = 0; i < n; ++i) {
    (void)from.Append("customer-" + std::to_string(i % 100000));
    (void)to.Append("order-" + std::to_string(i));
    (void)day.Append(1600000000 + i * 37);
    (void)count.Append(i % 1000);
    (void)amount.Append(static_cast<double>(i) * 0.37 + 0.01);
    (void)note.Append(i % 10 == 0 ? "express, fragile" : "standard");
  }
  mapping::EdgeBatch e;
  e.type = "PLACED";
  e.from_type = "Customer";
  e.to_type = "Order";
  e.from_ids = from.Finish().ValueOrDie();
  e.to_ids = to.Finish().ValueOrDie();
  const auto col = [](const char* name, mapping::TgKind k, std::shared_ptr<arrow::Array> a) {
    return mapping::AttributeColumn{name, mapping::TgType{k}, std::move(a)};
  };
  e.attributes = {col("day", mapping::TgKind::kDatetime, day.Finish().ValueOrDie()),
                  col("count", mapping::TgKind::kInt, count.Finish().ValueOrDie()),
                  col("amount", mapping::TgKind::kDouble, amount.Finish().ValueOrDie()),
                  col("note", mapping::TgKind::kString, note.Finish().ValueOrDie())};
  return e;
}

const mapping::EdgeBatch& Edges() {
  static const mapping::EdgeBatch batch = MakeEdges(1000000);
  return batch;
}

void BM_CsvSerialiseEdges1M(benchmark::State& state) {
  const mapping::EdgeBatch& e = Edges();
  auto w = CsvWriter::ForEdges(e);
  std::string out;
  int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    w->AppendRange(0, e.length(), &out);
    bytes += static_cast<int64_t>(out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations() * e.length());
}
BENCHMARK(BM_CsvSerialiseEdges1M)->Unit(benchmark::kMillisecond);

void BM_JsonSerialiseEdges1M(benchmark::State& state) {
  const mapping::EdgeBatch& e = Edges();
  auto w = JsonWriter::ForEdges(e);
  std::vector<int64_t> rows(static_cast<size_t>(e.length()));
  for (int64_t i = 0; i < e.length(); ++i) rows[static_cast<size_t>(i)] = i;
  std::string out;
  int64_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    w->AppendBody(rows, &out);
    bytes += static_cast<int64_t>(out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations() * e.length());
}
BENCHMARK(BM_JsonSerialiseEdges1M)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace icegraph::sink

// TaskReader throughput on a generated Parquet file: plain reads, with position deletes, with equality deletes.
// Rows/s are items_per_second; bytes/s count the Parquet file's bytes on disk.
#include <arrow/api.h>
#include <arrow/io/file.h>
#include <benchmark/benchmark.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "iceberg/deletes.h"
#include "iceberg/reader.h"

namespace icegraph::iceberg {
namespace {

constexpr int64_t kRows = 1'000'000;

std::shared_ptr<arrow::Field> IdField(const std::string& name, std::shared_ptr<arrow::DataType> type, int32_t id) {
  return arrow::field(name, std::move(type), true,
                      arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(id)}));
}

void Write(const std::string& path, const std::shared_ptr<arrow::Table>& table) {
  auto out = arrow::io::FileOutputStream::Open(path).ValueOrDie();
  auto props = parquet::WriterProperties::Builder().compression(parquet::Compression::SNAPPY)->build();
  if (!parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, int64_t{128} * 1024, props).ok())
    std::abort();
  if (!out->Close().ok()) std::abort();
}

// Files generated once per process: a 1M-row data file (id, name, amount, ts) and delete files hitting 10% of rows.
struct Fixture {
  std::filesystem::path dir;
  std::string data;
  int64_t data_bytes = 0;
  DataFile position_deletes;
  DataFile equality_deletes;
  Schema schema;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("icegraph-reader-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    arrow::DoubleBuilder amounts;
    arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
    for (int64_t i = 0; i < kRows; ++i) {
      (void)ids.Append(i);
      (void)names.Append("customer-" + std::to_string(i % 50'000));
      if (i % 17 == 0) {
        (void)amounts.AppendNull();
      } else {
        (void)amounts.Append(static_cast<double>(i % 1000) * 1.25);
      }
      (void)ts.Append(1'700'000'000'000'000 + i * 1'000'000);
    }
    auto schema_arrow = arrow::schema({IdField("id", arrow::int64(), 1), IdField("name", arrow::utf8(), 2),
                                       IdField("amount", arrow::float64(), 3),
                                       IdField("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), 4)});
    data = (dir / "data.parquet").string();
    Write(data, arrow::Table::Make(schema_arrow, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie(),
                                                  amounts.Finish().ValueOrDie(), ts.Finish().ValueOrDie()}));
    data_bytes = static_cast<int64_t>(std::filesystem::file_size(data));

    arrow::StringBuilder paths;
    arrow::Int64Builder pos;
    arrow::Int64Builder keys;
    for (int64_t i = 0; i < kRows; i += 10) {
      (void)paths.Append(data);
      (void)pos.Append(i);
      (void)keys.Append(i + 5);
    }
    auto pos_schema = arrow::schema({IdField("file_path", arrow::utf8(), kDeleteFilePathFieldId),
                                     IdField("pos", arrow::int64(), kDeletePosFieldId)});
    position_deletes.content = Content::kPositionDeletes;
    position_deletes.file_path = (dir / "pos.parquet").string();
    Write(position_deletes.file_path,
          arrow::Table::Make(pos_schema, {paths.Finish().ValueOrDie(), pos.Finish().ValueOrDie()}));
    equality_deletes.content = Content::kEqualityDeletes;
    equality_deletes.file_path = (dir / "eq.parquet").string();
    equality_deletes.equality_ids = {1};
    Write(equality_deletes.file_path,
          arrow::Table::Make(arrow::schema({IdField("id", arrow::int64(), 1)}), {keys.Finish().ValueOrDie()}));

    const auto field = [](int32_t id, const char* name, const char* type) {
      Field f;
      f.id = id;
      f.name = name;
      f.type = type;
      return f;
    };
    schema.fields = {field(1, "id", "long"), field(2, "name", "string"), field(3, "amount", "double"),
                     field(4, "ts", "timestamptz")};
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

const Fixture& Files() {
  static const Fixture fixture;
  return fixture;
}

// Arg 0: deletes (0 none, 1 position, 2 equality); arg 1: decode columns in parallel.
void BM_TaskReader(benchmark::State& state) {
  const Fixture& f = Files();
  auto io = FileIO::Make({}).ValueOrDie();
  ScanTask task;
  task.data_file.file_path = f.data;
  task.schema = f.schema;
  if (state.range(0) == 1) task.position_deletes = {f.position_deletes};
  if (state.range(0) == 2) task.equality_deletes = {f.equality_deletes};
  ReadOptions options;
  options.parquet.use_threads = state.range(1) != 0;
  int64_t rows = 0;
  for (auto _ : state) {
    auto reader = TaskReader::Open(*io, task, options);
    if (!reader.ok()) {
      state.SkipWithError(reader.status().ToString().c_str());
      return;
    }
    while (true) {
      auto batch = (*reader)->Next();
      if (!batch.ok()) {
        state.SkipWithError(batch.status().ToString().c_str());
        return;
      }
      if (*batch == nullptr) break;
      rows += (*batch)->num_rows();
      benchmark::DoNotOptimize(*batch);
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);  // rows scanned (before deletes)
  state.SetBytesProcessed(state.iterations() * f.data_bytes);
  state.counters["rows_out"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_TaskReader)
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->ArgNames({"deletes", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace icegraph::iceberg

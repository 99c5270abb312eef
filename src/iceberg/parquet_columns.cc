#include "iceberg/parquet_columns.h"

#include <arrow/api.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>
#include <parquet/statistics.h>

#include <algorithm>
#include <map>

#include "iceberg/arrow_conform.h"

namespace icegraph::iceberg {
namespace {

void CollectLeaves(const parquet::arrow::SchemaField& f, std::vector<int>* out) {
  if (f.is_leaf()) out->push_back(f.column_index);
  for (const auto& c : f.children) CollectLeaves(c, out);
}

// Whether the row group's min/max of leaf column `leaf` (a string column) rule out `value`.
bool StatisticsExclude(const parquet::FileMetaData& metadata, int row_group, int leaf, const std::string& value) {
  const auto chunk = metadata.RowGroup(row_group)->ColumnChunk(leaf);
  if (!chunk->is_stats_set()) return false;
  const auto stats = chunk->statistics();
  if (stats == nullptr || !stats->HasMinMax() || stats->physical_type() != parquet::Type::BYTE_ARRAY) return false;
  return value < stats->EncodeMin() || value > stats->EncodeMax();
}

}  // namespace

ParquetColumnReader::~ParquetColumnReader() = default;

Result<std::unique_ptr<ParquetColumnReader>> ParquetColumnReader::Open(
    FileIO& io, const std::string& path, std::vector<ColumnRequest> columns, const ParquetReadOptions& options,
    const std::optional<StringRowGroupFilter>& skip) {
  std::unique_ptr<ParquetColumnReader> self(new ParquetColumnReader());
  self->path_ = path;
  self->requests_ = std::move(columns);
  self->options_ = options;
  if (self->options_.pool == nullptr) self->options_.pool = arrow::default_memory_pool();
  if (self->options_.batch_size <= 0) return Status::Invalid("batch size must be positive");
  ICEGRAPH_ASSIGN_OR_RAISE(auto input, io.OpenInput(path));

  parquet::ReaderProperties props(self->options_.pool);
  // Stream pages through a fixed buffer instead of loading whole column chunks.
  props.enable_buffered_stream();
  props.set_buffer_size(options.io_buffer_size);
  parquet::ArrowReaderProperties arrow_props;
  arrow_props.set_batch_size(options.batch_size);
  arrow_props.set_pre_buffer(options.pre_buffer);
  arrow_props.set_use_threads(options.use_threads);
  parquet::arrow::FileReaderBuilder builder;
  ICEGRAPH_RETURN_NOT_OK(FromArrowStatus(builder.Open(input, props), "cannot open Parquet file " + path));
  builder.memory_pool(self->options_.pool)->properties(arrow_props);
  auto built = builder.Build();
  if (!built.ok()) return FromArrowStatus(built.status(), "cannot read Parquet file " + path);
  self->file_ = std::move(*built);
  self->total_rows_ = self->file_->parquet_reader()->metadata()->num_rows();

  // Top-level columns of the file by field id, and by name for files written without ids.
  const auto& manifest = self->file_->manifest();
  std::map<int32_t, int> by_id;
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < manifest.schema_fields.size(); ++i) {
    const auto& f = *manifest.schema_fields[i].field;
    if (const auto id = FieldIdOf(f)) by_id.emplace(*id, static_cast<int>(i));
    by_name.emplace(f.name(), static_cast<int>(i));
  }
  std::vector<int> top;  // request -> top-level index in the file, -1 absent
  std::vector<int> leaves;
  for (const ColumnRequest& r : self->requests_) {
    int index = -1;
    if (const auto it = by_id.find(r.field.id); it != by_id.end()) index = it->second;
    if (by_id.empty()) {
      for (const std::string& name : r.fallback_names) {
        if (const auto it = by_name.find(name); index < 0 && it != by_name.end()) index = it->second;
      }
    }
    top.push_back(index);
    if (index >= 0 && std::find(top.begin(), top.end() - 1, index) == top.end() - 1) {
      CollectLeaves(manifest.schema_fields[static_cast<size_t>(index)], &leaves);
    }
  }
  self->source_.assign(self->requests_.size(), -1);
  if (leaves.empty()) return self;  // nothing to decode: batches carry row counts only

  std::sort(leaves.begin(), leaves.end());
  const auto metadata = self->file_->parquet_reader()->metadata();
  int skip_leaf = -1;
  if (skip && top.at(skip->request) >= 0) {
    const auto& field = manifest.schema_fields[static_cast<size_t>(top[skip->request])];
    if (field.is_leaf()) skip_leaf = field.column_index;
  }
  std::vector<int> row_groups;
  for (int i = 0; i < self->file_->num_row_groups(); ++i) {
    if (skip_leaf >= 0 && StatisticsExclude(*metadata, i, skip_leaf, skip->value)) {
      ++self->skipped_row_groups_;
      self->total_rows_ -= metadata->RowGroup(i)->num_rows();
      continue;
    }
    row_groups.push_back(i);
  }
  auto batches = self->file_->GetRecordBatchReader(row_groups, leaves);
  if (!batches.ok()) return FromArrowStatus(batches.status(), "cannot read Parquet file " + path);
  self->batches_ = std::move(*batches);
  // Output columns are the selected top-level fields; find each request's by the file's own field.
  const auto schema = self->batches_->schema();
  for (size_t r = 0; r < top.size(); ++r) {
    if (top[r] < 0) continue;
    const auto& wanted = *manifest.schema_fields[static_cast<size_t>(top[r])].field;
    for (int c = 0; c < schema->num_fields(); ++c) {
      if (schema->field(c)->name() == wanted.name() && FieldIdOf(*schema->field(c)) == FieldIdOf(wanted)) {
        self->source_[r] = c;
      }
    }
    if (self->source_[r] < 0) return Status::Internal(path + ": lost column '" + wanted.name() + "' while reading");
  }
  return self;
}

Result<std::optional<ColumnBatch>> ParquetColumnReader::Next() {
  ColumnBatch out;
  out.first_row = next_row_;
  std::shared_ptr<arrow::RecordBatch> batch;
  if (batches_ != nullptr) {
    ICEGRAPH_RETURN_NOT_OK(FromArrowStatus(batches_->ReadNext(&batch), "reading Parquet file " + path_));
    if (batch == nullptr) return std::optional<ColumnBatch>();
    out.num_rows = batch->num_rows();
  } else {
    if (next_row_ >= total_rows_) return std::optional<ColumnBatch>();
    out.num_rows = std::min(options_.batch_size, total_rows_ - next_row_);
  }
  next_row_ += out.num_rows;
  out.columns.reserve(requests_.size());
  for (size_t r = 0; r < requests_.size(); ++r) {
    const ColumnRequest& req = requests_[r];
    auto column = source_[r] >= 0 ? ConformArray(batch->column(source_[r]), req.field, options_.pool)
                                  : AbsentColumn(req.field, req.absent_value, out.num_rows, options_.pool);
    if (!column.ok()) return column.status().WithContext(path_);
    out.columns.push_back(std::move(*column));
  }
  return std::optional<ColumnBatch>(std::move(out));
}

}  // namespace icegraph::iceberg

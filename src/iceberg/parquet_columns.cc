#include "iceberg/parquet_columns.h"

#include <arrow/api.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/bitmap_ops.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>
#include <parquet/properties.h>
#include <parquet/size_statistics.h>
#include <parquet/statistics.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

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

// Bytes the chunk's values would take PLAIN-encoded (a 4-byte length and the bytes of each), from its size
// statistics, else estimated from the lengths of its min and max; nullopt without either.
std::optional<int64_t> PlainBytes(const parquet::ColumnChunkMetaData& chunk) {
  const int64_t values = chunk.num_values();
  if (const auto size = chunk.size_statistics(); size != nullptr && size->unencoded_byte_array_data_bytes) {
    return values * 4 + *size->unencoded_byte_array_data_bytes;
  }
  const auto stats = chunk.is_stats_set() ? chunk.statistics() : nullptr;
  if (stats == nullptr || !stats->HasMinMax()) return std::nullopt;
  const auto average = static_cast<int64_t>(stats->EncodeMin().size() + stats->EncodeMax().size()) / 2;
  return values * (4 + average);
}

// Of the leaf columns to read (`leaves`, in row groups `row_groups`), the top-level string and binary ones worth
// reading as dictionaries: in every row group read, every data page dictionary-encoded and the chunk at most half
// its PLAIN size (so each dictionary entry is used about twice or more). Read as dictionaries and expanded by
// ExpandStringDictionary, such columns cost a fraction of Parquet's dense decoding, which appends value by value
// through a builder; but Arrow hashes each dictionary entry into a memo table, so a column of (nearly) unique values
// is cheaper dense, and a chunk that fell back to plain pages would have every plain value hashed. Files whose
// writers kept no page encoding statistics are read dense.
std::vector<int> DictionaryLeaves(const parquet::FileMetaData& metadata, const std::vector<int>& leaves,
                                  const std::vector<int>& row_groups) {
  std::vector<int> out;
  const parquet::SchemaDescriptor& schema = *metadata.schema();
  for (const int leaf : leaves) {
    const parquet::ColumnDescriptor& column = *schema.Column(leaf);
    if (column.physical_type() != parquet::Type::BYTE_ARRAY || column.max_repetition_level() != 0 ||
        column.path()->ToDotVector().size() != 1) {
      continue;
    }
    bool dictionary = !row_groups.empty();
    for (size_t g = 0; dictionary && g < row_groups.size(); ++g) {
      const auto group = metadata.RowGroup(row_groups[g]);
      const auto chunk = group->ColumnChunk(leaf);
      bool data_pages = false;
      for (const parquet::PageEncodingStats& page : chunk->encoding_stats()) {
        if (page.page_type != parquet::PageType::DATA_PAGE && page.page_type != parquet::PageType::DATA_PAGE_V2) {
          continue;
        }
        data_pages = true;
        if (page.encoding != parquet::Encoding::RLE_DICTIONARY &&
            page.encoding != parquet::Encoding::PLAIN_DICTIONARY) {
          dictionary = false;
        }
      }
      dictionary = dictionary && data_pages && chunk->has_dictionary_page();
      if (dictionary) {  // the statistics are decoded only for a chunk that passed the encoding checks
        const std::optional<int64_t> plain = PlainBytes(*chunk);
        dictionary = plain && chunk->total_uncompressed_size() * 2 <= *plain;
      }
    }
    if (dictionary) out.push_back(leaf);
  }
  return out;
}

// The dense copy of string or binary `values` taken at int32 `indices`: one pass sums the lengths, a second copies
// the bytes, a short value by one 16-byte move. Arrow's Take does the same with several calls per value. nullptr when
// the bytes would overflow 32-bit offsets or an allocation fails (the caller then takes Arrow's path and its error).
std::shared_ptr<arrow::Array> ExpandStringDictionary(const arrow::Array& values, const arrow::Array& indices,
                                                     arrow::MemoryPool* pool) {
  constexpr int64_t kMove = 16;
  const int64_t n = indices.length();
  const int32_t* index = indices.data()->GetValues<int32_t>(1);
  const int32_t* offsets = values.data()->GetValues<int32_t>(1);
  const uint8_t* bytes = values.data()->buffers[2] == nullptr ? nullptr : values.data()->buffers[2]->data();
  const int64_t bytes_size = values.data()->buffers[2] == nullptr ? 0 : values.data()->buffers[2]->size();
  const uint8_t* validity = indices.null_count() == 0 ? nullptr : indices.null_bitmap_data();
  const int64_t validity_offset = indices.offset();
  const auto valid = [&](int64_t i) {
    return validity == nullptr || arrow::bit_util::GetBit(validity, validity_offset + i);
  };
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (valid(i)) total += offsets[index[i] + 1] - offsets[index[i]];
  }
  if (total > std::numeric_limits<int32_t>::max()) return nullptr;
  auto out_offsets = arrow::AllocateBuffer((n + 1) * static_cast<int64_t>(sizeof(int32_t)), pool);
  auto out_bytes = arrow::AllocateBuffer(total + kMove, pool);
  if (!out_offsets.ok() || !out_bytes.ok()) return nullptr;
  auto* to_offset = reinterpret_cast<int32_t*>((*out_offsets)->mutable_data());
  uint8_t* to = (*out_bytes)->mutable_data();
  int32_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    to_offset[i] = at;
    if (!valid(i)) continue;
    const int32_t start = offsets[index[i]];
    const int32_t length = offsets[index[i] + 1] - start;
    if (length <= kMove && start + kMove <= bytes_size) {
      std::memcpy(to + at, bytes + start, kMove);
    } else if (length > 0) {
      std::memcpy(to + at, bytes + start, static_cast<size_t>(length));
    }
    at += length;
  }
  to_offset[n] = at;
  std::memset(to + at, 0, kMove);  // the last moves' spill: no uninitialised bytes in the buffer
  std::shared_ptr<arrow::Buffer> null_bitmap;
  if (validity != nullptr) {
    auto copied = arrow::internal::CopyBitmap(pool, validity, validity_offset, n);
    if (!copied.ok()) return nullptr;
    null_bitmap = *std::move(copied);
  }
  return arrow::MakeArray(
      arrow::ArrayData::Make(values.type(), n, {std::move(null_bitmap), std::move(*out_offsets), std::move(*out_bytes)},
                             indices.null_count()));
}

// Parquet's reader reports faults by exceptions: as Arrow's own FileReaderBuilder does, they become statuses.
Result<std::unique_ptr<parquet::ParquetFileReader>> OpenParquet(std::shared_ptr<arrow::io::RandomAccessFile> input,
                                                                const parquet::ReaderProperties& props,
                                                                const std::string& path) {
  arrow::Status status;
  try {
    return parquet::ParquetFileReader::Open(std::move(input), props);
  } catch (const parquet::ParquetStatusException& e) {
    status = e.status();
  } catch (const parquet::ParquetException& e) {
    status = arrow::Status::IOError(e.what());
  }
  return FromArrowStatus(status, "cannot open Parquet file " + path);
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
  ICEGRAPH_ASSIGN_OR_RAISE(std::unique_ptr<parquet::ParquetFileReader> raw, OpenParquet(input, props, path));
  const auto metadata = raw->metadata();
  self->total_rows_ = metadata->num_rows();
  // The columns as Arrow reads them without dictionaries: which leaves to read is decided before the reader is made.
  parquet::arrow::SchemaManifest manifest;
  ICEGRAPH_RETURN_NOT_OK(FromArrowStatus(
      parquet::arrow::SchemaManifest::Make(metadata->schema(), metadata->key_value_metadata(), arrow_props, &manifest),
      "cannot read Parquet file " + path));

  // Top-level columns of the file by field id, and by name for files written without ids.
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
  int skip_leaf = -1;
  if (skip && top.at(skip->request) >= 0) {
    const auto& field = manifest.schema_fields[static_cast<size_t>(top[skip->request])];
    if (field.is_leaf()) skip_leaf = field.column_index;
  }
  std::vector<int> row_groups;
  for (int i = 0; i < metadata->num_row_groups(); ++i) {
    if (skip_leaf >= 0 && StatisticsExclude(*metadata, i, skip_leaf, skip->value)) {
      ++self->skipped_row_groups_;
      self->total_rows_ -= metadata->RowGroup(i)->num_rows();
      continue;
    }
    row_groups.push_back(i);
  }
  for (const int leaf : DictionaryLeaves(*metadata, leaves, row_groups)) arrow_props.set_read_dictionary(leaf, true);
  auto made = parquet::arrow::FileReader::Make(self->options_.pool, std::move(raw), arrow_props);
  if (!made.ok()) return FromArrowStatus(made.status(), "cannot read Parquet file " + path);
  self->file_ = std::move(*made);
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

Result<std::shared_ptr<arrow::Array>> ParquetColumnReader::ExpandDictionary(const arrow::Array& array) const {
  const auto& dictionary = static_cast<const arrow::DictionaryArray&>(array);
  const arrow::Array& values = *dictionary.dictionary();
  const arrow::Array& indices = *dictionary.indices();
  const bool string_like = values.type_id() == arrow::Type::STRING || values.type_id() == arrow::Type::BINARY;
  if (string_like && indices.type_id() == arrow::Type::INT32 && values.null_count() == 0) {
    if (auto dense = ExpandStringDictionary(values, indices, options_.pool)) return dense;
  }
  arrow::compute::ExecContext context(options_.pool);
  auto dense = arrow::compute::Take(values, indices, arrow::compute::TakeOptions::NoBoundsCheck(), &context);
  if (!dense.ok()) return FromArrowStatus(dense.status(), "expanding a dictionary column of " + path_);
  return *std::move(dense);
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
    std::shared_ptr<arrow::Array> read = source_[r] >= 0 ? batch->column(source_[r]) : nullptr;
    if (read != nullptr && read->type_id() == arrow::Type::DICTIONARY) {
      ICEGRAPH_ASSIGN_OR_RAISE(read, ExpandDictionary(*read));
    }
    auto column = read != nullptr ? ConformArray(read, req.field, options_.pool)
                                  : AbsentColumn(req.field, req.absent_value, out.num_rows, options_.pool);
    if (!column.ok()) return column.status().WithContext(path_);
    out.columns.push_back(std::move(*column));
  }
  return std::optional<ColumnBatch>(std::move(out));
}

}  // namespace icegraph::iceberg

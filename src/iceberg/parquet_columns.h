// Streaming reads of chosen columns of one Parquet file, matched by Iceberg field id and conformed to the table
// schema; memory is bounded by the batch size (and one row group's column chunks when pre-buffering), not the file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace arrow {
class Array;
class MemoryPool;
class RecordBatchReader;
class Scalar;
}  // namespace arrow
namespace parquet::arrow {
class FileReader;
}

namespace icegraph::iceberg {

/// One top-level column to read, identified by its Iceberg field.
struct ColumnRequest {
  Field field;                                  // id, current name, type (children for nested types)
  std::vector<std::string> fallback_names;      // matched only when the file has no field ids (name mapping)
  std::shared_ptr<arrow::Scalar> absent_value;  // when the file lacks the column (e.g. identity partition value)
};

/// How to read: batch size, I/O granularity and threads.
struct ParquetReadOptions {
  int64_t batch_size = int64_t{64} * 1024;
  int64_t io_buffer_size = int64_t{1} << 20;  // bytes fetched per column stream when not pre-buffering
  bool pre_buffer = true;             // coalesce a row group's column-chunk reads: fewer requests to object stores
  bool use_threads = true;            // decode the columns of a batch in parallel
  arrow::MemoryPool* pool = nullptr;  // nullptr: Arrow's default pool
};

/// Rows [first_row, first_row + num_rows) of the file, one array per request, conformed to the request's field.
struct ColumnBatch {
  int64_t first_row = 0;
  int64_t num_rows = 0;
  std::vector<std::shared_ptr<arrow::Array>> columns;
};

/// Row groups to skip: those whose min/max statistics of a string column exclude `value`. Row positions are then
/// no longer file positions, so this is for delete files only.
struct StringRowGroupFilter {
  size_t request = 0;  // index of the (top-level, string) column request
  std::string value;
};

/// Reads the requested columns of one Parquet file batch by batch.
class ParquetColumnReader {
 public:
  static Result<std::unique_ptr<ParquetColumnReader>> Open(FileIO& io, const std::string& path,
                                                           std::vector<ColumnRequest> columns,
                                                           const ParquetReadOptions& options,
                                                           const std::optional<StringRowGroupFilter>& skip = {});
  ~ParquetColumnReader();
  ParquetColumnReader(const ParquetColumnReader&) = delete;
  ParquetColumnReader& operator=(const ParquetColumnReader&) = delete;

  /// The next batch, or nullopt after the last row.
  Result<std::optional<ColumnBatch>> Next();

  /// Rows in the file.
  int64_t num_rows() const { return total_rows_; }
  /// Whether the file has the column of request `i` (else it is filled).
  bool HasColumn(size_t i) const { return source_.at(i) >= 0; }
  /// Row groups left out by the StringRowGroupFilter.
  int skipped_row_groups() const { return skipped_row_groups_; }

 private:
  ParquetColumnReader() = default;
  // A column read as a dictionary, as the dense array a plain read gives.
  Result<std::shared_ptr<arrow::Array>> ExpandDictionary(const arrow::Array& array) const;

  std::string path_;
  std::vector<ColumnRequest> requests_;
  ParquetReadOptions options_;
  std::unique_ptr<parquet::arrow::FileReader> file_;
  std::unique_ptr<arrow::RecordBatchReader> batches_;  // null when no requested column is in the file
  std::vector<int> source_;                            // request -> column of `batches_`, -1 when absent from the file
  int64_t total_rows_ = 0;
  int64_t next_row_ = 0;
  int skipped_row_groups_ = 0;
};

}  // namespace icegraph::iceberg

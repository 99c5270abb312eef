// Row-level deletes of one data file: position delete files, v3 deletion vectors and equality delete files, loaded
// once per task and applied to batches as a byte mask.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/equality_delete_set.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"
#include "iceberg/parquet_columns.h"

namespace arrow {
class Array;
}

namespace icegraph::iceberg {

/// Reserved field ids of position delete files' columns (spec: "Position Delete Files").
inline constexpr int32_t kDeleteFilePathFieldId = 2147483546;
inline constexpr int32_t kDeletePosFieldId = 2147483545;

/// Sorted, distinct positions that one position delete file (Parquet) or deletion vector (Puffin) removes from
/// `data_file_path`.
Result<std::vector<int64_t>> ReadPositionDeletes(FileIO& io, const DataFile& delete_file,
                                                 const std::string& data_file_path,
                                                 const ParquetReadOptions& options = {});

/// Which rows of one data file a set of delete files removes.
class DeleteFilter {
 public:
  /// Reads the delete files. Equality columns are read by field id and conformed to `schema`'s types.
  static Result<std::unique_ptr<DeleteFilter>> Load(FileIO& io, const std::string& data_file_path,
                                                    const std::vector<DataFile>& position_deletes,
                                                    const std::vector<DataFile>& equality_deletes, const Schema& schema,
                                                    const ParquetReadOptions& options = {});

  /// True when nothing is deleted.
  bool empty() const { return positions_.empty() && sets_.empty(); }

  /// Top-level field ids whose columns Mark needs (the equality columns), in the order Mark takes them.
  const std::vector<int32_t>& required_field_ids() const { return required_ids_; }

  /// Sets deleted[i] = 1 for each deleted row `first_row + i` of the batch; `columns` follow required_field_ids().
  /// Not thread-safe (equality probes reuse scratch buffers).
  Status Mark(int64_t first_row, int64_t num_rows, const std::vector<std::shared_ptr<arrow::Array>>& columns,
              uint8_t* deleted);

  /// Deleted positions held (from position delete files and deletion vectors).
  size_t num_positions() const { return positions_.size(); }
  /// Distinct equality key tuples held.
  size_t num_equality_keys() const;

 private:
  DeleteFilter() = default;

  std::vector<int64_t> positions_;  // sorted, distinct
  std::vector<std::unique_ptr<EqualityDeleteSet>> sets_;
  std::vector<std::vector<size_t>> set_columns_;  // per set: indexes into required_ids_
  std::vector<int32_t> required_ids_;
};

}  // namespace icegraph::iceberg

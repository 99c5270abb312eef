// TaskReader: streams the rows of one ScanTask as Arrow record batches — columns projected by field id under their
// current names, deletes and the residual filter applied — plus the rows a set of delete files removes, for
// incremental sync.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/parquet_columns.h"
#include "iceberg/scan_task.h"

namespace arrow {
class MemoryPool;
class RecordBatch;
class RecordBatchReader;
class Scalar;
class Schema;
class Table;
}  // namespace arrow

namespace icegraph::iceberg {

/// Metadata columns' reserved field ids (spec: "Reserved Field IDs").
inline constexpr int32_t kFilePathFieldId = 2147483646;  // `_file`
inline constexpr int32_t kPosFieldId = 2147483645;       // `_pos`

/// How to read a task.
struct ReadOptions {
  ParquetReadOptions parquet;   // batch size, I/O, threads, memory pool
  bool with_pos = false;        // append `_pos`: the row's position in its data file
  bool with_file_path = false;  // append `_file`: the data file's path
  bool apply_residual = true;   // drop rows failing the task's residual filter
};

class DeleteFilter;
class ParquetColumnReader;

/// Reads one task. Output columns: the projected fields (current names, field ids in metadata), then `_pos`
/// and `_file` when asked for.
class TaskReader {
 public:
  /// Live rows of the task: its deletes and (unless disabled) residual applied.
  static Result<std::unique_ptr<TaskReader>> Open(FileIO& io, const ScanTask& task, const ReadOptions& options = {});

  /// Rows of the task's data file that `position_deletes`/`equality_deletes` remove and the task's own deletes do
  /// not: what a commit adding those delete files deleted. Always with `_pos`; the residual is not applied.
  static Result<std::unique_ptr<TaskReader>> OpenDeletedRows(FileIO& io, const ScanTask& task,
                                                             const std::vector<DataFile>& position_deletes,
                                                             const std::vector<DataFile>& equality_deletes,
                                                             ReadOptions options = {});
  ~TaskReader();
  TaskReader(const TaskReader&) = delete;
  TaskReader& operator=(const TaskReader&) = delete;

  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }

  /// The next non-empty batch, or nullptr when the file is done.
  Result<std::shared_ptr<arrow::RecordBatch>> Next();

  /// Every remaining batch as one table.
  Result<std::shared_ptr<arrow::Table>> ReadAll();

  /// Rows read from the file so far (before deletes and filters).
  int64_t rows_scanned() const { return rows_scanned_; }

 private:
  TaskReader() = default;
  static Result<std::unique_ptr<TaskReader>> Make(FileIO& io, const ScanTask& task, const ReadOptions& options,
                                                  std::unique_ptr<DeleteFilter> selecting);

  ReadOptions options_;
  std::string data_path_;
  std::shared_ptr<arrow::Schema> schema_;
  std::shared_ptr<arrow::Schema> batch_schema_;  // schema_ without `_file`
  std::unique_ptr<ParquetColumnReader> columns_;
  std::vector<int32_t> read_ids_;            // field id of each column read, in request order
  std::vector<size_t> output_columns_;       // projected field -> index into read columns
  std::unique_ptr<DeleteFilter> deletes_;    // the task's deletes: rows to drop
  std::unique_ptr<DeleteFilter> selecting_;  // deleted-rows mode: keep only rows these remove
  std::vector<size_t> delete_columns_;       // deletes_ equality ids -> index into read columns
  std::vector<size_t> selecting_columns_;
  Filter residual_;
  std::vector<size_t> residual_columns_;                           // per predicate: index into read columns
  std::vector<std::shared_ptr<arrow::Scalar>> residual_literals_;  // per predicate; null for IS [NOT] NULL
  std::vector<uint8_t> deleted_;                                   // per-batch scratch masks
  std::vector<uint8_t> selected_;
  int64_t rows_scanned_ = 0;
};

/// The rows `position_deletes`/`equality_deletes` newly remove from a task's data file, as one table with `_pos`.
Result<std::shared_ptr<arrow::Table>> ReadDeletedRows(FileIO& io, const ScanTask& task,
                                                      const std::vector<DataFile>& position_deletes,
                                                      const std::vector<DataFile>& equality_deletes,
                                                      const ReadOptions& options = {});

/// The output schema of tasks over `schema` projecting `field_ids` (all top-level fields when empty).
Result<std::shared_ptr<arrow::Schema>> ProjectedArrowSchema(const Schema& schema, const std::vector<int32_t>& field_ids,
                                                            const ReadOptions& options = {});

/// A TaskReader as an arrow::RecordBatchReader (e.g. to hand to Arrow APIs or another stage).
std::shared_ptr<arrow::RecordBatchReader> AsRecordBatchReader(std::unique_ptr<TaskReader> reader);

}  // namespace icegraph::iceberg

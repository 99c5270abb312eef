// Scan planning and reading: the data files of a snapshot with the delete files that apply to them, read as
// streamed Arrow record batches with projection by field id and deletes applied.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace arrow {
class RecordBatch;
class RecordBatchReader;
class Schema;
}  // namespace arrow

namespace icegraph::iceberg {

/// One unit of reading: a data file and the delete files that apply to it. Serialisable, so an engine can ship it.
struct ScanTask {
  DataFile data_file;
  int64_t data_sequence_number = 0;
  std::vector<DataFile> position_deletes;
  std::vector<DataFile> equality_deletes;

  nlohmann::json ToJson() const;
  static Result<ScanTask> FromJson(const nlohmann::json& j);
};

/// Which delete files apply to which data files, by the spec's sequence-number rules: position deletes to data
/// with a sequence number <= theirs (and the same partition, or the referenced file); equality deletes to data with
/// a strictly smaller one (same partition unless the delete is unpartitioned).
std::vector<ScanTask> AssignDeletes(const std::vector<ManifestEntry>& data, const std::vector<ManifestEntry>& deletes,
                                    const TableMetadata& table);

/// The live data files of `snapshot_id` with their deletes.
Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, int64_t snapshot_id);

/// Reads one task as batches of at most `batch_size` rows, projecting `schema`'s top-level fields by id
/// (columns renamed since the file was written keep working; columns added later read as nulls).
Result<std::shared_ptr<arrow::RecordBatchReader>> OpenTask(FileIO& io, const ScanTask& task, const Schema& schema,
                                                           int64_t batch_size = int64_t{64} * 1024);

/// The Arrow schema of an Iceberg schema's top-level fields.
Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema);

}  // namespace icegraph::iceberg

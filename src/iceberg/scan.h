// Scan planning: the live data files of a snapshot, pruned by a simple filter, each with the delete files that apply
// to it (spec "Scan Planning"), as self-contained ScanTasks; plus whole-table reads for tests and small tables.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"
#include "iceberg/reader.h"
#include "iceberg/scan_filter.h"
#include "iceberg/scan_task.h"

namespace arrow {
class RecordBatchReader;
class Schema;
class Table;
}  // namespace arrow

namespace icegraph::iceberg {

class ManifestCache;

/// What to scan. At most one of snapshot_id / as_of_timestamp_ms; neither means the current snapshot.
struct ScanOptions {
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> as_of_timestamp_ms;  // the snapshot current then, per the snapshot log
  std::vector<std::string> columns;           // top-level columns by current name ...
  std::vector<int32_t> field_ids;             // ... or by field id; both empty: every column
  Filter filter;                              // ANDed predicates; used to prune files and as each task's residual
  ManifestCache* manifests = nullptr;         // manifests read by earlier plans of the same table (optional)
};

/// The snapshot a scan reads: nullptr for a table without snapshots; NotFound for an unknown (expired) snapshot id
/// or a time before the first snapshot.
Result<const Snapshot*> ResolveSnapshot(const TableMetadata& table, const ScanOptions& options);

/// The schema rows are read with: the snapshot's own schema when a snapshot was chosen explicitly (time travel, as
/// engines do), else the table's current schema.
Result<const Schema*> ResolveScanSchema(const TableMetadata& table, const ScanOptions& options,
                                        const Snapshot* snapshot);

/// Field ids of the chosen columns (all top-level fields when none were chosen).
Result<std::vector<int32_t>> ResolveProjection(const Schema& schema, const ScanOptions& options);

/// Pairs data files with the delete files that apply to them (spec rules): a deletion vector applies to the data file
/// it references with a data sequence number <= its own, and then that file's position delete files are ignored;
/// position delete files to same-partition data files with sequence number <= theirs (and the referenced file when
/// set); equality delete files to data files with a strictly smaller sequence number in the same partition, or to
/// all partitions when written with an unpartitioned spec. Only ADDED/EXISTING entries should be passed. The tasks
/// carry data file, sequence number and deletes; PlanTasks fills the rest.
Result<std::vector<ScanTask>> AssignDeletes(const std::vector<ManifestEntry>& data,
                                            const std::vector<ManifestEntry>& deletes, const TableMetadata& table);

/// Planning without I/O: keeps live entries, prunes data files by `options.filter` (identity partition values and
/// column bounds), assigns deletes and fills each task's projection, schema, spec, residual and name mapping.
Result<std::vector<ScanTask>> PlanTasks(const TableMetadata& table, const Schema& schema, const ScanOptions& options,
                                        const std::vector<ManifestEntry>& entries);

/// Reads the snapshot's manifest list and manifests and plans its tasks.
Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, const ScanOptions& options);

/// Every column of `snapshot_id`, read with that snapshot's schema.
Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, int64_t snapshot_id);

/// Plans and reads the whole scan into memory: for tests and small tables.
Result<std::shared_ptr<arrow::Table>> ReadTable(FileIO& io, const TableMetadata& table, const ScanOptions& options,
                                                const ReadOptions& read_options = {});

/// Reads one task projecting every top-level field of `schema`, as batches of at most `batch_size` rows.
Result<std::shared_ptr<arrow::RecordBatchReader>> OpenTask(FileIO& io, const ScanTask& task, const Schema& schema,
                                                           int64_t batch_size = int64_t{64} * 1024);

/// The Arrow schema of an Iceberg schema's top-level fields.
Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema);

}  // namespace icegraph::iceberg

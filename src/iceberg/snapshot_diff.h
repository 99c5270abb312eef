// What changed between two snapshots: per snapshot in ancestry order, the data files added and removed and the
// delete files added. The input of incremental sync.
#pragma once

#include <optional>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

struct SnapshotChanges {
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  Operation operation = Operation::kUnknown;
  std::vector<ManifestEntry> added_data_files;
  std::vector<ManifestEntry> removed_data_files;
  std::vector<ManifestEntry> added_delete_files;
  std::vector<ManifestEntry> removed_delete_files;
};

/// Why a diff cannot be computed from manifests alone.
enum class GapKind { kNone, kFromExpired, kNotAncestor };

struct SnapshotDiff {
  GapKind gap = GapKind::kNone;
  std::vector<SnapshotChanges> snapshots;  // oldest first
};

/// The snapshots after `from` (exclusive; nullopt = from the table's beginning) up to `to` (inclusive). When `from`
/// is no longer in the metadata (expired) or not an ancestor of `to` (rollback, other branch), `gap` says so and
/// `snapshots` is empty: the caller must resync.
Result<SnapshotDiff> DiffSnapshots(FileIO& io, const TableMetadata& table, std::optional<int64_t> from, int64_t to);

}  // namespace icegraph::iceberg

// What changed between two snapshots: per snapshot in ancestry order, the data files added and removed and the
// delete files added. The input of incremental sync.
#pragma once

#include <optional>
#include <string_view>
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
enum class GapKind {
  kNone,
  kFromExpired,      // `from` is no longer in the metadata (expired)
  kNotAncestor,      // `from` is in the metadata but not an ancestor of `to` (rollback, other branch)
  kAncestryExpired,  // an ancestor of `to` between them (or before it, when `from` is unset) has expired
};

/// "none", "from_expired", "not_ancestor", "ancestry_expired".
std::string_view GapKindName(GapKind kind);

struct SnapshotDiff {
  GapKind gap = GapKind::kNone;
  std::vector<SnapshotChanges> snapshots;  // oldest first
};

/// The snapshots after `from` (exclusive; nullopt = from the table's beginning) up to `to` (inclusive), oldest
/// first, each with the files it added and removed (entries of the manifests it wrote whose snapshot_id is its own).
/// When the ancestry of `to` does not lead back to `from`, `gap` says why and `snapshots` is empty: the caller must
/// resync. NotFound when `to` itself is not in the metadata.
Result<SnapshotDiff> DiffSnapshots(FileIO& io, const TableMetadata& table, std::optional<int64_t> from, int64_t to);

}  // namespace icegraph::iceberg

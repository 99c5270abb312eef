#include "iceberg/snapshot_diff.h"

#include <algorithm>

#include "iceberg/manifest_avro.h"

namespace icegraph::iceberg {

Result<SnapshotDiff> DiffSnapshots(FileIO& io, const TableMetadata& table, std::optional<int64_t> from, int64_t to) {
  SnapshotDiff diff;
  const Snapshot* target = table.SnapshotById(to);
  if (target == nullptr) return Status::NotFound("snapshot " + std::to_string(to) + " is not in the table metadata");
  if (from && table.SnapshotById(*from) == nullptr) {
    diff.gap = GapKind::kFromExpired;
    return diff;
  }
  // Walk back from `to` along parents until `from` (or the first snapshot).
  std::vector<const Snapshot*> chain;
  for (const Snapshot* s = target; s != nullptr;) {
    if (from && s->snapshot_id == *from) break;
    chain.push_back(s);
    if (!s->parent_snapshot_id) {
      if (from) {
        diff.gap = GapKind::kNotAncestor;
        return diff;
      }
      break;
    }
    s = table.SnapshotById(*s->parent_snapshot_id);
    if (s == nullptr && from) {
      // An expired link between them: the ancestry cannot be followed to `from`.
      diff.gap = GapKind::kFromExpired;
      return diff;
    }
  }
  std::reverse(chain.begin(), chain.end());
  for (const Snapshot* s : chain) {
    SnapshotChanges c;
    c.snapshot_id = s->snapshot_id;
    c.sequence_number = s->sequence_number;
    c.operation = s->operation;
    ICEGRAPH_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, table, *s));
    for (const ManifestFile& m : manifests) {
      // Only manifests written by this snapshot can hold its ADDED/DELETED entries.
      if (m.added_snapshot_id != s->snapshot_id && !s->manifest_list.empty()) continue;
      ICEGRAPH_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, table, m));
      for (ManifestEntry& e : entries) {
        if (e.snapshot_id != s->snapshot_id || e.status == EntryStatus::kExisting) continue;
        const bool data = e.file.content == Content::kData;
        const bool added = e.status == EntryStatus::kAdded;
        auto& list = data ? (added ? c.added_data_files : c.removed_data_files)
                          : (added ? c.added_delete_files : c.removed_delete_files);
        list.push_back(std::move(e));
      }
    }
    diff.snapshots.push_back(std::move(c));
  }
  return diff;
}

}  // namespace icegraph::iceberg

#include "iceberg/snapshot_diff.h"

#include <algorithm>
#include <set>

#include "iceberg/manifest_avro.h"

namespace icegraph::iceberg {
namespace {

// The ancestors of `to` newer than `from`, newest first; a gap when the walk cannot end at `from`.
std::vector<const Snapshot*> Chain(const TableMetadata& table, const Snapshot& to, std::optional<int64_t> from,
                                   GapKind* gap) {
  std::vector<const Snapshot*> chain;
  std::set<int64_t> visited;  // corrupt metadata with a parent cycle must not loop forever
  for (const Snapshot* s = &to; s != nullptr && !(from && s->snapshot_id == *from);) {
    if (!visited.insert(s->snapshot_id).second) {
      *gap = GapKind::kNotAncestor;
      return {};
    }
    chain.push_back(s);
    if (!s->parent_snapshot_id) {
      // The first snapshot of the table: fine from the beginning, but `from` was never met.
      if (from) *gap = GapKind::kNotAncestor;
      return from ? std::vector<const Snapshot*>{} : chain;
    }
    s = table.SnapshotById(*s->parent_snapshot_id);
    if (s == nullptr) {
      *gap = GapKind::kAncestryExpired;
      return {};
    }
  }
  return chain;
}

Status AddChanges(FileIO& io, const TableMetadata& table, const Snapshot& s, SnapshotChanges* c) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, table, s));
  for (const ManifestFile& m : manifests) {
    // Only manifests this snapshot wrote can hold its ADDED/DELETED entries (v1 inline lists do not say who
    // wrote a manifest, so all are read and the entries' snapshot ids decide).
    if (m.added_snapshot_id != s.snapshot_id && !s.manifest_list.empty()) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, table, m));
    for (ManifestEntry& e : entries) {
      if (e.snapshot_id != s.snapshot_id || e.status == EntryStatus::kExisting) continue;
      const bool data = e.file.content == Content::kData;
      const bool added = e.status == EntryStatus::kAdded;
      auto& list = data ? (added ? c->added_data_files : c->removed_data_files)
                        : (added ? c->added_delete_files : c->removed_delete_files);
      list.push_back(std::move(e));
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view GapKindName(GapKind kind) {
  switch (kind) {
    case GapKind::kNone: return "none";
    case GapKind::kFromExpired: return "from_expired";
    case GapKind::kNotAncestor: return "not_ancestor";
    case GapKind::kAncestryExpired: return "ancestry_expired";
  }
  return "none";
}

Result<SnapshotDiff> DiffSnapshots(FileIO& io, const TableMetadata& table, std::optional<int64_t> from, int64_t to) {
  SnapshotDiff diff;
  const Snapshot* target = table.SnapshotById(to);
  if (target == nullptr) {
    return Status::NotFound("snapshot " + std::to_string(to) + " is not in the metadata of table " + table.location);
  }
  if (from && table.SnapshotById(*from) == nullptr) {
    diff.gap = GapKind::kFromExpired;
    return diff;
  }
  std::vector<const Snapshot*> chain = Chain(table, *target, from, &diff.gap);
  if (diff.gap != GapKind::kNone) return diff;
  std::reverse(chain.begin(), chain.end());
  for (const Snapshot* s : chain) {
    SnapshotChanges c;
    c.snapshot_id = s->snapshot_id;
    c.sequence_number = s->sequence_number;
    c.operation = s->operation;
    const Status st = AddChanges(io, table, *s, &c);
    if (!st.ok()) return st.WithContext("diff at snapshot " + std::to_string(s->snapshot_id));
    diff.snapshots.push_back(std::move(c));
  }
  return diff;
}

}  // namespace icegraph::iceberg

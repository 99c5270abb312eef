#include "iceberg/model.h"

#include <algorithm>

namespace icegraph::iceberg {
namespace {

const Field* FindIn(const std::vector<Field>& fields, int32_t id) {
  for (const Field& f : fields) {
    if (f.id == id) return &f;
    if (const Field* c = FindIn(f.children, id)) return c;
  }
  return nullptr;
}

}  // namespace

const Field* Schema::FindField(int32_t id) const { return FindIn(fields, id); }

const Field* Schema::FindByPath(const std::string& path) const {
  const std::vector<Field>* level = &fields;
  const Field* found = nullptr;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const auto it = std::find_if(level->begin(), level->end(), [&](const Field& f) { return f.name == part; });
    if (it == level->end()) return nullptr;
    found = &*it;
    level = &it->children;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return found;
}

const Schema* TableMetadata::SchemaById(int32_t id) const {
  for (const Schema& s : schemas) {
    if (s.schema_id == id) return &s;
  }
  return nullptr;
}

const Schema* TableMetadata::CurrentSchema() const { return SchemaById(current_schema_id); }

const PartitionSpec* TableMetadata::SpecById(int32_t id) const {
  for (const PartitionSpec& s : partition_specs) {
    if (s.spec_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::SnapshotById(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? SnapshotById(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::SnapshotAsOf(int64_t timestamp_ms) const {
  const Snapshot* best = nullptr;
  for (const SnapshotLogEntry& e : snapshot_log) {
    if (e.timestamp_ms <= timestamp_ms) best = SnapshotById(e.snapshot_id);
  }
  if (best != nullptr || !snapshot_log.empty()) return best;
  // Without a log, fall back to the newest snapshot committed at or before the time.
  for (const Snapshot& s : snapshots) {
    if (s.timestamp_ms <= timestamp_ms && (best == nullptr || s.timestamp_ms > best->timestamp_ms)) best = &s;
  }
  return best;
}

}  // namespace icegraph::iceberg

#include "iceberg/scan.h"

#include <arrow/api.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "iceberg/arrow_conform.h"
#include "iceberg/deletes.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/pruning.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

// Spec id and partition tuple, in a canonical text form (JSON objects keep keys sorted).
std::string PartitionKey(const DataFile& f) {
  return std::to_string(f.spec_id) + "|" + (f.partition ? f.partition->dump() : "{}");
}

// As Java's PartitionSpec.isUnpartitioned: no fields, or only void transforms.
bool IsUnpartitioned(const TableMetadata& table, const DataFile& f) {
  const PartitionSpec* spec = table.SpecById(f.spec_id);
  if (spec == nullptr) return !f.partition || f.partition->empty();
  return std::all_of(spec->fields.begin(), spec->fields.end(),
                     [](const PartitionField& pf) { return pf.transform == "void"; });
}

// The data file path lies outside the delete file's file_path bounds: none of its rows target it.
bool OutsidePathBounds(const DataFile& del, const std::string& path) {
  const auto lo = del.lower_bounds.find(kDeleteFilePathFieldId);
  const auto hi = del.upper_bounds.find(kDeleteFilePathFieldId);
  return (lo != del.lower_bounds.end() && path < lo->second) || (hi != del.upper_bounds.end() && path > hi->second);
}

using Entries = std::vector<const ManifestEntry*>;

void SortBySequence(Entries* v) {
  std::stable_sort(v->begin(), v->end(), [](const ManifestEntry* a, const ManifestEntry* b) {
    return a->sequence_number < b->sequence_number;
  });
}

// Entries of a sequence-sorted list whose sequence number is >= (or, strictly, >) `seq`.
Entries::const_iterator FirstFrom(const Entries& v, int64_t seq, bool strictly) {
  return std::partition_point(v.begin(), v.end(), [seq, strictly](const ManifestEntry* e) {
    return strictly ? e->sequence_number <= seq : e->sequence_number < seq;
  });
}

// Delete files indexed for lookup by partition and by referenced data file.
struct DeleteIndex {
  struct Bucket {
    Entries positions;   // position delete files without a referenced data file
    Entries equalities;  // partition-scoped equality deletes
  };
  std::unordered_map<std::string, Bucket> by_partition;
  std::unordered_map<std::string, Entries> referenced;  // position delete files with referenced_data_file
  std::unordered_map<std::string, Entries> dvs;         // deletion vectors by referenced data file
  Entries global_equalities;

  void Sort() {
    for (auto& [key, b] : by_partition) {
      SortBySequence(&b.positions);
      SortBySequence(&b.equalities);
    }
    SortBySequence(&global_equalities);
  }
};

}  // namespace

Result<const Snapshot*> ResolveSnapshot(const TableMetadata& table, const ScanOptions& options) {
  if (options.snapshot_id && options.as_of_timestamp_ms) {
    return Status::Invalid("choose a snapshot by id or by time, not both");
  }
  if (options.snapshot_id) {
    const Snapshot* s = table.SnapshotById(*options.snapshot_id);
    if (s == nullptr) {
      return Status::NotFound("snapshot " + std::to_string(*options.snapshot_id) + " is not in the metadata of " +
                              table.location + " (never existed, or expired)");
    }
    return s;
  }
  if (options.as_of_timestamp_ms) {
    const Snapshot* s = table.SnapshotAsOf(*options.as_of_timestamp_ms);
    if (s == nullptr) {
      return Status::NotFound("no snapshot of " + table.location + " was current at " +
                              std::to_string(*options.as_of_timestamp_ms) + " ms");
    }
    return s;
  }
  if (!table.current_snapshot_id || *table.current_snapshot_id < 0) return static_cast<const Snapshot*>(nullptr);
  const Snapshot* s = table.CurrentSnapshot();
  if (s == nullptr) {
    return Status::Invalid("current snapshot " + std::to_string(*table.current_snapshot_id) + " of " + table.location +
                           " is not in its metadata");
  }
  return s;
}

Result<const Schema*> ResolveScanSchema(const TableMetadata& table, const ScanOptions& options,
                                        const Snapshot* snapshot) {
  const bool explicit_snapshot = options.snapshot_id || options.as_of_timestamp_ms;
  const Schema* schema = nullptr;
  if (explicit_snapshot && snapshot != nullptr && snapshot->schema_id) schema = table.SchemaById(*snapshot->schema_id);
  if (schema == nullptr) schema = table.CurrentSchema();
  if (schema == nullptr) {
    return Status::Invalid("table " + table.location + " has no schema " + std::to_string(table.current_schema_id));
  }
  return schema;
}

Result<std::vector<int32_t>> ResolveProjection(const Schema& schema, const ScanOptions& options) {
  if (!options.columns.empty() && !options.field_ids.empty()) {
    return Status::Invalid("choose columns by name or by field id, not both");
  }
  std::vector<int32_t> ids;
  for (const std::string& name : options.columns) {
    const auto it =
        std::find_if(schema.fields.begin(), schema.fields.end(), [&name](const Field& f) { return f.name == name; });
    if (it == schema.fields.end()) {
      std::string message =
          "no top-level column '" + name + "' in schema " + std::to_string(schema.schema_id) + " (columns:";
      for (const Field& f : schema.fields) message.append(" ").append(f.name);
      return Status::NotFound(message + ")");
    }
    ids.push_back(it->id);
  }
  for (const int32_t id : options.field_ids) {
    const bool top =
        std::any_of(schema.fields.begin(), schema.fields.end(), [id](const Field& f) { return f.id == id; });
    if (!top) {
      return Status::NotFound("field id " + std::to_string(id) + " is not a top-level column of schema " +
                              std::to_string(schema.schema_id));
    }
    ids.push_back(id);
  }
  if (ids.empty()) {
    for (const Field& f : schema.fields) ids.push_back(f.id);
  }
  return ids;
}

Result<std::vector<ScanTask>> AssignDeletes(const std::vector<ManifestEntry>& data,
                                            const std::vector<ManifestEntry>& deletes, const TableMetadata& table) {
  DeleteIndex index;
  for (const ManifestEntry& e : deletes) {
    const DataFile& f = e.file;
    if (f.content == Content::kEqualityDeletes) {
      if (IsUnpartitioned(table, f)) {
        index.global_equalities.push_back(&e);
      } else {
        index.by_partition[PartitionKey(f)].equalities.push_back(&e);
      }
    } else if (f.content == Content::kPositionDeletes) {
      if (IsDeletionVector(f)) {
        if (!f.referenced_data_file) {
          return Status::Invalid("deletion vector in " + f.file_path + " has no referenced_data_file");
        }
        index.dvs[*f.referenced_data_file].push_back(&e);
      } else if (f.referenced_data_file) {
        index.referenced[*f.referenced_data_file].push_back(&e);
      } else {
        index.by_partition[PartitionKey(f)].positions.push_back(&e);
      }
    } else {
      return Status::Invalid(f.file_path + " is a data file listed among delete files");
    }
  }
  index.Sort();

  std::vector<ScanTask> tasks;
  tasks.reserve(data.size());
  for (const ManifestEntry& d : data) {
    ScanTask t;
    t.data_file = d.file;
    t.data_sequence_number = d.sequence_number;
    const std::string& path = d.file.file_path;
    const std::string key = PartitionKey(d.file);
    const auto bucket = index.by_partition.find(key);
    const auto applies = [&](const ManifestEntry* e, bool strictly) {
      const bool newer = strictly ? d.sequence_number < e->sequence_number : d.sequence_number <= e->sequence_number;
      return newer && PartitionKey(e->file) == key;
    };
    if (const auto dv = index.dvs.find(path); dv != index.dvs.end()) {
      for (const ManifestEntry* e : dv->second) {
        if (applies(e, false)) t.position_deletes.push_back(e->file);
      }
    }
    // A deletion vector holds every earlier position delete of its file, so those files are not applied too.
    if (t.position_deletes.empty()) {
      if (const auto ref = index.referenced.find(path); ref != index.referenced.end()) {
        for (const ManifestEntry* e : ref->second) {
          if (applies(e, false)) t.position_deletes.push_back(e->file);
        }
      }
      if (bucket != index.by_partition.end()) {
        const Entries& v = bucket->second.positions;
        for (auto it = FirstFrom(v, d.sequence_number, false); it != v.end(); ++it) {
          if (!OutsidePathBounds((*it)->file, path)) t.position_deletes.push_back((*it)->file);
        }
      }
    }
    if (bucket != index.by_partition.end()) {
      const Entries& v = bucket->second.equalities;
      for (auto it = FirstFrom(v, d.sequence_number, true); it != v.end(); ++it)
        t.equality_deletes.push_back((*it)->file);
    }
    const Entries& g = index.global_equalities;
    for (auto it = FirstFrom(g, d.sequence_number, true); it != g.end(); ++it)
      t.equality_deletes.push_back((*it)->file);
    tasks.push_back(std::move(t));
  }
  return tasks;
}

Result<std::vector<ScanTask>> PlanTasks(const TableMetadata& table, const Schema& schema, const ScanOptions& options,
                                        const std::vector<ManifestEntry>& entries) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<int32_t> projection, ResolveProjection(schema, options));
  ICEGRAPH_ASSIGN_OR_RAISE(const Filter filter, BindFilter(options.filter, schema));
  std::vector<ManifestEntry> data;
  std::vector<ManifestEntry> deletes;
  for (const ManifestEntry& e : entries) {
    if (e.status == EntryStatus::kDeleted) continue;
    if (e.file.content != Content::kData) {
      deletes.push_back(e);
    } else if (FileMayMatch(filter, schema, table.SpecById(e.file.spec_id), e.file)) {
      data.push_back(e);
    }
  }
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<ScanTask> tasks, AssignDeletes(data, deletes, table));
  std::optional<std::string> name_mapping;
  if (const auto it = table.properties.find("schema.name-mapping.default"); it != table.properties.end()) {
    name_mapping = it->second;
  }
  for (ScanTask& t : tasks) {
    t.projected_field_ids = projection;
    t.schema = schema;
    if (const PartitionSpec* spec = table.SpecById(t.data_file.spec_id)) t.spec = *spec;
    t.spec.spec_id = t.data_file.spec_id;
    t.residual = filter;
    t.name_mapping_json = name_mapping;
  }
  return tasks;
}

Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, const ScanOptions& options) {
  ICEGRAPH_ASSIGN_OR_RAISE(const Snapshot* snapshot, ResolveSnapshot(table, options));
  if (snapshot == nullptr) return std::vector<ScanTask>{};
  ICEGRAPH_ASSIGN_OR_RAISE(const Schema* schema, ResolveScanSchema(table, options, snapshot));
  const std::string context = "table " + table.location + " snapshot " + std::to_string(snapshot->snapshot_id);
  auto manifests = ReadManifestList(io, table, *snapshot);
  if (!manifests.ok()) return manifests.status().WithContext(context);
  std::vector<ManifestEntry> entries;
  for (const ManifestFile& m : *manifests) {
    if (options.manifests != nullptr) {
      auto read = options.manifests->Read(io, table, m);
      if (!read.ok()) return read.status().WithContext(context + " manifest " + m.manifest_path);
      for (const ManifestEntry& e : **read) {
        if (e.status != EntryStatus::kDeleted) entries.push_back(e);
      }
      continue;
    }
    auto read = ReadManifest(io, table, m);
    if (!read.ok()) return read.status().WithContext(context + " manifest " + m.manifest_path);
    for (ManifestEntry& e : *read) {
      if (e.status != EntryStatus::kDeleted) entries.push_back(std::move(e));
    }
  }
  auto tasks = PlanTasks(table, *schema, options, entries);
  if (!tasks.ok()) return tasks.status().WithContext(context);
  return tasks;
}

Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, int64_t snapshot_id) {
  ScanOptions options;
  options.snapshot_id = snapshot_id;
  return PlanScan(io, table, options);
}

Result<std::shared_ptr<arrow::Table>> ReadTable(FileIO& io, const TableMetadata& table, const ScanOptions& options,
                                                const ReadOptions& read_options) {
  ICEGRAPH_ASSIGN_OR_RAISE(const Snapshot* snapshot, ResolveSnapshot(table, options));
  ICEGRAPH_ASSIGN_OR_RAISE(const Schema* schema, ResolveScanSchema(table, options, snapshot));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<int32_t> projection, ResolveProjection(*schema, options));
  ICEGRAPH_ASSIGN_OR_RAISE(auto arrow_schema, ProjectedArrowSchema(*schema, projection, read_options));
  ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanScan(io, table, options));
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const ScanTask& t : tasks) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, TaskReader::Open(io, t, read_options));
    ICEGRAPH_ASSIGN_OR_RAISE(auto part, reader->ReadAll());
    parts.push_back(std::move(part));
  }
  if (parts.empty()) {
    auto empty = arrow::Table::MakeEmpty(arrow_schema);
    if (!empty.ok()) return FromArrowStatus(empty.status(), table.location);
    return *empty;
  }
  auto combined = arrow::ConcatenateTables(parts);
  if (!combined.ok()) return FromArrowStatus(combined.status(), table.location);
  return *combined;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> OpenTask(FileIO& io, const ScanTask& task, const Schema& schema,
                                                           int64_t batch_size) {
  ScanTask t = task;
  t.schema = schema;
  t.projected_field_ids.clear();  // every top-level field of `schema`
  ReadOptions options;
  options.parquet.batch_size = batch_size;
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader, TaskReader::Open(io, t, options));
  return AsRecordBatchReader(std::move(reader));
}

Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema) { return ProjectedArrowSchema(schema, {}); }

}  // namespace icegraph::iceberg

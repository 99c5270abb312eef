// Iceberg table model: schemas by field id, partition specs, snapshots, manifests and content files
// (Iceberg table spec v1/v2/v3). Parsing lives in metadata_json.cc and manifest_avro.cc; this header has no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace icegraph::iceberg {

/// A schema field; nested types carry children (struct fields, list element, map key/value).
struct Field {
  int32_t id = 0;
  std::string name;
  bool required = false;
  std::string type;             // primitive name ("long", "decimal(10,2)", "fixed[16]", "timestamptz", ...)
                                // or "struct", "list", "map"
  std::vector<Field> children;  // struct: fields; list: [element]; map: [key, value]
  std::string doc;
  std::optional<std::string> initial_default_json;  // v3 defaults, raw JSON
  std::optional<std::string> write_default_json;
};

struct Schema {
  int32_t schema_id = 0;
  std::vector<Field> fields;
  std::vector<int32_t> identifier_field_ids;

  /// The field with this id anywhere in the tree, or nullptr.
  const Field* FindField(int32_t id) const;
  /// Top-level or dotted path ("address.city") lookup by current name, or nullptr.
  const Field* FindByPath(const std::string& path) const;
};

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;
  std::string name;
  std::string transform;  // "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;
};

struct SortOrder {
  int32_t order_id = 0;
};

/// Snapshot operation from the summary.
enum class Operation { kAppend, kReplace, kOverwrite, kDelete, kUnknown };

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;  // 0 for v1 tables
  int64_t timestamp_ms = 0;
  std::string manifest_list;  // location of the manifest list (v2+; v1 may list manifests inline)
  std::vector<std::string> v1_manifests;
  Operation operation = Operation::kUnknown;
  std::map<std::string, std::string> summary;
  std::optional<int32_t> schema_id;
  std::optional<int64_t> first_row_id;  // v3 row lineage
  std::optional<int64_t> added_rows;    // v3: rows given ids by this snapshot
};

struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string type;  // "branch" or "tag"
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

struct TableMetadata {
  int format_version = 1;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  int32_t current_schema_id = 0;
  std::vector<Schema> schemas;
  int32_t default_spec_id = 0;
  std::vector<PartitionSpec> partition_specs;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::map<std::string, SnapshotRef> refs;
  std::map<std::string, std::string> properties;
  std::string metadata_location;       // where this metadata was read from
  std::optional<int64_t> next_row_id;  // v3 row lineage

  const Schema* CurrentSchema() const;
  const Schema* SchemaById(int32_t id) const;
  const PartitionSpec* SpecById(int32_t id) const;
  const Snapshot* SnapshotById(int64_t id) const;
  const Snapshot* CurrentSnapshot() const;
  /// The snapshot current at `timestamp_ms` per the snapshot log, or nullptr.
  const Snapshot* SnapshotAsOf(int64_t timestamp_ms) const;
};

/// What a content file holds.
enum class Content { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

enum class FileFormat { kParquet, kAvro, kOrc, kPuffin };

/// A data or delete file, as listed in a manifest entry's `data_file` struct.
struct DataFile {
  Content content = Content::kData;
  std::string file_path;
  FileFormat format = FileFormat::kParquet;
  int32_t spec_id = 0;
  /// The partition tuple {field name: value}, parsed once when the manifest entry is read (pruning, the reader
  /// and scan planning all use it); null when the entry has none. Shared: a DataFile is copied into every task.
  std::shared_ptr<const nlohmann::json> partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  std::map<int32_t, std::string> lower_bounds;  // single-value binary serialisation (spec appendix D)
  std::map<int32_t, std::string> upper_bounds;
  std::vector<int64_t> split_offsets;
  std::optional<int32_t> sort_order_id;
  std::vector<int32_t> equality_ids;                // equality delete files
  std::optional<std::string> referenced_data_file;  // v3 / position deletes for one data file
  std::optional<int64_t> content_offset;            // v3 deletion vector in a Puffin file
  std::optional<int64_t> content_size_in_bytes;
  std::optional<int64_t> first_row_id;
};

enum class EntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  int64_t snapshot_id = 0;      // inherited from the manifest when null
  int64_t sequence_number = 0;  // data sequence number (inherited when null)
  int64_t file_sequence_number = 0;
  DataFile file;
};

enum class ManifestContent { kData = 0, kDeletes = 1 };

/// One row of a manifest list.
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;  // -1 for v1 inline manifests until read (their header names it)
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::optional<int64_t> first_row_id;  // v3: first row id of the data files this manifest adds
};

}  // namespace icegraph::iceberg

// Manifest lists and manifests (spec v1 to v3) mapped from avro-c generic values to the model of model.h.
#include "iceberg/manifest_avro.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "iceberg/avro_file.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

// A field of a record with a nullable union resolved to its branch; nullopt when absent or null.
std::optional<avro_value_t> FieldOf(avro_value_t* rec, const char* name) {
  avro_value_t f;
  if (avro_value_get_by_name(rec, name, &f, nullptr) != 0) return std::nullopt;
  if (avro_value_get_type(&f) == AVRO_UNION) {
    avro_value_t branch;
    if (avro_value_get_current_branch(&f, &branch) != 0) return std::nullopt;
    f = branch;
  }
  if (avro_value_get_type(&f) == AVRO_NULL) return std::nullopt;
  return f;
}

std::optional<int64_t> AsLong(avro_value_t* v) {
  if (avro_value_get_type(v) == AVRO_INT32) {
    int32_t i = 0;
    if (avro_value_get_int(v, &i) != 0) return std::nullopt;
    return i;
  }
  int64_t l = 0;
  if (avro_value_get_long(v, &l) != 0) return std::nullopt;
  return l;
}

std::optional<int64_t> Long(avro_value_t* rec, const char* name) {
  auto f = FieldOf(rec, name);
  return f ? AsLong(&*f) : std::nullopt;
}

std::optional<std::string> String(avro_value_t* rec, const char* name) {
  auto f = FieldOf(rec, name);
  if (!f) return std::nullopt;
  const char* s = nullptr;
  size_t size = 0;
  if (avro_value_get_string(&*f, &s, &size) != 0) return std::nullopt;
  return std::string(s, size > 0 ? size - 1 : 0);  // avro-c counts the terminating NUL
}

std::string Bytes(avro_value_t* v) {
  const void* p = nullptr;
  size_t n = 0;
  if (avro_value_get_type(v) == AVRO_FIXED) {
    avro_value_get_fixed(v, &p, &n);
  } else if (avro_value_get_bytes(v, &p, &n) != 0) {
    return {};
  }
  return {static_cast<const char*>(p), n};
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// Partition tuples as JSON: numbers and strings as they are, binary (decimal, uuid, fixed) as lowercase hex.
// scan.cc compares these texts to match delete files to data files, so the form must stay stable.
json ToJson(avro_value_t* v) {
  switch (avro_value_get_type(v)) {
    case AVRO_BOOLEAN: {
      int b = 0;
      avro_value_get_boolean(v, &b);
      return b != 0;
    }
    case AVRO_INT32:
    case AVRO_INT64: return *AsLong(v);
    case AVRO_FLOAT: {
      float f = 0;
      avro_value_get_float(v, &f);
      return f;
    }
    case AVRO_DOUBLE: {
      double d = 0;
      avro_value_get_double(v, &d);
      return d;
    }
    case AVRO_STRING: {
      const char* s = nullptr;
      size_t n = 0;
      avro_value_get_string(v, &s, &n);
      return std::string(s, n > 0 ? n - 1 : 0);
    }
    case AVRO_BYTES:
    case AVRO_FIXED: return Hex(Bytes(v));
    case AVRO_UNION: {
      avro_value_t b;
      if (avro_value_get_current_branch(v, &b) != 0) return nullptr;
      return ToJson(&b);
    }
    case AVRO_RECORD: {
      json out = json::object();
      size_t n = 0;
      avro_value_get_size(v, &n);
      for (size_t i = 0; i < n; ++i) {
        avro_value_t c;
        const char* name = nullptr;
        avro_value_get_by_index(v, i, &c, &name);
        out[name] = ToJson(&c);
      }
      return out;
    }
    default: return nullptr;
  }
}

// Column statistics keyed by field id: Iceberg writes them as arrays of {key, value} records; an Avro map with
// decimal-string keys is accepted too.
template <typename Fn>
void ForEachById(avro_value_t* rec, const char* name, Fn fn) {
  auto f = FieldOf(rec, name);
  if (!f) return;
  size_t n = 0;
  avro_value_get_size(&*f, &n);
  const bool is_map = avro_value_get_type(&*f) == AVRO_MAP;
  for (size_t i = 0; i < n; ++i) {
    avro_value_t item;
    const char* map_key = nullptr;
    if (avro_value_get_by_index(&*f, i, &item, &map_key) != 0) continue;
    if (is_map) {
      if (map_key != nullptr) fn(static_cast<int32_t>(std::strtol(map_key, nullptr, 10)), &item);
      continue;
    }
    const auto key = Long(&item, "key");
    auto value = FieldOf(&item, "value");
    if (key && value) fn(static_cast<int32_t>(*key), &*value);
  }
}

std::map<int32_t, int64_t> LongsById(avro_value_t* rec, const char* name) {
  std::map<int32_t, int64_t> out;
  ForEachById(rec, name, [&](int32_t id, avro_value_t* v) {
    if (const auto l = AsLong(v)) out[id] = *l;
  });
  return out;
}

std::map<int32_t, std::string> BytesById(avro_value_t* rec, const char* name) {
  std::map<int32_t, std::string> out;
  ForEachById(rec, name, [&](int32_t id, avro_value_t* v) { out[id] = Bytes(v); });
  return out;
}

template <typename T>
std::vector<T> LongArray(avro_value_t* rec, const char* name) {
  std::vector<T> out;
  auto f = FieldOf(rec, name);
  if (!f) return out;
  size_t n = 0;
  avro_value_get_size(&*f, &n);
  for (size_t i = 0; i < n; ++i) {
    avro_value_t item;
    if (avro_value_get_by_index(&*f, i, &item, nullptr) != 0) continue;
    if (const auto l = AsLong(&item)) out.push_back(static_cast<T>(*l));
  }
  return out;
}

FileFormat ParseFormat(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  if (text == "AVRO") return FileFormat::kAvro;
  if (text == "ORC") return FileFormat::kOrc;
  if (text == "PUFFIN") return FileFormat::kPuffin;
  return FileFormat::kParquet;
}

Result<DataFile> ParseDataFile(avro_value_t* df, int32_t spec_id) {
  DataFile f;
  const int64_t content = Long(df, "content").value_or(0);  // v1 manifests have data files only
  if (content < 0 || content > 2)
    return Status::Invalid("data_file.content " + std::to_string(content) + " is unknown");
  f.content = static_cast<Content>(content);
  const auto path = String(df, "file_path");
  if (!path) return Status::Invalid("data_file without file_path");
  f.file_path = *path;
  f.format = ParseFormat(String(df, "file_format").value_or("PARQUET"));
  f.spec_id = spec_id;
  if (auto p = FieldOf(df, "partition")) f.partition = std::make_shared<const json>(ToJson(&*p));
  f.record_count = Long(df, "record_count").value_or(0);
  f.file_size_in_bytes = Long(df, "file_size_in_bytes").value_or(0);
  f.column_sizes = LongsById(df, "column_sizes");
  f.value_counts = LongsById(df, "value_counts");
  f.null_value_counts = LongsById(df, "null_value_counts");
  f.nan_value_counts = LongsById(df, "nan_value_counts");
  f.lower_bounds = BytesById(df, "lower_bounds");
  f.upper_bounds = BytesById(df, "upper_bounds");
  f.split_offsets = LongArray<int64_t>(df, "split_offsets");
  f.equality_ids = LongArray<int32_t>(df, "equality_ids");
  if (const auto id = Long(df, "sort_order_id")) f.sort_order_id = static_cast<int32_t>(*id);
  f.referenced_data_file = String(df, "referenced_data_file");
  f.content_offset = Long(df, "content_offset");
  f.content_size_in_bytes = Long(df, "content_size_in_bytes");
  f.first_row_id = Long(df, "first_row_id");
  return f;
}

// A number from the manifest's header metadata (written as text), or nullopt.
std::optional<int64_t> HeaderNumber(const std::map<std::string, std::string>& metadata, const char* key) {
  const auto it = metadata.find(key);
  if (it == metadata.end() || it->second.empty()) return std::nullopt;
  char* end = nullptr;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

Result<ManifestEntry> ParseEntry(avro_value_t* rec, const ManifestFile& manifest, int32_t spec_id, int format_version) {
  ManifestEntry e;
  const auto status = Long(rec, "status");
  if (!status || *status < 0 || *status > 2) return Status::Invalid("entry without a valid status");
  e.status = static_cast<EntryStatus>(*status);
  e.snapshot_id = Long(rec, "snapshot_id").value_or(manifest.added_snapshot_id);
  const auto data_seq = Long(rec, "sequence_number");
  const auto file_seq = Long(rec, "file_sequence_number");
  if (format_version == 1) {
    e.sequence_number = e.file_sequence_number = 0;  // v1 has no sequence numbers: all are 0
  } else {
    // Sequence number inheritance (as Java reads it): files added by the manifest's snapshot, and every file of a
    // manifest from before the table's v2 upgrade (sequence number 0), take the manifest's sequence number.
    const bool inherits = e.status == EntryStatus::kAdded || manifest.sequence_number == 0;
    if (!data_seq && !inherits) return Status::Invalid("an EXISTING or DELETED entry must carry its sequence_number");
    e.sequence_number = data_seq.value_or(manifest.sequence_number);
    e.file_sequence_number = file_seq.value_or(inherits ? manifest.sequence_number : 0);
  }
  auto df = FieldOf(rec, "data_file");
  if (!df) return Status::Invalid("entry without data_file");
  ICEGRAPH_ASSIGN_OR_RAISE(e.file, ParseDataFile(&*df, spec_id));
  return e;
}

}  // namespace

Result<std::vector<ManifestFile>> ReadManifestList(FileIO& io, const TableMetadata& table, const Snapshot& snapshot) {
  std::vector<ManifestFile> out;
  const std::string context = "table " + table.location + " snapshot " + std::to_string(snapshot.snapshot_id);
  if (snapshot.manifest_list.empty()) {
    // v1 snapshots may list manifests inline; ReadManifest takes their spec id from the manifest's header.
    for (const std::string& path : snapshot.v1_manifests) {
      ManifestFile m;
      m.manifest_path = path;
      m.added_snapshot_id = snapshot.snapshot_id;
      m.partition_spec_id = -1;  // unknown until the manifest is read
      out.push_back(std::move(m));
    }
    return out;
  }
  auto bytes = io.ReadAll(snapshot.manifest_list);
  if (!bytes.ok()) return bytes.status().WithContext(context);
  auto reader = AvroFileReader::Open(*bytes, snapshot.manifest_list);
  if (!reader.ok()) return reader.status().WithContext(context);
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(avro_value_t * rec, (*reader)->Next());
    if (rec == nullptr) break;
    ManifestFile m;
    const auto path = String(rec, "manifest_path");
    if (!path)
      return Status::Invalid(context + ": manifest list " + snapshot.manifest_list +
                             " has a row without manifest_path");
    m.manifest_path = *path;
    m.manifest_length = Long(rec, "manifest_length").value_or(0);
    m.partition_spec_id = static_cast<int32_t>(Long(rec, "partition_spec_id").value_or(0));
    m.content = static_cast<ManifestContent>(Long(rec, "content").value_or(0));
    m.sequence_number = Long(rec, "sequence_number").value_or(0);
    m.min_sequence_number = Long(rec, "min_sequence_number").value_or(0);
    m.added_snapshot_id = Long(rec, "added_snapshot_id").value_or(snapshot.snapshot_id);
    // v1 manifest lists name the file counts added_data_files_count etc.
    const auto count = [&](const char* v2_name, const char* v1_name) {
      return static_cast<int32_t>(Long(rec, v2_name).value_or(Long(rec, v1_name).value_or(0)));
    };
    m.added_files_count = count("added_files_count", "added_data_files_count");
    m.existing_files_count = count("existing_files_count", "existing_data_files_count");
    m.deleted_files_count = count("deleted_files_count", "deleted_data_files_count");
    m.added_rows_count = Long(rec, "added_rows_count").value_or(0);
    m.existing_rows_count = Long(rec, "existing_rows_count").value_or(0);
    m.deleted_rows_count = Long(rec, "deleted_rows_count").value_or(0);
    m.first_row_id = Long(rec, "first_row_id");
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ManifestEntry>> ReadManifest(FileIO& io, const TableMetadata& table, const ManifestFile& manifest) {
  const std::string context = "manifest " + manifest.manifest_path;
  auto bytes = io.ReadAll(manifest.manifest_path);
  if (!bytes.ok()) return bytes.status().WithContext(context);
  auto reader = AvroFileReader::Open(*bytes, manifest.manifest_path);
  if (!reader.ok()) return reader.status().WithContext("table " + table.location);
  const auto& header = (*reader)->metadata();
  // The manifest's own header knows its spec when the manifest list does not (v1 inline manifests).
  const int32_t spec_id = manifest.partition_spec_id >= 0
                              ? manifest.partition_spec_id
                              : static_cast<int32_t>(HeaderNumber(header, "partition-spec-id").value_or(0));
  const int format_version =
      static_cast<int>(std::min<int64_t>(table.format_version, HeaderNumber(header, "format-version").value_or(3)));
  std::optional<int64_t> next_row_id = manifest.first_row_id;  // v3 first_row_id inheritance
  std::vector<ManifestEntry> out;
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(avro_value_t * rec, (*reader)->Next());
    if (rec == nullptr) break;
    auto entry = ParseEntry(rec, manifest, spec_id, format_version);
    if (!entry.ok()) return entry.status().WithContext(context + " entry " + std::to_string(out.size()));
    DataFile& f = entry->file;
    if (next_row_id && f.content == Content::kData && !f.first_row_id) {
      f.first_row_id = *next_row_id;
      *next_row_id += f.record_count;
    }
    out.push_back(std::move(entry).ValueOrDie());
  }
  return out;
}

Result<std::shared_ptr<const std::vector<ManifestEntry>>> ManifestCache::Read(FileIO& io, const TableMetadata& table,
                                                                              const ManifestFile& manifest) {
  // What the entries inherit from the manifest-list entry is part of the key, with the table's location.
  const std::string key = table.location + '\n' + manifest.manifest_path + '\n' +
                          std::to_string(manifest.sequence_number) + '\n' + std::to_string(manifest.added_snapshot_id) +
                          '\n' + std::to_string(manifest.partition_spec_id) + '\n' +
                          (manifest.first_row_id ? std::to_string(*manifest.first_row_id) : "-");
  {
    const std::lock_guard lock(mu_);
    if (const auto it = read_.find(key); it != read_.end()) return it->second;
  }
  ICEGRAPH_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, table, manifest));
  auto shared = std::make_shared<const std::vector<ManifestEntry>>(std::move(entries));
  const std::lock_guard lock(mu_);
  return read_.try_emplace(key, std::move(shared)).first->second;
}

}  // namespace icegraph::iceberg

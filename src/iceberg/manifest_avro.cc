// Reading manifests with avro-c's generic value API, from bytes fetched through FileIO.
#include "iceberg/manifest_avro.h"

#include <avro.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

std::string HexByte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[c >> 4], kHex[c & 15]};
}

// RAII owners of avro-c handles.
struct ReaderCloser {
  void operator()(avro_file_reader_t r) const { avro_file_reader_close(r); }
};
using ReaderPtr = std::unique_ptr<std::remove_pointer_t<avro_file_reader_t>, ReaderCloser>;

class GenericValue {
 public:
  explicit GenericValue(avro_schema_t schema) : iface_(avro_generic_class_from_schema(schema)) {
    avro_generic_value_new(iface_, &value_);
  }
  ~GenericValue() {
    avro_value_decref(&value_);
    avro_value_iface_decref(iface_);
  }
  GenericValue(const GenericValue&) = delete;
  GenericValue& operator=(const GenericValue&) = delete;
  avro_value_t* get() { return &value_; }

 private:
  avro_value_iface_t* iface_;
  avro_value_t value_{};
};

// A field of a record, with nullable unions resolved to their branch; nullopt when absent or null.
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

std::optional<int64_t> Long(avro_value_t* rec, const char* name) {
  auto f = FieldOf(rec, name);
  if (!f) return std::nullopt;
  if (avro_value_get_type(&*f) == AVRO_INT32) {
    int32_t v = 0;
    avro_value_get_int(&*f, &v);
    return v;
  }
  int64_t v = 0;
  if (avro_value_get_long(&*f, &v) != 0) return std::nullopt;
  return v;
}

std::optional<std::string> String(avro_value_t* rec, const char* name) {
  auto f = FieldOf(rec, name);
  if (!f) return std::nullopt;
  const char* s = nullptr;
  size_t size = 0;
  if (avro_value_get_string(&*f, &s, &size) != 0) return std::nullopt;
  return std::string(s, size > 0 ? size - 1 : 0);  // avro-c counts the terminating NUL
}

json ToJson(avro_value_t* v) {
  switch (avro_value_get_type(v)) {
    case AVRO_NULL: return nullptr;
    case AVRO_BOOLEAN: {
      int b = 0;
      avro_value_get_boolean(v, &b);
      return b != 0;
    }
    case AVRO_INT32: {
      int32_t i = 0;
      avro_value_get_int(v, &i);
      return i;
    }
    case AVRO_INT64: {
      int64_t i = 0;
      avro_value_get_long(v, &i);
      return i;
    }
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
    case AVRO_FIXED: {
      const void* p = nullptr;
      size_t n = 0;
      if (avro_value_get_type(v) == AVRO_BYTES) {
        avro_value_get_bytes(v, &p, &n);
      } else {
        avro_value_get_fixed(v, &p, &n);
      }
      std::string hex;
      for (size_t i = 0; i < n; ++i) hex += HexByte(static_cast<const unsigned char*>(p)[i]);
      return hex;
    }
    case AVRO_UNION: {
      avro_value_t b;
      avro_value_get_current_branch(v, &b);
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

// Avro arrays of {key: int, value: T} records (column stats maps).
template <typename Fn>
void ForEachKeyValue(avro_value_t* rec, const char* name, Fn fn) {
  auto f = FieldOf(rec, name);
  if (!f) return;
  size_t n = 0;
  avro_value_get_size(&*f, &n);
  for (size_t i = 0; i < n; ++i) {
    avro_value_t kv;
    avro_value_get_by_index(&*f, i, &kv, nullptr);
    const auto key = Long(&kv, "key");
    auto value = FieldOf(&kv, "value");
    if (key && value) fn(static_cast<int32_t>(*key), &*value);
  }
}

Result<ReaderPtr> OpenAvro(const std::string& bytes, const std::string& path, FILE** fp_out) {
  FILE* fp = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (fp == nullptr) return Status::IOError(path + ": cannot open the bytes as a stream");
  avro_file_reader_t reader = nullptr;
  if (avro_file_reader_fp(fp, path.c_str(), 1, &reader) != 0) {
    return Status::Invalid(path + ": not an Avro object container file: " + avro_strerror());
  }
  *fp_out = fp;
  return ReaderPtr(reader);
}

template <typename Fn>
Status ReadRecords(FileIO& io, const std::string& path, Fn fn) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string bytes, io.ReadAll(path));
  FILE* fp = nullptr;
  ICEGRAPH_ASSIGN_OR_RAISE(ReaderPtr reader, OpenAvro(bytes, path, &fp));
  avro_schema_t schema = avro_file_reader_get_writer_schema(reader.get());
  GenericValue value(schema);
  int rc = 0;
  while ((rc = avro_file_reader_read_value(reader.get(), value.get())) == 0) {
    ICEGRAPH_RETURN_NOT_OK(fn(value.get()));
  }
  avro_schema_decref(schema);
  if (rc != EOF) return Status::Invalid(path + ": corrupt Avro data: " + avro_strerror());
  return Status::OK();
}

}  // namespace

Result<std::vector<ManifestFile>> ReadManifestList(FileIO& io, const TableMetadata& table, const Snapshot& snapshot) {
  std::vector<ManifestFile> out;
  if (snapshot.manifest_list.empty()) {
    // v1 snapshots may list manifests inline; their details come from the manifests themselves.
    for (const std::string& path : snapshot.v1_manifests) {
      ManifestFile m;
      m.manifest_path = path;
      m.added_snapshot_id = snapshot.snapshot_id;
      out.push_back(std::move(m));
    }
    return out;
  }
  const Status st = ReadRecords(io, snapshot.manifest_list, [&](avro_value_t* rec) -> Status {
    ManifestFile m;
    const auto path = String(rec, "manifest_path");
    if (!path) return Status::Invalid(snapshot.manifest_list + ": manifest without manifest_path");
    m.manifest_path = *path;
    m.manifest_length = Long(rec, "manifest_length").value_or(0);
    m.partition_spec_id = static_cast<int32_t>(Long(rec, "partition_spec_id").value_or(0));
    m.content = static_cast<ManifestContent>(Long(rec, "content").value_or(0));
    m.sequence_number = Long(rec, "sequence_number").value_or(0);
    m.min_sequence_number = Long(rec, "min_sequence_number").value_or(0);
    m.added_snapshot_id = Long(rec, "added_snapshot_id").value_or(snapshot.snapshot_id);
    m.added_files_count =
        static_cast<int32_t>(Long(rec, "added_files_count").value_or(Long(rec, "added_data_files_count").value_or(0)));
    m.existing_files_count = static_cast<int32_t>(
        Long(rec, "existing_files_count").value_or(Long(rec, "existing_data_files_count").value_or(0)));
    m.deleted_files_count = static_cast<int32_t>(
        Long(rec, "deleted_files_count").value_or(Long(rec, "deleted_data_files_count").value_or(0)));
    m.added_rows_count = Long(rec, "added_rows_count").value_or(0);
    m.existing_rows_count = Long(rec, "existing_rows_count").value_or(0);
    m.deleted_rows_count = Long(rec, "deleted_rows_count").value_or(0);
    out.push_back(std::move(m));
    return Status::OK();
  });
  if (!st.ok()) return st.WithContext("table " + table.location + " snapshot " + std::to_string(snapshot.snapshot_id));
  return out;
}

Result<std::vector<ManifestEntry>> ReadManifest(FileIO& io, const TableMetadata& table, const ManifestFile& manifest) {
  std::vector<ManifestEntry> out;
  const Status st = ReadRecords(io, manifest.manifest_path, [&](avro_value_t* rec) -> Status {
    ManifestEntry e;
    e.status = static_cast<EntryStatus>(Long(rec, "status").value_or(1));
    e.snapshot_id = Long(rec, "snapshot_id").value_or(manifest.added_snapshot_id);
    // Null sequence numbers are inherited from the manifest (spec: "sequence number inheritance").
    e.sequence_number = Long(rec, "sequence_number").value_or(manifest.sequence_number);
    e.file_sequence_number = Long(rec, "file_sequence_number").value_or(manifest.sequence_number);
    if (table.format_version == 1) e.sequence_number = e.file_sequence_number = 0;
    auto df = FieldOf(rec, "data_file");
    if (!df) return Status::Invalid(manifest.manifest_path + ": entry without data_file");
    DataFile& f = e.file;
    f.content = static_cast<Content>(Long(&*df, "content").value_or(0));
    f.file_path = String(&*df, "file_path").value_or("");
    const std::string format = String(&*df, "file_format").value_or("PARQUET");
    f.format = format == "AVRO"     ? FileFormat::kAvro
               : format == "ORC"    ? FileFormat::kOrc
               : format == "PUFFIN" ? FileFormat::kPuffin
                                    : FileFormat::kParquet;
    f.spec_id = manifest.partition_spec_id;
    if (auto p = FieldOf(&*df, "partition")) f.partition_json = ToJson(&*p).dump();
    f.record_count = Long(&*df, "record_count").value_or(0);
    f.file_size_in_bytes = Long(&*df, "file_size_in_bytes").value_or(0);
    ForEachKeyValue(&*df, "value_counts", [&](int32_t k, avro_value_t* v) {
      int64_t n = 0;
      avro_value_get_long(v, &n);
      f.value_counts[k] = n;
    });
    ForEachKeyValue(&*df, "null_value_counts", [&](int32_t k, avro_value_t* v) {
      int64_t n = 0;
      avro_value_get_long(v, &n);
      f.null_value_counts[k] = n;
    });
    const auto bytes_of = [](avro_value_t* v) {
      const void* p = nullptr;
      size_t n = 0;
      avro_value_get_bytes(v, &p, &n);
      return std::string(static_cast<const char*>(p), n);
    };
    ForEachKeyValue(&*df, "lower_bounds", [&](int32_t k, avro_value_t* v) { f.lower_bounds[k] = bytes_of(v); });
    ForEachKeyValue(&*df, "upper_bounds", [&](int32_t k, avro_value_t* v) { f.upper_bounds[k] = bytes_of(v); });
    if (auto ids = FieldOf(&*df, "equality_ids")) {
      size_t n = 0;
      avro_value_get_size(&*ids, &n);
      for (size_t i = 0; i < n; ++i) {
        avro_value_t id;
        avro_value_get_by_index(&*ids, i, &id, nullptr);
        int32_t v = 0;
        avro_value_get_int(&id, &v);
        f.equality_ids.push_back(v);
      }
    }
    f.referenced_data_file = String(&*df, "referenced_data_file");
    f.content_offset = Long(&*df, "content_offset");
    f.content_size_in_bytes = Long(&*df, "content_size_in_bytes");
    f.first_row_id = Long(&*df, "first_row_id");
    out.push_back(std::move(e));
    return Status::OK();
  });
  if (!st.ok()) return st.WithContext("manifest " + manifest.manifest_path);
  return out;
}

}  // namespace icegraph::iceberg

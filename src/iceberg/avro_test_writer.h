// For unit tests: writes Avro container files with avro-c from records given as JSON, and the Iceberg manifest
// and manifest-list schemas (v1, v2, v3) to write them with. Header only, so it stays out of the library.
#pragma once

#include <avro.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "iceberg/avro_file.h"

namespace icegraph::iceberg::testing {

using nlohmann::json;

/// A fresh directory removed with everything in it when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "icegraph_test_XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  /// path()/relative, with parent directories created.
  std::string File(const std::string& relative) const {
    const std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    return p.string();
  }
  /// Writes `text` to path()/relative and returns the full path.
  std::string Write(const std::string& relative, const std::string& text) const {
    std::string p = File(relative);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p;
  }

 private:
  std::string path_;
};

/// Sets an avro-c value from JSON following its schema: a record's missing fields and JSON nulls pick the union's
/// null branch; other union values take the first branch that is not null; bytes and fixed take the string's bytes.
inline void SetAvro(avro_value_t* v, const json& j) {
  switch (avro_value_get_type(v)) {
    case AVRO_NULL: avro_value_set_null(v); break;
    case AVRO_BOOLEAN: avro_value_set_boolean(v, j.get<bool>() ? 1 : 0); break;
    case AVRO_INT32: avro_value_set_int(v, j.get<int32_t>()); break;
    case AVRO_INT64: avro_value_set_long(v, j.get<int64_t>()); break;
    case AVRO_FLOAT: avro_value_set_float(v, j.get<float>()); break;
    case AVRO_DOUBLE: avro_value_set_double(v, j.get<double>()); break;
    case AVRO_STRING: avro_value_set_string(v, j.get<std::string>().c_str()); break;
    case AVRO_BYTES: {
      std::string b = j.get<std::string>();
      avro_value_set_bytes(v, b.data(), b.size());
      break;
    }
    case AVRO_FIXED: {
      std::string b = j.get<std::string>();
      avro_value_set_fixed(v, b.data(), b.size());
      break;
    }
    case AVRO_UNION: {
      avro_schema_t schema = avro_value_get_schema(v);
      for (size_t i = 0; i < avro_schema_union_size(schema); ++i) {
        const bool is_null = avro_typeof(avro_schema_union_branch(schema, static_cast<int>(i))) == AVRO_NULL;
        if (is_null == j.is_null()) {
          avro_value_t branch;
          avro_value_set_branch(v, static_cast<int>(i), &branch);
          if (!is_null) SetAvro(&branch, j);
          return;
        }
      }
      ADD_FAILURE() << "no union branch for " << j.dump();
      break;
    }
    case AVRO_RECORD: {
      size_t n = 0;
      avro_value_get_size(v, &n);
      for (size_t i = 0; i < n; ++i) {
        avro_value_t field;
        const char* name = nullptr;
        avro_value_get_by_index(v, i, &field, &name);
        const auto it = j.find(name);
        SetAvro(&field, it == j.end() ? json(nullptr) : *it);
      }
      break;
    }
    case AVRO_ARRAY:
      for (const json& item : j) {
        avro_value_t element;
        avro_value_append(v, &element, nullptr);
        SetAvro(&element, item);
      }
      break;
    case AVRO_MAP:
      for (const auto& [k, item] : j.items()) {
        avro_value_t element;
        avro_value_add(v, k.c_str(), &element, nullptr, nullptr);
        SetAvro(&element, item);
      }
      break;
    default: ADD_FAILURE() << "unsupported Avro type"; break;
  }
}

/// Writes `records` with `schema_json` to `path`; `metadata` adds header keys (as Iceberg writers do).
inline void WriteAvroFile(const std::string& path, const std::string& schema_json, const std::vector<json>& records,
                          const std::map<std::string, std::string>& metadata = {}, const char* codec = "null") {
  avro_schema_t schema = nullptr;
  ASSERT_EQ(avro_schema_from_json_length(schema_json.c_str(), schema_json.size(), &schema), 0) << avro_strerror();
  std::remove(path.c_str());
  avro_file_writer_t writer = nullptr;
  ASSERT_EQ(avro_file_writer_create_with_codec(path.c_str(), schema, &writer, codec, size_t{64} * 1024), 0)
      << avro_strerror();
  avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
  for (const json& record : records) {
    avro_value_t value;
    avro_generic_value_new(iface, &value);
    SetAvro(&value, record);
    EXPECT_EQ(avro_file_writer_append_value(writer, &value), 0) << avro_strerror();
    avro_value_decref(&value);
  }
  avro_file_writer_close(writer);
  avro_value_iface_decref(iface);
  avro_schema_decref(schema);
  if (metadata.empty()) return;
  // avro-c cannot write header metadata: add it by rewriting the container.
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto container = ReadAvroContainer(bytes);
  ASSERT_TRUE(container.ok()) << container.status().ToString();
  for (const auto& [k, v] : metadata) container->metadata[k] = v;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << WriteAvroContainer(*container);
}

/// An array of {key: int, value: T} records, as Iceberg writes int-keyed maps.
inline std::string KeyValueArray(const std::string& record_name, const std::string& value_type) {
  return R"(["null", {"type": "array", "logicalType": "map", "items": {"type": "record", "name": ")" + record_name +
         R"(", "fields": [{"name": "key", "type": "int"}, {"name": "value", "type": ")" + value_type + R"("}]}}])";
}

/// The manifest_entry schema of format `version` with `partition_fields` (Avro field JSON, comma separated).
inline std::string ManifestEntrySchema(int version, const std::string& partition_fields) {
  const bool v1 = version == 1;
  std::string data_file = R"({"type": "record", "name": "r2", "fields": [)";
  if (!v1) data_file += R"({"name": "content", "type": "int"},)";
  data_file += R"({"name": "file_path", "type": "string"}, {"name": "file_format", "type": "string"},
    {"name": "partition", "type": {"type": "record", "name": "r102", "fields": [)" +
               partition_fields + R"(]}},
    {"name": "record_count", "type": "long"}, {"name": "file_size_in_bytes", "type": "long"},)";
  if (v1) data_file += R"({"name": "block_size_in_bytes", "type": "long"},)";
  data_file += R"({"name": "column_sizes", "type": )" + KeyValueArray("k117_v118", "long") + R"(},
    {"name": "value_counts", "type": )" +
               KeyValueArray("k119_v120", "long") + R"(},
    {"name": "null_value_counts", "type": )" +
               KeyValueArray("k121_v122", "long") + R"(},
    {"name": "nan_value_counts", "type": )" +
               KeyValueArray("k138_v139", "long") + R"(},
    {"name": "lower_bounds", "type": )" +
               KeyValueArray("k126_v127", "bytes") + R"(},
    {"name": "upper_bounds", "type": )" +
               KeyValueArray("k129_v130", "bytes") + R"(},
    {"name": "split_offsets", "type": ["null", {"type": "array", "items": "long"}]},
    {"name": "sort_order_id", "type": ["null", "int"]})";
  if (!v1) {
    data_file += R"(, {"name": "equality_ids", "type": ["null", {"type": "array", "items": "int"}]},
      {"name": "referenced_data_file", "type": ["null", "string"]})";
  }
  if (version >= 3) {
    data_file += R"(, {"name": "first_row_id", "type": ["null", "long"]},
      {"name": "content_offset", "type": ["null", "long"]}, {"name": "content_size_in_bytes", "type": ["null", "long"]})";
  }
  data_file += "]}";
  std::string entry = R"({"type": "record", "name": "manifest_entry", "fields": [{"name": "status", "type": "int"},)";
  entry +=
      v1 ? R"({"name": "snapshot_id", "type": "long"},)"
         : R"({"name": "snapshot_id", "type": ["null", "long"]}, {"name": "sequence_number", "type": ["null", "long"]},
                   {"name": "file_sequence_number", "type": ["null", "long"]},)";
  return entry + R"({"name": "data_file", "type": )" + data_file + "}]}";
}

/// The manifest_file schema of a manifest list of format `version`.
inline std::string ManifestListSchema(int version) {
  std::string fields = R"({"name": "manifest_path", "type": "string"}, {"name": "manifest_length", "type": "long"},
    {"name": "partition_spec_id", "type": "int"},)";
  if (version == 1) {
    fields += R"({"name": "added_snapshot_id", "type": ["null", "long"]},
      {"name": "added_data_files_count", "type": ["null", "int"]}, {"name": "existing_data_files_count", "type": ["null", "int"]},
      {"name": "deleted_data_files_count", "type": ["null", "int"]}, {"name": "added_rows_count", "type": ["null", "long"]},
      {"name": "existing_rows_count", "type": ["null", "long"]}, {"name": "deleted_rows_count", "type": ["null", "long"]})";
  } else {
    fields += R"({"name": "content", "type": "int"}, {"name": "sequence_number", "type": "long"},
      {"name": "min_sequence_number", "type": "long"}, {"name": "added_snapshot_id", "type": "long"},
      {"name": "added_files_count", "type": "int"}, {"name": "existing_files_count", "type": "int"},
      {"name": "deleted_files_count", "type": "int"}, {"name": "added_rows_count", "type": "long"},
      {"name": "existing_rows_count", "type": "long"}, {"name": "deleted_rows_count", "type": "long"},
      {"name": "partitions", "type": ["null", {"type": "array", "items": {"type": "record", "name": "r508",
        "fields": [{"name": "contains_null", "type": "boolean"}, {"name": "lower_bound", "type": ["null", "bytes"]},
                   {"name": "upper_bound", "type": ["null", "bytes"]}]}}]})";
  }
  if (version >= 3) fields += R"(, {"name": "first_row_id", "type": ["null", "long"]})";
  return R"({"type": "record", "name": "manifest_file", "fields": [)" + fields + "]}";
}

}  // namespace icegraph::iceberg::testing

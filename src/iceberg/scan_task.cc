#include "iceberg/scan_task.h"

#include <nlohmann/json.hpp>

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string ToHex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 15];
  }
  return out;
}

std::string FromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd-length hex '" + hex + "'");
  const auto nibble = [&hex](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex '" + hex + "'");
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// Maps keyed by field id are JSON objects keyed by the id's decimal text.
template <typename V, typename Fn>
json IdMap(const std::map<int32_t, V>& m, Fn value) {
  json out = json::object();
  for (const auto& [id, v] : m) out[std::to_string(id)] = value(v);
  return out;
}

template <typename V, typename Fn>
std::map<int32_t, V> IdMapFrom(const json& j, const char* key, Fn value) {
  std::map<int32_t, V> out;
  if (!j.contains(key)) return out;
  for (const auto& [id, v] : j.at(key).items()) out[std::stoi(id)] = value(v);
  return out;
}

template <typename T>
void PutOptional(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

template <typename T>
std::optional<T> GetOptional(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

json TypeToJson(const Field& f);

// Defaults are kept as raw JSON text in the model; text that is not JSON is carried as a string.
json RawJson(const std::string& text) {
  json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return v.is_discarded() ? json(text) : v;
}

json FieldToJson(const Field& f) {
  json j = {{"id", f.id}, {"name", f.name}, {"required", f.required}, {"type", TypeToJson(f)}};
  if (!f.doc.empty()) j["doc"] = f.doc;
  if (f.initial_default_json) j["initial-default"] = RawJson(*f.initial_default_json);
  if (f.write_default_json) j["write-default"] = RawJson(*f.write_default_json);
  return j;
}

json TypeToJson(const Field& f) {
  if (f.type == "struct") {
    json fields = json::array();
    for (const Field& c : f.children) fields.push_back(FieldToJson(c));
    return {{"type", "struct"}, {"fields", fields}};
  }
  if (f.type == "list") {
    const Field& e = f.children.at(0);
    return {{"type", "list"}, {"element-id", e.id}, {"element", TypeToJson(e)}, {"element-required", e.required}};
  }
  if (f.type == "map") {
    const Field& k = f.children.at(0);
    const Field& v = f.children.at(1);
    return {{"type", "map"},    {"key-id", k.id},         {"key", TypeToJson(k)},
            {"value-id", v.id}, {"value", TypeToJson(v)}, {"value-required", v.required}};
  }
  return f.type;
}

Field FieldFromJson(const json& j);

void TypeFromJson(const json& t, Field* f) {
  if (t.is_string()) {
    f->type = t.get<std::string>();
    return;
  }
  f->type = t.at("type").get<std::string>();
  if (f->type == "struct") {
    for (const json& c : t.at("fields")) f->children.push_back(FieldFromJson(c));
  } else if (f->type == "list") {
    Field e;
    e.id = t.at("element-id").get<int32_t>();
    e.name = "element";
    e.required = t.value("element-required", false);
    TypeFromJson(t.at("element"), &e);
    f->children.push_back(std::move(e));
  } else if (f->type == "map") {
    Field k;
    k.id = t.at("key-id").get<int32_t>();
    k.name = "key";
    k.required = true;
    TypeFromJson(t.at("key"), &k);
    Field v;
    v.id = t.at("value-id").get<int32_t>();
    v.name = "value";
    v.required = t.value("value-required", false);
    TypeFromJson(t.at("value"), &v);
    f->children.push_back(std::move(k));
    f->children.push_back(std::move(v));
  } else {
    throw std::invalid_argument("unknown nested type '" + f->type + "'");
  }
}

Field FieldFromJson(const json& j) {
  Field f;
  f.id = j.at("id").get<int32_t>();
  f.name = j.at("name").get<std::string>();
  f.required = j.value("required", false);
  f.doc = j.value("doc", "");
  if (const auto it = j.find("initial-default"); it != j.end()) f.initial_default_json = it->dump();
  if (const auto it = j.find("write-default"); it != j.end()) f.write_default_json = it->dump();
  TypeFromJson(j.at("type"), &f);
  return f;
}

json SpecToJson(const PartitionSpec& spec) {
  json fields = json::array();
  for (const PartitionField& f : spec.fields) {
    fields.push_back(
        {{"source-id", f.source_id}, {"field-id", f.field_id}, {"name", f.name}, {"transform", f.transform}});
  }
  return {{"spec-id", spec.spec_id}, {"fields", fields}};
}

PartitionSpec SpecFromJson(const json& j) {
  PartitionSpec spec;
  spec.spec_id = j.value("spec-id", 0);
  for (const json& f : j.value("fields", json::array())) {
    spec.fields.push_back({f.at("source-id").get<int32_t>(), f.at("field-id").get<int32_t>(),
                           f.at("name").get<std::string>(), f.at("transform").get<std::string>()});
  }
  return spec;
}

constexpr const char* kFormats[] = {"PARQUET", "AVRO", "ORC", "PUFFIN"};

DataFile ParseDataFile(const json& j) {
  DataFile f;
  const int content = j.at("content").get<int>();
  if (content < 0 || content > 2) throw std::invalid_argument("content " + std::to_string(content));
  f.content = static_cast<Content>(content);
  f.file_path = j.at("file-path").get<std::string>();
  const std::string format = j.value("file-format", "PARQUET");
  bool known = false;
  for (size_t i = 0; i < std::size(kFormats); ++i) {
    if (format == kFormats[i]) {
      f.format = static_cast<FileFormat>(i);
      known = true;
    }
  }
  if (!known) throw std::invalid_argument("file-format '" + format + "'");
  f.spec_id = j.value("spec-id", 0);
  // The tuple travels as its JSON text (the task format predates the parsed form); parsed once here.
  if (const std::string partition = j.value("partition", ""); !partition.empty()) {
    json parsed = json::parse(partition, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw std::invalid_argument("partition '" + partition + "' is not JSON");
    f.partition = std::make_shared<const json>(std::move(parsed));
  }
  f.record_count = j.value("record-count", int64_t{0});
  f.file_size_in_bytes = j.value("file-size-in-bytes", int64_t{0});
  const auto count = [](const json& v) { return v.get<int64_t>(); };
  const auto bytes = [](const json& v) { return FromHex(v.get<std::string>()); };
  f.column_sizes = IdMapFrom<int64_t>(j, "column-sizes", count);
  f.value_counts = IdMapFrom<int64_t>(j, "value-counts", count);
  f.null_value_counts = IdMapFrom<int64_t>(j, "null-value-counts", count);
  f.nan_value_counts = IdMapFrom<int64_t>(j, "nan-value-counts", count);
  f.lower_bounds = IdMapFrom<std::string>(j, "lower-bounds", bytes);
  f.upper_bounds = IdMapFrom<std::string>(j, "upper-bounds", bytes);
  f.split_offsets = j.value("split-offsets", std::vector<int64_t>{});
  f.sort_order_id = GetOptional<int32_t>(j, "sort-order-id");
  f.equality_ids = j.value("equality-ids", std::vector<int32_t>{});
  f.referenced_data_file = GetOptional<std::string>(j, "referenced-data-file");
  f.content_offset = GetOptional<int64_t>(j, "content-offset");
  f.content_size_in_bytes = GetOptional<int64_t>(j, "content-size-in-bytes");
  f.first_row_id = GetOptional<int64_t>(j, "first-row-id");
  return f;
}

// Runs a JSON decoder, turning nlohmann and conversion exceptions into an Invalid status.
template <typename Fn>
auto Decode(const char* what, Fn fn) -> Result<decltype(fn())> {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Invalid(std::string(what) + " JSON: " + e.what());
  }
}

}  // namespace

json SchemaToJson(const Schema& schema) {
  json fields = json::array();
  for (const Field& f : schema.fields) fields.push_back(FieldToJson(f));
  json j = {{"type", "struct"}, {"schema-id", schema.schema_id}, {"fields", fields}};
  if (!schema.identifier_field_ids.empty()) j["identifier-field-ids"] = schema.identifier_field_ids;
  return j;
}

Result<Schema> SchemaFromJson(const json& j) {
  return Decode("schema", [&j] {
    Schema s;
    s.schema_id = j.value("schema-id", 0);
    for (const json& f : j.at("fields")) s.fields.push_back(FieldFromJson(f));
    s.identifier_field_ids = j.value("identifier-field-ids", std::vector<int32_t>{});
    return s;
  });
}

json DataFileToJson(const DataFile& f) {
  const auto count = [](int64_t v) { return v; };
  json j = {{"content", static_cast<int>(f.content)},
            {"file-path", f.file_path},
            {"file-format", kFormats[static_cast<int>(f.format)]},
            {"spec-id", f.spec_id},
            {"partition", f.partition ? f.partition->dump() : ""},
            {"record-count", f.record_count},
            {"file-size-in-bytes", f.file_size_in_bytes}};
  if (!f.column_sizes.empty()) j["column-sizes"] = IdMap(f.column_sizes, count);
  if (!f.value_counts.empty()) j["value-counts"] = IdMap(f.value_counts, count);
  if (!f.null_value_counts.empty()) j["null-value-counts"] = IdMap(f.null_value_counts, count);
  if (!f.nan_value_counts.empty()) j["nan-value-counts"] = IdMap(f.nan_value_counts, count);
  if (!f.lower_bounds.empty()) j["lower-bounds"] = IdMap(f.lower_bounds, ToHex);
  if (!f.upper_bounds.empty()) j["upper-bounds"] = IdMap(f.upper_bounds, ToHex);
  if (!f.split_offsets.empty()) j["split-offsets"] = f.split_offsets;
  if (!f.equality_ids.empty()) j["equality-ids"] = f.equality_ids;
  PutOptional(j, "sort-order-id", f.sort_order_id);
  PutOptional(j, "referenced-data-file", f.referenced_data_file);
  PutOptional(j, "content-offset", f.content_offset);
  PutOptional(j, "content-size-in-bytes", f.content_size_in_bytes);
  PutOptional(j, "first-row-id", f.first_row_id);
  return j;
}

Result<DataFile> DataFileFromJson(const json& j) {
  return Decode("data file", [&j] { return ParseDataFile(j); });
}

std::vector<int32_t> ScanTask::OutputFieldIds() const {
  if (!projected_field_ids.empty()) return projected_field_ids;
  std::vector<int32_t> ids;
  ids.reserve(schema.fields.size());
  for (const Field& f : schema.fields) ids.push_back(f.id);
  return ids;
}

json ScanTask::ToJson() const {
  json pos = json::array();
  for (const DataFile& d : position_deletes) pos.push_back(DataFileToJson(d));
  json eq = json::array();
  for (const DataFile& d : equality_deletes) eq.push_back(DataFileToJson(d));
  json j = {{"data-file", DataFileToJson(data_file)},
            {"data-sequence-number", data_sequence_number},
            {"position-deletes", pos},
            {"equality-deletes", eq},
            {"projected-field-ids", projected_field_ids},
            {"schema", SchemaToJson(schema)},
            {"partition-spec", SpecToJson(spec)}};
  if (!residual.empty()) j["residual"] = FilterToJson(residual);
  if (name_mapping_json) j["name-mapping"] = *name_mapping_json;
  return j;
}

Result<ScanTask> ScanTask::FromJson(const json& j) {
  ICEGRAPH_ASSIGN_OR_RAISE(ScanTask task, Decode("scan task", [&j] {
                             ScanTask t;
                             t.data_file = ParseDataFile(j.at("data-file"));
                             t.data_sequence_number = j.at("data-sequence-number").get<int64_t>();
                             for (const json& d : j.at("position-deletes"))
                               t.position_deletes.push_back(ParseDataFile(d));
                             for (const json& d : j.at("equality-deletes"))
                               t.equality_deletes.push_back(ParseDataFile(d));
                             t.projected_field_ids = j.value("projected-field-ids", std::vector<int32_t>{});
                             t.spec = SpecFromJson(j.value("partition-spec", json::object()));
                             t.name_mapping_json = GetOptional<std::string>(j, "name-mapping");
                             return t;
                           }));
  const auto schema = j.find("schema");
  if (schema == j.end()) return Status::Invalid("scan task JSON: no schema");
  ICEGRAPH_ASSIGN_OR_RAISE(task.schema, SchemaFromJson(*schema));
  if (const auto residual = j.find("residual"); residual != j.end()) {
    ICEGRAPH_ASSIGN_OR_RAISE(task.residual, FilterFromJson(*residual));
  }
  return task;
}

}  // namespace icegraph::iceberg

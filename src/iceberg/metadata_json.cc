#include "iceberg/metadata_json.h"

#include <nlohmann/json.hpp>

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

Result<Field> ParseType(const json& type, Field field);

Result<Field> ParseField(const json& j) {
  Field f;
  f.id = j.at("id").get<int32_t>();
  f.name = j.at("name").get<std::string>();
  f.required = j.value("required", false);
  f.doc = j.value("doc", "");
  if (j.contains("initial-default")) f.initial_default_json = j["initial-default"].dump();
  return ParseType(j.at("type"), std::move(f));
}

// Nested types become children: struct fields, list [element], map [key, value].
Result<Field> ParseType(const json& type, Field field) {
  if (type.is_string()) {
    field.type = type.get<std::string>();
    return field;
  }
  const std::string kind = type.at("type").get<std::string>();
  field.type = kind;
  if (kind == "struct") {
    for (const json& c : type.at("fields")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Field child, ParseField(c));
      field.children.push_back(std::move(child));
    }
  } else if (kind == "list") {
    Field elem;
    elem.id = type.at("element-id").get<int32_t>();
    elem.name = "element";
    elem.required = type.value("element-required", false);
    ICEGRAPH_ASSIGN_OR_RAISE(elem, ParseType(type.at("element"), std::move(elem)));
    field.children.push_back(std::move(elem));
  } else if (kind == "map") {
    Field key;
    key.id = type.at("key-id").get<int32_t>();
    key.name = "key";
    key.required = true;
    ICEGRAPH_ASSIGN_OR_RAISE(key, ParseType(type.at("key"), std::move(key)));
    Field value;
    value.id = type.at("value-id").get<int32_t>();
    value.name = "value";
    value.required = type.value("value-required", false);
    ICEGRAPH_ASSIGN_OR_RAISE(value, ParseType(type.at("value"), std::move(value)));
    field.children.push_back(std::move(key));
    field.children.push_back(std::move(value));
  } else {
    return Status::Invalid("unknown nested type '" + kind + "'");
  }
  return field;
}

Result<Schema> ParseSchema(const json& j) {
  Schema s;
  s.schema_id = j.value("schema-id", 0);
  for (const json& f : j.at("fields")) {
    ICEGRAPH_ASSIGN_OR_RAISE(Field field, ParseField(f));
    s.fields.push_back(std::move(field));
  }
  if (j.contains("identifier-field-ids"))
    s.identifier_field_ids = j["identifier-field-ids"].get<std::vector<int32_t>>();
  return s;
}

PartitionSpec ParseSpec(const json& fields, int32_t spec_id) {
  PartitionSpec spec;
  spec.spec_id = spec_id;
  int32_t next_id = 1000;  // v1 specs may omit field ids; the spec assigns them from 1000
  for (const json& f : fields) {
    PartitionField pf;
    pf.source_id = f.at("source-id").get<int32_t>();
    pf.field_id = f.contains("field-id") ? f["field-id"].get<int32_t>() : next_id;
    next_id = pf.field_id + 1;
    pf.name = f.at("name").get<std::string>();
    pf.transform = f.at("transform").get<std::string>();
    spec.fields.push_back(std::move(pf));
  }
  return spec;
}

Result<TableMetadata> Parse(const json& j, const std::string& location) {
  TableMetadata m;
  m.metadata_location = location;
  m.format_version = j.at("format-version").get<int>();
  if (m.format_version < 1 || m.format_version > 3) {
    return Status::NotImplemented("format-version " + std::to_string(m.format_version) + " is not supported");
  }
  m.table_uuid = j.value("table-uuid", "");
  m.location = j.at("location").get<std::string>();
  m.last_sequence_number = j.value("last-sequence-number", int64_t{0});
  m.last_updated_ms = j.value("last-updated-ms", int64_t{0});
  m.last_column_id = j.value("last-column-id", 0);
  if (j.contains("schemas")) {
    for (const json& s : j["schemas"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(Schema schema, ParseSchema(s));
      m.schemas.push_back(std::move(schema));
    }
    m.current_schema_id = j.value("current-schema-id", 0);
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(Schema schema, ParseSchema(j.at("schema")));
    m.current_schema_id = schema.schema_id;
    m.schemas.push_back(std::move(schema));
  }
  if (j.contains("partition-specs")) {
    for (const json& s : j["partition-specs"]) m.partition_specs.push_back(ParseSpec(s.at("fields"), s.at("spec-id")));
    m.default_spec_id = j.value("default-spec-id", 0);
  } else if (j.contains("partition-spec")) {
    m.partition_specs.push_back(ParseSpec(j["partition-spec"], 0));
  }
  if (j.contains("current-snapshot-id") && !j["current-snapshot-id"].is_null() &&
      j["current-snapshot-id"].get<int64_t>() != -1) {
    m.current_snapshot_id = j["current-snapshot-id"].get<int64_t>();
  }
  for (const json& s : j.value("snapshots", json::array())) {
    Snapshot snap;
    snap.snapshot_id = s.at("snapshot-id").get<int64_t>();
    if (s.contains("parent-snapshot-id") && !s["parent-snapshot-id"].is_null()) {
      snap.parent_snapshot_id = s["parent-snapshot-id"].get<int64_t>();
    }
    snap.sequence_number = s.value("sequence-number", int64_t{0});
    snap.timestamp_ms = s.at("timestamp-ms").get<int64_t>();
    snap.manifest_list = s.value("manifest-list", "");
    if (s.contains("manifests")) snap.v1_manifests = s["manifests"].get<std::vector<std::string>>();
    if (s.contains("summary")) {
      for (const auto& [k, v] : s["summary"].items()) snap.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
      snap.operation = ParseOperation(snap.summary["operation"]);
    }
    if (s.contains("schema-id")) snap.schema_id = s["schema-id"].get<int32_t>();
    if (s.contains("first-row-id")) snap.first_row_id = s["first-row-id"].get<int64_t>();
    m.snapshots.push_back(std::move(snap));
  }
  for (const json& e : j.value("snapshot-log", json::array())) {
    m.snapshot_log.push_back({e.at("timestamp-ms").get<int64_t>(), e.at("snapshot-id").get<int64_t>()});
  }
  // Bound to locals: items() views its json, which must outlive the loop.
  const json refs = j.value("refs", json::object());
  for (const auto& [name, ref] : refs.items()) {
    m.refs[name] = {ref.at("snapshot-id").get<int64_t>(), ref.at("type").get<std::string>()};
  }
  const json properties = j.value("properties", json::object());
  for (const auto& [k, v] : properties.items()) {
    m.properties[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (m.CurrentSchema() == nullptr) return Status::Invalid("current-schema-id names no schema");
  return m;
}

}  // namespace

Operation ParseOperation(std::string_view op) {
  if (op == "append") return Operation::kAppend;
  if (op == "replace") return Operation::kReplace;
  if (op == "overwrite") return Operation::kOverwrite;
  if (op == "delete") return Operation::kDelete;
  return Operation::kUnknown;
}

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kAppend: return "append";
    case Operation::kReplace: return "replace";
    case Operation::kOverwrite: return "overwrite";
    case Operation::kDelete: return "delete";
    case Operation::kUnknown: return "unknown";
  }
  return "unknown";
}

Result<TableMetadata> ParseTableMetadata(std::string_view text, const std::string& location) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Invalid(location + ": not a JSON object");
  try {
    auto m = Parse(j, location);
    if (!m.ok()) return m.status().WithContext(location);
    return m;
  } catch (const json::exception& e) {
    // at()/get() throw on a missing or mistyped field; the message names it.
    return Status::Invalid(location + ": " + e.what());
  }
}

}  // namespace icegraph::iceberg

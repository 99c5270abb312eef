#include "iceberg/metadata_json.h"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

// A malformed field, with its path in the document ("snapshots[2].timestamp-ms"). Thrown only inside this file
// and turned into a Status in ParseTableMetadata.
struct FieldError {
  std::string path;
  std::string message;
  StatusCode code = StatusCode::kInvalid;
};

std::string Join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

const char* KindName(const json& v) { return v.type_name(); }

template <typename T>
T As(const json& v, const std::string& path) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw FieldError{path, std::string("expected a string, found ") + KindName(v)};
    return v.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw FieldError{path, std::string("expected true or false, found ") + KindName(v)};
    return v.get<bool>();
  } else {
    static_assert(std::is_integral_v<T>);
    if (!v.is_number_integer()) throw FieldError{path, std::string("expected an integer, found ") + KindName(v)};
    if (v.is_number_unsigned()
            ? v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<T>::max())
            : (v.get<int64_t>() < std::numeric_limits<T>::min() || v.get<int64_t>() > std::numeric_limits<T>::max())) {
      throw FieldError{path, "integer " + v.dump() + " is out of range"};
    }
    return static_cast<T>(v.get<int64_t>());
  }
}

const json& Required(const json& obj, const char* key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) throw FieldError{Join(path, key), "missing"};
  return *it;
}

template <typename T>
T Req(const json& obj, const char* key, const std::string& path) {
  return As<T>(Required(obj, key, path), Join(path, key));
}

// Absent and null read the same: several writers emit `"parent-snapshot-id": null`.
template <typename T>
std::optional<T> Opt(const json& obj, const char* key, const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return As<T>(*it, Join(path, key));
}

const json& Array(const json& v, const std::string& path) {
  if (!v.is_array()) throw FieldError{path, std::string("expected an array, found ") + KindName(v)};
  return v;
}

const json& Object(const json& v, const std::string& path) {
  if (!v.is_object()) throw FieldError{path, std::string("expected an object, found ") + KindName(v)};
  return v;
}

// JSON string values as they are, other values as their JSON text (property and summary maps).
std::map<std::string, std::string> StringMap(const json& v, const std::string& path) {
  std::map<std::string, std::string> out;
  for (const auto& [k, value] : Object(v, path).items())
    out[k] = value.is_string() ? value.get<std::string>() : value.dump();
  return out;
}

Field ParseField(const json& j, const std::string& path);

// A type is a primitive name or a nested struct/list/map object; nested types become the field's children.
void ParseType(const json& type, const std::string& path, Field* field) {
  if (type.is_string()) {
    field->type = type.get<std::string>();  // includes v3 "timestamp_ns", "variant", "unknown", "geometry(...)"
    return;
  }
  Object(type, path);
  field->type = Req<std::string>(type, "type", path);
  if (field->type == "struct") {
    const std::string fields_path = Join(path, "fields");
    const json& fields = Array(Required(type, "fields", path), fields_path);
    for (size_t i = 0; i < fields.size(); ++i) field->children.push_back(ParseField(fields[i], Index(fields_path, i)));
  } else if (field->type == "list") {
    Field element;
    element.id = Req<int32_t>(type, "element-id", path);
    element.name = "element";
    element.required = Opt<bool>(type, "element-required", path).value_or(false);
    ParseType(Required(type, "element", path), Join(path, "element"), &element);
    field->children.push_back(std::move(element));
  } else if (field->type == "map") {
    Field key;
    key.id = Req<int32_t>(type, "key-id", path);
    key.name = "key";
    key.required = true;  // map keys are always required
    ParseType(Required(type, "key", path), Join(path, "key"), &key);
    Field value;
    value.id = Req<int32_t>(type, "value-id", path);
    value.name = "value";
    value.required = Opt<bool>(type, "value-required", path).value_or(false);
    ParseType(Required(type, "value", path), Join(path, "value"), &value);
    field->children.push_back(std::move(key));
    field->children.push_back(std::move(value));
  } else {
    throw FieldError{Join(path, "type"), "unknown nested type '" + field->type + "'"};
  }
}

Field ParseField(const json& j, const std::string& path) {
  Object(j, path);
  Field f;
  f.id = Req<int32_t>(j, "id", path);
  f.name = Req<std::string>(j, "name", path);
  f.required = Opt<bool>(j, "required", path).value_or(false);
  f.doc = Opt<std::string>(j, "doc", path).value_or("");
  if (const auto it = j.find("initial-default"); it != j.end()) f.initial_default_json = it->dump();
  if (const auto it = j.find("write-default"); it != j.end()) f.write_default_json = it->dump();
  ParseType(Required(j, "type", path), Join(path, "type"), &f);
  return f;
}

Schema ParseSchema(const json& j, const std::string& path) {
  Object(j, path);
  Schema s;
  s.schema_id = Opt<int32_t>(j, "schema-id", path).value_or(0);
  const std::string fields_path = Join(path, "fields");
  const json& fields = Array(Required(j, "fields", path), fields_path);
  for (size_t i = 0; i < fields.size(); ++i) s.fields.push_back(ParseField(fields[i], Index(fields_path, i)));
  if (const auto it = j.find("identifier-field-ids"); it != j.end() && !it->is_null()) {
    const std::string ids_path = Join(path, "identifier-field-ids");
    for (size_t i = 0; i < Array(*it, ids_path).size(); ++i) {
      s.identifier_field_ids.push_back(As<int32_t>((*it)[i], Index(ids_path, i)));
    }
  }
  return s;
}

PartitionSpec ParseSpecFields(const json& fields, int32_t spec_id, const std::string& path) {
  PartitionSpec spec;
  spec.spec_id = spec_id;
  int32_t next_id = 1000;  // v1 specs may omit field ids; they are assigned from 1000 in order
  for (size_t i = 0; i < Array(fields, path).size(); ++i) {
    const std::string field_path = Index(path, i);
    const json& f = Object(fields[i], field_path);
    PartitionField pf;
    pf.source_id = Req<int32_t>(f, "source-id", field_path);
    pf.field_id = Opt<int32_t>(f, "field-id", field_path).value_or(next_id);
    next_id = pf.field_id + 1;
    pf.name = Req<std::string>(f, "name", field_path);
    pf.transform = Req<std::string>(f, "transform", field_path);
    spec.fields.push_back(std::move(pf));
  }
  return spec;
}

Snapshot ParseSnapshot(const json& s, const std::string& path) {
  Object(s, path);
  Snapshot snap;
  snap.snapshot_id = Req<int64_t>(s, "snapshot-id", path);
  snap.parent_snapshot_id = Opt<int64_t>(s, "parent-snapshot-id", path);
  snap.sequence_number = Opt<int64_t>(s, "sequence-number", path).value_or(0);
  snap.timestamp_ms = Req<int64_t>(s, "timestamp-ms", path);
  snap.manifest_list = Opt<std::string>(s, "manifest-list", path).value_or("");
  if (const auto it = s.find("manifests"); it != s.end() && !it->is_null()) {
    const std::string manifests_path = Join(path, "manifests");
    for (size_t i = 0; i < Array(*it, manifests_path).size(); ++i) {
      snap.v1_manifests.push_back(As<std::string>((*it)[i], Index(manifests_path, i)));
    }
  }
  if (snap.manifest_list.empty() && snap.v1_manifests.empty() && !s.contains("manifests")) {
    throw FieldError{Join(path, "manifest-list"), "missing (and no v1 'manifests' list either)"};
  }
  if (const auto it = s.find("summary"); it != s.end() && !it->is_null()) {
    snap.summary = StringMap(*it, Join(path, "summary"));
    const auto op = snap.summary.find("operation");
    if (op != snap.summary.end()) snap.operation = ParseOperation(op->second);
  }
  snap.schema_id = Opt<int32_t>(s, "schema-id", path);
  snap.first_row_id = Opt<int64_t>(s, "first-row-id", path);
  snap.added_rows = Opt<int64_t>(s, "added-rows", path);
  return snap;
}

void ParseSchemasAndSpecs(const json& j, TableMetadata* m) {
  // v2+ write the plural forms; v1 writers the singular ones (and newer v1 writers both).
  if (const auto it = j.find("schemas"); it != j.end()) {
    for (size_t i = 0; i < Array(*it, "schemas").size(); ++i) {
      m->schemas.push_back(ParseSchema((*it)[i], Index("schemas", i)));
    }
    m->current_schema_id =
        Opt<int32_t>(j, "current-schema-id", "").value_or(m->schemas.empty() ? 0 : m->schemas[0].schema_id);
  } else {
    m->schemas.push_back(ParseSchema(Required(j, "schema", ""), "schema"));
    m->current_schema_id = m->schemas[0].schema_id;
  }
  if (m->CurrentSchema() == nullptr) {
    throw FieldError{"current-schema-id", std::to_string(m->current_schema_id) + " names no schema in 'schemas'"};
  }
  if (const auto it = j.find("partition-specs"); it != j.end()) {
    for (size_t i = 0; i < Array(*it, "partition-specs").size(); ++i) {
      const std::string spec_path = Index("partition-specs", i);
      const json& spec = Object((*it)[i], spec_path);
      m->partition_specs.push_back(ParseSpecFields(
          Required(spec, "fields", spec_path), Req<int32_t>(spec, "spec-id", spec_path), Join(spec_path, "fields")));
    }
    m->default_spec_id = Opt<int32_t>(j, "default-spec-id", "").value_or(0);
  } else if (const auto spec = j.find("partition-spec"); spec != j.end()) {
    m->partition_specs.push_back(ParseSpecFields(*spec, 0, "partition-spec"));
  } else {
    m->partition_specs.push_back(PartitionSpec{});  // unpartitioned
  }
}

TableMetadata Parse(const json& j, const std::string& location) {
  TableMetadata m;
  m.metadata_location = location;
  m.format_version = Req<int>(j, "format-version", "");
  if (m.format_version < 1 || m.format_version > 3) {
    throw FieldError{"format-version", std::to_string(m.format_version) + " is not supported (icegraph reads 1 to 3)",
                     StatusCode::kNotImplemented};
  }
  m.table_uuid = Opt<std::string>(j, "table-uuid", "").value_or("");
  m.location = Req<std::string>(j, "location", "");
  m.last_sequence_number = Opt<int64_t>(j, "last-sequence-number", "").value_or(0);
  m.last_updated_ms = Opt<int64_t>(j, "last-updated-ms", "").value_or(0);
  m.last_column_id = Opt<int32_t>(j, "last-column-id", "").value_or(0);
  m.next_row_id = Opt<int64_t>(j, "next-row-id", "");
  ParseSchemasAndSpecs(j, &m);
  // -1 is how v1 writers said "no snapshot".
  if (const auto current = Opt<int64_t>(j, "current-snapshot-id", ""); current && *current != -1) {
    m.current_snapshot_id = current;
  }
  if (const auto it = j.find("snapshots"); it != j.end() && !it->is_null()) {
    for (size_t i = 0; i < Array(*it, "snapshots").size(); ++i) {
      m.snapshots.push_back(ParseSnapshot((*it)[i], Index("snapshots", i)));
    }
  }
  if (const auto it = j.find("snapshot-log"); it != j.end() && !it->is_null()) {
    for (size_t i = 0; i < Array(*it, "snapshot-log").size(); ++i) {
      const std::string entry_path = Index("snapshot-log", i);
      const json& e = Object((*it)[i], entry_path);
      m.snapshot_log.push_back(
          {Req<int64_t>(e, "timestamp-ms", entry_path), Req<int64_t>(e, "snapshot-id", entry_path)});
    }
  }
  if (const auto it = j.find("refs"); it != j.end() && !it->is_null()) {
    for (const auto& [name, ref] : Object(*it, "refs").items()) {
      const std::string ref_path = Join("refs", name);
      Object(ref, ref_path);
      m.refs[name] = {Req<int64_t>(ref, "snapshot-id", ref_path), Req<std::string>(ref, "type", ref_path)};
    }
  }
  // Tables written before refs existed: the current snapshot is the main branch (as the Java reader does).
  if (m.current_snapshot_id && m.refs.find("main") == m.refs.end()) m.refs["main"] = {*m.current_snapshot_id, "branch"};
  if (const auto it = j.find("properties"); it != j.end() && !it->is_null())
    m.properties = StringMap(*it, "properties");
  if (m.current_snapshot_id && m.SnapshotById(*m.current_snapshot_id) == nullptr) {
    throw FieldError{"current-snapshot-id",
                     std::to_string(*m.current_snapshot_id) + " names no snapshot in 'snapshots'"};
  }
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
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("table metadata " + location + ": not valid JSON");
  if (!j.is_object()) return Status::Invalid("table metadata " + location + ": not a JSON object");
  try {
    return Parse(j, location);
  } catch (const FieldError& e) {
    return Status(e.code, "table metadata " + location + ": field '" + e.path + "': " + e.message);
  } catch (const json::exception& e) {
    return Status::Invalid("table metadata " + location + ": " + e.what());  // a case the typed getters missed
  }
}

}  // namespace icegraph::iceberg

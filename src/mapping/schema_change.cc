#include "mapping/schema_change.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace icegraph::mapping {
namespace {

using json = nlohmann::json;

Result<json> SchemaResults(std::string_view live_schema_json) {
  json doc = json::parse(live_schema_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Invalid("the live schema is not a JSON object");
  if (doc.contains("results")) return doc["results"];
  return doc;
}

// "IsLocal" of a live type; a type without the field is taken as global (TigerGraph 3.x omits it for those).
bool LiveTypeIsLocal(const json& schema, const std::string& list, const std::string& name) {
  const json types = schema.value(list, json::array());
  if (!types.is_array()) return false;
  for (const json& t : types) {
    if (t.is_object() && t.value("Name", "") == name) return t.value("IsLocal", false);
  }
  return false;
}

bool LiveTypeExists(const json& schema, const std::string& list, const std::string& name) {
  const json types = schema.value(list, json::array());
  if (!types.is_array()) return false;
  return std::any_of(types.begin(), types.end(),
                     [&](const json& t) { return t.is_object() && t.value("Name", "") == name; });
}

// "CREATE VERTEX ..." as a schema change job statement: "ADD VERTEX ...".
std::string AddStatement(const std::string& create_ddl) { return "ADD " + create_ddl.substr(sizeof("CREATE ") - 1); }

std::string AlterStatement(bool is_edge, const std::string& type, const std::vector<GraphAttribute>& attrs) {
  std::string list;
  for (const GraphAttribute& a : attrs)
    list += fmt::format("{}{} {}", list.empty() ? "" : ", ", a.name, a.type.ToGsql());
  return fmt::format("ALTER {} {} ADD ATTRIBUTE ({})", is_edge ? "EDGE" : "VERTEX", type, list);
}

std::string JobText(bool global, const std::string& graph, const std::string& job,
                    const std::vector<std::string>& actions) {
  std::string out = global
                        ? fmt::format("USE GLOBAL\nCREATE GLOBAL SCHEMA_CHANGE JOB {} {{\n", job)
                        : fmt::format("USE GRAPH {}\nCREATE SCHEMA_CHANGE JOB {} FOR GRAPH {} {{\n", graph, job, graph);
  for (const std::string& a : actions) out += "  " + a + ";\n";
  out += "}\n";
  out += fmt::format("RUN {}SCHEMA_CHANGE JOB {}\n", global ? "GLOBAL " : "", job);
  out += fmt::format("DROP JOB {}\n", job);
  return out;
}

}  // namespace

bool IsAdditive(const SchemaDifference& d) {
  return d.kind == SchemaDifference::Kind::kMissingType || d.kind == SchemaDifference::Kind::kMissingAttribute;
}

std::string SchemaChangeJobName(const std::string& graph) { return "icegraph_add_" + graph; }

std::string SchemaChangePlan::Text() const {
  std::string out;
  for (const std::string& s : statements) out += s;
  return out;
}

Result<SchemaChangePlan> PlanSchemaChange(const MappingPlan& plan, std::string_view live_schema_json) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<SchemaDifference> diffs, CheckSchema(plan, live_schema_json));
  ICEGRAPH_ASSIGN_OR_RAISE(const json schema, SchemaResults(live_schema_json));
  SchemaChangePlan out;
  for (const SchemaDifference& d : diffs) {
    // A missing vertex type whose name the graph uses for an edge type (or the reverse) cannot be added.
    const bool is_edge = plan.FindEdgeType(d.type) != nullptr;
    const char* other_list = is_edge ? "VertexTypes" : "EdgeTypes";
    if (d.kind == SchemaDifference::Kind::kMissingType && LiveTypeExists(schema, other_list, d.type)) {
      out.incompatible.push_back(SchemaDifference{
          SchemaDifference::Kind::kEdgeShapeMismatch, d.type, "",
          fmt::format("{} is {} type in TigerGraph but the mapping needs {} type of that name: rename the "
                      "mapping's type or drop the existing one",
                      d.type, is_edge ? "a vertex" : "an edge", is_edge ? "an edge" : "a vertex")});
      continue;
    }
    (IsAdditive(d) ? out.additive : out.incompatible).push_back(d);
  }
  if (!out.incompatible.empty() || out.additive.empty()) return out;

  std::set<std::string> missing_types;
  std::map<std::string, std::set<std::string>> missing_attrs;
  for (const SchemaDifference& d : out.additive) {
    if (d.kind == SchemaDifference::Kind::kMissingType) missing_types.insert(d.type);
    if (d.kind == SchemaDifference::Kind::kMissingAttribute) missing_attrs[d.type].insert(d.attribute);
  }
  // Vertex types before the edges that may connect them; attributes in the mapping's order.
  std::vector<std::string> local;
  std::vector<std::string> global;
  const auto alter = [&](bool is_edge, const std::string& type, const std::vector<GraphAttribute>& attrs) {
    const auto it = missing_attrs.find(type);
    if (it == missing_attrs.end()) return;
    std::vector<GraphAttribute> add;
    for (const GraphAttribute& a : attrs) {
      if (it->second.count(a.name) != 0) add.push_back(a);
    }
    const bool is_local = LiveTypeIsLocal(schema, is_edge ? "EdgeTypes" : "VertexTypes", type);
    (is_local ? local : global).push_back(AlterStatement(is_edge, type, add));
  };
  for (const VertexTypeDef& v : plan.vertex_types()) {
    if (missing_types.count(v.name) != 0) local.push_back(AddStatement(VertexTypeDdl(v)));
  }
  for (const EdgeTypeDef& e : plan.edge_types()) {
    if (missing_types.count(e.name) != 0) local.push_back(AddStatement(EdgeTypeDdl(e)));
  }
  for (const VertexTypeDef& v : plan.vertex_types()) alter(false, v.name, v.attributes);
  for (const EdgeTypeDef& e : plan.edge_types()) alter(true, e.name, e.attributes);

  const std::string job = SchemaChangeJobName(plan.graph());
  if (!local.empty()) {
    out.jobs.push_back(job);
    out.statements.push_back(JobText(false, plan.graph(), job, local));
  }
  if (!global.empty()) {
    out.jobs.push_back(job + "_global");
    out.statements.push_back(JobText(true, plan.graph(), job + "_global", global));
  }
  return out;
}

Result<AttributeOrder> LiveAttributeOrder(std::string_view live_schema_json) {
  ICEGRAPH_ASSIGN_OR_RAISE(const json schema, SchemaResults(live_schema_json));
  AttributeOrder out;
  for (const char* list : {"VertexTypes", "EdgeTypes"}) {
    const json types = schema.value(list, json::array());
    if (!types.is_array()) continue;
    for (const json& t : types) {
      if (!t.is_object()) continue;
      std::vector<std::string>& names = out[t.value("Name", "")];
      const json attrs = t.value("Attributes", json::array());
      if (!attrs.is_array()) continue;
      for (const json& a : attrs) {
        if (a.is_object()) names.push_back(a.value("AttributeName", ""));
      }
    }
  }
  return out;
}

}  // namespace icegraph::mapping

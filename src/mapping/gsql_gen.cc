#include "mapping/gsql_gen.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "mapping/type_matrix.h"

namespace icegraph::mapping {
namespace {

using json = nlohmann::json;

// No QUOTE: the sink sends sep=\x1F and eol=\x1E with each request, so no field ever needs quoting.
constexpr std::string_view kUsing = R"(USING SEPARATOR=",", HEADER="false")";

std::string AttributeList(const std::vector<GraphAttribute>& attrs, size_t from) {
  std::string out;
  for (size_t i = from; i < attrs.size(); ++i) out += fmt::format(", {} {}", attrs[i].name, attrs[i].type.ToGsql());
  return out;
}

bool IsCollection(const TgType& t) {
  return t.kind == TgKind::kList || t.kind == TgKind::kSet || t.kind == TgKind::kMap;
}

// `$n`; `_` for collections, which the sink always writes through REST++ upserts: TigerGraph's loader appends to a
// LIST/SET across lines instead of replacing it, so a loading job could not set a collection to exactly its value.
std::string Token(size_t column, const TgType& t) {
  if (IsCollection(t)) return "_";
  return fmt::format("${}", column);
}

// VALUES for attributes of `type_attrs` given the line's mapped attributes starting at column `first`.
std::string AttributeValues(const std::vector<GraphAttribute>& type_attrs, const std::vector<AttributePlan>& mapped,
                            size_t first) {
  std::string out;
  for (const GraphAttribute& a : type_attrs) {
    const auto it =
        std::find_if(mapped.begin(), mapped.end(), [&](const AttributePlan& p) { return p.name == a.name; });
    out += ", ";
    out += it == mapped.end() ? "_" : Token(first + static_cast<size_t>(it - mapped.begin()), a.type);
  }
  return out;
}

std::string TypeFromJson(const json& t) {
  std::string name = t.value("Name", "");  // not const: the last return moves it
  if (name == "LIST" || name == "SET") return fmt::format("{}<{}>", name, t.value("ValueTypeName", ""));
  if (name == "MAP") return fmt::format("MAP<{}, {}>", t.value("KeyTypeName", ""), t.value("ValueTypeName", ""));
  if (name == "STRING COMPRESS") return "STRING";
  return name;
}

const json* FindNamed(const json& list, const std::string& name) {
  if (!list.is_array()) return nullptr;
  for (const json& item : list) {
    if (item.is_object() && item.value("Name", "") == name) return &item;
  }
  return nullptr;
}

void CompareAttributes(const std::string& type, bool is_edge, const std::vector<GraphAttribute>& want,
                       const json& live_attrs, std::vector<SchemaDifference>* out) {
  for (const GraphAttribute& a : want) {
    const json* found = nullptr;
    if (live_attrs.is_array()) {
      for (const json& la : live_attrs) {
        if (la.is_object() && la.value("AttributeName", "") == a.name) found = &la;
      }
    }
    const std::string kw = is_edge ? "EDGE" : "VERTEX";
    if (found == nullptr) {
      out->push_back(SchemaDifference{
          SchemaDifference::Kind::kMissingAttribute, type, a.name,
          fmt::format("{} {} has no attribute {}: add it with a schema change job: ALTER {} {} ADD ATTRIBUTE ({} {});",
                      is_edge ? "edge" : "vertex", type, a.name, kw, type, a.name, a.type.ToGsql())});
      continue;
    }
    const std::string live = TypeFromJson(found->value("AttributeType", json::object()));
    auto parsed = ParseTgType(live);
    if (!parsed.ok() || !(*parsed == a.type)) {
      out->push_back(SchemaDifference{
          SchemaDifference::Kind::kTypeMismatch, type, a.name,
          fmt::format("attribute {}.{} is {} in TigerGraph but the mapping writes {}: change the mapping's type "
                      "(attributes: {{{}: {{expr: ..., type: {}}}}}) or drop and re-add the attribute as {}",
                      type, a.name, live, a.type.ToGsql(), a.name, live, a.type.ToGsql())});
    }
  }
}

}  // namespace

std::string VertexTypeDdl(const VertexTypeDef& v) {
  return fmt::format(R"(CREATE VERTEX {} (PRIMARY_ID id STRING{}) WITH primary_id_as_attribute="true")", v.name,
                     AttributeList(v.attributes, 0));
}

std::string EdgeTypeDdl(const EdgeTypeDef& e) {
  std::string disc;
  for (size_t i = 0; i < e.discriminator.size(); ++i) {
    disc += fmt::format("{}{} {}", i == 0 ? "" : ", ", e.attributes[i].name, e.attributes[i].type.ToGsql());
  }
  return fmt::format("CREATE {} EDGE {} (FROM {}, TO {}{}{})", e.directed ? "DIRECTED" : "UNDIRECTED", e.name,
                     e.from_type, e.to_type, disc.empty() ? "" : ", DISCRIMINATOR(" + disc + ")",
                     AttributeList(e.attributes, e.discriminator.size()));
}

std::string GenerateSchemaDdl(const MappingPlan& plan) {
  std::string out;
  std::string types;
  for (const VertexTypeDef& v : plan.vertex_types()) {
    out += VertexTypeDdl(v) + "\n";
    types += (types.empty() ? "" : ", ") + v.name;
  }
  for (const EdgeTypeDef& e : plan.edge_types()) {
    out += EdgeTypeDdl(e) + "\n";
    types += (types.empty() ? "" : ", ") + e.name;
  }
  out += fmt::format("CREATE GRAPH {} ({})\n", plan.graph(), types);
  return out;
}

std::string LoadingJobName(const std::string& table) {
  std::string out = "icegraph_" + table;
  for (char& c : out) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') c = '_';
  }
  return out;
}

std::vector<std::string> LoadingJobFileVars(const TablePlan& table) {
  std::vector<std::string> vars;
  std::map<std::string, int> seen;
  const auto add = [&](const std::string& base) {
    const int n = ++seen[base];
    vars.push_back(n == 1 ? base : fmt::format("{}_{}", base, n));
  };
  for (const VertexPlan& v : table.vertices()) add("v_" + v.type);
  for (const EdgePlan& e : table.edges()) add("e_" + e.type);
  return vars;
}

namespace {

// The type's attributes in the live order when known; attributes the mapping does not define keep their name only
// (they are never mapped, so they load as `_`).
std::vector<GraphAttribute> OrderedAttributes(const std::string& type, const std::vector<GraphAttribute>& attrs,
                                              const AttributeOrder* live) {
  if (live == nullptr) return attrs;
  const auto it = live->find(type);
  if (it == live->end()) return attrs;
  std::vector<GraphAttribute> out;
  for (const std::string& name : it->second) {
    const auto a = std::find_if(attrs.begin(), attrs.end(), [&](const GraphAttribute& g) { return g.name == name; });
    out.push_back(a == attrs.end() ? GraphAttribute{name, TgType{}} : *a);
  }
  return out;
}

}  // namespace

std::string GenerateLoadingJob(const MappingPlan& plan, const TablePlan& table, const AttributeOrder* live) {
  const std::vector<std::string> vars = LoadingJobFileVars(table);
  std::string out = fmt::format("CREATE LOADING JOB {} FOR GRAPH {} {{\n", LoadingJobName(table.table()), plan.graph());
  for (const std::string& v : vars) out += fmt::format("  DEFINE FILENAME {};\n", v);
  size_t var = 0;
  for (const VertexPlan& v : table.vertices()) {
    const VertexTypeDef* def = plan.FindVertexType(v.type);
    out += fmt::format("  LOAD {} TO VERTEX {} VALUES ($0{}) {};\n", vars[var++], v.type,
                       AttributeValues(OrderedAttributes(v.type, def->attributes, live), v.attributes, 1), kUsing);
  }
  for (const EdgePlan& e : table.edges()) {
    const EdgeTypeDef* def = plan.FindEdgeType(e.type);
    out += fmt::format("  LOAD {} TO EDGE {} VALUES ($0, $1{}) {};\n", vars[var++], e.type,
                       AttributeValues(OrderedAttributes(e.type, def->attributes, live), e.attributes, 2), kUsing);
  }
  out += "}\n";
  return out;
}

std::string GenerateLoadingJobs(const MappingPlan& plan) {
  std::string out;
  for (const TablePlan& t : plan.tables()) out += GenerateLoadingJob(plan, t);
  return out;
}

std::string GenerateDeleteJobs(const MappingPlan& plan) {
  std::string out;
  for (const TablePlan& t : plan.tables()) out += GenerateDeleteJob(plan, t);
  return out;
}

std::string DeleteJobName(const std::string& table) { return LoadingJobName(table) + "_delete"; }

std::vector<std::string> DeleteJobFileVars(const TablePlan& table) {
  std::vector<std::string> vars = LoadingJobFileVars(table);
  for (std::string& v : vars) v = "d" + v.substr(0, 1) + v.substr(1);  // v_User -> dv_User
  return vars;
}

std::string GenerateDeleteJob(const MappingPlan& plan, const TablePlan& table) {
  const std::vector<std::string> vars = DeleteJobFileVars(table);
  std::string out = fmt::format("CREATE LOADING JOB {} FOR GRAPH {} {{\n", DeleteJobName(table.table()), plan.graph());
  for (const std::string& v : vars) out += fmt::format("  DEFINE FILENAME {};\n", v);
  size_t var = 0;
  for (const VertexPlan& v : table.vertices()) {
    out += fmt::format("  DELETE VERTEX {} (PRIMARY_ID $0) FROM {};\n", v.type, vars[var++]);
  }
  for (const EdgePlan& e : table.edges()) {
    std::string disc;
    for (size_t i = 0; i < e.discriminator.size(); ++i) disc += fmt::format("{}${}", i == 0 ? "" : ", ", i + 2);
    out += fmt::format("  DELETE EDGE {} (FROM $0, TO $1{}) FROM {};\n", e.type,
                       disc.empty() ? "" : ", DISCRIMINATOR (" + disc + ")", vars[var++]);
  }
  out += "}\n";
  return out;
}

Result<std::vector<SchemaDifference>> CheckSchema(const MappingPlan& plan, std::string_view live_schema_json) {
  const json doc = json::parse(live_schema_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::Invalid("the live schema is not a JSON object");
  if (doc.value("error", false)) {
    return Status::Invalid(fmt::format("TigerGraph returned an error for the schema: {}", doc.value("message", "")));
  }
  const json& schema = doc.contains("results") ? doc["results"] : doc;
  const json vertices = schema.value("VertexTypes", json::array());
  const json edges = schema.value("EdgeTypes", json::array());
  std::vector<SchemaDifference> out;
  for (const VertexTypeDef& v : plan.vertex_types()) {
    const json* live = FindNamed(vertices, v.name);
    if (live == nullptr) {
      out.push_back(SchemaDifference{SchemaDifference::Kind::kMissingType, v.name, "",
                                     fmt::format("vertex type {} is missing from graph {}: create it with {}", v.name,
                                                 plan.graph(), VertexTypeDdl(v))});
      continue;
    }
    const json pid = live->value("PrimaryId", json::object());
    const std::string pid_type = TypeFromJson(pid.value("AttributeType", json::object()));
    if (pid_type != "STRING") {
      out.push_back(SchemaDifference{SchemaDifference::Kind::kPrimaryIdMismatch, v.name, "",
                                     fmt::format("vertex type {} has a {} primary id; icegraph writes STRING ids: "
                                                 "recreate it with {}",
                                                 v.name, pid_type.empty() ? "missing" : pid_type, VertexTypeDdl(v))});
    }
    CompareAttributes(v.name, false, v.attributes, live->value("Attributes", json::array()), &out);
  }
  for (const EdgeTypeDef& e : plan.edge_types()) {
    const json* live = FindNamed(edges, e.name);
    if (live == nullptr) {
      out.push_back(SchemaDifference{SchemaDifference::Kind::kMissingType, e.name, "",
                                     fmt::format("edge type {} is missing from graph {}: create it with {}", e.name,
                                                 plan.graph(), EdgeTypeDdl(e))});
      continue;
    }
    bool pair_ok =
        live->value("FromVertexTypeName", "") == e.from_type && live->value("ToVertexTypeName", "") == e.to_type;
    if (!pair_ok && live->contains("EdgePairs") && (*live)["EdgePairs"].is_array()) {
      for (const json& p : (*live)["EdgePairs"]) {
        if (p.value("From", "") == e.from_type && p.value("To", "") == e.to_type) pair_ok = true;
      }
    }
    const bool directed = live->value("IsDirected", true);
    if (!pair_ok || directed != e.directed) {
      out.push_back(SchemaDifference{
          SchemaDifference::Kind::kEdgeShapeMismatch, e.name, "",
          fmt::format("edge type {} is {} {} -> {} in TigerGraph but the mapping needs {} {} -> {}: recreate it "
                      "with {}",
                      e.name, directed ? "DIRECTED" : "UNDIRECTED", live->value("FromVertexTypeName", "?"),
                      live->value("ToVertexTypeName", "?"), e.directed ? "DIRECTED" : "UNDIRECTED", e.from_type,
                      e.to_type, EdgeTypeDdl(e))});
    }
    std::vector<std::string> live_disc;
    const json attrs = live->value("Attributes", json::array());
    for (const json& a : attrs) {
      if (a.is_object() && a.value("IsDiscriminator", false)) live_disc.push_back(a.value("AttributeName", ""));
    }
    if (live_disc != e.discriminator) {
      std::string want;
      for (const std::string& d : e.discriminator) want += (want.empty() ? "" : ", ") + d;
      std::string have;
      for (const std::string& d : live_disc) have += (have.empty() ? "" : ", ") + d;
      out.push_back(SchemaDifference{
          SchemaDifference::Kind::kEdgeShapeMismatch, e.name, "",
          fmt::format("edge type {} has DISCRIMINATOR({}) in TigerGraph but the mapping needs DISCRIMINATOR({}): "
                      "recreate it with {}",
                      e.name, have, want, EdgeTypeDdl(e))});
    }
    CompareAttributes(e.name, true, e.attributes, attrs, &out);
  }
  return out;
}

}  // namespace icegraph::mapping

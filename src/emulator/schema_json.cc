#include "emulator/schema_json.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// The string at def[key], or an error naming the field.
Result<std::string> StringField(const json& def, const char* key, const std::string& at) {
  if (!def.is_object() || !def.contains(key) || !def[key].is_string()) {
    return Status::Invalid(fmt::format("{}.{}: expected a string", at, key));
  }
  return def[key].get<std::string>();
}

Result<std::string> NameField(const json& def, const char* key, const std::string& at) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::string name, StringField(def, key, at));
  if (!IsGsqlName(name)) return Status::Invalid(fmt::format("{}.{}: \"{}\" is not a valid name", at, key, name));
  return name;
}

// A type spelled as GSQL keywords: letters, digits, '_' and single spaces ("STRING COMPRESS").
bool IsTypeWord(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == ' ';
  });
}

// {"Name": "LIST", "ValueTypeName": "STRING"} → LIST<STRING> (the inverse of AttrTypeJson).
Result<std::string> TypeToGsql(const json& t, const std::string& at) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string name, StringField(t, "Name", at));
  const std::string kind = Upper(name);
  const auto word = [&](const char* key) -> Result<std::string> {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string w, StringField(t, key, at));
    if (!IsTypeWord(w)) return Status::Invalid(fmt::format("{}.{}: \"{}\" is not a type name", at, key, w));
    return w;
  };
  if (kind == "LIST" || kind == "SET") {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string elem, word("ValueTypeName"));
    return kind + "<" + elem + ">";
  }
  if (kind == "MAP") {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string key, word("KeyTypeName"));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string elem, word("ValueTypeName"));
    return "MAP<" + key + ", " + elem + ">";
  }
  if (!IsTypeWord(name)) return Status::Invalid(fmt::format("{}.Name: \"{}\" is not a type name", at, name));
  return name;
}

// {"AttributeName": "a", "AttributeType": {...}, "DefaultValue": "x"} → a TYPE DEFAULT "x".
Result<std::string> AttributeToGsql(const json& a, const std::string& at) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string name, NameField(a, "AttributeName", at));
  if (!a.contains("AttributeType")) return Status::Invalid(at + ".AttributeType: missing");
  ICEGRAPH_ASSIGN_OR_RAISE(std::string out, TypeToGsql(a["AttributeType"], at + ".AttributeType"));
  out = name + " " + out;
  if (a.contains("DefaultValue") && !a["DefaultValue"].is_null()) {
    const json& d = a["DefaultValue"];
    const std::string text = d.is_string() ? d.get<std::string>() : d.dump();
    // GSQL string literals have no escapes the emulator's lexer reads: refuse what would end the literal.
    if (text.find_first_of("\"\\\n") != std::string::npos) {
      return Status::Invalid(at +
                             ".DefaultValue: the emulator does not support a default holding '\"', '\\' or a "
                             "line break");
    }
    out += " DEFAULT \"" + text + "\"";
  }
  return out;
}

bool Flag(const json& j, const char* key) { return j.is_object() && j.contains(key) && j[key] == true; }

const json& ArrayAt(const json& doc, const char* key) {
  static const json kEmpty = json::array();
  return doc.is_object() && doc.contains(key) && doc[key].is_array() ? doc[key] : kEmpty;
}

Status ExpectArray(const json& doc, const char* key, const std::string& at) {
  if (doc.contains(key) && !doc[key].is_array() && !doc[key].is_null()) {
    return Status::Invalid(fmt::format("{}{}: expected an array", at, key));
  }
  return Status::OK();
}

// Names at doc[key] (an array of strings), each a valid GSQL name.
Result<std::vector<std::string>> NamesAt(const json& doc, const char* key, const std::string& at) {
  ICEGRAPH_RETURN_NOT_OK(ExpectArray(doc, key, at));
  std::vector<std::string> out;
  const json& list = ArrayAt(doc, key);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || !IsGsqlName(list[i].get<std::string>())) {
      return Status::Invalid(fmt::format("{}{}[{}]: expected a type name", at, key, i));
    }
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

// ALTER VERTEX|EDGE t ADD ATTRIBUTE (...) / DROP ATTRIBUTE (...) / ADD|DROP INDEX from one alter entry.
Status AlterToGsql(const json& alter, const std::string& type, bool edge, const std::string& at,
                   std::vector<std::string>& out) {
  const std::string head = fmt::format("ALTER {} {} ", edge ? "EDGE" : "VERTEX", type);
  ICEGRAPH_RETURN_NOT_OK(ExpectArray(alter, "addAttributes", at + "."));
  std::vector<std::string> add;
  const json& adds = ArrayAt(alter, "addAttributes");
  for (size_t i = 0; i < adds.size(); ++i) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string a, AttributeToGsql(adds[i], fmt::format("{}.addAttributes[{}]", at, i)));
    add.push_back(std::move(a));
  }
  if (!add.empty()) out.push_back(head + fmt::format("ADD ATTRIBUTE ({});", fmt::join(add, ", ")));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> drop, NamesAt(alter, "dropAttributes", at + "."));
  if (!drop.empty()) out.push_back(head + fmt::format("DROP ATTRIBUTE ({});", fmt::join(drop, ", ")));
  // Indexes go to the parser as GSQL, which names them as not supported.
  for (const char* key : {"addIndexAttributes", "dropIndexAttributes"}) {
    if (!ArrayAt(alter, key).empty()) out.push_back(head + (key[0] == 'a' ? "ADD INDEX" : "DROP INDEX") + " x ON (x);");
  }
  return Status::OK();
}

const std::vector<const char*> kChangeKeys = {"addVertexTypes", "dropVertexTypes", "alterVertexTypes",
                                              "addEdgeTypes",   "dropEdgeTypes",   "alterEdgeTypes",
                                              "addTags",        "dropTags",        "name",
                                              "graph",          "graphs"};

}  // namespace

bool IsGsqlName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) != 0) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_'; });
}

json AttrTypeJson(const AttrType& t) {
  json j = {{"Name", std::string(KindName(t.kind))}};
  if (t.kind == Kind::kList || t.kind == Kind::kSet) j["ValueTypeName"] = std::string(KindName(t.elem));
  if (t.kind == Kind::kMap) {
    j["KeyTypeName"] = std::string(KindName(t.key));
    j["ValueTypeName"] = std::string(KindName(t.elem));
  }
  return j;
}

json AttributeJson(const Attribute& a, bool discriminator) {
  json j = {{"AttributeName", a.name}, {"AttributeType", AttrTypeJson(a.type)}};
  if (a.default_value) {
    j["DefaultValue"] = ValueToText(a.type, *a.default_value);
  } else if (a.default_text) {
    j["DefaultValue"] = *a.default_text;  // a job not run yet holds the default as written
  }
  if (discriminator) j["IsDiscriminator"] = true;
  return j;
}

json VertexJson(const VertexType& v) {
  json attrs = json::array();
  for (const Attribute& a : v.attributes) attrs.push_back(AttributeJson(a, false));
  json j = {{"Name", v.name},
            {"PrimaryId", {{"AttributeName", v.primary_id_name}, {"AttributeType", AttrTypeJson(v.primary_id_type)}}},
            {"Attributes", attrs},
            {"Config", {{"STATS", v.stats}, {"PRIMARY_ID_AS_ATTRIBUTE", v.primary_id_as_attribute}}},
            {"IsLocal", v.is_local}};
  if (v.primary_id_as_attribute) j["PrimaryId"]["PrimaryIdAsAttribute"] = true;
  if (!v.composite_key.empty()) j["CompositeKeys"] = v.composite_key;
  return j;
}

json EdgeJson(const EdgeType& e) {
  json attrs = json::array();
  for (const Attribute& a : e.attributes) {
    const bool disc = std::find(e.discriminator.begin(), e.discriminator.end(), a.name) != e.discriminator.end();
    attrs.push_back(AttributeJson(a, disc));
  }
  json pairs = json::array();
  for (const EdgePair& p : e.pairs) pairs.push_back({{"From", p.from}, {"To", p.to}});
  json j = {{"Name", e.name},
            {"IsDirected", e.directed},
            {"FromVertexTypeName", e.pairs.size() == 1 ? e.pairs[0].from : "*"},
            {"ToVertexTypeName", e.pairs.size() == 1 ? e.pairs[0].to : "*"},
            {"Attributes", attrs},
            {"Config", json::object()},
            {"DiscriminatorCount", e.discriminator.size()},
            {"IsLocal", e.is_local}};
  // TigerGraph lists EdgePairs only for multi-pair and wildcard edge types (From/To are "*" then).
  const bool wildcard =
      std::any_of(e.pairs.begin(), e.pairs.end(), [](const EdgePair& p) { return p.from == "*" || p.to == "*"; });
  if (e.pairs.size() != 1 || wildcard) j["EdgePairs"] = pairs;
  if (!e.discriminator.empty()) j["CompositeDiscriminator"] = e.discriminator.size() > 1;
  if (!e.reverse_edge.empty()) j["Config"]["REVERSE_EDGE"] = e.reverse_edge;
  return j;
}

json GraphSchemaJson(const Catalog& c, const Graph& g) {
  json vs = json::array();
  for (const std::string& n : g.vertex_types) vs.push_back(VertexJson(*c.FindVertex(n)));
  json es = json::array();
  for (const std::string& n : g.edge_types) {
    const EdgeType* e = c.FindEdge(n);
    if (!e->is_reverse) es.push_back(EdgeJson(*e));
  }
  return {{"GraphName", g.name}, {"VertexTypes", vs}, {"EdgeTypes", es}};
}

json SchemaChangeJobJson(const CreateSchemaChangeJobStmt& job) {
  using K = SchemaChangeAction::Kind;
  json j = {{"name", job.name},
            {"addVertexTypes", json::array()},
            {"dropVertexTypes", json::array()},
            {"alterVertexTypes", json::array()},
            {"addEdgeTypes", json::array()},
            {"dropEdgeTypes", json::array()},
            {"alterEdgeTypes", json::array()},
            {"addTags", json::array()},
            {"dropTags", json::array()}};
  if (!job.global) j["graph"] = job.graph;
  std::map<std::string, json> graphs;  // a global job's ADD/DROP ... TO/FROM GRAPH, by graph
  for (const SchemaChangeAction& a : job.actions) {
    switch (a.kind) {
      case K::kAddVertex: j["addVertexTypes"].push_back(VertexJson(a.vertex)); break;
      case K::kAddEdge: j["addEdgeTypes"].push_back(EdgeJson(a.edge)); break;
      case K::kDropVertex: j["dropVertexTypes"].push_back(a.type_name); break;
      case K::kDropEdge: j["dropEdgeTypes"].push_back(a.type_name); break;
      case K::kAlterAddAttributes:
      case K::kAlterDropAttributes: {
        json alter = {{"name", a.type_name}, {"addAttributes", json::array()}, {"dropAttributes", a.drop}};
        for (const Attribute& at : a.add) alter["addAttributes"].push_back(AttributeJson(at, false));
        j[a.on_edge ? "alterEdgeTypes" : "alterVertexTypes"].push_back(std::move(alter));
        break;
      }
      case K::kAddToGraph:
      case K::kDropFromGraph: {
        json& g = graphs[a.target_graph];
        if (g.is_null()) {
          g = {{"graphName", a.target_graph},
               {"addVertexTypes", json::array()},
               {"addEdgeTypes", json::array()},
               {"dropVertexTypes", json::array()},
               {"dropEdgeTypes", json::array()}};
        }
        const bool add = a.kind == K::kAddToGraph;
        g[std::string(add ? "add" : "drop") + (a.on_edge ? "EdgeTypes" : "VertexTypes")].push_back(a.type_name);
        break;
      }
    }
  }
  if (job.global) {
    j["graphs"] = json::array();
    for (auto& [name, g] : graphs) j["graphs"].push_back(std::move(g));
  }
  return j;
}

Result<std::string> VertexDefToGsql(const json& def, const std::string& at) {
  if (!def.is_object()) return Status::Invalid(at + ": expected an object");
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string name, NameField(def, "Name", at));
  ICEGRAPH_RETURN_NOT_OK(ExpectArray(def, "Attributes", at + "."));
  const json& attrs = ArrayAt(def, "Attributes");
  const json& pid = def.contains("PrimaryId") ? def["PrimaryId"] : json();
  std::vector<std::string> parts;
  const bool composite = def.contains("CompositeKeys") && def["CompositeKeys"].is_array();
  const bool new_syntax = Flag(pid, "IsPrimaryKey");  // `name STRING PRIMARY KEY`, the key among the attributes
  if (!composite && !new_syntax) {
    if (!pid.is_object()) return Status::Invalid(at + ".PrimaryId: expected an object");
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string id, NameField(pid, "AttributeName", at + ".PrimaryId"));
    if (!pid.contains("AttributeType")) return Status::Invalid(at + ".PrimaryId.AttributeType: missing");
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string type, TypeToGsql(pid["AttributeType"], at + ".PrimaryId.AttributeType"));
    parts.push_back("PRIMARY_ID " + id + " " + type);
  }
  bool key_listed = false;
  for (size_t i = 0; i < attrs.size(); ++i) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string a, AttributeToGsql(attrs[i], fmt::format("{}.Attributes[{}]", at, i)));
    if (new_syntax && Flag(attrs[i], "IsPrimaryKey")) {
      a += " PRIMARY KEY";
      key_listed = true;
    }
    parts.push_back(std::move(a));
  }
  if (new_syntax && !key_listed) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string a, AttributeToGsql(pid, at + ".PrimaryId"));
    parts.insert(parts.begin(), a + " PRIMARY KEY");
  }
  if (composite) {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> keys, NamesAt(def, "CompositeKeys", at + "."));
    parts.push_back(fmt::format("PRIMARY KEY ({})", fmt::join(keys, ", ")));
  }
  std::vector<std::string> with;
  const json& config = def.contains("Config") ? def["Config"] : json();
  if (config.is_object() && config.contains("STATS")) {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string stats, StringField(config, "STATS", at + ".Config"));
    if (!IsGsqlName(stats)) return Status::Invalid(at + ".Config.STATS: \"" + stats + "\" is not a STATS option");
    with.push_back("STATS=\"" + stats + "\"");
  }
  if (Flag(config, "PRIMARY_ID_AS_ATTRIBUTE") || Flag(pid, "PrimaryIdAsAttribute") ||
      (config.is_object() && config.contains("PRIMARY_ID_AS_ATTRIBUTE") &&
       config["PRIMARY_ID_AS_ATTRIBUTE"] == "true")) {
    with.emplace_back("PRIMARY_ID_AS_ATTRIBUTE=\"true\"");
  }
  std::string out = fmt::format("VERTEX {} ({})", name, fmt::join(parts, ", "));
  if (!with.empty()) out += fmt::format(" WITH {}", fmt::join(with, ", "));
  return out;
}

Result<std::string> EdgeDefToGsql(const json& def, const std::string& at) {
  if (!def.is_object()) return Status::Invalid(at + ": expected an object");
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string name, NameField(def, "Name", at));
  const bool directed = !def.contains("IsDirected") || def["IsDirected"] == true;
  std::vector<std::string> pairs;
  if (def.contains("EdgePairs") && def["EdgePairs"].is_array() && !def["EdgePairs"].empty()) {
    const json& list = def["EdgePairs"];
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = fmt::format("{}.EdgePairs[{}]", at, i);
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string from, StringField(list[i], "From", where));
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string to, StringField(list[i], "To", where));
      if ((from != "*" && !IsGsqlName(from)) || (to != "*" && !IsGsqlName(to))) {
        return Status::Invalid(where + ": expected vertex type names");
      }
      pairs.push_back(fmt::format("FROM {}, TO {}", from, to));
    }
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string from, StringField(def, "FromVertexTypeName", at));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string to, StringField(def, "ToVertexTypeName", at));
    if ((from != "*" && !IsGsqlName(from)) || (to != "*" && !IsGsqlName(to))) {
      return Status::Invalid(at + ": FromVertexTypeName and ToVertexTypeName must be vertex type names or \"*\"");
    }
    pairs.push_back("FROM " + from + ", TO " + to);
  }
  std::vector<std::string> parts{fmt::format("{}", fmt::join(pairs, " | "))};
  ICEGRAPH_RETURN_NOT_OK(ExpectArray(def, "Attributes", at + "."));
  const json& attrs = ArrayAt(def, "Attributes");
  std::vector<std::string> disc;
  std::vector<std::string> rest;
  for (size_t i = 0; i < attrs.size(); ++i) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string a, AttributeToGsql(attrs[i], fmt::format("{}.Attributes[{}]", at, i)));
    (Flag(attrs[i], "IsDiscriminator") ? disc : rest).push_back(std::move(a));
  }
  if (!disc.empty()) parts.push_back(fmt::format("DISCRIMINATOR({})", fmt::join(disc, ", ")));
  parts.insert(parts.end(), rest.begin(), rest.end());
  std::string out = fmt::format("{} EDGE {} ({})", directed ? "DIRECTED" : "UNDIRECTED", name, fmt::join(parts, ", "));
  const json& config = def.contains("Config") ? def["Config"] : json();
  if (config.is_object() && config.contains("REVERSE_EDGE")) {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string rev, NameField(config, "REVERSE_EDGE", at + ".Config"));
    out += " WITH REVERSE_EDGE=\"" + rev + "\"";
  }
  return out;
}

std::string SchemaChangeJobText(const std::string& name, const std::string& graph,
                                const std::vector<std::string>& statements) {
  std::string text = graph.empty() ? "CREATE GLOBAL SCHEMA_CHANGE JOB " + name + " {\n"
                                   : "CREATE SCHEMA_CHANGE JOB " + name + " FOR GRAPH " + graph + " {\n";
  for (const std::string& s : statements) text += "  " + s + "\n";
  return text + "}";
}

Result<std::vector<std::string>> AlterTypeToGsql(const json& body, const std::string& type, bool edge,
                                                 const std::string& at) {
  if (!body.is_object()) return Status::Invalid(at + ": expected a JSON object");
  if (!IsGsqlName(type)) return Status::Invalid("\"" + type + "\" is not a valid type name");
  std::vector<std::string> out;
  ICEGRAPH_RETURN_NOT_OK(AlterToGsql(body, type, edge, at, out));
  return out;
}

Result<std::vector<std::string>> SchemaChangeToGsql(const json& body, bool global) {
  if (!body.is_object()) return Status::Invalid("the body must be a JSON object");
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    if (std::find_if(kChangeKeys.begin(), kChangeKeys.end(), [&](const char* k) { return key == k; }) ==
        kChangeKeys.end()) {
      return Status::Invalid("unknown field \"" + key +
                             "\"; expected one of: " + fmt::format("{}", fmt::join(kChangeKeys, ", ")));
    }
  }
  for (const char* key : {"addTags", "dropTags"}) {
    if (!ArrayAt(body, key).empty())
      return Status::NotImplemented(std::string("the emulator does not support tags (") + key + ")");
  }
  std::vector<std::string> out;
  const auto defs = [&](const char* key, bool vertex) -> Status {
    ICEGRAPH_RETURN_NOT_OK(ExpectArray(body, key, ""));
    const json& list = ArrayAt(body, key);
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", key, i);
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string def,
                               vertex ? VertexDefToGsql(list[i], at) : EdgeDefToGsql(list[i], at));
      out.push_back("ADD " + def + ";");
    }
    return Status::OK();
  };
  ICEGRAPH_RETURN_NOT_OK(defs("addVertexTypes", true));
  ICEGRAPH_RETURN_NOT_OK(defs("addEdgeTypes", false));
  // Edges go first: a vertex type cannot be dropped while an edge type uses it.
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> drop_edges, NamesAt(body, "dropEdgeTypes", ""));
  if (!drop_edges.empty()) out.push_back(fmt::format("DROP EDGE {};", fmt::join(drop_edges, ", ")));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> drop_vertices, NamesAt(body, "dropVertexTypes", ""));
  if (!drop_vertices.empty()) out.push_back(fmt::format("DROP VERTEX {};", fmt::join(drop_vertices, ", ")));
  for (const auto& [key, edge] : {std::pair{"alterVertexTypes", false}, std::pair{"alterEdgeTypes", true}}) {
    ICEGRAPH_RETURN_NOT_OK(ExpectArray(body, key, ""));
    const json& list = ArrayAt(body, key);
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", key, i);
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string type, NameField(list[i], "name", at));
      ICEGRAPH_RETURN_NOT_OK(AlterToGsql(list[i], type, edge, at, out));
    }
  }
  if (body.contains("graphs")) {
    if (!global) return Status::Invalid("graphs: only a global schema change names graphs (leave out ?graph=)");
    ICEGRAPH_RETURN_NOT_OK(ExpectArray(body, "graphs", ""));
    const json& graphs = ArrayAt(body, "graphs");
    for (size_t i = 0; i < graphs.size(); ++i) {
      const std::string at = fmt::format("graphs[{}]", i);
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string graph, NameField(graphs[i], "graphName", at));
      for (const auto& [key, stmt] : {std::pair{"addVertexTypes", "ADD VERTEX {} TO GRAPH {};"},
                                      std::pair{"addEdgeTypes", "ADD EDGE {} TO GRAPH {};"},
                                      std::pair{"dropEdgeTypes", "DROP EDGE {} FROM GRAPH {};"},
                                      std::pair{"dropVertexTypes", "DROP VERTEX {} FROM GRAPH {};"}}) {
        ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> names, NamesAt(graphs[i], key, at + "."));
        if (!names.empty()) out.push_back(fmt::format(fmt::runtime(stmt), fmt::join(names, ", "), graph));
      }
    }
  }
  if (out.empty()) return Status::Invalid("the schema change is empty");
  return out;
}

std::vector<std::string> StringsAt(const json& doc, const char* key) {
  std::vector<std::string> out;
  if (!doc.is_object() || !doc.contains(key)) return out;
  const json& v = doc[key];
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const json& x : v) {
      if (x.is_string()) out.push_back(x.get<std::string>());
    }
  }
  return out;
}

std::vector<std::string> SplitNames(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace icegraph::emulator

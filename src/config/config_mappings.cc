// The config loader's table mappings (vertices, edges, ids, attributes), aliases and the checks across them.
#include <map>
#include <string>
#include <vector>

#include "common/log.h"
#include "config/config_yaml.h"
#include "mapping/gsql_gen.h"
#include "mapping/type_matrix.h"

namespace icegraph::config::detail {
namespace {

using mapping::AttributeSpec;
using mapping::EdgeSpec;
using mapping::EndpointSpec;
using mapping::IdSpec;
using mapping::LoadingJobName;
using mapping::MappingSpec;
using mapping::ParseTgType;
using mapping::VertexSpec;

class MappingsReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  Result<IdSpec> Id(const YAML::Node& n, const std::string& path) const {
    IdSpec id;
    id.loc = Loc(n, path);
    if (n.IsScalar()) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string c, Str(n, path));
      if (c.empty()) return Err(n, path, "must not be empty");
      id.columns.push_back(std::move(c));
      return id;
    }
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"columns", "separator"}));
    const YAML::Node cols = n["columns"];
    const std::string cpath = Sub(path, "columns");
    if (!cols) return Err(n, cpath, "required");
    if (!cols.IsSequence() || cols.size() == 0) return Err(cols, cpath, "expected a non-empty list of columns");
    for (size_t i = 0; i < cols.size(); ++i) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string c, Str(cols[i], Index(cpath, i)));
      if (c.empty()) return Err(cols[i], Index(cpath, i), "must not be empty");
      id.columns.push_back(std::move(c));
    }
    if (n["separator"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(id.separator, Str(n["separator"], Sub(path, "separator")));
    }
    return id;
  }

  Result<std::vector<AttributeSpec>> Attributes(const YAML::Node& n, const std::string& path) const {
    std::vector<AttributeSpec> out;
    if (!n.IsMap()) return Err(n, path, "expected a mapping of attribute: expression");
    for (const auto& kv : n) {
      AttributeSpec a;
      a.name = kv.first.Scalar();
      const std::string apath = Sub(path, a.name);
      a.loc = Loc(kv.second, apath);
      ICEGRAPH_RETURN_NOT_OK(Identifier(kv.first, apath, a.name));
      if (a.name == "id") return Err(kv.first, apath, "'id' is the primary id attribute; choose another name");
      for (const AttributeSpec& prev : out) {
        if (prev.name == a.name) return Err(kv.first, apath, "attribute given twice");
      }
      if (kv.second.IsScalar()) {
        ICEGRAPH_ASSIGN_OR_RAISE(a.expr, Str(kv.second, apath));
      } else {
        ICEGRAPH_RETURN_NOT_OK(CheckMap(kv.second, apath, {"expr", "type"}));
        ICEGRAPH_ASSIGN_OR_RAISE(a.expr, RequiredStr(kv.second, apath, "expr"));
        if (kv.second["type"]) {
          ICEGRAPH_ASSIGN_OR_RAISE(std::string t, Str(kv.second["type"], Sub(apath, "type")));
          auto parsed = ParseTgType(t);
          if (!parsed.ok()) return Err(kv.second["type"], Sub(apath, "type"), parsed.status().message());
          a.type = parsed->ToGsql();
        }
      }
      if (a.expr.empty()) return Err(kv.second, apath, "the expression must not be empty");
      out.push_back(std::move(a));
    }
    return out;
  }

  Status Defaults(const YAML::Node& n, const std::string& path, const std::vector<AttributeSpec>& attrs,
                  std::map<std::string, std::string>* out, std::map<std::string, ConfigLoc>* locs) const {
    if (!n.IsMap()) return Err(n, path, "expected a mapping of attribute: value");
    ICEGRAPH_RETURN_NOT_OK(UniqueKeys(n, path));
    for (const auto& kv : n) {
      const std::string name = kv.first.Scalar();
      const std::string dpath = Sub(path, name);
      const bool known =
          std::any_of(attrs.begin(), attrs.end(), [&](const AttributeSpec& a) { return a.name == name; });
      if (!known) return Err(kv.first, dpath, fmt::format("'{}' is not an attribute of this mapping", name));
      ICEGRAPH_ASSIGN_OR_RAISE((*out)[name], Str(kv.second, dpath));
      (*locs)[name] = Loc(kv.second, dpath);
    }
    return Status::OK();
  }

  // `owner:` decided who deleted before every mapped type was reconciled; it is still read so old files load.
  Status Owner(const YAML::Node& n, const std::string& path) const {
    if (!n["owner"]) return Status::OK();
    ICEGRAPH_ASSIGN_OR_RAISE(const bool owner, Bool(n["owner"], Sub(path, "owner")));
    log::Warn("config_deprecated", {{"field", Sub(path, "owner")},
                                    {"value", owner},
                                    {"reason", "every mapped type is reconciled; owner has no effect"}});
    return Status::OK();
  }

  Result<VertexSpec> Vertex(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "id", "attributes", "defaults", "owner"}));
    VertexSpec v;
    ICEGRAPH_RETURN_NOT_OK(Owner(n, path));
    v.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(v.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), v.type));
    if (!n["id"]) return Err(n, Sub(path, "id"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(v.id, Id(n["id"], Sub(path, "id")));
    if (n["attributes"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(v.attributes, Attributes(n["attributes"], Sub(path, "attributes")));
    }
    if (n["defaults"]) {
      ICEGRAPH_RETURN_NOT_OK(
          Defaults(n["defaults"], Sub(path, "defaults"), v.attributes, &v.defaults, &v.default_locs));
    }
    return v;
  }

  Result<EndpointSpec> Endpoint(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "id"}));
    EndpointSpec e;
    e.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(e.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), e.type));
    if (!n["id"]) return Err(n, Sub(path, "id"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(e.id, Id(n["id"], Sub(path, "id")));
    return e;
  }

  Result<EdgeSpec> Edge(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(
        CheckMap(n, path, {"type", "from", "to", "attributes", "defaults", "discriminator", "directed", "owner"}));
    EdgeSpec e;
    ICEGRAPH_RETURN_NOT_OK(Owner(n, path));
    e.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(e.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), e.type));
    if (!n["from"]) return Err(n, Sub(path, "from"), "required");
    if (!n["to"]) return Err(n, Sub(path, "to"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(e.from, Endpoint(n["from"], Sub(path, "from")));
    ICEGRAPH_ASSIGN_OR_RAISE(e.to, Endpoint(n["to"], Sub(path, "to")));
    if (n["attributes"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(e.attributes, Attributes(n["attributes"], Sub(path, "attributes")));
    }
    if (n["defaults"]) {
      ICEGRAPH_RETURN_NOT_OK(
          Defaults(n["defaults"], Sub(path, "defaults"), e.attributes, &e.defaults, &e.default_locs));
    }
    if (n["directed"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(e.directed, Bool(n["directed"], Sub(path, "directed")));
    }
    if (const YAML::Node d = n["discriminator"]; d) {
      const std::string dpath = Sub(path, "discriminator");
      e.discriminator_loc = Loc(d, dpath);
      if (!d.IsSequence()) return Err(d, dpath, "expected a list of attribute names");
      for (size_t i = 0; i < d.size(); ++i) {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Str(d[i], Index(dpath, i)));
        const bool known = std::any_of(e.attributes.begin(), e.attributes.end(),
                                       [&](const AttributeSpec& a) { return a.name == name; });
        if (!known) return Err(d[i], Index(dpath, i), fmt::format("'{}' is not an attribute of this edge", name));
        if (std::find(e.discriminator.begin(), e.discriminator.end(), name) != e.discriminator.end()) {
          return Err(d[i], Index(dpath, i), fmt::format("'{}' is listed twice", name));
        }
        e.discriminator.push_back(std::move(name));
      }
    }
    return e;
  }

  Status Mappings(const YAML::Node& n, const std::string& path) {
    if (!n.IsSequence() || n.size() == 0) return Err(n, path, "expected a non-empty list of table mappings");
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node m = n[i];
      const std::string mpath = Index(path, i);
      ICEGRAPH_RETURN_NOT_OK(CheckMap(m, mpath, {"table", "where", "vertices", "edges"}));
      MappingSpec spec;
      spec.loc = Loc(m, mpath);
      ICEGRAPH_ASSIGN_OR_RAISE(spec.table, RequiredStr(m, mpath, "table"));
      for (const MappingSpec& prev : model().mappings) {
        if (prev.table == spec.table) {
          return Err(m["table"], Sub(mpath, "table"),
                     fmt::format("table '{}' is mapped twice (first at line {}); put both in one mapping", spec.table,
                                 prev.loc.line));
        }
      }
      if (m["where"]) {
        spec.where_loc = Loc(m["where"], Sub(mpath, "where"));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string w, Str(m["where"], Sub(mpath, "where")));
        if (!w.empty()) spec.where = std::move(w);
      }
      for (const char* list : {"vertices", "edges"}) {
        const YAML::Node l = m[list];
        if (!l) continue;
        const std::string lpath = Sub(mpath, list);
        if (!l.IsSequence()) return Err(l, lpath, "expected a list");
        for (size_t j = 0; j < l.size(); ++j) {
          if (list[0] == 'v') {
            ICEGRAPH_ASSIGN_OR_RAISE(VertexSpec v, Vertex(l[j], Index(lpath, j)));
            spec.vertices.push_back(std::move(v));
          } else {
            ICEGRAPH_ASSIGN_OR_RAISE(EdgeSpec e, Edge(l[j], Index(lpath, j)));
            spec.edges.push_back(std::move(e));
          }
        }
      }
      if (spec.vertices.empty() && spec.edges.empty()) return Err(m, mpath, "maps no vertices and no edges");
      model().mappings.push_back(std::move(spec));
    }
    return Status::OK();
  }

  Status Aliases(const YAML::Node& n, const std::string& path) {
    if (!n.IsMap()) return Err(n, path, "expected a mapping of alias: type");
    ICEGRAPH_RETURN_NOT_OK(UniqueKeys(n, path));
    for (const auto& kv : n) {
      const std::string alias = kv.first.Scalar();
      const std::string apath = Sub(path, alias);
      const bool valid = !alias.empty() && std::all_of(alias.begin(), alias.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '-';
      });
      if (!valid) return Err(kv.first, apath, fmt::format("'{}' is not a valid alias ([A-Za-z0-9_-]+)", alias));
      ICEGRAPH_ASSIGN_OR_RAISE(std::string type, Str(kv.second, apath));
      alias_nodes_.push_back(kv.second);
      model().aliases.emplace_back(alias, std::move(type));
    }
    return Status::OK();
  }

  // Checks across mappings: one definition per type name, edge endpoints mapped, aliases naming mapped types.
  Status CrossCheck() const {
    std::map<std::string, const VertexSpec*> vertices;
    std::map<std::string, const EdgeSpec*> edges;
    for (const MappingSpec& m : model().mappings) {
      for (const VertexSpec& v : m.vertices) vertices.emplace(v.type, &v);
    }
    for (const MappingSpec& m : model().mappings) {
      for (const EdgeSpec& e : m.edges) {
        const std::string tpath = Sub(e.loc.path, "type");
        if (vertices.count(e.type) > 0) {
          return model().ErrorAt(e.loc, fmt::format("'{}' is mapped as a vertex type (line {}) and as an edge type",
                                                    e.type, vertices[e.type]->loc.line));
        }
        const auto [it, inserted] = edges.emplace(e.type, &e);
        if (!inserted) {
          const EdgeSpec& p = *it->second;
          Strings pa;
          Strings ea;
          for (const AttributeSpec& a : p.attributes) pa.push_back(a.name);
          for (const AttributeSpec& a : e.attributes) ea.push_back(a.name);
          if (p.from.type != e.from.type || p.to.type != e.to.type || p.directed != e.directed ||
              p.discriminator != e.discriminator || pa != ea) {
            return model().ErrorAt(e.loc, fmt::format("edge type '{}' is defined differently at line {} (from/to, "
                                                      "directed, attributes and discriminator must match)",
                                                      e.type, p.loc.line));
          }
        }
        for (const EndpointSpec* ep : {&e.from, &e.to}) {
          if (vertices.count(ep->type) == 0) {
            return model().ErrorAt(ConfigLoc{ep->loc.line, Sub(ep->loc.path, "type")},
                                   fmt::format("vertex type '{}' is not mapped by any table", ep->type));
          }
        }
      }
    }
    for (size_t i = 0; i < model().aliases.size(); ++i) {
      const auto& [alias, type] = model().aliases[i];
      if (vertices.count(type) == 0 && edges.count(type) == 0) {
        return Err(alias_nodes_[i], Sub("aliases", alias),
                   fmt::format("'{}' is not a mapped vertex or edge type", type));
      }
      if (alias != type && (vertices.count(alias) > 0 || edges.count(alias) > 0)) {
        return Err(alias_nodes_[i], Sub("aliases", alias),
                   fmt::format("'{}' is the name of a mapped type; it cannot be an alias of '{}'", alias, type));
      }
    }
    // Loading-job names are the table names with other characters as '_': two tables must not share one.
    std::map<std::string, const MappingSpec*> jobs;
    for (const MappingSpec& m : model().mappings) {
      const auto [it, inserted] = jobs.emplace(LoadingJobName(m.table), &m);
      if (!inserted) {
        return model().ErrorAt(ConfigLoc{m.loc.line, Sub(m.loc.path, "table")},
                               fmt::format("tables '{}' (line {}) and '{}' both get the loading job name {}",
                                           it->second->table, it->second->loc.line, m.table, it->first));
      }
    }
    return Status::OK();
  }

 private:
  std::vector<YAML::Node> alias_nodes_;
};

}  // namespace

Status ReadMappings(Config* cfg, EnvLookup env, const YAML::Node& root) {
  MappingsReader reader(cfg, env);
  ICEGRAPH_RETURN_NOT_OK(reader.Mappings(root["mappings"], "mappings"));
  if (root["aliases"]) ICEGRAPH_RETURN_NOT_OK(reader.Aliases(root["aliases"], "aliases"));
  return reader.CrossCheck();
}

}  // namespace icegraph::config::detail

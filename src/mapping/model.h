// The mapping model: which Iceberg tables become which vertex and edge types of the graph, as written in the
// `mappings:` and `aliases:` sections of icegraph.yaml (read by the config stage, config/config.h). Every spec keeps
// where it was written, so an error found later (against a table's schema) names the file, the line and the field
// path ("icegraph.yaml:14: mappings[0].vertices[1].id: ...").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace icegraph::mapping {

/// Where a config value was written: 1-based line and its field path, for error messages.
struct ConfigLoc {
  int line = 0;
  std::string path;  // e.g. "mappings[0].vertices[1].id"
};

/// A vertex id: one column, or several joined with `separator`.
struct IdSpec {
  std::vector<std::string> columns;  // expressions; usually plain column names
  std::string separator = "|";
  ConfigLoc loc;
};

/// One TigerGraph attribute: `name: expr` or `name: {expr: e, type: STRING}` (type forces the GSQL type, e.g.
/// a decimal as STRING or a wide decimal as DOUBLE).
struct AttributeSpec {
  std::string name;
  std::string expr;
  std::optional<std::string> type;  // GSQL spelling, upper case
  ConfigLoc loc;
};

struct VertexSpec {
  std::string type;
  IdSpec id;
  std::vector<AttributeSpec> attributes;          // in file order
  std::map<std::string, std::string> defaults;    // attribute → value when the source is null
  std::map<std::string, ConfigLoc> default_locs;  // attribute → where its default was written
  ConfigLoc loc;
};

struct EndpointSpec {
  std::string type;
  IdSpec id;
  ConfigLoc loc;
};

struct EdgeSpec {
  std::string type;
  EndpointSpec from;
  EndpointSpec to;
  std::vector<AttributeSpec> attributes;
  std::map<std::string, std::string> defaults;
  std::map<std::string, ConfigLoc> default_locs;
  std::vector<std::string> discriminator;
  bool directed = true;
  ConfigLoc loc;
  ConfigLoc discriminator_loc;
};

struct MappingSpec {
  std::string table;  // namespace.table
  std::optional<std::string> where;
  std::vector<VertexSpec> vertices;
  std::vector<EdgeSpec> edges;
  ConfigLoc loc;
  ConfigLoc where_loc;
};

struct Model {
  std::string file;   // the config file it was read from; prefixes every error
  std::string graph;  // the TigerGraph graph the types belong to (tigergraph.graph)
  std::vector<MappingSpec> mappings;
  std::vector<std::pair<std::string, std::string>> aliases;  // alias → type, in file order

  /// "file:line: path: message" for errors found after loading (e.g. against table schemas).
  Status ErrorAt(const ConfigLoc& loc, std::string_view message) const;
};

/// True for [A-Za-z_][A-Za-z0-9_]* that is not a GSQL reserved word (case-insensitive).
bool IsValidGsqlIdentifier(std::string_view name);
/// True when `name` is a GSQL reserved word (case-insensitive).
bool IsGsqlReservedWord(std::string_view name);

}  // namespace icegraph::mapping

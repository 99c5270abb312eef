// The emulator's schema model: vertex and edge types, graphs and loading jobs, as TigerGraph's catalog holds them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/types.h"

namespace icegraph::emulator {

/// One attribute of a vertex or edge type.
struct Attribute {
  std::string name;
  AttrType type;
  std::optional<std::string> default_text;  // DEFAULT literal as written (quotes removed), from the parser
  std::optional<Value> default_value;       // default_text converted when the type is created
};

struct VertexType {
  std::string name;
  std::string primary_id_name;             // PRIMARY_ID name, or the first key of a composite PRIMARY KEY
  AttrType primary_id_type;                // type of PRIMARY_ID (scalar)
  std::vector<std::string> composite_key;  // PRIMARY KEY (a, b, ...) attribute names; empty for PRIMARY_ID
  bool primary_id_as_attribute = false;    // WITH primary_id_as_attribute="true"
  std::string stats = "OUTDEGREE_BY_EDGETYPE";
  bool is_local = false;              // added to one graph by a local schema change job (schema JSON "IsLocal")
  std::vector<Attribute> attributes;  // in declaration order; for PRIMARY KEY includes the key attributes

  /// Index of attribute `name`, or -1.
  int AttributeIndex(std::string_view attr) const;
};

struct EdgePair {
  std::string from;  // vertex type name, or "*" for any
  std::string to;
};

struct EdgeType {
  std::string name;
  bool directed = true;
  std::vector<EdgePair> pairs;
  std::vector<Attribute> attributes;
  std::vector<std::string> discriminator;  // attribute names forming the DISCRIMINATOR, in order
  std::string reverse_edge;                // WITH REVERSE_EDGE="name"; empty if none
  bool is_reverse = false;                 // this type is the generated reverse of another
  bool is_local = false;                   // added to one graph by a local schema change job

  int AttributeIndex(std::string_view attr) const;
  bool AllowsPair(std::string_view from, std::string_view to) const;
};

// ---- Loading jobs ---------------------------------------------------------------------------------------------

/// An expression producing a token in LOAD ... VALUES (...) or a condition operand.
struct TokenExpr {
  enum class Kind { kColumnIndex, kColumnName, kLiteral, kDefault, kFunction } kind = Kind::kDefault;
  int index = -1;               // $N
  std::string text;             // $"name", literal text, or function name
  std::vector<TokenExpr> args;  // function arguments
};

/// A WHERE condition of a LOAD or DELETE statement.
struct Condition {
  enum class Kind { kCompare, kAnd, kOr, kNot, kIsNumeric, kIsEmpty, kIn, kBetween, kTrue } kind = Kind::kTrue;
  std::string op;  // "==", "!=", "<", "<=", ">", ">=" for kCompare
  TokenExpr lhs;
  std::vector<TokenExpr> rhs;       // one for compare, a list for IN, two for BETWEEN
  std::vector<Condition> children;  // operands of AND/OR/NOT
  bool negated = false;             // IS NOT NUMERIC / IS NOT EMPTY / NOT IN
};

struct LoadingOptions {
  char separator = ',';
  bool header = false;
  std::string eol = "\n";
  char quote = '\0';  // '"' for QUOTE="double", '\'' for "single"; '\0' = no quoting
};

/// One `LOAD f TO VERTEX|EDGE ...` target, or a `DELETE VERTEX|EDGE ... FROM f`.
struct LoadStatement {
  enum class Target { kVertex, kEdge, kDeleteVertex, kDeleteEdge } target = Target::kVertex;
  std::string filename_var;
  std::string type_name;
  std::vector<TokenExpr> values;       // LOAD: id first (edges: from, to), then attributes; DELETE: key exprs
  std::optional<TokenExpr> from_type;  // edge `$1 VERTEX` wildcard endpoint type token, when the edge type has "*"
  std::optional<TokenExpr> to_type;
  std::optional<Condition> where;
  LoadingOptions options;
};

struct LoadingJob {
  std::string name;
  std::string graph;
  std::vector<std::string> filename_vars;                // DEFINE FILENAME f;
  std::map<std::string, std::string> filename_defaults;  // DEFINE FILENAME f = "path";
  std::vector<LoadStatement> statements;
  std::string source_text;  // as written, for SHOW JOB
};

struct Graph {
  std::string name;
  std::vector<std::string> vertex_types;
  std::vector<std::string> edge_types;
  std::map<std::string, LoadingJob> loading_jobs;
  int64_t schema_version = 0;  // bumped by every schema change job that touches the graph ("version": {"schema"})
};

/// One field of a user-defined tuple: TYPEDEF TUPLE <name INT(1), s STRING(10), ...> T.
struct TupleField {
  std::string name;
  Kind kind = Kind::kInt;
  int length = 0;  // bytes for INT/UINT (1, 2, 4 or 8; 8 when not given), characters for STRING; 0 when not sized
};

/// A user-defined tuple type (gsql-ref attribute-data-types "User-defined tuples").
struct TupleType {
  std::string name;
  std::vector<TupleField> fields;
};

/// All types and graphs. Vertex and edge types are global, graphs list the ones they use.
struct Catalog {
  std::map<std::string, TupleType> tuples;  // TYPEDEF TUPLE, global
  std::map<std::string, VertexType> vertex_types;
  std::map<std::string, EdgeType> edge_types;
  std::map<std::string, Graph> graphs;

  const VertexType* FindVertex(std::string_view name) const;
  const EdgeType* FindEdge(std::string_view name) const;
  const Graph* FindGraph(std::string_view name) const;
  Graph* FindGraph(std::string_view name);
  bool GraphHasVertex(const Graph& g, std::string_view type) const;
  bool GraphHasEdge(const Graph& g, std::string_view type) const;
};

/// The body of GET /gsql/v1/schema/graphs/{graph} as TigerGraph 4.x emits it (defined in gsql_routes.cc).
nlohmann::json GraphSchemaJson(const Catalog& c, const Graph& g);

}  // namespace icegraph::emulator

// Parsed GSQL statements: the subset of TigerGraph's GSQL the emulator executes.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "emulator/schema.h"

namespace icegraph::emulator {

struct CreateVertexStmt {
  VertexType vertex;
};
struct CreateEdgeStmt {
  EdgeType edge;
};
struct CreateGraphStmt {
  std::string name;
  bool all = false;                // CREATE GRAPH g (*)
  std::vector<std::string> types;  // listed vertex and edge type names
};
struct UseGraphStmt {
  std::string name;
};
struct UseGlobalStmt {};
struct DropStmt {
  enum class What { kVertex, kEdge, kGraph, kJob, kAll } what = What::kVertex;
  std::vector<std::string> names;  // empty for DROP ALL; DROP JOB may name "*"
  bool cascade = false;            // DROP GRAPH g CASCADE
};
/// TYPEDEF TUPLE <field type[(size)], ...> name
struct TypedefTupleStmt {
  TupleType tuple;
};
/// SET session_parameter = value (GSQL session parameters; the emulator acts on exit_on_error).
struct SetStmt {
  std::string name;
  std::string value;
};
struct CreateLoadingJobStmt {
  LoadingJob job;  // job.graph from FOR GRAPH, else empty (current graph)
};
struct RunLoadingJobStmt {
  std::string name;
  std::vector<std::pair<std::string, std::string>> using_files;  // USING f="path", ...
};

/// One action of a schema change job.
struct SchemaChangeAction {
  enum class Kind {
    kAddVertex,
    kAddEdge,
    kDropVertex,
    kDropEdge,
    kAlterAddAttributes,
    kAlterDropAttributes,
    kAddToGraph,    // global jobs: ADD VERTEX|EDGE a, b TO GRAPH g (one action per name)
    kDropFromGraph  // global jobs: DROP VERTEX|EDGE a, b FROM GRAPH g
  } kind = Kind::kAddVertex;
  bool on_edge = false;           // ALTER EDGE rather than ALTER VERTEX; an edge type for ADD/DROP ... GRAPH
  std::string type_name;          // ALTER target, or DROP names (one per action)
  std::string target_graph;       // ADD ... TO GRAPH g / DROP ... FROM GRAPH g
  VertexType vertex;              // ADD VERTEX
  EdgeType edge;                  // ADD [DIRECTED|UNDIRECTED] EDGE
  std::vector<Attribute> add;     // ALTER ... ADD ATTRIBUTE (a INT DEFAULT 1, ...)
  std::vector<std::string> drop;  // ALTER ... DROP ATTRIBUTE (a, b)
};
struct CreateSchemaChangeJobStmt {
  std::string name;
  bool global = false;  // CREATE GLOBAL SCHEMA_CHANGE JOB
  std::string graph;    // FOR GRAPH g (local jobs)
  std::vector<SchemaChangeAction> actions;
  std::string text;  // the CREATE statement as written, for GET /gsql/v1/schema/jobs
};
struct RunSchemaChangeJobStmt {
  std::string name;
};
/// SHOW VERTEX|EDGE|GRAPH|JOB|... and `ls`: listing statements.
struct ShowStmt {
  std::string what;     // "VERTEX", "EDGE", "GRAPH", "JOB", "LS"
  std::string pattern;  // name or "*"
};

using StatementBody = std::variant<CreateVertexStmt, CreateEdgeStmt, CreateGraphStmt, UseGraphStmt, UseGlobalStmt,
                                   DropStmt, CreateLoadingJobStmt, RunLoadingJobStmt, CreateSchemaChangeJobStmt,
                                   RunSchemaChangeJobStmt, ShowStmt, SetStmt, TypedefTupleStmt>;

struct Statement {
  StatementBody body;
  int line = 0;      // 1-based line where the statement starts
  std::string text;  // the statement's source text
};

/// Parses a GSQL command text (one or more statements, newlines or ';' between them, `#` and `//` comments).
/// Errors say the line and what was expected, as GSQL's "Syntax Error" does; unsupported statements
/// (CREATE QUERY, INSTALL QUERY, ...) are refused with a clear error, never ignored.
Result<std::vector<Statement>> ParseGsql(std::string_view text);

}  // namespace icegraph::emulator

// GSQL generated from a mapping plan: the schema DDL (vertex and edge types, the graph), one loading job per mapped
// table, and a check of a live TigerGraph schema against the plan.
//
// Vertex types: CREATE VERTEX T (PRIMARY_ID id STRING, attr TYPE, ...) WITH primary_id_as_attribute="true"
//   (ids are always text: composite ids are joined parts, see transform.h).
// Edge types: CREATE DIRECTED|UNDIRECTED EDGE E (FROM A, TO B, DISCRIMINATOR(d TYPE, ...), attr TYPE, ...);
//   TigerGraph wants discriminator attributes before the others, so they come first.
//
// Loading jobs and the files the sink writes for them
// ---------------------------------------------------
// CREATE LOADING JOB icegraph_<table> FOR GRAPH g {      <table> with every non [A-Za-z0-9_] character as '_'
//   DEFINE FILENAME v_<Type>;  (one per vertex mapping of the table)
//   DEFINE FILENAME e_<Type>;  (one per edge mapping)
//   LOAD v_<Type> TO VERTEX <Type> VALUES ($0, $1, ..., _, ...) USING SEPARATOR=",", HEADER="false";
//   LOAD e_<Type> TO EDGE <Type> VALUES ($0, $1, $2, ...) USING SEPARATOR=",", HEADER="false";
// }
// (a second mapping of the same type in one table gets the variable v_<Type>_2, and so on.)
// Column layout of one line (exactly the order of the VertexBatch / EdgeBatch columns):
//   vertex file: $0 = id, then the table's attributes for that type in mapping order ($1, $2, ...);
//   edge file:   $0 = from id, $1 = to id, then the attributes in mapping order ($2, $3, ...).
// VALUES follows the type's attribute order: $n for attributes this table maps, `_` (keep the stored value) for
// attributes of the type that another table maps, and for LIST/SET/MAP attributes: TigerGraph's loader appends to
// collections across lines instead of replacing them, so the sink writes batches with collections as REST++
// upserts, never through the job.
// The sink posts each file with sep=\x1F and eol=\x1E (src/sink/csv_writer.h), so no field is ever quoted; rows
// whose text holds those bytes, an empty string or a null STRING go through upserts. Field formats: INT, UINT
// decimal digits; FLOAT, DOUBLE shortest round-trip decimal; BOOL true | false; STRING the UTF-8 text; DATETIME
// "YYYY-MM-DD hh:mm:ss" in UTC; null an empty field (TigerGraph keeps the stored value).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mapping/transform.h"

namespace icegraph::mapping {

/// CREATE VERTEX / CREATE EDGE statements for every type of the plan, then CREATE GRAPH, one statement a line.
std::string GenerateSchemaDdl(const MappingPlan& plan);

/// "CREATE VERTEX T (...) WITH primary_id_as_attribute=\"true\"".
std::string VertexTypeDdl(const VertexTypeDef& v);
/// "CREATE DIRECTED EDGE E (FROM A, TO B, ...)".
std::string EdgeTypeDdl(const EdgeTypeDef& e);

/// "icegraph_<table>" with non-identifier characters replaced by '_'.
std::string LoadingJobName(const std::string& table);
/// The filename variables of a table's loading job, vertex mappings first then edge mappings, in config order.
std::vector<std::string> LoadingJobFileVars(const TablePlan& table);

/// Attribute names of live types in their stored order, by type name.
using AttributeOrder = std::map<std::string, std::vector<std::string>>;

/// CREATE LOADING JOB for one table (see the layout above). VALUES follow each type's attribute order in `live`
/// when it has the type (a graph whose types were created or altered outside icegraph: attributes the mapping does
/// not write get `_`), the mapping's order otherwise.
std::string GenerateLoadingJob(const MappingPlan& plan, const TablePlan& table, const AttributeOrder* live = nullptr);

/// Every loading job of the plan, one after the other.
std::string GenerateLoadingJobs(const MappingPlan& plan);
/// Every delete job of the plan.
std::string GenerateDeleteJobs(const MappingPlan& plan);

/// "icegraph_<table>_delete": the job incremental sync deletes keys with (TigerGraph jobs cannot mix LOAD and
/// DELETE). Variables dv_<Type> / de_<Type> as for loading jobs; vertex line = id; edge line = from id, to id, then
/// the discriminator values in DISCRIMINATOR order.
std::string DeleteJobName(const std::string& table);
std::vector<std::string> DeleteJobFileVars(const TablePlan& table);
std::string GenerateDeleteJob(const MappingPlan& plan, const TablePlan& table);

/// One way a live schema differs from the plan.
struct SchemaDifference {
  enum class Kind { kMissingType, kMissingAttribute, kTypeMismatch, kEdgeShapeMismatch, kPrimaryIdMismatch };
  Kind kind = Kind::kMissingType;
  std::string type;       // vertex or edge type
  std::string attribute;  // empty for type-level differences
  std::string message;    // what differs and what to change
};

/// Compares the plan with the JSON of GET /gsql/v1/schema/graphs/{graph} (the whole response or its "results").
/// Extra types and attributes in the live schema are fine; missing ones and type mismatches are listed.
Result<std::vector<SchemaDifference>> CheckSchema(const MappingPlan& plan, std::string_view live_schema_json);

}  // namespace icegraph::mapping

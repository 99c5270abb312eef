// `icegraph schema --apply` on a graph that already exists: the live schema (GET /gsql/v1/schema/graphs/{g}) is
// compared with the mapping's, and what is missing is added the way a TigerGraph admin would add it:
//
//   USE GRAPH g
//   CREATE SCHEMA_CHANGE JOB icegraph_add_g FOR GRAPH g {
//     ADD VERTEX T (PRIMARY_ID id STRING, ...) WITH primary_id_as_attribute="true";   new types become local ones
//     ADD DIRECTED EDGE E (FROM A, TO B, ...);
//     ALTER VERTEX L ADD ATTRIBUTE (a INT, b STRING);                                  attributes of local types
//   }
//   RUN SCHEMA_CHANGE JOB icegraph_add_g
//   DROP JOB icegraph_add_g
//
// Attributes missing from a global type (one made by CREATE VERTEX/EDGE, "IsLocal": false) can only be added by a
// global job, which changes the type in every graph that uses it:
//
//   USE GLOBAL
//   CREATE GLOBAL SCHEMA_CHANGE JOB icegraph_add_g_global { ALTER VERTEX G ADD ATTRIBUTE (...); }
//   RUN GLOBAL SCHEMA_CHANGE JOB icegraph_add_g_global
//   DROP JOB icegraph_add_g_global
//
// A type that exists with another definition (attribute of another type, primary id not STRING, other endpoints,
// other directedness, other discriminator) is never changed: the apply is refused with every such difference.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mapping/gsql_gen.h"
#include "mapping/transform.h"

namespace icegraph::mapping {

/// Missing types and attributes can be added; every other difference needs the type recreated.
bool IsAdditive(const SchemaDifference& d);

struct SchemaChangePlan {
  std::vector<SchemaDifference> additive;      // in CheckSchema order
  std::vector<SchemaDifference> incompatible;  // non-empty: refuse, change nothing
  /// GSQL texts to send one after the other (each starts with USE GRAPH / USE GLOBAL, the endpoint being
  /// stateless); empty when there is nothing to add or when the change is refused.
  std::vector<std::string> statements;
  /// Job names the statements create (dropped first in case an interrupted apply left them behind).
  std::vector<std::string> jobs;
  /// Each statement text joined, as `schema --apply --dry-run` prints it.
  std::string Text() const;
};

/// The local job name ("icegraph_add_<graph>"); the global one appends "_global".
std::string SchemaChangeJobName(const std::string& graph);

/// Compares `plan` with the live schema JSON (the whole response or its "results") and builds the jobs.
Result<SchemaChangePlan> PlanSchemaChange(const MappingPlan& plan, std::string_view live_schema_json);

/// Attribute names of each live vertex and edge type in their stored order (TigerGraph appends added attributes
/// at the end, and loading job VALUES follow the stored order).
Result<AttributeOrder> LiveAttributeOrder(std::string_view live_schema_json);

}  // namespace icegraph::mapping

// Schema change jobs, SHOW/ls listings and GSQL text of types (helpers of the GSQL executor).
#pragma once

#include <string>

#include "emulator/database.h"

namespace icegraph::emulator {

/// Converts each attribute's DEFAULT text to its value; the error names the attribute and type.
Status ResolveDefaultValues(std::vector<Attribute>* attrs);
/// The twin type of a directed edge WITH REVERSE_EDGE: pairs turned around, is_reverse set.
EdgeType MakeReverseEdge(const EdgeType& e);

/// Applies a stored schema change job to catalog and data, all or nothing.
Status RunSchemaChangeJob(Database& db, const std::string& name, std::string* output);

/// Text of SHOW VERTEX|EDGE|GRAPH|JOB and ls.
std::string ShowCatalog(const Database& db, const std::string& graph, const ShowStmt& show);

/// GSQL DDL of a type, e.g. "CREATE VERTEX User(PRIMARY_ID id STRING, name STRING) WITH ...".
std::string VertexDdl(const VertexType& v);
std::string EdgeDdl(const EdgeType& e);

}  // namespace icegraph::emulator

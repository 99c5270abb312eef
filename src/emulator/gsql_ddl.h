// Schema change jobs, SHOW/ls listings and GSQL text of types (helpers of the GSQL executor).
#pragma once

#include <string>

#include "emulator/database.h"

namespace icegraph::emulator {

/// Applies a stored schema change job to catalog and data, all or nothing.
Status RunSchemaChangeJob(Database& db, const std::string& name, std::string* output);

/// Text of SHOW VERTEX|EDGE|GRAPH|JOB and ls.
std::string ShowCatalog(const Database& db, const std::string& graph, const ShowStmt& show);

/// GSQL DDL of a type, e.g. "CREATE VERTEX User(PRIMARY_ID id STRING, name STRING) WITH ...".
std::string VertexDdl(const VertexType& v);
std::string EdgeDdl(const EdgeType& e);

}  // namespace icegraph::emulator

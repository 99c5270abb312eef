// A small interpreter for GSQL queries run with INTERPRET QUERY (POST /gsql/v1/queries/interpret): read-only
// queries of global accumulators, vertex-set seeds, one-hop SELECT ... FROM s-(E:e)->T:t WHERE ... ACCUM ...,
// and PRINT. It covers what TigerGraph's own client runs as interpreted queries (pyTigerGraph getSchemaVer,
// getEdgesByType) and simple user queries; every other statement, clause or accumulator is refused by name.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "emulator/database.h"

namespace icegraph::emulator {

/// Query parameters from the URL: name → values in order (a SET parameter repeats its name; an untyped VERTEX
/// parameter `v` takes its type from `v.type`).
using QueryParams = std::multimap<std::string, std::string>;

struct QueryOutput {       // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  std::string graph;       // the graph of FOR GRAPH
  nlohmann::json results;  // one object per PRINT statement
};

/// Parses and runs `text` ("INTERPRET QUERY (params) FOR GRAPH g [SYNTAX v1|v2] { ... }") against `db` (the
/// caller holds at least the read lock). Errors name the line and the construct.
Result<QueryOutput> InterpretQuery(const Database& db, std::string_view text, const QueryParams& params);

}  // namespace icegraph::emulator

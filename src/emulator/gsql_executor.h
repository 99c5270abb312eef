// Runs parsed GSQL statements against the catalog and data, producing GSQL's text output.
#pragma once

#include <functional>
#include <string>

#include "emulator/database.h"
#include "emulator/gsql_ast.h"

namespace icegraph::emulator {

/// Per-request GSQL session: the graph in use.
struct GsqlSession {
  std::string graph;
  bool exit_on_error = true;  // SET exit_on_error: false runs the statements after a failing one
};

/// Runs a RUN LOADING JOB's file through the loader (set by the emulator, which owns the loader).
using RunJobFn =
    std::function<Status(const std::string& graph, const LoadingJob& job,
                         const std::vector<std::pair<std::string, std::string>>& files, std::string* output)>;

/// The output of a GSQL request and whether it changed the catalog or data (then it is journaled).
struct GsqlOutcome {
  std::string output;
  bool changed = false;
  bool failed = false;
};

/// Executes GSQL text statement by statement, as the GSQL server does: output accumulates, and the first failing
/// statement stops the rest, its error in the output, unless `SET exit_on_error = FALSE` ran before it (then every
/// statement runs and `failed` says whether any failed). A syntax error stops the text before anything runs.
/// The caller holds the database's write lock.
GsqlOutcome RunGsql(Database& db, GsqlSession& session, std::string_view text, const RunJobFn& run_job);

}  // namespace icegraph::emulator

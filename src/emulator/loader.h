// Runs loading jobs over delimited text, as TigerGraph's loader does: per-line validation and statistics.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emulator/database.h"

namespace icegraph::emulator {

/// Per vertex/edge type counters of one load (TigerGraph's statistics object fields).
struct TypeStats {
  int64_t valid_object = 0;
  int64_t no_id_found = 0;
  int64_t invalid_attribute = 0;
  int64_t invalid_primary_id = 0;
  int64_t invalid_secondary_id = 0;
  int64_t incorrect_fixed_binary_length = 0;
  int64_t passed_condition = 0;
  int64_t failed_condition = 0;
  std::vector<int64_t> invalid_attribute_lines;  // first few line numbers, for the response's samples
};

/// Statistics of one loading request for one filename variable.
struct LoadStats {
  std::string filename_var;
  int64_t valid_line = 0;
  int64_t reject_line = 0;
  int64_t failed_condition_line = 0;
  int64_t not_enough_token = 0;
  int64_t invalid_json = 0;
  int64_t oversize_token = 0;
  int64_t lines = 0;
  std::map<std::string, TypeStats> vertex;
  std::map<std::string, TypeStats> edge;
  std::map<std::string, int64_t> delete_vertex;  // type -> vertices deleted
  std::map<std::string, int64_t> delete_edge;    // type -> edges deleted
  std::vector<std::string> messages;             // first few rejection reasons, "line N: why"
};

/// Separator and EOL overrides of the /ddl endpoint (`sep`, `eol`); empty means the job's USING options.
struct LoadOverrides {
  std::string separator;
  std::string eol;
};

/// Loads `data` for filename variable `var` of `job` into the database. The caller holds the write lock.
Result<LoadStats> RunLoad(Database& db, const LoadingJob& job, const std::string& var, std::string_view data,
                          const LoadOverrides& overrides);

/// Checks a loading job against the graph (the GSQL "Semantic Check" of CREATE LOADING JOB).
Status ValidateLoadingJob(const Catalog& catalog, const Graph& graph, const LoadingJob& job);

}  // namespace icegraph::emulator

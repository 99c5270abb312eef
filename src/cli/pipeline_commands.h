// Shared by the pipeline commands' files: sync_command.cc (sync, validate, watch, and the registration of every
// pipeline command), schema_command.cc (schema, check, plan), state_command.cc (status, history, dead-letters).
#pragma once

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/pipeline.h"
#include "mapping/schema_change.h"

namespace icegraph::cli {

constexpr int kExitFailed = 1;
constexpr int kExitConfig = 2;
constexpr int kExitSchemaMismatch = 3;
constexpr int kExitDeadLetters = 4;
constexpr int kExitValidationMismatch = 5;

inline int Fail(const Status& st, int code) {
  std::cerr << "icegraph: " << st.ToString() << "\n";
  return code;
}

// A bad config is a usage error (2); anything else while opening (catalog down, missing table) a failure (1).
inline int FailOpen(const Status& st) {
  return Fail(st, st.code() == StatusCode::kInvalid ? kExitConfig : kExitFailed);
}

Result<std::unique_ptr<engine::Pipeline>> OpenPipeline(const std::string& config_flag);

// Differences between the live schema and the mapping, printed; NotFound when the graph does not exist yet.
Result<std::vector<mapping::SchemaDifference>> LiveDifferences(const engine::Pipeline& p,
                                                               sink::TigerGraphClient& client);
void PrintDifferences(const std::vector<mapping::SchemaDifference>& diffs);

// schema_command.cc
int Schema(const std::string& config, bool apply, bool dry_run);
int Check(const std::string& config);
int Plan(const std::string& config, bool as_json);

// state_command.cc
struct DeadLetterArgs {
  std::string config;
  std::string format = "table";
  std::string output;
  int64_t run_id = 0;
  int64_t limit = 0;
};
int DeadLetters(const DeadLetterArgs& a);
int Status_(const std::string& config, bool as_json);
int History(const std::string& config, int64_t limit, bool as_json);

}  // namespace icegraph::cli

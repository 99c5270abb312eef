// icegraph.yaml: catalog, TigerGraph, state, sink, sync and service settings plus the table → vertex/edge mappings,
// read into each stage's own options (the config stage sits above them all; only the CLI uses it). Loaded with
// yaml-cpp; ${ENV} / ${ENV:-default} interpolated in scalars; unknown keys refused; every error names the file, the
// line and the field path ("icegraph.yaml:14: mappings[0].vertices[1].id: ...").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/pipeline_config.h"
#include "service/service.h"

namespace icegraph::config {

struct Config {
  engine::PipelineConfig pipeline;   // everything but `service:`; pipeline.model.file prefixes every error
  service::ServiceSettings service;  // `service:`, read by `icegraph serve`
};

/// Looks up environment variables; tests inject their own.
using EnvLookup = std::optional<std::string> (*)(const std::string& name);

/// Reads and validates `path`.
Result<Config> LoadConfig(const std::string& path);

/// Parses YAML `text` as if read from `file` (whose directory is `config_dir`); `env` defaults to getenv.
Result<Config> ParseConfig(std::string_view text, const std::string& file, const std::string& config_dir,
                           EnvLookup env = nullptr);

/// Replaces ${NAME} and ${NAME:-default} in `value`; "$${" stays a literal "${". Errors name the variable.
Result<std::string> InterpolateEnv(std::string_view value, EnvLookup env);

}  // namespace icegraph::config

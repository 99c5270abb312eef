// The PostgreSQL state store, opened by StateStore::Open for postgresql:// and postgres:// URLs.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "state/state_store.h"

namespace icegraph::state {

/// Connects to `url` (a libpq URL), migrating the schema forward under an advisory lock.
Result<std::unique_ptr<StateStore>> OpenPostgresStateStore(const std::string& url);

/// `url` with its password (user info or password= parameter) replaced by "***", for messages and logs.
std::string MaskPostgresUrl(const std::string& url);

/// The advisory lock key of a pipeline: FNV-1a 64 of "icegraph:" + pipeline, stable across builds and hosts.
int64_t PipelineLockKey(const std::string& pipeline);

}  // namespace icegraph::state

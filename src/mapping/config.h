// icegraph.yaml: catalog, TigerGraph, state and sink settings plus the table → vertex/edge mappings. Loaded with
// yaml-cpp; ${ENV} / ${ENV:-default} interpolated in scalars; unknown keys refused; every error names the file, the
// line and the field path ("icegraph.yaml:14: mappings[0].vertices[1].id: ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace icegraph::mapping {

/// Where a config value was written: 1-based line and its field path, for error messages.
struct ConfigLoc {
  int line = 0;
  std::string path;  // e.g. "mappings[0].vertices[1].id"
};

struct CatalogConfig {
  std::string type;  // sql | rest | hadoop
  std::string uri;
  std::string warehouse;
  std::string name;
  std::map<std::string, std::string> properties;  // passed through to the Iceberg catalog
};

/// `tigergraph.retry`: how requests survive a flaky TigerGraph (sink/retry.h).
struct RetryConfig {
  int max_attempts = 10;
  int64_t initial_backoff_ms = 250;
  int64_t max_backoff_ms = 8000;
  int64_t request_budget_s = 300;
  int64_t breaker_after_s = 60;
  bool adaptive_concurrency = true;
};

struct TigerGraphConfig {
  std::vector<std::string> urls;
  std::string graph;
  std::string username;
  std::string password;
  std::string secret;
  std::string token;
  bool verify_tls = true;
  std::string ca_bundle;
  int timeout_s = 600;
  int connect_timeout_s = 10;
  int concurrency = 4;
  RetryConfig retry;
};

struct StateConfig {
  std::string url;  // default sqlite:///<config dir>/.icegraph/state.db
};

enum class SinkMode { kAuto, kBulk, kUpsert };

/// What incremental sync does when the checkpoint is not an ancestor of the current snapshot (rollback, expiry).
enum class OnGap { kResync, kFail };

struct SyncConfig {
  OnGap on_gap = OnGap::kResync;
  // Before deleting a key whose row went away, check no other row of the table still maps to it (keys that are not
  // unique in the table); costs a scan of the table per snapshot that deletes. Off when keys are unique.
  bool verify_deletes = true;
  std::string updated_at_column = "updated_at";  // `sync --since`: the column telling when a row last changed
  // `validate: after_sync`: reconcile the graph with the tables after every successful sync (engine/validate.h).
  bool validate_after_sync = false;
};

/// `service:`, read by `icegraph serve`.
struct ServiceConfig {
  std::string token;                      // bearer token; empty: $ICEGRAPH_SERVICE_TOKEN, else none
  bool auth_reads = true;                 // GETs of /api and /metrics need the token too
  std::vector<std::string> cors_origins;  // origins allowed cross-site; none by default
  int64_t sync_wait_s = 30;               // how long the skeleton's sync calls wait before answering 202
  int64_t page_limit_max = 1000;          // largest `limit` of paged endpoints
  int threads = 16;                       // HTTP worker threads
};

struct SinkConfig {
  SinkMode mode = SinkMode::kAuto;
  int64_t bulk_threshold_rows = 2000;
  double chunk_mb = 4;  // target size of one request (a fraction for small requests: 0.25 is 256 KB)
  bool vertex_must_exist = false;
};

/// A vertex id: one column, or several joined with `separator`.
struct IdSpec {
  std::vector<std::string> columns;  // expressions; usually plain column names
  std::string separator = "|";
  ConfigLoc loc;
};

/// One TigerGraph attribute: `name: expr` or `name: {expr: e, type: STRING}` (type forces the GSQL type, e.g.
/// a decimal as STRING or a wide decimal as DOUBLE).
struct AttributeSpec {
  std::string name;
  std::string expr;
  std::optional<std::string> type;  // GSQL spelling, upper case
  ConfigLoc loc;
};

struct VertexSpec {
  std::string type;
  IdSpec id;
  std::vector<AttributeSpec> attributes;          // in file order
  std::map<std::string, std::string> defaults;    // attribute → value when the source is null
  std::map<std::string, ConfigLoc> default_locs;  // attribute → where its default was written
  ConfigLoc loc;
};

struct EndpointSpec {
  std::string type;
  IdSpec id;
  ConfigLoc loc;
};

struct EdgeSpec {
  std::string type;
  EndpointSpec from;
  EndpointSpec to;
  std::vector<AttributeSpec> attributes;
  std::map<std::string, std::string> defaults;
  std::map<std::string, ConfigLoc> default_locs;
  std::vector<std::string> discriminator;
  bool directed = true;
  ConfigLoc loc;
  ConfigLoc discriminator_loc;
};

struct MappingSpec {
  std::string table;  // namespace.table
  std::optional<std::string> where;
  std::vector<VertexSpec> vertices;
  std::vector<EdgeSpec> edges;
  ConfigLoc loc;
  ConfigLoc where_loc;
};

struct Config {
  std::string file;        // as given to LoadConfig / ParseConfig; prefixes every error
  std::string config_dir;  // directory of the file (for the default state URL)
  CatalogConfig catalog;
  TigerGraphConfig tigergraph;
  StateConfig state;
  SinkConfig sink;
  SyncConfig sync;
  ServiceConfig service;
  std::vector<MappingSpec> mappings;
  std::vector<std::pair<std::string, std::string>> aliases;  // alias → type, in file order

  /// "file:line: path: message" for errors found after loading (e.g. against table schemas).
  Status ErrorAt(const ConfigLoc& loc, std::string_view message) const;
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

/// True for [A-Za-z_][A-Za-z0-9_]* that is not a GSQL reserved word (case-insensitive).
bool IsValidGsqlIdentifier(std::string_view name);
/// True when `name` is a GSQL reserved word (case-insensitive).
bool IsGsqlReservedWord(std::string_view name);

}  // namespace icegraph::mapping

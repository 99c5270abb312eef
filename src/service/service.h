// `icegraph serve`: the skeleton's HTTP API (/api/sync/..., /api/graph/{alias}/) on real data, the /api/v1 job and
// status API, Prometheus /metrics, health checks and the dashboard, over cpp-httplib.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/pipeline_config.h"

namespace icegraph::service {

/// The `service:` section of icegraph.yaml.
struct ServiceSettings {
  std::string token;                      // bearer token; empty: $ICEGRAPH_SERVICE_TOKEN, else none
  bool auth_reads = true;                 // GETs of /api and /metrics need the token too
  std::vector<std::string> cors_origins;  // origins allowed cross-site; none by default
  int64_t sync_wait_s = 30;               // how long the skeleton's sync calls wait before answering 202
  int64_t page_limit_max = 1000;          // largest `limit` of paged endpoints
  int threads = 16;                       // HTTP worker threads
};

struct ServiceOptions {
  ServiceSettings settings;
  /// The pipeline as configured at start: the state database, TigerGraph and mappings the reads use.
  engine::PipelineConfig pipeline;
  /// Reads the pipeline's config again, for each sync job, so edits to the config file apply without a restart;
  /// when unset, jobs use `pipeline`.
  std::function<Result<engine::PipelineConfig>()> reload_pipeline;
  std::string host = "127.0.0.1";
  int port = 8000;        // 0 picks a free port
  bool insecure = false;  // allow serving without a token on a non-loopback address
};

/// One route as registered: method and OpenAPI path template (e.g. "/api/v1/syncs/{id}").
struct RouteInfo {
  std::string method;
  std::string path;
};

class ServiceImpl;

class Service {
 public:
  /// Opens the state database and the TigerGraph client and resolves the token; refuses (Invalid) to run open on a
  /// non-loopback host without `insecure`.
  static Result<std::unique_ptr<Service>> Create(const ServiceOptions& options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Binds the port (the chosen one when options.port was 0).
  Status Bind();
  int port() const;
  /// Serves until Stop(); then waits for a running sync job to finish.
  Status Serve();
  void Stop();

  /// Every route the server registers, in registration order (what /openapi.json must describe).
  static std::vector<RouteInfo> Routes();

 private:
  explicit Service(std::unique_ptr<ServiceImpl> impl);
  std::unique_ptr<ServiceImpl> impl_;
};

/// Parses an ISO 8601 date or date-time ("2026-01-20", "2026-01-20T10:00[:00[.123]]", with "Z" or "+02:00"; a
/// space may replace the "T"; no offset means UTC) into UTC "YYYY-MM-DDTHH:MM:SS" (fractions floored).
Result<std::string> ParseIsoTimestamp(const std::string& text);

/// Constant-time comparison (time depends on the lengths only).
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace icegraph::service

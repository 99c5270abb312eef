// `icegraph serve`: the skeleton's HTTP API (/api/sync/..., /api/graph/{alias}/) on real data, the /api/v1 job and
// status API, Prometheus /metrics, health checks and the dashboard, over cpp-httplib.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace icegraph::service {

struct ServiceOptions {
  std::string config_path;
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
  /// Loads the config and the token; refuses (Invalid) to run open on a non-loopback host without `insecure`.
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

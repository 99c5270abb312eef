// The service's implementation, shared by its source files: service.cc (set-up, routing, auth, jobs, operations)
// and service_api.cc (the skeleton endpoints and /api/v1). Not part of the service's interface.
#pragma once

#include <arrow/compute/api.h>
#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/datetime.h"
#include "common/encoding.h"
#include "common/log.h"
#include "common/metrics.h"
#include "engine/full_sync.h"
#include "engine/pipeline.h"
#include "engine/validate.h"
#include "mapping/gsql_gen.h"
#include "service/assets.h"
#include "service/jobs.h"
#include "service/service.h"
#include "sink/graph_pages.h"
#include "sink/tigergraph_client.h"

namespace icegraph::service {

using json = nlohmann::json;

// Who may call a route: anyone, a reader (the token unless auth_reads is off), or a writer (always the token).
enum class Access { kOpen, kRead, kWrite };

inline bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

using encoding::Base64UrlDecode;
using encoding::Base64UrlEncode;

// A cursor is base64url(JSON) so clients treat it as opaque; `kind` ties it to the endpoint that issued it.
inline std::string EncodeCursor(const json& state) { return Base64UrlEncode(state.dump()); }

inline std::optional<json> DecodeCursor(const std::string& text, const std::string& kind) {
  const auto raw = Base64UrlDecode(text);
  if (!raw) return std::nullopt;
  json j = json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("k", "") != kind) return std::nullopt;
  return j;
}

inline int HttpStatusOf(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalid:
    case StatusCode::kTypeError: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kNotImplemented: return 501;
    case StatusCode::kUnavailable:
    case StatusCode::kIOError:
    case StatusCode::kUnauthorized: return 503;  // a peer (catalog, TigerGraph, state) failed us
    default: return 500;
  }
}

inline std::string ErrorCodeOf(int http) {
  switch (http) {
    case 400: return "invalid_argument";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    default: return "internal";
  }
}

inline void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

inline void SendError(httplib::Response& res, int status, const std::string& message, json extra = json::object()) {
  json err = {{"code", ErrorCodeOf(status)}, {"message", message}};
  for (auto& [k, v] : extra.items()) err[k] = v;
  SendJson(res, status, {{"error", err}});
}

// Parses a positive integer query parameter; nullopt and a 400 already sent when invalid.
inline std::optional<int64_t> IntParam(const httplib::Request& req, httplib::Response& res, const std::string& name,
                                       int64_t def, int64_t min, int64_t max) {
  if (!req.has_param(name)) return def;
  const std::string text = req.get_param_value(name);
  int64_t v = 0;
  size_t used = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < min || v > max) {
    SendError(res, 400, fmt::format("{} must be an integer from {} to {}, got '{}'", name, min, max, text));
    return std::nullopt;
  }
  return v;
}

// "/api/v1/syncs/{id}" → "/api/v1/syncs/([^/]+)"; a trailing slash is optional, as Django's APPEND_SLASH allows.
inline std::string RouteRegex(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') {
      i = path.find('}', i);
      out += "([^/]+)";
    } else if (c == '.') {
      out += "\\.";
    } else {
      out += c;
    }
  }
  if (out.size() > 1 && out.back() == '/') out += "?";
  return out;
}

// Shares one computation among concurrent callers without ever answering a caller with state older than its
// request: a caller takes the result of a computation that started after it arrived, and one runs at a time. A
// burst of N status requests then costs two computations, not N.
class Coalescer {
 public:
  Result<json> Get(const std::function<Result<json>()>& compute) {
    std::unique_lock lock(mu_);
    const uint64_t need = started_ + 1;  // any computation started from now on is fresh enough
    while (true) {
      if (finished_ >= need) return last_;
      if (!running_) {
        running_ = true;
        const uint64_t gen = ++started_;
        lock.unlock();
        Result<json> r = Status::Internal("status computation threw");
        try {
          r = compute();
        } catch (...) {
          lock.lock();
          running_ = false;
          cv_.notify_all();
          throw;
        }
        lock.lock();
        last_ = r;
        finished_ = gen;
        running_ = false;
        cv_.notify_all();
        return r;
      }
      cv_.wait(lock);
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t started_ = 0;   // guarded by mu_
  uint64_t finished_ = 0;  // guarded by mu_
  bool running_ = false;   // guarded by mu_
  Result<json> last_ = json(nullptr);
};

/// A run as GET /api/v1/runs lists it.
json RunJson(const state::RunRecord& r);

class ServiceImpl {
 public:
  using Handler = void (ServiceImpl::*)(const httplib::Request&, httplib::Response&);
  struct Route {
    const char* method;
    const char* path;  // OpenAPI path template
    Access access;
    Handler handler;
  };
  static const std::vector<Route>& RouteTable();

  ServiceImpl(ServiceOptions options, std::string token)
      : options_(std::move(options)),
        token_(std::move(token)),
        jobs_([this](const Job& j) { return RunJob(j); },
              [this](const Job& j, const engine::SyncReport* r) { JobDone(j, r); }) {}

  Status Init();
  void Register();

  const ServiceOptions options_;  // the pipeline as configured at start, the `service:` settings
  const engine::PipelineConfig& config() const { return options_.pipeline; }
  const ServiceSettings& settings() const { return options_.settings; }
  const std::string token_;
  httplib::Server http_;
  std::unique_ptr<state::StateStore> store_;        // reads (runs, dead letters, checkpoints); thread-safe
  std::unique_ptr<sink::TigerGraphClient> client_;  // graph reads and readiness; thread-safe
  JobManager jobs_;
  int port_ = 0;
  socket_t listen_fd_ = INVALID_SOCKET;

 private:
  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res);
  bool Authorize(Access access, const httplib::Request& req, httplib::Response& res) const;
  bool CorsAllowed(const std::string& origin) const;
  void Preflight(const httplib::Request& req, httplib::Response& res);

  Result<engine::SyncReport> RunJob(const Job& job);
  void JobDone(const Job& job, const engine::SyncReport* report);
  /// The tables' status (coalesced: see Coalescer); also sets the lag gauges.
  Result<json> TablesJson() {
    return tables_.Get([this] { return ComputeTables(); });
  }
  Result<json> ComputeTables();
  Coalescer tables_;
  Result<std::unique_ptr<engine::Pipeline>> OpenPipeline() const {
    if (!options_.reload_pipeline) return engine::Pipeline::Open(options_.pipeline);
    ICEGRAPH_ASSIGN_OR_RAISE(engine::PipelineConfig config, options_.reload_pipeline());
    return engine::Pipeline::Open(std::move(config));
  }

  // Skeleton endpoints.
  void SyncBatch(const httplib::Request& req, httplib::Response& res);
  void SyncMicro(const httplib::Request& req, httplib::Response& res);
  void SkeletonSync(const std::string& mode, const std::string& since, const char* label, httplib::Response& res);
  void Graph(const httplib::Request& req, httplib::Response& res);
  // /api/v1.
  void PostSync(const httplib::Request& req, httplib::Response& res);
  void GetSync(const httplib::Request& req, httplib::Response& res);
  void Tables(const httplib::Request& req, httplib::Response& res);
  void Runs(const httplib::Request& req, httplib::Response& res);
  void Validate(const httplib::Request& req, httplib::Response& res);
  void DeadLetters(const httplib::Request& req, httplib::Response& res);
  void DeadLetterReasons(const httplib::Request& req, httplib::Response& res);
  void History(const httplib::Request& req, httplib::Response& res);
  /// The last `limit` sync runs (oldest first) with their counts and dead letters by reason, and each table's lag
  /// over the time they cover.
  Result<json> HistoryJson(int64_t limit);
  void Neighbourhood(const httplib::Request& req, httplib::Response& res);
  // Operations.
  void Healthz(const httplib::Request& req, httplib::Response& res);
  void Readyz(const httplib::Request& req, httplib::Response& res);
  void Metrics(const httplib::Request& req, httplib::Response& res);
  void OpenApi(const httplib::Request& req, httplib::Response& res);
  void Index(const httplib::Request& req, httplib::Response& res);
  void Static(const httplib::Request& req, httplib::Response& res);

  void SendConflict(httplib::Response& res, const std::string& job_id) const;
};

}  // namespace icegraph::service

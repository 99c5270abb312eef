#include "service/service.h"

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
#include "mapping/config.h"
#include "mapping/gsql_gen.h"
#include "service/assets.h"
#include "service/jobs.h"
#include "sink/graph_pages.h"
#include "sink/tigergraph_client.h"

namespace icegraph::service {
namespace {

using json = nlohmann::json;

// Who may call a route: anyone, a reader (the token unless auth_reads is off), or a writer (always the token).
enum class Access { kOpen, kRead, kWrite };

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

using encoding::Base64UrlDecode;
using encoding::Base64UrlEncode;

// A cursor is base64url(JSON) so clients treat it as opaque; `kind` ties it to the endpoint that issued it.
std::string EncodeCursor(const json& state) { return Base64UrlEncode(state.dump()); }

std::optional<json> DecodeCursor(const std::string& text, const std::string& kind) {
  const auto raw = Base64UrlDecode(text);
  if (!raw) return std::nullopt;
  json j = json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("k", "") != kind) return std::nullopt;
  return j;
}

int HttpStatusOf(const Status& st) {
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

std::string ErrorCodeOf(int http) {
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

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message, json extra = json::object()) {
  json err = {{"code", ErrorCodeOf(status)}, {"message", message}};
  for (auto& [k, v] : extra.items()) err[k] = v;
  SendJson(res, status, {{"error", err}});
}

// Parses a positive integer query parameter; nullopt and a 400 already sent when invalid.
std::optional<int64_t> IntParam(const httplib::Request& req, httplib::Response& res, const std::string& name,
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
std::string RouteRegex(const std::string& path) {
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

}  // namespace

Result<std::string> ParseIsoTimestamp(const std::string& text) {
  const auto t = datetime::ParseTimestamp(text);
  const int64_t year = t.ok() ? datetime::CivilFromDays(datetime::FloorDiv(t->seconds, 86'400)).year : 0;
  if (!t.ok() || year < 1 || year > 9999) {
    return Status::Invalid(
        fmt::format("last_timestamp '{}' is not an ISO 8601 date or date-time (e.g. 2026-01-20, 2026-01-20T10:00:00, "
                    "2026-01-20T10:00:00Z or 2026-01-20T10:00:00+02:00)",
                    text));
  }
  return datetime::FormatSeconds(t->seconds, 'T');
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  // Every byte of the longer string is looked at whatever matches, so timing reveals only the lengths.
  const size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

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

  ServiceImpl(ServiceOptions options, mapping::Config config, std::string token)
      : options_(std::move(options)),
        config_(std::move(config)),
        token_(std::move(token)),
        jobs_([this](const Job& j) { return RunJob(j); },
              [this](const Job& j, const engine::SyncReport* r) { JobDone(j, r); }) {}

  Status Init();
  void Register();

  ServiceOptions options_;
  const mapping::Config config_;
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
    return engine::Pipeline::Open(options_.config_path);
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
  // Operations.
  void Healthz(const httplib::Request& req, httplib::Response& res);
  void Readyz(const httplib::Request& req, httplib::Response& res);
  void Metrics(const httplib::Request& req, httplib::Response& res);
  void OpenApi(const httplib::Request& req, httplib::Response& res);
  void Index(const httplib::Request& req, httplib::Response& res);
  void Static(const httplib::Request& req, httplib::Response& res);

  void SendConflict(httplib::Response& res, const std::string& job_id) const;
};

const std::vector<ServiceImpl::Route>& ServiceImpl::RouteTable() {
  static const std::vector<Route> routes = {
      {"GET", "/", Access::kOpen, &ServiceImpl::Index},
      {"GET", "/static/{name}", Access::kOpen, &ServiceImpl::Static},
      {"GET", "/openapi.json", Access::kOpen, &ServiceImpl::OpenApi},
      {"GET", "/healthz", Access::kOpen, &ServiceImpl::Healthz},
      {"GET", "/readyz", Access::kOpen, &ServiceImpl::Readyz},
      {"GET", "/metrics", Access::kRead, &ServiceImpl::Metrics},
      // The skeleton's sync calls are GETs but write the graph: they always need the token.
      {"GET", "/api/sync/batch/", Access::kWrite, &ServiceImpl::SyncBatch},
      {"GET", "/api/sync/micro/", Access::kWrite, &ServiceImpl::SyncMicro},
      {"GET", "/api/graph/{alias}/", Access::kRead, &ServiceImpl::Graph},
      {"POST", "/api/v1/syncs", Access::kWrite, &ServiceImpl::PostSync},
      {"GET", "/api/v1/syncs/{id}", Access::kRead, &ServiceImpl::GetSync},
      {"GET", "/api/v1/tables", Access::kRead, &ServiceImpl::Tables},
      {"GET", "/api/v1/runs", Access::kRead, &ServiceImpl::Runs},
      {"POST", "/api/v1/validate", Access::kWrite, &ServiceImpl::Validate},
      {"GET", "/api/v1/dead-letters", Access::kRead, &ServiceImpl::DeadLetters},
  };
  return routes;
}

Status ServiceImpl::Init() {
  ICEGRAPH_ASSIGN_OR_RAISE(store_, engine::OpenStateStore(config_));
  sink::TigerGraphOptions o = engine::TigerGraphOptionsFrom(config_.tigergraph);
  // This client lives as long as the service and answers HTTP callers: it fails fast and never trips for good
  // (a sync job opens its own client, with the configured policy and breaker).
  o.connect_timeout_ms = std::min<int64_t>(o.connect_timeout_ms, 5000);
  o.concurrency = std::max(o.concurrency, 4);
  o.retry.max_attempts = std::min(o.retry.max_attempts, 3);
  o.retry.request_budget_ms = std::min<int64_t>(o.retry.request_budget_ms, 15000);
  o.retry.breaker_after_ms = int64_t{10} * 365 * 24 * 3600 * 1000;  // ten years: never
  ICEGRAPH_ASSIGN_OR_RAISE(client_, sink::TigerGraphClient::Make(std::move(o)));
  return Status::OK();
}

void ServiceImpl::Register() {
  const size_t threads = static_cast<size_t>(std::max(1, config_.service.threads));
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_.set_payload_max_length(size_t{1024} * 1024);
  http_.set_read_timeout(30, 0);
  http_.set_write_timeout(60, 0);
  // Idle keep-alive connections hold a worker: close them soon so many clients share the pool.
  http_.set_keep_alive_timeout(2);
  // Remember the listening socket (this callback runs on it before bind) to raise its backlog in Bind().
  http_.set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  for (const Route& r : RouteTable()) {
    const std::string re = RouteRegex(r.path);
    auto h = [this, &r](const httplib::Request& req, httplib::Response& res) { Dispatch(r, req, res); };
    if (std::string_view(r.method) == "GET") {
      http_.Get(re, h);
    } else {
      http_.Post(re, h);
    }
  }
  http_.Options(".*", [this](const httplib::Request& req, httplib::Response& res) { Preflight(req, res); });
  // Unknown paths (and methods) get the same JSON error shape as everything else.
  http_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string origin = req.get_header_value("Origin");
    if (CorsAllowed(origin)) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
    }
    SendError(res, res.status == 404 ? 404 : res.status,
              res.status == 404 ? fmt::format("no route for {} {}", req.method, req.path) : "request failed");
  });
  http_.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(std::move(ep));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::Error("service.exception", {{"method", req.method}, {"path", req.path}, {"error", what}});
    SendError(res, 500, "internal error: " + what);
  });
}

bool ServiceImpl::CorsAllowed(const std::string& origin) const {
  if (origin.empty()) return false;
  return std::find(config_.service.cors_origins.begin(), config_.service.cors_origins.end(), origin) !=
         config_.service.cors_origins.end();
}

void ServiceImpl::Preflight(const httplib::Request& req, httplib::Response& res) {
  const std::string origin = req.get_header_value("Origin");
  if (!CorsAllowed(origin)) {
    SendError(res, 403, "cross-origin requests from this origin are not allowed");
    return;
  }
  std::string methods;
  for (const Route& r : RouteTable()) {
    if (std::regex_match(req.path, std::regex(RouteRegex(r.path))) && methods.find(r.method) == std::string::npos) {
      methods += std::string(methods.empty() ? "" : ", ") + r.method;
    }
  }
  if (methods.empty()) {
    SendError(res, 404, fmt::format("no route for {}", req.path));
    return;
  }
  res.status = 204;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Allow-Methods", methods + ", OPTIONS");
  res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
  res.set_header("Access-Control-Max-Age", "600");
}

bool ServiceImpl::Authorize(Access access, const httplib::Request& req, httplib::Response& res) const {
  if (access == Access::kOpen || token_.empty()) return true;
  if (access == Access::kRead && !config_.service.auth_reads) return true;
  const std::string header = req.get_header_value("Authorization");
  static constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), header.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"icegraph\"");
    SendError(res, 401, "this endpoint needs an Authorization: Bearer <token> header");
    return false;
  }
  if (!ConstantTimeEquals(header.substr(kBearer.size()), token_)) {
    SendError(res, 403, "the bearer token is not valid");
    return false;
  }
  return true;
}

void ServiceImpl::Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string origin = req.get_header_value("Origin");
  if (CorsAllowed(origin)) {
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
    res.set_header("Access-Control-Expose-Headers", "Link, X-Next-Cursor, Location");
  }
  if (Authorize(route.access, req, res)) (this->*route.handler)(req, res);
  metrics::Std().http_requests.With({route.path, std::to_string(res.status)}).Inc();
  // The Authorization header is never logged.
  log::Debug(
      "service.request",
      {{"method", req.method},
       {"path", req.path},
       {"status", res.status},
       {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()}});
}

// --- jobs -------------------------------------------------------------------------------------------------------

Result<engine::SyncReport> ServiceImpl::RunJob(const Job& job) {
  // Reopened for every job so snapshots committed since the last one (and config edits) are seen.
  ICEGRAPH_ASSIGN_OR_RAISE(auto pipeline, OpenPipeline());
  ICEGRAPH_ASSIGN_OR_RAISE(auto client, pipeline->Connect());
  ICEGRAPH_ASSIGN_OR_RAISE(const json live, client->GetSchema());
  ICEGRAPH_ASSIGN_OR_RAISE(const auto diffs, mapping::CheckSchema(pipeline->plan(), live.dump()));
  if (!diffs.empty()) {
    std::string msg = "the schema of graph " + pipeline->name() +
                      " differs from the mapping (run `icegraph schema --apply` or change the mapping):";
    for (const auto& d : diffs) msg += " " + d.message + ";";
    return Status::Invalid(msg);
  }
  ICEGRAPH_ASSIGN_OR_RAISE(auto store, pipeline->OpenState());
  engine::SyncOptions options;
  options.kind = job.mode;
  options.full = job.mode == "full";
  options.since = job.mode == "since" ? job.since : "";
  return engine::RunSync(*pipeline, *store, options);
}

void ServiceImpl::JobDone(const Job& job, const engine::SyncReport* report) {
  const metrics::Standard& m = metrics::Std();
  if (report != nullptr) {
    for (const engine::TableReport& t : report->tables) {
      m.rows_read.With({t.table}).Inc(static_cast<double>(t.rows_read));
      m.dead_letters.With({t.table}).Inc(static_cast<double>(t.dead_letters));
    }
    for (const auto& [type, t] : report->types) {
      (t.is_edge ? m.edges_upserted : m.vertices_upserted).With({type}).Inc(static_cast<double>(t.accepted));
      (t.is_edge ? m.edges_deleted : m.vertices_deleted).With({type}).Inc(static_cast<double>(t.deleted));
      m.rejected.With({type}).Inc(static_cast<double>(t.rejected));
    }
    m.run_seconds.With({job.mode}).Observe(report->seconds);
  }
  m.runs.With({job.mode, job.status}).Inc();
  // Freshness after the run: the gauges move as soon as the checkpoints did.
  if (auto t = TablesJson(); !t.ok()) log::Warn("service.lag_refresh_failed", {{"error", t.status().ToString()}});
}

void ServiceImpl::SendConflict(httplib::Response& res, const std::string& job_id) const {
  SendError(res, 409, fmt::format("a sync of pipeline {} is already running: job {}", config_.tigergraph.graph, job_id),
            {{"job_id", job_id}});
}

// --- skeleton endpoints ---------------------------------------------------------------------------------------

void ServiceImpl::SkeletonSync(const std::string& mode, const std::string& since, const char* label,
                               httplib::Response& res) {
  auto job = jobs_.Submit(mode, since);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kAlreadyExists) return SendConflict(res, job.status().message());
    return SendError(res, HttpStatusOf(job.status()), job.status().message());
  }
  const auto done = jobs_.Wait(job->id, std::chrono::seconds(config_.service.sync_wait_s));
  const Job& j = done ? *done : *job;
  res.set_header("Location", "/api/v1/syncs/" + j.id);
  if (!j.finished()) {
    return SendJson(res, 202,
                    {{"status", fmt::format("{} sync accepted", label)}, {"job_id", j.id}, {"job", j.ToJson()}});
  }
  if (j.status != "succeeded") {
    return SendError(res, 500, fmt::format("{} sync failed: {}", label, j.error), {{"job", j.ToJson()}});
  }
  SendJson(res, 200,
           {{"status", fmt::format("{} sync completed", label)},
            {"job_id", j.id},
            {"run_id", j.run_id},
            {"counts", j.report ? *j.report : json(nullptr)}});
}

void ServiceImpl::SyncBatch(const httplib::Request&, httplib::Response& res) { SkeletonSync("full", "", "Batch", res); }

void ServiceImpl::SyncMicro(const httplib::Request& req, httplib::Response& res) {
  if (!req.has_param("last_timestamp") || req.get_param_value("last_timestamp").empty()) {
    return SendError(res, 400,
                     "last_timestamp is required: an ISO 8601 date or date-time, e.g. "
                     "/api/sync/micro/?last_timestamp=2026-01-20T10:00:00Z");
  }
  auto since = ParseIsoTimestamp(req.get_param_value("last_timestamp"));
  if (!since.ok()) return SendError(res, 400, since.status().message());
  SkeletonSync("since", *since, "Micro-batch", res);
}

void ServiceImpl::Graph(const httplib::Request& req, httplib::Response& res) {
  const std::string alias = req.matches[1];
  std::string type;
  for (const auto& [a, t] : config_.aliases) {
    if (a == alias) type = t;
  }
  if (type.empty()) {
    std::string known;
    for (const auto& [a, t] : config_.aliases) known += (known.empty() ? "" : ", ") + a;
    return SendError(res, 404, fmt::format("no alias '{}' in the mapping (aliases: {})", alias, known));
  }
  const int64_t max = config_.service.page_limit_max;
  const auto limit = IntParam(req, res, "limit", std::min<int64_t>(max, 1000), 1, max);
  if (!limit) return;
  std::optional<json> cursor;
  if (req.has_param("cursor")) {
    cursor = DecodeCursor(req.get_param_value("cursor"), "graph:" + alias);
    if (!cursor) return SendError(res, 400, "cursor is not one this endpoint issued for alias " + alias);
  }
  // The alias names a vertex type or an edge type of the mapping; an edge type is listed from its source type.
  std::string from_type;
  bool is_edge = false;
  for (const auto& m : config_.mappings) {
    for (const auto& e : m.edges) {
      if (e.type == type) {
        is_edge = true;
        from_type = e.from.type;
      }
    }
  }
  std::optional<json> next;
  json items;
  if (!is_edge) {
    std::optional<std::string> after;
    if (cursor && (*cursor)["a"].is_string()) after = (*cursor)["a"].get<std::string>();
    auto page = sink::ReadVertexPage(*client_, type, after, *limit);
    if (!page.ok())
      return SendError(res, 503, page.status().WithContext("reading " + type + " from TigerGraph").message());
    items = std::move(page->items);
    if (page->next_after) next = json{{"k", "graph:" + alias}, {"a", *page->next_after}};
  } else {
    sink::EdgeCursor c;
    if (cursor) {
      if ((*cursor)["a"].is_string()) c.after = (*cursor)["a"].get<std::string>();
      if ((*cursor)["c"].is_string()) c.current = (*cursor)["c"].get<std::string>();
      if ((*cursor)["s"].is_number_integer()) c.skip = std::max<int64_t>(0, (*cursor)["s"].get<int64_t>());
    }
    auto page = sink::ReadEdgePage(*client_, from_type, type, c, *limit);
    if (!page.ok())
      return SendError(res, 503, page.status().WithContext("reading " + type + " from TigerGraph").message());
    items = std::move(page->items);
    if (page->next) {
      json n = {{"k", "graph:" + alias}};
      if (page->next->after) n["a"] = *page->next->after;
      if (page->next->current) n["c"] = *page->next->current;
      if (page->next->skip > 0) n["s"] = page->next->skip;
      next = n;
    }
  }
  // The body keeps the skeleton's shape (a JSON array); the next page is announced in headers (RFC 8288 Link).
  if (next) {
    const std::string c = EncodeCursor(*next);
    res.set_header("X-Next-Cursor", c);
    res.set_header("Link", fmt::format("</api/graph/{}/?limit={}&cursor={}>; rel=\"next\"", alias, *limit, c));
  }
  SendJson(res, 200, items);
}

// --- /api/v1 --------------------------------------------------------------------------------------------------

void ServiceImpl::PostSync(const httplib::Request& req, httplib::Response& res) {
  json body = json::object();
  if (!req.body.empty()) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return SendError(res, 400, "the body must be a JSON object");
  }
  for (const auto& [k, v] : body.items()) {
    if (k != "mode" && k != "since") return SendError(res, 400, "unknown field '" + k + "' (allowed: mode, since)");
  }
  if (body.contains("mode") && !body["mode"].is_string()) return SendError(res, 400, "mode must be a string");
  const std::string mode = body.value("mode", "incremental");
  if (mode != "full" && mode != "incremental" && mode != "since") {
    return SendError(res, 400, "mode must be full, incremental or since, got '" + mode + "'");
  }
  std::string since;
  if (mode == "since") {
    if (!body.contains("since") || !body["since"].is_string()) {
      return SendError(res, 400, "mode since needs \"since\": an ISO 8601 date or date-time");
    }
    auto s = ParseIsoTimestamp(body["since"].get<std::string>());
    if (!s.ok()) return SendError(res, 400, s.status().message());
    since = *s;
  } else if (body.contains("since")) {
    return SendError(res, 400, "\"since\" is only for mode since");
  }
  auto job = jobs_.Submit(mode, since);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kAlreadyExists) return SendConflict(res, job.status().message());
    return SendError(res, HttpStatusOf(job.status()), job.status().message());
  }
  res.set_header("Location", "/api/v1/syncs/" + job->id);
  SendJson(res, 202, job->ToJson());
}

void ServiceImpl::GetSync(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  const auto job = jobs_.Get(id);
  if (!job) return SendError(res, 404, "no job " + id + " (jobs are kept in memory until the service restarts)");
  SendJson(res, 200, job->ToJson());
}

Result<json> ServiceImpl::ComputeTables() {
  ICEGRAPH_ASSIGN_OR_RAISE(auto p, OpenPipeline());
  ICEGRAPH_ASSIGN_OR_RAISE(const auto runs, store_->ListRuns(50));
  const int64_t now = state::NowMs();
  json out = json::array();
  for (const auto& t : p->tables()) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto cp, store_->GetCheckpoint(p->name(), t.name));
    json j = {{"table", t.name},
              {"current_snapshot_id", t.snapshot_id() ? json(*t.snapshot_id()) : json(nullptr)},
              {"checkpoint_snapshot_id", cp ? json(cp->snapshot_id) : json(nullptr)},
              {"checkpoint_updated_ms", cp ? json(cp->updated_ms) : json(nullptr)},
              {"gap", nullptr}};
    const engine::SnapshotLag lag = engine::LagOf(t, cp, now);
    if (lag.gap) j["gap"] = *lag.gap;
    j["snapshots_behind"] = lag.snapshots;
    j["seconds_behind"] = lag.seconds;
    metrics::Std().lag_snapshots.With({t.name}).Set(static_cast<double>(lag.snapshots));
    metrics::Std().lag_seconds.With({t.name}).Set(static_cast<double>(lag.seconds));
    // The newest run that read this table.
    j["last_run"] = nullptr;
    for (const auto& r : runs) {
      if (!r.counts.contains("tables")) continue;
      for (const auto& tr : r.counts["tables"]) {
        if (tr.value("table", "") != t.name) continue;
        j["last_run"] = {{"run_id", r.id},
                         {"kind", r.kind},
                         {"outcome", r.outcome},
                         {"started_ms", r.started_ms},
                         {"ended_ms", r.ended_ms},
                         {"mode", tr.value("mode", "")},
                         {"rows_read", tr.value("rows_read", int64_t{0})},
                         {"dead_letters", tr.value("dead_letters", int64_t{0})},
                         {"snapshot_id", tr.value("snapshot_id", int64_t{0})}};
        break;
      }
      if (!j["last_run"].is_null()) break;
    }
    out.push_back(j);
  }
  return out;
}

void ServiceImpl::Tables(const httplib::Request&, httplib::Response& res) {
  auto tables = TablesJson();
  if (!tables.ok()) return SendError(res, HttpStatusOf(tables.status()), tables.status().message());
  const auto active = jobs_.Active();
  SendJson(res, 200,
           {{"pipeline", config_.tigergraph.graph},
            {"tables", *tables},
            {"running_job", active ? json(active->ToJson()) : json(nullptr)}});
}

json RunJson(const state::RunRecord& r) {
  return {{"run_id", r.id},
          {"pipeline", r.pipeline},
          {"kind", r.kind},
          {"outcome", r.outcome},
          {"started_ms", r.started_ms},
          {"ended_ms", r.ended_ms == 0 ? json(nullptr) : json(r.ended_ms)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)},
          {"counts", r.counts}};
}

void ServiceImpl::Runs(const httplib::Request& req, httplib::Response& res) {
  const auto limit = IntParam(req, res, "limit", 20, 1, config_.service.page_limit_max);
  if (!limit) return;
  auto runs = store_->ListRuns(*limit);
  if (!runs.ok()) return SendError(res, 503, runs.status().WithContext("reading the state database").message());
  json out = json::array();
  for (const auto& r : *runs) out.push_back(RunJson(r));
  SendJson(res, 200, {{"runs", out}});
}

void ServiceImpl::Validate(const httplib::Request& req, httplib::Response& res) {
  engine::ValidateOptions o;
  if (!req.body.empty()) {
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return SendError(res, 400, "the body must be a JSON object");
    for (const auto& [k, v] : body.items()) {
      if (k == "sample" && v.is_number_integer() && v.get<int64_t>() >= 0) {
        o.sample = v.get<int64_t>();
      } else if (k == "seed" && v.is_number_unsigned()) {
        o.seed = v.get<uint64_t>();
      } else if (k == "record" && v.is_boolean()) {
        o.record = v.get<bool>();
      } else {
        return SendError(res, 400,
                         "invalid field '" + k + "' (allowed: sample: integer >= 0, seed: integer >= 0, record: bool)");
      }
    }
  }
  // The graph moves under a running sync: comparing it with the tables then would report false differences.
  if (const auto active = jobs_.Active()) return SendConflict(res, active->id);
  auto p = OpenPipeline();
  if (!p.ok()) return SendError(res, HttpStatusOf(p.status()), p.status().message());
  auto store = (*p)->OpenState();
  if (!store.ok()) return SendError(res, 503, store.status().message());
  auto client = (*p)->Connect();
  if (!client.ok()) return SendError(res, 503, client.status().message());
  auto report = engine::Validate(**p, **store, **client, o);
  if (!report.ok()) return SendError(res, HttpStatusOf(report.status()), report.status().message());
  SendJson(res, 200, report->ToJson());
}

void ServiceImpl::DeadLetters(const httplib::Request& req, httplib::Response& res) {
  const auto limit = IntParam(req, res, "limit", std::min<int64_t>(100, config_.service.page_limit_max), 1,
                              config_.service.page_limit_max);
  if (!limit) return;
  state::DeadLetterQuery q;
  q.limit = *limit;
  const auto run = IntParam(req, res, "run_id", 0, 0, INT64_MAX);
  if (!run) return;
  if (*run > 0) q.run_id = *run;
  if (req.has_param("table")) q.source_table = req.get_param_value("table");
  if (req.has_param("cursor")) {
    const auto c = DecodeCursor(req.get_param_value("cursor"), "dead-letters");
    if (!c || !(*c)["after"].is_number_integer()) return SendError(res, 400, "cursor is not one this endpoint issued");
    q.after_id = (*c)["after"].get<int64_t>();
  }
  auto page = store_->ListDeadLetters(q);
  if (!page.ok()) return SendError(res, 503, page.status().WithContext("reading the state database").message());
  auto total = store_->CountDeadLetters(q.run_id);
  if (!total.ok()) return SendError(res, 503, total.status().WithContext("reading the state database").message());
  json items = json::array();
  for (const auto& r : *page) items.push_back(r.ToJson());
  // A full page may be followed by more; the next one may then be empty.
  json next = nullptr;
  if (static_cast<int64_t>(page->size()) == *limit)
    next = EncodeCursor({{"k", "dead-letters"}, {"after", page->back().id}});
  SendJson(res, 200, {{"items", items}, {"next_cursor", next}, {"total", *total}});
}

// --- operations -----------------------------------------------------------------------------------------------

void ServiceImpl::Healthz(const httplib::Request&, httplib::Response& res) { SendJson(res, 200, {{"status", "ok"}}); }

void ServiceImpl::Readyz(const httplib::Request&, httplib::Response& res) {
  json checks = json::object();
  bool ok = true;
  auto record = [&](const char* name, const Status& st) {
    checks[name] = st.ok() ? json{{"ok", true}} : json{{"ok", false}, {"error", st.ToString()}};
    ok = ok && st.ok();
  };
  auto runs = store_->ListRuns(1);
  record("state", runs.ok() ? Status::OK() : runs.status());
  auto p = OpenPipeline();
  record("catalog", p.ok() ? Status::OK() : p.status());
  // A quick ping first so a TigerGraph that is down fails fast instead of through the client's retries.
  Status tg = Status::OK();
  for (const std::string& url : config_.tigergraph.urls) {
    httplib::Client c(url);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(5, 0);
    if (!c.Get("/api/ping")) {
      tg = Status::Unavailable("TigerGraph at " + url + " does not answer");
      break;
    }
  }
  if (tg.ok()) {
    auto schema = client_->GetSchema();
    if (!schema.ok()) tg = schema.status();
  }
  record("tigergraph", tg);
  SendJson(res, ok ? 200 : 503, {{"status", ok ? "ready" : "unavailable"}, {"checks", checks}});
}

void ServiceImpl::Metrics(const httplib::Request&, httplib::Response& res) {
  // Lag grows while nobody syncs: recompute it for every scrape (a catalog read per table).
  if (auto t = TablesJson(); !t.ok()) log::Warn("service.lag_refresh_failed", {{"error", t.status().ToString()}});
  res.status = 200;
  res.set_content(metrics::Global().Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void ServiceImpl::OpenApi(const httplib::Request&, httplib::Response& res) {
  const auto doc = EmbeddedFile("openapi.json");
  res.status = 200;
  res.set_content(std::string(doc.value_or("{}")), "application/json");
}

void ServiceImpl::Index(const httplib::Request&, httplib::Response& res) {
  const auto page = EmbeddedFile("index.html");
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
  res.set_content(std::string(page.value_or("")), "text/html; charset=utf-8");
}

void ServiceImpl::Static(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1];
  const char* type = nullptr;
  if (name == "app.js") type = "text/javascript; charset=utf-8";
  if (name == "style.css") type = "text/css; charset=utf-8";
  const auto file = type != nullptr ? EmbeddedFile(name) : std::nullopt;
  if (!file) return SendError(res, 404, "no static file " + name);
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(*file), type);
}

// --- Service --------------------------------------------------------------------------------------------------

Service::Service(std::unique_ptr<ServiceImpl> impl) : impl_(std::move(impl)) {}

Service::~Service() {
  Stop();
  impl_->jobs_.Shutdown();
}

Result<std::unique_ptr<Service>> Service::Create(const ServiceOptions& options) {
  if (const arrow::Status st = arrow::compute::Initialize(); !st.ok()) return Status::Internal(st.ToString());
  ICEGRAPH_ASSIGN_OR_RAISE(mapping::Config config, mapping::LoadConfig(options.config_path));
  std::string token = config.service.token;
  if (token.empty()) {
    if (const char* env = std::getenv("ICEGRAPH_SERVICE_TOKEN")) token = env;
  }
  if (token.empty()) {
    if (!IsLoopback(options.host) && !options.insecure) {
      return Status::Invalid(fmt::format(
          "refusing to serve on {} without a token: set service.token (or $ICEGRAPH_SERVICE_TOKEN), listen on "
          "127.0.0.1, or pass --insecure",
          options.host));
    }
    log::Warn("service.no_token", {{"host", options.host},
                                   {"hint", "every endpoint is open; set service.token or $ICEGRAPH_SERVICE_TOKEN"}});
  }
  auto impl = std::make_unique<ServiceImpl>(options, std::move(config), std::move(token));
  ICEGRAPH_RETURN_NOT_OK(impl->Init());
  impl->Register();
  (void)metrics::Std();  // every family renders from the first scrape on
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Status Service::Bind() {
  httplib::Server& http = impl_->http_;
  const ServiceOptions& o = impl_->options_;
  if (o.port == 0) {
    impl_->port_ = http.bind_to_any_port(o.host);
    if (impl_->port_ < 0) return Status::IOError("cannot bind " + o.host);
  } else {
    if (!http.bind_to_port(o.host, o.port)) {
      return Status::IOError(fmt::format("cannot bind {}:{} (is another server using it?)", o.host, o.port));
    }
    impl_->port_ = o.port;
  }
  // Debian's cpp-httplib is a compiled library that listens with a backlog of 5: a burst of clients overflows it and
  // then waits for SYN retransmits (1 s, 3 s, 7 s, ...) or is reset. Listening again on the bound socket raises it.
  if (impl_->listen_fd_ != INVALID_SOCKET && ::listen(impl_->listen_fd_, SOMAXCONN) != 0) {
    log::Warn("service.backlog_not_raised", {{"errno", errno}});
  }
  log::Info("service.listening", {{"host", o.host},
                                  {"port", impl_->port_},
                                  {"auth", impl_->token_.empty() ? "none" : "bearer"},
                                  {"auth_reads", impl_->config_.service.auth_reads},
                                  {"threads", impl_->config_.service.threads}});
  return Status::OK();
}

int Service::port() const { return impl_->port_; }

Status Service::Serve() {
  const bool ok = impl_->http_.listen_after_bind();
  impl_->jobs_.Shutdown();
  if (!ok) return Status::IOError("the server stopped unexpectedly");
  return Status::OK();
}

void Service::Stop() { impl_->http_.stop(); }

std::vector<RouteInfo> Service::Routes() {
  std::vector<RouteInfo> out;
  for (const auto& r : ServiceImpl::RouteTable()) out.push_back({r.method, r.path});
  return out;
}

}  // namespace icegraph::service

#include "service/service.h"

#include "service/service_internal.h"

namespace icegraph::service {

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
      {"GET", "/api/v1/dead-letters/reasons", Access::kRead, &ServiceImpl::DeadLetterReasons},
      {"GET", "/api/v1/history", Access::kRead, &ServiceImpl::History},
      {"GET", "/api/v1/neighbourhood", Access::kRead, &ServiceImpl::Neighbourhood},
  };
  return routes;
}

Status ServiceImpl::Init() {
  ICEGRAPH_ASSIGN_OR_RAISE(store_, engine::OpenStateStore(config()));
  sink::TigerGraphOptions o = config().tigergraph;
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
  const size_t threads = static_cast<size_t>(std::max(1, settings().threads));
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
  return std::find(settings().cors_origins.begin(), settings().cors_origins.end(), origin) !=
         settings().cors_origins.end();
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
  if (access == Access::kRead && !settings().auth_reads) return true;
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
  SendError(res, 409,
            fmt::format("a sync of pipeline {} is already running: job {}", config().tigergraph.graph, job_id),
            {{"job_id", job_id}});
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
  for (const std::string& url : config().tigergraph.urls) {
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
  if (name == "app.js" || name == "charts.js") type = "text/javascript; charset=utf-8";
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
  std::string token = options.settings.token;
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
  auto impl = std::make_unique<ServiceImpl>(options, std::move(token));
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
                                  {"auth_reads", impl_->settings().auth_reads},
                                  {"threads", impl_->settings().threads}});
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

// The skeleton endpoints (/api/sync/*, /api/graph/*) and /api/v1 of the service.
#include "service/service_internal.h"

namespace icegraph::service {

// --- skeleton endpoints ---------------------------------------------------------------------------------------

void ServiceImpl::SkeletonSync(const std::string& mode, const std::string& since, const char* label,
                               httplib::Response& res) {
  auto job = jobs_.Submit(mode, since);
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kAlreadyExists) return SendConflict(res, job.status().message());
    return SendError(res, HttpStatusOf(job.status()), job.status().message());
  }
  const auto done = jobs_.Wait(job->id, std::chrono::seconds(settings().sync_wait_s));
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
  for (const auto& [a, t] : config().model.aliases) {
    if (a == alias) type = t;
  }
  if (type.empty()) {
    std::string known;
    for (const auto& [a, t] : config().model.aliases) known += (known.empty() ? "" : ", ") + a;
    return SendError(res, 404, fmt::format("no alias '{}' in the mapping (aliases: {})", alias, known));
  }
  const int64_t max = settings().page_limit_max;
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
  for (const auto& m : config().model.mappings) {
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
           {{"pipeline", config().tigergraph.graph},
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
  const auto limit = IntParam(req, res, "limit", 20, 1, settings().page_limit_max);
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

}  // namespace icegraph::service

// The operator's views of the service: dead letters by reason, the run history behind the dashboard's charts
// (GET /api/v1/history) and a vertex's neighbourhood (GET /api/v1/neighbourhood).
#include <set>

#include "common/json_fields.h"
#include "service/lag_history.h"
#include "service/service_internal.h"
#include "sink/graph_reader.h"

namespace icegraph::service {

namespace {

// Source vertices visited at most, per edge type and hop, to find directed edges into a vertex: REST++ lists a
// vertex's outgoing edges only, and icegraph's schemas declare no reverse edges.
constexpr int64_t kSourceScanCap = 1000;

int64_t SumTables(const json& counts, const char* key) {
  int64_t n = 0;
  if (const json* tables = json_fields::Member(counts, "tables"); tables != nullptr && tables->is_array()) {
    for (const auto& t : *tables) {
      if (t.is_object()) n += t.value(key, int64_t{0});
    }
  }
  return n;
}

int64_t SumTypes(const json& counts, const char* kind, const char* key) {
  int64_t n = 0;
  if (const json* types = json_fields::Member(counts, "types"); types != nullptr && types->is_object()) {
    for (const auto& [name, t] : types->items()) {
      if (t.is_object() && (kind == nullptr || t.value("kind", "") == kind)) n += t.value(key, int64_t{0});
    }
  }
  return n;
}

// The optional string filters of the dead-letter endpoints.
void ReadDeadLetterFilters(const httplib::Request& req, state::DeadLetterQuery& q) {
  if (req.has_param("table")) q.source_table = req.get_param_value("table");
  if (req.has_param("reason")) q.reason_code = req.get_param_value("reason");
  if (req.has_param("mapping")) q.mapping = req.get_param_value("mapping");
}

}  // namespace

// --- dead letters ---------------------------------------------------------------------------------------------

void ServiceImpl::DeadLetters(const httplib::Request& req, httplib::Response& res) {
  const auto limit =
      IntParam(req, res, "limit", std::min<int64_t>(100, settings().page_limit_max), 1, settings().page_limit_max);
  if (!limit) return;
  state::DeadLetterQuery q;
  q.limit = *limit;
  const auto run = IntParam(req, res, "run_id", 0, 0, INT64_MAX);
  if (!run) return;
  if (*run > 0) q.run_id = *run;
  ReadDeadLetterFilters(req, q);
  if (req.has_param("cursor")) {
    const auto c = DecodeCursor(req.get_param_value("cursor"), "dead-letters");
    if (!c || !(*c)["after"].is_number_integer()) return SendError(res, 400, "cursor is not one this endpoint issued");
    q.after_id = (*c)["after"].get<int64_t>();
  }
  auto page = store_->ListDeadLetters(q);
  if (!page.ok()) return SendError(res, 503, page.status().WithContext("reading the state database").message());
  // The total of every page under the same filters.
  auto counts = store_->CountDeadLettersByReason(q, false);
  if (!counts.ok()) return SendError(res, 503, counts.status().WithContext("reading the state database").message());
  int64_t total = 0;
  for (const auto& c : *counts) total += c.count;
  json items = json::array();
  for (const auto& r : *page) items.push_back(r.ToJson());
  // A full page may be followed by more; the next one may then be empty.
  json next = nullptr;
  if (static_cast<int64_t>(page->size()) == *limit)
    next = EncodeCursor({{"k", "dead-letters"}, {"after", page->back().id}});
  SendJson(res, 200, {{"items", items}, {"next_cursor", next}, {"total", total}});
}

void ServiceImpl::DeadLetterReasons(const httplib::Request& req, httplib::Response& res) {
  state::DeadLetterQuery q;
  const auto run = IntParam(req, res, "run_id", 0, 0, INT64_MAX);
  if (!run) return;
  if (*run > 0) q.run_id = *run;
  ReadDeadLetterFilters(req, q);
  auto counts = store_->CountDeadLettersByReason(q, false);
  if (!counts.ok()) return SendError(res, 503, counts.status().WithContext("reading the state database").message());
  // Reasons by count (then name); within one, its tables and mappings as the store ordered them.
  std::map<std::string, json> by_reason;
  int64_t total = 0;
  for (const auto& c : *counts) {
    json& r = by_reason[c.reason_code];
    if (r.is_null()) r = {{"reason_code", c.reason_code}, {"count", 0}, {"by_mapping", json::array()}};
    r["count"] = r["count"].get<int64_t>() + c.count;
    r["by_mapping"].push_back({{"source_table", c.source_table}, {"mapping", c.mapping}, {"count", c.count}});
    total += c.count;
  }
  std::vector<json> reasons;
  reasons.reserve(by_reason.size());
  for (auto& [code, r] : by_reason) reasons.push_back(std::move(r));
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const json& a, const json& b) { return a["count"].get<int64_t>() > b["count"].get<int64_t>(); });
  SendJson(res, 200, {{"reasons", reasons}, {"total", total}});
}

// --- history --------------------------------------------------------------------------------------------------

void ServiceImpl::History(const httplib::Request& req, httplib::Response& res) {
  const auto limit = IntParam(req, res, "runs", 20, 1, settings().page_limit_max);
  if (!limit) return;
  auto h = HistoryJson(*limit);
  if (!h.ok()) return SendError(res, HttpStatusOf(h.status()), h.status().message());
  SendJson(res, 200, *h);
}

Result<json> ServiceImpl::HistoryJson(int64_t limit) {
  // Runs before the window too: the newest one that applied a table gives its checkpoint when the window opens.
  ICEGRAPH_ASSIGN_OR_RAISE(auto all, store_->ListRuns(limit + 100));
  std::vector<state::RunRecord> window;
  for (const auto& r : all) {
    if (r.kind != "validate" && static_cast<int64_t>(window.size()) < limit) window.push_back(r);
  }
  std::reverse(window.begin(), window.end());  // oldest first, as charts read
  const int64_t now = state::NowMs();
  const int64_t from_ms = window.empty() ? now : window.front().started_ms;

  state::DeadLetterQuery q;
  q.include_resolved = true;
  q.min_run_id = window.empty() ? 0 : window.front().id;
  ICEGRAPH_ASSIGN_OR_RAISE(const auto letters, store_->CountDeadLettersByReason(q, true));
  json runs = json::array();
  for (const auto& r : window) {
    json j = RunJson(r);
    j.erase("counts");
    j["seconds"] = r.ended_ms == 0 ? json(nullptr) : json(static_cast<double>(r.ended_ms - r.started_ms) / 1000.0);
    j["rows_read"] = SumTables(r.counts, "rows_read");
    j["vertices_upserted"] = SumTypes(r.counts, "vertex", "accepted");
    j["edges_upserted"] = SumTypes(r.counts, "edge", "accepted");
    j["deleted"] = SumTypes(r.counts, nullptr, "deleted");
    json reasons = json::object();
    for (const auto& c : letters) {
      if (c.run_id == r.id) reasons[c.reason_code] = reasons.value(c.reason_code, int64_t{0}) + c.count;
    }
    j["dead_letters_by_reason"] = reasons;
    runs.push_back(j);
  }

  // Lag per table: commits from the catalog, checkpoint moves from the successful runs that read each table.
  ICEGRAPH_ASSIGN_OR_RAISE(auto p, OpenPipeline());
  json lag = json::array();
  for (const auto& t : p->tables()) {
    std::vector<AncestrySnapshot> ancestry;
    for (std::optional<int64_t> id = t.snapshot_id(); id;) {
      const iceberg::Snapshot* s = t.metadata.SnapshotById(*id);
      if (s == nullptr) break;  // expired: older commits are not shown
      ancestry.push_back({s->snapshot_id, s->timestamp_ms});
      id = s->parent_snapshot_id;
    }
    std::reverse(ancestry.begin(), ancestry.end());
    std::vector<AppliedSnapshot> applied;
    for (const auto& r : all) {
      if (r.outcome != "succeeded" || (r.kind != "full" && r.kind != "incremental")) continue;
      const json* tables = json_fields::Member(r.counts, "tables");
      if (tables == nullptr || !tables->is_array()) continue;
      for (const auto& tr : *tables) {
        if (tr.is_object() && tr.value("table", "") == t.name && tr.value("snapshot_id", int64_t{0}) != 0) {
          applied.push_back({r.ended_ms, tr.value("snapshot_id", int64_t{0})});
        }
      }
    }
    json points = json::array();
    for (const LagPoint& pt : LagHistory(ancestry, applied, from_ms, now)) {
      points.push_back({{"t_ms", pt.t_ms},
                        {"snapshots", pt.snapshots ? json(*pt.snapshots) : json(nullptr)},
                        {"seconds", pt.seconds}});
    }
    lag.push_back({{"table", t.name}, {"points", points}});
  }
  return json{{"now_ms", now}, {"from_ms", from_ms}, {"runs", runs}, {"lag", lag}};
}

// --- neighbourhood --------------------------------------------------------------------------------------------

namespace {

json ProducedBy(const mapping::Model& model, const std::string& type, bool is_edge) {
  json out = json::array();
  for (const auto& m : model.mappings) {
    bool found = false;
    if (is_edge) {
      for (const auto& e : m.edges) found = found || e.type == type;
    } else {
      for (const auto& v : m.vertices) found = found || v.type == type;
    }
    if (found) {
      out.push_back({{"mapping", m.table + (is_edge ? "/edge:" : "/vertex:") + type}, {"table", m.table}});
    }
  }
  return out;
}

using VertexKey = std::pair<std::string, std::string>;  // (type, id)

// An edge as REST++ lists it, turned to the mapping's direction (an undirected edge may be listed from its `to`
// end; one between two vertices of a type runs from the smaller id).
Result<json> NormalizeEdge(const mapping::EdgeSpec& spec, const json& e) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::string from_type, json_fields::StringOr(e, "from_type", ""));
  ICEGRAPH_ASSIGN_OR_RAISE(std::string from_id, json_fields::StringOr(e, "from_id", ""));
  ICEGRAPH_ASSIGN_OR_RAISE(std::string to_type, json_fields::StringOr(e, "to_type", ""));
  ICEGRAPH_ASSIGN_OR_RAISE(std::string to_id, json_fields::StringOr(e, "to_id", ""));
  ICEGRAPH_ASSIGN_OR_RAISE(json attributes, json_fields::ObjectOr(e, "attributes"));
  if (!spec.directed && (from_type != spec.from.type || (from_type == to_type && to_id < from_id))) {
    std::swap(from_type, to_type);
    std::swap(from_id, to_id);
  }
  return json{{"e_type", spec.type},     {"directed", spec.directed}, {"from_type", from_type},
              {"from_id", from_id},      {"to_type", to_type},        {"to_id", to_id},
              {"attributes", attributes}};
}

// The edges of the mapped edge types that touch the frontier's vertices, each with its spec, as REST++ lists them.
// A vertex's own list holds its outgoing and undirected edges; directed edges into it are found in the edge lists of
// the source type's first kSourceScanCap vertices, and `incomplete` names the edge types whose walk was cut there.
Result<std::vector<std::pair<const mapping::EdgeSpec*, json>>> EdgesAround(
    sink::TigerGraphClient& client, const std::vector<const mapping::EdgeSpec*>& specs,
    const std::vector<VertexKey>& frontier, std::vector<std::string>& incomplete) {
  sink::GraphReader reader(client);
  const std::set<VertexKey> in_frontier(frontier.begin(), frontier.end());
  std::vector<std::pair<const mapping::EdgeSpec*, json>> found;
  for (const mapping::EdgeSpec* spec : specs) {
    bool into = false;
    for (const auto& [type, id] : frontier) {
      into = into || (spec->directed && type == spec->to.type);
      if (type != spec->from.type && (spec->directed || type != spec->to.type)) continue;
      ICEGRAPH_ASSIGN_OR_RAISE(json listed, reader.EdgesFrom(type, id, spec->type));
      for (auto& e : listed) found.emplace_back(spec, std::move(e));
    }
    if (!into) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(const sink::VertexPage sources,
                             sink::ReadVertexPage(client, spec->from.type, std::nullopt, kSourceScanCap));
    for (const auto& v : sources.items) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string source, json_fields::StringOr(v, "v_id", ""));
      ICEGRAPH_ASSIGN_OR_RAISE(json listed, reader.EdgesFrom(spec->from.type, source, spec->type));
      for (auto& e : listed) {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string to_type, json_fields::StringOr(e, "to_type", ""));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string to_id, json_fields::StringOr(e, "to_id", ""));
        if (in_frontier.count({std::move(to_type), std::move(to_id)}) != 0) found.emplace_back(spec, std::move(e));
      }
    }
    if (sources.next_after) {
      incomplete.push_back(fmt::format("{} edges into the {} vertices: only the first {} {} vertices were read",
                                       spec->type, spec->to.type, kSourceScanCap, spec->from.type));
    }
  }
  return found;
}

}  // namespace

void ServiceImpl::Neighbourhood(const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.has_param("type") ? req.get_param_value("type") : "";
  const std::string id = req.has_param("id") ? req.get_param_value("id") : "";
  if (type.empty() || id.empty()) return SendError(res, 400, "type and id are required, e.g. ?type=User&id=u01");
  const auto hops = IntParam(req, res, "hops", 1, 1, 2);
  if (!hops) return;
  const auto limit = IntParam(req, res, "limit", 50, 1, 500);
  if (!limit) return;
  std::set<std::string> vertex_types;
  std::vector<const mapping::EdgeSpec*> edge_specs;  // one per edge type
  std::set<std::string> edge_types;
  for (const auto& m : config().model.mappings) {
    for (const auto& v : m.vertices) vertex_types.insert(v.type);
    for (const auto& e : m.edges) {
      vertex_types.insert(e.from.type);
      vertex_types.insert(e.to.type);
      if (edge_types.insert(e.type).second) edge_specs.push_back(&e);
    }
  }
  if (vertex_types.count(type) == 0) {
    std::string known;
    for (const auto& t : vertex_types) known += (known.empty() ? "" : ", ") + t;
    return SendError(res, 404, fmt::format("no vertex type '{}' in the mapping (types: {})", type, known));
  }
  sink::GraphReader reader(*client_);
  const auto fail = [&](const Status& st) {
    SendError(res, 503,
              st.WithContext("reading the neighbourhood of " + type + " " + id + " from TigerGraph").message());
  };
  auto center = reader.Vertices(type, {id});
  if (!center.ok()) return fail(center.status());
  if (center->empty()) return SendError(res, 404, fmt::format("TigerGraph holds no {} vertex '{}'", type, id));

  std::map<VertexKey, int64_t> hop_of{{{type, id}, 0}};
  std::map<std::string, json> edges;  // by a key of all its fields: an edge seen from both ends is kept once
  std::vector<std::string> incomplete;
  bool truncated = false;
  std::vector<VertexKey> frontier{{type, id}};
  for (int64_t hop = 1; hop <= *hops && !frontier.empty(); ++hop) {
    auto found = EdgesAround(*client_, edge_specs, frontier, incomplete);
    if (!found.ok()) return fail(found.status());
    std::vector<VertexKey> next;
    for (const auto& [spec, raw] : *found) {
      auto e = NormalizeEdge(*spec, raw);
      if (!e.ok()) return fail(e.status());
      const VertexKey from{(*e)["from_type"], (*e)["from_id"]};
      const VertexKey to{(*e)["to_type"], (*e)["to_id"]};
      for (const VertexKey& end : {from, to}) {
        if (hop_of.count(end) != 0) continue;
        if (static_cast<int64_t>(hop_of.size()) >= *limit) continue;
        hop_of[end] = hop;
        next.push_back(end);
      }
      if (hop_of.count(from) == 0 || hop_of.count(to) == 0) {
        truncated = true;  // its other end would pass the vertex limit
        continue;
      }
      (*e)["produced_by"] = ProducedBy(config().model, spec->type, true);
      const std::string key = e->dump();
      edges.emplace(key, std::move(*e));
    }
    frontier = std::move(next);
  }

  // Attributes: one read per vertex type.
  std::map<std::string, std::vector<std::string>> ids_by_type;
  for (const auto& [k, hop] : hop_of) ids_by_type[k.first].push_back(k.second);
  std::vector<json> vertices;
  for (const auto& [vt, ids] : ids_by_type) {
    auto attrs = reader.Vertices(vt, ids);
    if (!attrs.ok()) return fail(attrs.status());
    for (const auto& vid : ids) {
      json a = json::object();
      if (auto it = attrs->find(vid); it != attrs->end() && it->second.is_object()) a = it->second;
      a.erase("id");  // primary_id_as_attribute repeats the id; v_id holds it
      vertices.push_back({{"v_type", vt},
                          {"v_id", vid},
                          {"hop", hop_of[{vt, vid}]},
                          {"attributes", a},
                          {"produced_by", ProducedBy(config().model, vt, false)}});
    }
  }
  std::sort(vertices.begin(), vertices.end(), [](const json& a, const json& b) {
    return std::make_tuple(a["hop"].get<int64_t>(), a["v_type"].get<std::string>(), a["v_id"].get<std::string>()) <
           std::make_tuple(b["hop"].get<int64_t>(), b["v_type"].get<std::string>(), b["v_id"].get<std::string>());
  });
  json edge_list = json::array();
  for (auto& [key, e] : edges) edge_list.push_back(std::move(e));
  std::sort(edge_list.begin(), edge_list.end(), [](const json& a, const json& b) {
    auto k = [](const json& e) {
      return std::make_tuple(e["e_type"].get<std::string>(), e["from_type"].get<std::string>(),
                             e["from_id"].get<std::string>(), e["to_type"].get<std::string>(),
                             e["to_id"].get<std::string>(), e["attributes"].dump());
    };
    return k(a) < k(b);
  });
  SendJson(res, 200,
           {{"vertex", vertices.front()},
            {"hops", *hops},
            {"limit", *limit},
            {"vertices", vertices},
            {"edges", edge_list},
            {"truncated", truncated},
            {"incomplete", incomplete}});
}

}  // namespace icegraph::service

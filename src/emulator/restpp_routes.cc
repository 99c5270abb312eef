// REST++ routes under /restpp, and replay of journaled requests through the same operations.
#include <fmt/format.h>

#include "common/log.h"
#include "emulator/emulator.h"
#include "emulator/restpp_ops.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

constexpr const char* kVersionText =
    "TigerGraph RESTPP:\n --- Version --- \nTigerGraph version: 4.1.0\n"
    "product release_4.1.0_09-01-2024 icegraph-emulator 2024-09-01 00:00:00 -0000\n"
    "restpp release_4.1.0_09-01-2024 icegraph-emulator 2024-09-01 00:00:00 -0000\n"
    "gpe release_4.1.0_09-01-2024 icegraph-emulator 2024-09-01 00:00:00 -0000\n"
    "gse release_4.1.0_09-01-2024 icegraph-emulator 2024-09-01 00:00:00 -0000\n";

// The raw query string, not httplib's parse: that splits `filter=age>=3` at every '='.
Params ToParams(const httplib::Request& req) {
  const size_t q = req.target.find('?');
  return q == std::string::npos ? Params() : ParseQuery(std::string_view(req.target).substr(q + 1));
}

std::string EncodeParams(const Params& p) {
  json j = json::array();
  for (const auto& [k, v] : p) j.push_back({k, v});
  return j.dump(-1, ' ', false, json::error_handler_t::replace);  // bytes that are not UTF-8 never throw
}

Params DecodeParams(const std::string& text) {
  Params p;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return p;
  for (const json& kv : j) p.emplace(kv[0].get<std::string>(), kv[1].get<std::string>());
  return p;
}

std::vector<std::string> Captures(const httplib::Request& req, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < req.matches.size(); ++i) {
    if (req.matches[i].matched && req.matches[i].length() > 0) {
      out.push_back(httplib::detail::decode_url(req.matches[i].str(), false));
    }
  }
  return out;
}

// Runs a journaled write by its kind; the same path as a live request.
Reply Dispatch(Database& db, const std::string& kind, const std::string& graph, const std::vector<std::string>& path,
               const Params& params, const std::string& body) {
  if (kind == "upsert") return UpsertGraph(db, graph, params, body);
  if (kind == "ddl") return LoadData(db, graph, params, body);
  if (kind == "delete_vertices")
    return DeleteVertices(db, graph, path[0], path.size() > 1 ? &path[1] : nullptr, params);
  if (kind == "delete_edges") return DeleteEdges(db, graph, path, params);
  return ErrorReply(500, "unknown journal record " + kind, "REST-1000");
}

std::string JoinPath(const std::vector<std::string>& path) {
  json j = path;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Status Emulator::Replay(const JournalRecord& rec) {
  if (rec.kind == "gsql") {
    const GsqlReply r = RunGsqlText(rec.graph, rec.body);
    // The record says whether the text failed when it ran; replay must end the same way.
    return r.failed != (rec.method == "failed")
               ? Status::Internal("journaled GSQL ended differently on replay: " + r.output)
               : Status::OK();
  }
  if (rec.kind == "token") {
    const int64_t expires = std::atoll(rec.query.c_str());
    auth_.RestoreToken(rec.path, {rec.method, rec.graph, expires, expires * 1000});
    return Status::OK();
  }
  if (rec.kind == "secret") {
    auth_.RestoreSecret(rec.method, rec.path, rec.query);
    return Status::OK();
  }
  if (rec.kind == "clear_store") {
    const std::unique_lock<std::shared_mutex> lock(db_.mu);
    db_.store.Clear();
    return Status::OK();
  }
  if (rec.kind == "drop_token") {
    (void)auth_.DropToken(rec.path);
    return Status::OK();
  }
  if (rec.kind == "data_source") {
    const std::unique_lock<std::shared_mutex> lock(db_.mu);
    if (rec.method == "set") {
      json entry = json::parse(rec.body, nullptr, false);
      if (!entry.is_object()) return Status::Internal("corrupt journaled data source " + rec.path);
      db_.data_sources[rec.path] = std::move(entry);
    } else {
      db_.data_sources.erase(rec.path);
    }
    return Status::OK();
  }
  if (rec.kind == "drop_secret") {
    (void)auth_.DropSecret(rec.path);  // absent already: the journal holds the drop that succeeded
    return Status::OK();
  }
  const json path = json::parse(rec.path, nullptr, false);
  if (!path.is_array()) return Status::Internal("corrupt journal path");
  const std::unique_lock<std::shared_mutex> lock(db_.mu);
  const Reply r =
      Dispatch(db_, rec.method, rec.graph, path.get<std::vector<std::string>>(), DecodeParams(rec.query), rec.body);
  return r.error ? Status::Internal("journaled request failed on replay: " +
                                    r.body.dump(-1, ' ', false, json::error_handler_t::replace))
                 : Status::OK();
}

void Emulator::RegisterRestpp(httplib::Server& server) {
  const auto reply = [this](httplib::Response& res, const Reply& r) {
    if (r.error) {
      SendError(res, r.status, r.body.value("message", ""), r.body.value("code", code::kGeneric).c_str());
      return;
    }
    json body = Envelope();
    body["results"] = r.body;
    SendJson(res, r.status, body);
  };
  // A write: fault injection, auth, the operation under the write lock, then the journal before the answer.
  const auto write = [this, reply](const httplib::Request& req, httplib::Response& res, const std::string& kind,
                                   const std::vector<std::string>& path, bool can_be_too_large,
                                   const std::string& body) {
    if (!Authorize(req, res, true) || InjectFault(req, res, can_be_too_large)) return;
    const std::string graph = req.matches[1];
    const Params params = ToParams(req);
    Reply r;
    {
      const std::unique_lock<std::shared_mutex> lock(db_.mu);
      r = Dispatch(db_, kind, graph, path, params, body);
      if (r.changed) {
        if (Status st = Record({"http", graph, kind, JoinPath(path), EncodeParams(params), body}); !st.ok()) {
          SendError(res, 500, st.message(), code::kGeneric);
          return;
        }
      }
    }
    reply(res, r);
  };
  const auto read = [this, reply](const httplib::Request& req, httplib::Response& res,
                                  const std::function<Reply(const Database&)>& op) {
    if (!Authorize(req, res, true) || InjectFault(req, res, false)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    reply(res, op(db_));
  };

  // pyTigerGraph's echo() asks GET and POST /restpp/echo/ (trailing slash); REST++ serves both forms.
  const auto echo = [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    SendJson(res, 200, {{"error", false}, {"message", "Hello GSQL"}});
  };
  server.Get("/restpp/echo/?", echo);
  server.Post("/restpp/echo/?", echo);
  // GET /restpp/rebuildnow/{g} (server-docs built-in-endpoints "Rebuild graph engine"; pyTigerGraph rebuildGraph):
  // the emulator keeps no segments to rebuild, so it answers as a finished rebuild at once.
  server.Get(R"(/restpp/rebuildnow/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, false)) return;
    {
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      if (db_.catalog.FindGraph(req.matches[1].str()) == nullptr) {
        SendError(res, 404, "Graph " + req.matches[1].str() + " does not exist.", code::kGeneric);
        return;
      }
    }
    SendJson(
        res, 200,
        {{"error", false}, {"message", "RebuildNow finished, please check details in the folder: /tmp/rebuildnow"}});
  });
  server.Get("/restpp/version", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    SendJson(res, 200, {{"error", false}, {"message", kVersionText}, {"results", json::array()}});
  });
  server.Get("/api/ping", [this](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, {{"error", false}, {"message", "pong"}, {"results", nullptr}});
  });
  // GET /endpoints[/{graph}]: a map of "METHOD /path" to parameter specs, without the envelope (server-docs
  // built-in-endpoints "List all endpoints"); `dynamic=true` lists installed queries (none here), `static=true`
  // the static ones (none), `builtin=true` or no flag the built-ins.
  const auto endpoints = [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const Params p = ToParams(req);
    const bool any_flag = p.count("builtin") || p.count("dynamic") || p.count("static");
    json eps = json::object();
    if (!any_flag || ParamTrue(p, "builtin")) {
      for (const char* e :
           {"GET /echo", "POST /echo", "GET /version", "GET /endpoints/{graph_name}", "POST /graph/{graph_name}",
            "GET /graph/{graph_name}/vertices/{vertex_type}",
            "GET /graph/{graph_name}/vertices/{vertex_type}/{vertex_id}",
            "DELETE /graph/{graph_name}/vertices/{vertex_type}",
            "DELETE /graph/{graph_name}/vertices/{vertex_type}/{vertex_id}",
            "GET /graph/{graph_name}/edges/{source_vertex_type}/{source_vertex_id}",
            "GET /graph/{graph_name}/edges/{source_vertex_type}/{source_vertex_id}/{edge_type}",
            "DELETE /graph/{graph_name}/edges/{source_vertex_type}/{source_vertex_id}",
            "DELETE /graph/{graph_name}/edges/{source_vertex_type}/{source_vertex_id}/{edge_type}",
            "POST /builtins/{graph_name}", "POST /ddl/{graph_name}", "POST /requesttoken", "GET /requesttoken"}) {
        eps[e] = json::object();
      }
    }
    SendJson(res, 200, eps);
  };
  server.Get("/restpp/endpoints/?", endpoints);
  server.Get(R"(/restpp/endpoints/([^/]+)/?)", endpoints);

  // 3.x token endpoint: secret (query or JSON body) or Basic credentials.
  const auto request_token = [this](const httplib::Request& req, httplib::Response& res, const std::string& raw) {
    json body = raw.empty() ? json::object() : json::parse(raw, nullptr, false);
    if (body.is_discarded()) body = json::object();
    std::string secret = req.has_param("secret") ? req.get_param_value("secret") : body.value("secret", "");
    std::string user;
    if (!secret.empty()) {
      const auto u = auth_.UserOfSecret(secret);
      if (!u && auth_.enabled()) {
        SendError(res, 401, "Access Denied because the input secret is invalid.", code::kAuthFailed);
        return;
      }
      user = u.value_or(options_.username);
    } else if (!Authorize(req, res, true, &user)) {
      return;
    }
    std::string lifetime = req.has_param("lifetime") ? req.get_param_value("lifetime") : "";
    if (lifetime.empty() && body.contains("lifetime")) {
      lifetime = body["lifetime"].is_string() ? body["lifetime"].get<std::string>() : body["lifetime"].dump();
    }
    std::string token;
    const TokenInfo info = auth_.IssueToken(user, body.value("graph", ""), std::atoll(lifetime.c_str()), &token);
    (void)Record({"token", info.graph, user, token, std::to_string(info.expires_at), ""});
    json out = {{"code", code::kOk},
                {"error", false},
                {"message", "Generate new token successfully."},
                {"token", token},
                {"expiration", info.expires_at}};
    out["results"] = {{"token", token}};
    SendJson(res, 200, out);
  };
  server.Get("/restpp/requesttoken",
             [request_token](const httplib::Request& q, httplib::Response& s) { request_token(q, s, q.body); });
  PostRaw(server, "/restpp/requesttoken", request_token);

  PostRaw(server, R"(/restpp/graph/([^/]+))",
          [write](const httplib::Request& q, httplib::Response& s, const std::string& b) {
            write(q, s, "upsert", {}, true, b);
          });
  PostRaw(server, R"(/restpp/ddl/([^/]+))",
          [write](const httplib::Request& q, httplib::Response& s, const std::string& b) {
            write(q, s, "ddl", {}, true, b);
          });
  server.Delete(R"(/restpp/graph/([^/]+)/vertices/([^/]+)(?:/([^/]+))?)",
                [write](const httplib::Request& q, httplib::Response& s) {
                  write(q, s, "delete_vertices", Captures(q, 2), false, q.body);
                });
  server.Delete(R"(/restpp/graph/([^/]+)/edges/([^/]+)/([^/]+)(?:/([^/]+))?(?:/([^/]+))?(?:/([^/]+))?)",
                [write](const httplib::Request& q, httplib::Response& s) {
                  write(q, s, "delete_edges", Captures(q, 2), false, q.body);
                });
  server.Get(R"(/restpp/graph/([^/]+)/vertices/([^/]+)(?:/([^/]+))?)",
             [read](const httplib::Request& q, httplib::Response& s) {
               const std::vector<std::string> path = Captures(q, 2);
               read(q, s, [&](const Database& db) {
                 return GetVertices(db, q.matches[1], path[0], path.size() > 1 ? &path[1] : nullptr, ToParams(q));
               });
             });
  server.Get(R"(/restpp/graph/([^/]+)/edges/([^/]+)/([^/]+)(?:/([^/]+))?(?:/([^/]+))?(?:/([^/]+))?)",
             [read](const httplib::Request& q, httplib::Response& s) {
               const std::vector<std::string> path = Captures(q, 2);
               read(q, s, [&](const Database& db) { return GetEdges(db, q.matches[1], path, ToParams(q)); });
             });
  PostRaw(server, R"(/restpp/builtins/([^/]+))",
          [read](const httplib::Request& q, httplib::Response& s, const std::string& b) {
            read(q, s, [&](const Database& db) { return Builtins(db, q.matches[1], b); });
          });
}

}  // namespace icegraph::emulator
